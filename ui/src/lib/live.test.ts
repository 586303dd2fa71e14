import { describe, expect, it, vi } from 'vitest';
import { deliver, onCloseRequested, onDataChanged } from './live';

describe('live data', () => {
  it('tells each screen about the domains it shows, until it unsubscribes', () => {
    const members = vi.fn();
    const schedule = vi.fn();
    const stopMembers = onDataChanged(['members'], members);
    const stopSchedule = onDataChanged(['workshops', 'members'], schedule);
    deliver({ kind: 'dataChanged', domains: ['workshops'] });
    expect(members).not.toHaveBeenCalled();
    expect(schedule).toHaveBeenCalledWith(['workshops']);
    deliver({ kind: 'dataChanged', domains: ['members', 'workshops'] });
    expect(members).toHaveBeenCalledWith(['members']);
    expect(schedule).toHaveBeenLastCalledWith(['members', 'workshops']);
    stopMembers();
    stopSchedule();
    deliver({ kind: 'dataChanged', domains: ['members'] });
    expect(members).toHaveBeenCalledTimes(1);
  });

  it('hands a close request to the app shell, not to the screens', () => {
    const screen = vi.fn();
    const close = vi.fn();
    const stop = onDataChanged(['members', 'workshops'], screen);
    onCloseRequested(close);
    deliver({ kind: 'closeRequested' });
    expect(close).toHaveBeenCalledTimes(1);
    expect(screen).not.toHaveBeenCalled();
    stop();
  });
});
