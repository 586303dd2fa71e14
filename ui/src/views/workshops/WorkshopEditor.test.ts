// The workshop editor against a mocked backend (mockIPC): what it sends, and where the core's
// refusals are shown.
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Workshop } from '../../lib/ipc';
import { aWorkshop } from '../../test-fixtures';
import WorkshopEditor from './WorkshopEditor.svelte';

afterEach(() => clearMocks());

function editorProps(workshop: Workshop | null = null) {
  return {
    workshop,
    date: '2027-03-16',
    localZone: 'Europe/Berlin',
    zones: ['Europe/Berlin', 'Asia/Kolkata'],
    onsaved: vi.fn(),
    onchanged: vi.fn(),
    oncancel: vi.fn(),
    onduplicate: vi.fn(),
    oncancelworkshop: vi.fn(),
    ondelete: vi.fn(),
    onexport: vi.fn(),
    oninvite: vi.fn(),
    onguests: vi.fn(),
  };
}

function renderEditor() {
  const props = editorProps();
  render(WorkshopEditor, { props });
  return props;
}

describe('WorkshopEditor', () => {
  it('sends two sessions and a biweekly series in the chosen zone', async () => {
    let sent: Record<string, unknown> | undefined;
    mockIPC((cmd, args) => {
      if (cmd === 'create_workshop') {
        sent = (args as { input: Record<string, unknown> }).input;
        return { ...sent, id: 'wks_NEW', sessions: [], exceptions: [], facilitators: [] };
      }
    });
    const props = renderEditor();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/Title/), 'Study group');
    await user.click(screen.getByTestId('add-session'));
    const end = screen.getByLabelText('Session 2 end') as HTMLInputElement;
    await user.clear(end);
    await user.type(end, '21:00');
    await user.selectOptions(screen.getByLabelText('Repeats'), 'weekly');
    const every = screen.getByLabelText('Every');
    await user.clear(every);
    await user.type(every, '2');
    await user.click(screen.getByTestId('save-workshop'));

    await vi.waitFor(() => expect(props.onsaved).toHaveBeenCalled());
    expect(sent).toMatchObject({
      title: 'Study group',
      timeZone: 'Europe/Berlin',
      sessions: [
        { id: null, start: '2027-03-16T18:30', end: '2027-03-16T20:00' },
        { id: null, start: '2027-03-16T20:00', end: '2027-03-16T21:00' },
      ],
      series: { frequency: 'weekly', interval: 2, until: null, count: null },
    });
  });

  it('shows the core’s refusal beside its field and keeps the form', async () => {
    mockIPC((cmd) => {
      if (cmd === 'create_workshop') {
        throw { kind: 'validation', field: 'timeZone', message: '“Mars/Base” is not a time zone.' };
      }
    });
    const props = renderEditor();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/Title/), 'Kata');
    const zone = screen.getByLabelText('Time zone') as HTMLInputElement;
    await user.clear(zone);
    await user.type(zone, 'Mars/Base');
    await user.click(screen.getByTestId('save-workshop'));
    expect(await screen.findByText('“Mars/Base” is not a time zone.')).toBeTruthy();
    expect(zone.getAttribute('aria-invalid')).toBe('true');
    expect(props.onsaved).not.toHaveBeenCalled();
    expect((screen.getByLabelText(/Title/) as HTMLInputElement).value).toBe('Kata');
  });

  it('asks nothing of the backend without a title', async () => {
    const invoked = vi.fn();
    mockIPC(invoked);
    renderEditor();
    await userEvent.setup().click(screen.getByTestId('save-workshop'));
    expect(await screen.findByText('A title is required.')).toBeTruthy();
    expect(invoked).not.toHaveBeenCalled();
  });

  it('follows the workshop when it changes elsewhere, unless something is typed', async () => {
    mockIPC(() => undefined);
    const planned = aWorkshop();
    const props = editorProps(planned);
    const { rerender } = render(WorkshopEditor, { props });
    const title = () => screen.getByLabelText(/Title/) as HTMLInputElement;
    expect(title().value).toBe('Study group');

    await rerender({ workshop: { ...planned, title: 'Rust study group', updatedAt: 'b' } });
    expect(title().value).toBe('Rust study group');
    expect(screen.queryByTestId('workshop-changed-elsewhere')).toBeNull();

    const user = userEvent.setup();
    await user.clear(title());
    await user.type(title(), 'Typed here');
    await rerender({ workshop: { ...planned, title: 'Renamed there', updatedAt: 'c' } });
    expect(title().value).toBe('Typed here');
    expect(screen.getByTestId('workshop-changed-elsewhere')).toBeTruthy();
  });
});
