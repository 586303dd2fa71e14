// The one member picker: matches for what is typed, never for an older query that answered
// late; keyboard picking; members already chosen are not offered.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import MemberPicker from './MemberPicker.svelte';

function member(id: string, name: string) {
  return { id, name, email: `${id}@example.org`, archivedAt: null };
}

afterEach(() => clearMocks());

describe('MemberPicker', () => {
  it('shows the answer to the newest query even when an older one answers later', async () => {
    const answers: Record<string, (value: unknown) => void> = {};
    mockIPC((cmd, args) => {
      if (cmd !== 'list_members') return;
      const text = (args as { query: { text: string } }).query.text;
      return new Promise((resolve) => (answers[text] = resolve));
    });
    render(MemberPicker, { id: 'p', label: 'Member', onpick: () => {} });
    const box = screen.getByLabelText('Member');
    await fireEvent.input(box, { target: { value: 'ad' } });
    await vi.waitFor(() => expect(answers['ad']).toBeDefined());
    await fireEvent.input(box, { target: { value: 'ada l' } });
    await vi.waitFor(() => expect(answers['ada l']).toBeDefined());
    answers['ada l']({ members: [member('mem_1', 'Ada Lovelace')], total: 1 });
    await vi.waitFor(() => expect(screen.getByText('Ada Lovelace')).toBeTruthy());
    // The slower, older query comes back last: it is dropped.
    answers['ad']({ members: [member('mem_2', 'Adam Smith'), member('mem_3', 'Adele')], total: 2 });
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByText('Adam Smith')).toBeNull();
    expect(screen.getAllByTestId('member-match')).toHaveLength(1);
  });

  it('picks with the keyboard and leaves out excluded members', async () => {
    mockIPC((cmd) => {
      if (cmd === 'list_members') {
        return {
          members: [member('mem_1', 'Ada'), member('mem_2', 'Adam'), member('mem_3', 'Adele')],
          total: 3,
        };
      }
    });
    const onpick = vi.fn();
    render(MemberPicker, { id: 'p', label: 'Member', exclude: ['mem_1'], onpick });
    const box = screen.getByLabelText('Member');
    await fireEvent.input(box, { target: { value: 'ad' } });
    await vi.waitFor(() => expect(screen.getAllByTestId('member-match')).toHaveLength(2));
    expect(screen.queryByText('Ada')).toBeNull();
    await fireEvent.keyDown(box, { key: 'ArrowDown' });
    await fireEvent.keyDown(box, { key: 'Enter' });
    expect(onpick).toHaveBeenCalledWith(expect.objectContaining({ id: 'mem_3' }));
    expect((box as HTMLInputElement).value).toBe('');
    expect(screen.queryAllByTestId('member-match')).toHaveLength(0);
  });

  it('does not pick a match for the text before the last keystroke', async () => {
    const answers: Record<string, (value: unknown) => void> = {};
    mockIPC((cmd, args) => {
      if (cmd !== 'list_members') return;
      const text = (args as { query: { text: string } }).query.text;
      if (text === 'ad') return { members: [member('mem_2', 'Adam Smith')], total: 1 };
      return new Promise((resolve) => (answers[text] = resolve));
    });
    const onpick = vi.fn();
    render(MemberPicker, { id: 'p', label: 'Member', onpick });
    const box = screen.getByLabelText('Member');
    await fireEvent.input(box, { target: { value: 'ad' } });
    await vi.waitFor(() => expect(screen.getByText('Adam Smith')).toBeTruthy());
    // One more letter and Enter at once: the list still shows the answer for "ad".
    await fireEvent.input(box, { target: { value: 'ada' } });
    await fireEvent.keyDown(box, { key: 'Enter' });
    expect(onpick).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(answers['ada']).toBeDefined());
    answers['ada']({ members: [member('mem_1', 'Ada Lovelace')], total: 1 });
    await vi.waitFor(() => expect(screen.getByText('Ada Lovelace')).toBeTruthy());
    await fireEvent.keyDown(box, { key: 'Enter' });
    expect(onpick).toHaveBeenCalledWith(expect.objectContaining({ id: 'mem_1' }));
  });
});
