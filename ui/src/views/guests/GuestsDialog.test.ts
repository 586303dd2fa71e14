// The guest list against a mocked backend (mockIPC): counts that filter without asking the
// backend again, a window of rows out of thousands, answers set by hand, held replies
// confirmed, and files dropped onto it sent as their bytes.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Guest, GuestList } from '../../lib/ipc';
import { deliver } from '../../lib/live';
import { aGuest, aWorkshop } from '../../test-fixtures';
import GuestsDialog from './GuestsDialog.svelte';

afterEach(() => clearMocks());

function aList(guests: Guest[], capacity: number | null = null): GuestList {
  const n = (r: Guest['rsvp']) => guests.filter((g) => g.rsvp === r).length;
  return {
    workshopId: 'wks_1',
    title: 'Study group',
    date: null,
    capacity,
    counts: {
      going: n('accepted'),
      maybe: n('tentative'),
      declined: n('declined'),
      noAnswer: n('needsAction'),
      waitlisted: n('waitlisted'),
    },
    guests,
  };
}

function backend(list: () => GuestList, more: Record<string, (args: unknown) => unknown> = {}) {
  const calls: { cmd: string; args: unknown }[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args });
    if (cmd in more) return more[cmd](args);
    if (cmd === 'guest_list') return list();
    if (cmd === 'held_replies') return [];
  });
  return calls;
}

const three = [
  aGuest({
    invitationId: 'i1',
    memberId: 'm1',
    name: 'Ada Lovelace',
    rsvp: 'accepted',
    source: 'calendar',
    respondedAt: '2027-03-01T10:00:00Z',
    comment: '<b>see you</b>',
  }),
  aGuest({
    invitationId: 'i2',
    memberId: 'm2',
    name: 'Grace Hopper',
    email: 'grace@example.org',
    bounced: true,
  }),
  aGuest({
    invitationId: 'i3',
    memberId: 'm3',
    name: 'Linus Torvalds',
    email: 'linus@example.org',
    rsvp: 'waitlisted',
  }),
];

describe('GuestsDialog', () => {
  it('counts, and filters by a count without asking the backend again', async () => {
    const calls = backend(() => aList(three, 1));
    render(GuestsDialog, { props: { workshop: aWorkshop(), onclose: vi.fn() } });
    const counts = await screen.findByTestId('guest-counts');
    expect(counts.textContent).toContain('1 going of 1 place');
    expect(counts.textContent).toContain('1 no answer');
    expect(counts.textContent).toContain('1 waiting');
    await vi.waitFor(() => expect(screen.getAllByTestId('guest-row')).toHaveLength(3));
    const ada = screen.getAllByTestId('guest-row')[0];
    expect(within(ada).getByTestId('guest-answer').textContent).toBe('going');
    expect(within(ada).getByTestId('guest-came').textContent).toContain('by calendar reply');
    // What she wrote is text, never markup.
    expect(within(ada).getByTestId('guest-comment').textContent).toBe('“<b>see you</b>”');
    expect(ada.querySelector('b')).toBeNull();
    expect(screen.getAllByTestId('guest-bounced')).toHaveLength(1);
    expect(screen.getAllByTestId('guest-promote')).toHaveLength(1);

    const asked = calls.filter((c) => c.cmd === 'guest_list').length;
    const user = userEvent.setup();
    await user.click(screen.getByTestId('count-needsAction'));
    expect(screen.getAllByTestId('guest-name').map((e) => e.textContent)).toEqual(['Grace Hopper']);
    expect(screen.getByTestId('count-needsAction').getAttribute('aria-pressed')).toBe('true');
    await user.click(screen.getByTestId('count-needsAction'));
    expect(screen.getAllByTestId('guest-row')).toHaveLength(3);
    await user.type(screen.getByTestId('guest-search'), 'linus');
    expect(screen.getAllByTestId('guest-name').map((e) => e.textContent)).toEqual([
      'Linus Torvalds',
    ]);
    expect(calls.filter((c) => c.cmd === 'guest_list').length).toBe(asked);
  });

  it('draws only a window of 5,000 guests', async () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      aGuest({ invitationId: `i${i}`, memberId: `m${i}`, name: `Person ${i}` }),
    );
    backend(() => aList(many));
    render(GuestsDialog, { props: { workshop: aWorkshop(), onclose: vi.fn() } });
    await screen.findByTestId('guest-rows');
    const rows = screen.getAllByTestId('guest-row');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(40);
    expect(screen.getByTestId('count-all').textContent).toContain('5,000');
  });

  it('sets an answer by hand and reloads', async () => {
    let guests = three;
    const calls = backend(() => aList(guests), {
      set_guest_answer: (args) => {
        const { invitationId, answer } = args as { invitationId: string; answer: Guest['rsvp'] };
        guests = guests.map((g) =>
          g.invitationId === invitationId ? { ...g, rsvp: answer, source: 'manual' } : g,
        );
        return null;
      },
    });
    render(GuestsDialog, { props: { workshop: aWorkshop(), onclose: vi.fn() } });
    await vi.waitFor(() => expect(screen.getAllByTestId('guest-row')).toHaveLength(3));
    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText('Set Grace Hopper’s answer'), 'tentative');
    expect(calls.find((c) => c.cmd === 'set_guest_answer')?.args).toEqual({
      invitationId: 'i2',
      answer: 'tentative',
      date: null,
    });
    await vi.waitFor(() =>
      expect(screen.getAllByTestId('guest-answer')[1].textContent).toBe('maybe'),
    );
    expect(screen.getAllByTestId('guest-came')[1].textContent).toBe('by you');
  });

  it('shows held replies and confirms one', async () => {
    let held = [
      {
        id: 'rpl_1',
        receivedAt: '2027-03-01T10:00:00Z',
        sender: 'mallory@evil.example',
        detail:
          "Ada Lovelace: can't come (Study group), sent by “mallory@evil.example”, not by them",
      },
    ];
    const calls = backend(() => aList(three), {
      held_replies: () => held,
      confirm_reply: () => {
        held = [];
        return { id: 'rpl_1', outcome: 'applied', detail: "can't come (confirmed by you)" };
      },
    });
    render(GuestsDialog, { props: { workshop: aWorkshop(), onclose: vi.fn() } });
    const notice = await screen.findByTestId('held-replies');
    expect(notice.textContent).toContain('sent by “mallory@evil.example”, not by them');
    await userEvent.setup().click(within(notice).getByTestId('confirm-reply'));
    expect(calls.find((c) => c.cmd === 'confirm_reply')?.args).toEqual({ replyId: 'rpl_1' });
    await vi.waitFor(() => expect(screen.queryByTestId('held-replies')).toBeNull());
  });

  it('reads dropped files and sends their bytes; other files are not read', async () => {
    const calls = backend(() => aList(three), {
      import_dropped_replies: () => [
        {
          name: 'reply.eml',
          report: { id: 'rpl_9', outcome: 'applied', detail: 'Grace Hopper: going (Study group)' },
          problem: null,
        },
      ],
    });
    render(GuestsDialog, { props: { workshop: aWorkshop(), onclose: vi.fn() } });
    const zone = await screen.findByTestId('guest-list');
    const files = [new File(['BEGIN'], 'reply.eml'), new File(['x'], 'photo.png')];
    const dataTransfer = { types: ['Files'], files, dropEffect: 'none' };
    await fireEvent.dragEnter(zone, { dataTransfer });
    await fireEvent.dragOver(zone, { dataTransfer });
    expect(screen.getByTestId('drop-overlay').textContent).toContain('Drop replies here');
    await fireEvent.drop(zone, { dataTransfer });
    expect(screen.queryByTestId('drop-overlay')).toBeNull();
    const results = await screen.findByTestId('drop-results');
    expect(calls.find((c) => c.cmd === 'import_dropped_replies')?.args).toEqual({
      files: [{ name: 'reply.eml', bytes: [66, 69, 71, 73, 78] }],
    });
    expect(results.textContent).toContain('Grace Hopper: going');
    expect(results.textContent).toContain('photo.png');
    expect(results.textContent).toContain('not read');
  });

  it('follows answers that arrive elsewhere (the inbox, the CLI), and stops when closed', async () => {
    let guests = three;
    const calls = backend(() => aList(guests));
    const view = render(GuestsDialog, { props: { workshop: aWorkshop(), onclose: vi.fn() } });
    await vi.waitFor(() => expect(screen.getAllByTestId('guest-row')).toHaveLength(3));
    guests = three.map((g) => (g.invitationId === 'i2' ? { ...g, rsvp: 'tentative' } : g));
    deliver({ kind: 'dataChanged', domains: ['invitations'] });
    await vi.waitFor(() =>
      expect(screen.getAllByTestId('guest-answer')[1].textContent).toBe('maybe'),
    );
    const asked = calls.filter((c) => c.cmd === 'guest_list').length;
    deliver({ kind: 'dataChanged', domains: ['outbox'] });
    view.unmount();
    deliver({ kind: 'dataChanged', domains: ['invitations'] });
    await new Promise((r) => setTimeout(r, 20));
    expect(calls.filter((c) => c.cmd === 'guest_list').length).toBe(asked);
  });

  it('says what to do when nobody is invited', async () => {
    backend(() => aList([]));
    render(GuestsDialog, { props: { workshop: aWorkshop(), onclose: vi.fn() } });
    expect((await screen.findByTestId('guests-empty')).textContent).toContain('Add a person');
  });
});
