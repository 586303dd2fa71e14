import { describe, expect, it } from 'vitest';
import type { Occurrence } from './ipc';
import {
  byDay,
  dayKey,
  laptopTimeRange,
  monthGrid,
  step,
  timeRange,
  viewRange,
  weekDays,
} from './schedule';

function occurrence(start: string, end: string, startLocal: string, endLocal: string): Occurrence {
  return {
    workshopId: 'wks_1',
    sessionId: 'ses_1',
    workshopTitle: 'Study group',
    sessionTitle: '',
    status: 'scheduled',
    timeZone: 'Asia/Kolkata',
    start,
    end,
    startLocal,
    endLocal,
    allDay: false,
    occurrenceAt: null,
    moved: false,
    venue: null,
    onlineUrl: null,
    clashesWith: [],
  };
}

// The tests run with TZ=UTC (see vite.config.ts), so "the laptop" is on UTC.
describe('schedule views', () => {
  it('start weeks on Monday and fill whole month rows', () => {
    const days = weekDays(new Date(2027, 2, 17)); // Wednesday 17 March 2027
    expect(days.map(dayKey)).toEqual([
      '2027-03-15',
      '2027-03-16',
      '2027-03-17',
      '2027-03-18',
      '2027-03-19',
      '2027-03-20',
      '2027-03-21',
    ]);
    const grid = monthGrid(new Date(2027, 1, 10)); // February 2027 starts on a Monday
    expect(dayKey(grid[0])).toBe('2027-02-01');
    expect(dayKey(grid[41])).toBe('2027-03-14');
    expect(dayKey(step('month', new Date(2027, 0, 31), 1))).toBe('2027-02-01');
  });

  it('asks for the span the view shows', () => {
    const range = viewRange('week', new Date(2027, 2, 17), new Date());
    expect(range).toEqual({ from: '2027-03-15T00:00:00.000Z', to: '2027-03-22T00:00:00.000Z' });
  });

  it('groups by the laptop’s day and shows the laptop’s time only when it differs', () => {
    const india = occurrence(
      '2027-03-16T13:00:00Z',
      '2027-03-16T14:30:00Z',
      '2027-03-16T18:30',
      '2027-03-16T20:00',
    );
    const utc = occurrence(
      '2027-03-17T09:00:00Z',
      '2027-03-17T10:00:00Z',
      '2027-03-17T09:00',
      '2027-03-17T10:00',
    );
    expect([...byDay([india, utc]).keys()]).toEqual(['2027-03-16', '2027-03-17']);
    expect(timeRange(india)).toBe('18:30–20:00');
    expect(laptopTimeRange(india)).toBe('13:00–14:30 your time');
    expect(laptopTimeRange(utc)).toBeNull();
  });

  it('puts an all-day session on each of its own days, whatever the laptop’s zone', () => {
    // A Berlin weekend, 5-6 June: starts at 22:00 UTC on the 4th.
    const weekend = {
      ...occurrence(
        '2027-06-04T22:00:00Z',
        '2027-06-06T22:00:00Z',
        '2027-06-05T00:00',
        '2027-06-07T00:00',
      ),
      allDay: true,
    };
    expect([...byDay([weekend]).keys()]).toEqual(['2027-06-05', '2027-06-06']);
    expect(timeRange(weekend)).toBe('All day');
  });
});
