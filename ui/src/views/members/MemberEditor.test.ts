// The editor against a mocked backend (mockIPC): what the organizer sees when the core says no.
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { aMember } from '../../test-fixtures';
import MemberEditor from './MemberEditor.svelte';

afterEach(() => clearMocks());

function renderEditor() {
  const props = {
    member: null,
    onsaved: vi.fn(),
    oncancel: vi.fn(),
    onarchive: vi.fn(),
    onrestore: vi.fn(),
    ondelete: vi.fn(),
    onopen: vi.fn(),
    onmerge: vi.fn(),
  };
  render(MemberEditor, { props });
  return props;
}

describe('MemberEditor', () => {
  it('says that the address bounced, with the reason as text, until it is changed', async () => {
    mockIPC(() => undefined);
    const member = aMember({
      email: 'ada@example.org',
      emailBouncedAt: '2027-03-02T10:00:00Z',
      emailBounceReason: '<b>550 5.1.1</b> no such user',
    });
    render(MemberEditor, {
      props: {
        member,
        onsaved: vi.fn(),
        oncancel: vi.fn(),
        onarchive: vi.fn(),
        onrestore: vi.fn(),
        ondelete: vi.fn(),
        onopen: vi.fn(),
        onmerge: vi.fn(),
      },
    });
    const note = screen.getByTestId('member-bounced');
    expect(note.textContent).toContain('bounced on 2027-03-02 (<b>550 5.1.1</b> no such user)');
    expect(note.querySelector('b')).toBeNull();
    const user = userEvent.setup();
    const email = screen.getByLabelText('Email');
    await user.clear(email);
    await user.type(email, 'ada@example.net');
    expect(screen.queryByTestId('member-bounced')).toBeNull();
  });

  it('shows a duplicate email next to the email field and offers the existing member', async () => {
    const calls: unknown[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === 'create_member') {
        throw {
          kind: 'duplicateEmail',
          message: 'ada@example.org is already used by Ada Lovelace',
          existingId: 'mem_ADA',
          existingName: 'Ada Lovelace',
        };
      }
    });
    const props = renderEditor();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/Name/), 'Someone Else');
    await user.type(screen.getByLabelText('Email'), 'ADA@example.org');
    await user.click(screen.getByRole('button', { name: 'Add member' }));

    const email = screen.getByLabelText('Email');
    const error = await screen.findByText(/already used by Ada Lovelace/);
    expect(error.id).toBe('member-email-error');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(email.getAttribute('aria-describedby')).toContain('member-email-error');
    expect(props.onsaved).not.toHaveBeenCalled();
    expect(calls).toHaveLength(1);

    await user.click(screen.getByRole('button', { name: 'Open Ada Lovelace' }));
    expect(props.onopen).toHaveBeenCalledWith('mem_ADA');
  });

  it('does not call the backend when the name is missing', async () => {
    const invoked = vi.fn();
    mockIPC(invoked);
    renderEditor();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Add member' }));
    expect(await screen.findByText('A name is required.')).toBeTruthy();
    expect(invoked).not.toHaveBeenCalled();
  });

  it('sends the typed fields and reports the saved member', async () => {
    let sent: Record<string, unknown> | undefined;
    mockIPC((cmd, args) => {
      if (cmd === 'create_member') {
        sent = (args as { input: Record<string, unknown> }).input;
        return { ...sent, id: 'mem_NEW' };
      }
    });
    const props = renderEditor();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/Name/), '<img src=x onerror=alert(1)>');
    await user.type(screen.getByLabelText('Tags'), 'rust, Design');
    await user.click(screen.getByLabelText('Expert'));
    await user.click(screen.getByLabelText('Volunteer'));
    await user.click(screen.getByRole('button', { name: 'Add member' }));

    await vi.waitFor(() => expect(props.onsaved).toHaveBeenCalled());
    expect(sent).toMatchObject({
      name: '<img src=x onerror=alert(1)>',
      tags: ['rust', 'Design'],
      practiceLevel: 'expert',
    });
    expect([...(sent?.roles as string[])].sort()).toEqual(['member', 'volunteer']);
    expect(props.onsaved.mock.calls[0][1]).toBe(true);
  });
});
