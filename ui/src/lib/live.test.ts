import { describe, expect, it, vi } from 'vitest';
import { deliver, onDataChanged } from './live';

describe('live data', () => {
  it('tells each screen about the domains it shows, until it unsubscribes', () => {
    const members = vi.fn();
    const schedule = vi.fn();
    const stopMembers = onDataChanged(['members'], members);
    const stopSchedule = onDataChanged(['workshops', 'members'], schedule);
    deliver({ domains: ['workshops'] });
    expect(members).not.toHaveBeenCalled();
    expect(schedule).toHaveBeenCalledWith(['workshops']);
    deliver({ domains: ['members', 'workshops'] });
    expect(members).toHaveBeenCalledWith(['members']);
    expect(schedule).toHaveBeenLastCalledWith(['members', 'workshops']);
    stopMembers();
    stopSchedule();
    deliver({ domains: ['members'] });
    expect(members).toHaveBeenCalledTimes(1);
  });
});
