// The directory's data flow against a mocked backend: one request per query, debounced typing,
// and the first-run empty state.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Toast from '../../lib/components/Toast.svelte';
import { deliver } from '../../lib/live';
import { aMember } from '../../test-fixtures';
import MembersView from './MembersView.svelte';

type Query = { text: string; includeArchived: boolean };

let queries: Query[];

function backend(members: { id: string; name: string }[]) {
  mockIPC((cmd, args) => {
    if (cmd === 'list_members') {
      const query = (args as { query: Query }).query;
      queries.push(query);
      const found = members
        .filter((m) => m.name.toLowerCase().includes(query.text.toLowerCase()))
        .map((m) => aMember(m));
      return { members: found, total: found.length };
    }
    if (cmd === 'member_counts') return { active: members.length, archived: 0 };
    if (cmd === 'demo_status') return { demoMembers: 0, ownMembers: members.length };
  });
}

beforeEach(() => {
  queries = [];
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
  clearMocks();
});

describe('MembersView', () => {
  it('asks once on start and does not poll', async () => {
    backend([{ id: 'mem_1', name: 'Ada Lovelace' }]);
    render(MembersView);
    await vi.advanceTimersByTimeAsync(5000);
    expect(queries).toHaveLength(1);
    expect(screen.getByText('Ada Lovelace')).toBeTruthy();
  });

  it('waits for a pause in typing, then searches once for the whole text', async () => {
    backend([
      { id: 'mem_1', name: 'Ada Lovelace' },
      { id: 'mem_2', name: 'Grace Hopper' },
    ]);
    render(MembersView);
    await vi.advanceTimersByTimeAsync(10);
    const search = screen.getByLabelText('Search members');
    for (const text of ['g', 'gr', 'gra']) {
      await fireEvent.input(search, { target: { value: text } });
      await vi.advanceTimersByTimeAsync(50);
    }
    await vi.advanceTimersByTimeAsync(500);
    expect(queries.map((q) => q.text)).toEqual(['', 'gra']);
    expect(screen.queryByText('Ada Lovelace')).toBeNull();
    expect(screen.getByText('Grace Hopper')).toBeTruthy();
  });

  it('offers the demo community when there are no members at all', async () => {
    backend([]);
    render(MembersView);
    await vi.advanceTimersByTimeAsync(10);
    expect(screen.getByRole('button', { name: 'Load a demo community' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Add your first member' })).toBeTruthy();
  });

  it('keeps a newly started member form when an earlier save finishes late', async () => {
    vi.useRealTimers();
    let finish: (value: unknown) => void = () => {};
    mockIPC((cmd, args) => {
      if (cmd === 'list_members') return { members: [], total: 0 };
      if (cmd === 'member_counts') return { active: 1, archived: 0 };
      if (cmd === 'demo_status') return { demoMembers: 0, ownMembers: 1 };
      if (cmd === 'create_member') {
        const input = (args as { input: Record<string, unknown> }).input;
        return new Promise((resolve) => {
          finish = () => resolve({ ...input, id: 'mem_HEDY', roles: [], tags: [] });
        });
      }
    });
    render(MembersView);
    render(Toast); // the app shell's note
    await fireEvent.click(await screen.findByTestId('add-member'));
    await fireEvent.input(screen.getByLabelText(/Name/), { target: { value: 'Hedy Lamarr' } });
    await fireEvent.click(screen.getByTestId('save-member'));
    // The organizer starts the next member before the first save has come back.
    await fireEvent.click(screen.getByTestId('add-member'));
    await fireEvent.input(screen.getByLabelText(/Name/), { target: { value: 'Mary' } });
    finish(undefined);
    await vi.waitFor(() =>
      expect(screen.getByTestId('toast').textContent).toContain('Added Hedy Lamarr'),
    );
    expect((screen.getByLabelText(/Name/) as HTMLInputElement).value).toBe('Mary');
  });

  it('follows a change made elsewhere without overwriting what the organizer typed', async () => {
    vi.useRealTimers();
    let name = 'Ada Lovelace';
    let updatedAt = '2026-01-01T00:00:00Z';
    const ada = () => aMember({ name, updatedAt });
    mockIPC((cmd) => {
      if (cmd === 'list_members') return { members: [ada()], total: 1 };
      if (cmd === 'get_member') return ada();
      if (cmd === 'member_counts') return { active: 1, archived: 0 };
      if (cmd === 'demo_status') return { demoMembers: 0, ownMembers: 1 };
    });
    render(MembersView);
    await fireEvent.click(await screen.findByText('Ada Lovelace'));
    const field = () => screen.getByLabelText(/Name/) as HTMLInputElement;
    await vi.waitFor(() => expect(field().value).toBe('Ada Lovelace'));

    // Renamed elsewhere: the list and the untouched editor follow.
    name = 'Ada King';
    updatedAt = '2026-01-02T00:00:00Z';
    deliver({ kind: 'dataChanged', domains: ['members'] });
    await vi.waitFor(() => expect(field().value).toBe('Ada King'));
    await vi.waitFor(() => expect(screen.getByTestId('member-name').textContent).toBe('Ada King'));
    expect(screen.queryByTestId('changed-elsewhere')).toBeNull();

    // The organizer types; a change elsewhere now keeps what they typed, and says so.
    await fireEvent.input(field(), { target: { value: 'Ada, Countess of Lovelace' } });
    name = 'Augusta Ada King';
    updatedAt = '2026-01-03T00:00:00Z';
    deliver({ kind: 'dataChanged', domains: ['members'] });
    await vi.waitFor(() => expect(screen.getByTestId('changed-elsewhere')).toBeTruthy());
    expect(field().value).toBe('Ada, Countess of Lovelace');
    expect(screen.getByTestId('member-name').textContent).toBe('Augusta Ada King');
    // A change to the workshops is none of this screen's business.
    deliver({ kind: 'dataChanged', domains: ['workshops'] });
    expect(field().value).toBe('Ada, Countess of Lovelace');
  });

  it('keeps what was typed when a change arrives while a save is on its way and then fails', async () => {
    vi.useRealTimers();
    let name = 'Ada Lovelace';
    const ada = () => aMember({ name });
    let refuse: (error: unknown) => void = () => {};
    mockIPC((cmd) => {
      if (cmd === 'list_members') return { members: [ada()], total: 1 };
      if (cmd === 'get_member') return ada();
      if (cmd === 'member_counts') return { active: 1, archived: 0 };
      if (cmd === 'demo_status') return { demoMembers: 0, ownMembers: 1 };
      if (cmd === 'update_member') return new Promise((_, reject) => (refuse = reject));
    });
    render(MembersView);
    await fireEvent.click(await screen.findByText('Ada Lovelace'));
    const field = () => screen.getByLabelText(/Name/) as HTMLInputElement;
    await vi.waitFor(() => expect(field().value).toBe('Ada Lovelace'));
    await fireEvent.input(field(), { target: { value: 'Typed here' } });
    await fireEvent.click(screen.getByTestId('save-member'));
    // The save is on its way; meanwhile the member changes elsewhere (same second).
    name = 'Renamed there';
    deliver({ kind: 'dataChanged', domains: ['members'] });
    await vi.waitFor(() => expect(screen.getByTestId('changed-elsewhere')).toBeTruthy());
    expect(field().value).toBe('Typed here');
    refuse({ kind: 'validation', field: 'name', message: 'Not that name.' });
    await vi.waitFor(() => expect(screen.getByText('Not that name.')).toBeTruthy());
    expect(field().value).toBe('Typed here');
  });
});
