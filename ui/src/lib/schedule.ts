// Pure logic behind the schedule views: which days a week or month view shows, which
// occurrences fall on a day, and how times are written. Day boundaries are the laptop's (the
// browser's zone); each occurrence also carries its time on the workshop's own wall clock.
import type { Occurrence } from './ipc';

export type ViewKind = 'upcoming' | 'week' | 'month';

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a Date on the laptop's calendar. */
export function dayKey(d: Date): string {
  const y = d.getFullYear();
  const m = String(d.getMonth() + 1).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, '0');
  return `${y}-${m}-${day}`;
}

/** Local midnight of the day `d` falls on. */
export function startOfDay(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}

export function addDays(d: Date, n: number): Date {
  // Calendar arithmetic (not n × 24 h), so a DST change does not shift the day.
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
}

/** The Monday of the week `d` is in (weeks start on Monday, as in ISO 8601). */
export function startOfWeek(d: Date): Date {
  const day = startOfDay(d);
  const shift = (day.getDay() + 6) % 7;
  return addDays(day, -shift);
}

/** The 7 days of the week `d` is in. */
export function weekDays(d: Date): Date[] {
  const monday = startOfWeek(d);
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** The 6 × 7 days a month view shows for the month `d` is in: from the Monday on or before the
 * 1st, so every week row is whole. */
export function monthGrid(d: Date): Date[] {
  const first = new Date(d.getFullYear(), d.getMonth(), 1);
  const start = startOfWeek(first);
  return Array.from({ length: 42 }, (_, i) => addDays(start, i));
}

/** The span (from, to) a view asks the backend for, as RFC 3339 instants. */
export function viewRange(kind: ViewKind, anchor: Date, now: Date): { from: string; to: string } {
  if (kind === 'week') {
    const monday = startOfWeek(anchor);
    return { from: monday.toISOString(), to: addDays(monday, 7).toISOString() };
  }
  if (kind === 'month') {
    const grid = monthGrid(anchor);
    return { from: grid[0].toISOString(), to: addDays(grid[41], 1).toISOString() };
  }
  const today = startOfDay(now);
  return { from: today.toISOString(), to: addDays(today, 366).toISOString() };
}

/** Moves the anchor one view forward (+1) or back (-1). */
export function step(kind: ViewKind, anchor: Date, direction: 1 | -1): Date {
  if (kind === 'month') return new Date(anchor.getFullYear(), anchor.getMonth() + direction, 1);
  return addDays(anchor, 7 * direction);
}

/** A key for an occurrence in a list: its session and the date of the series it is. */
export function occurrenceKey(o: Occurrence): string {
  return `${o.sessionId}@${o.occurrenceAt ?? o.start}`;
}

/** Occurrences grouped by day, in order: a timed one on the laptop-calendar day it starts; an
 * all-day one on each of its days as the workshop's calendar has them (a Berlin all-day
 * session is on its date also when the laptop is in New York). */
export function byDay(occurrences: Occurrence[]): Map<string, Occurrence[]> {
  const days = new Map<string, Occurrence[]>();
  const add = (key: string, o: Occurrence) => {
    const list = days.get(key);
    if (list) list.push(o);
    else days.set(key, [o]);
  };
  for (const o of occurrences) {
    if (!o.allDay) {
      add(dayKey(new Date(o.start)), o);
      continue;
    }
    const last = o.endLocal.slice(0, 10);
    let day = o.startLocal.slice(0, 10);
    do {
      add(day, o);
      const [y, m, d] = day.split('-').map(Number);
      day = dayKey(new Date(y, m - 1, d + 1));
    } while (day < last);
  }
  return days;
}

/** `18:30` from a workshop-zone wall time `YYYY-MM-DDTHH:MM`. */
export function wallTime(local: string): string {
  return local.slice(11, 16);
}

/** `18:30–20:00` on the workshop's wall clock. */
export function timeRange(o: Occurrence): string {
  if (o.allDay) return 'All day';
  return `${wallTime(o.startLocal)}–${wallTime(o.endLocal)}`;
}

function laptopWall(iso: string): string {
  const d = new Date(iso);
  const hh = String(d.getHours()).padStart(2, '0');
  const mm = String(d.getMinutes()).padStart(2, '0');
  return `${dayKey(d)}T${hh}:${mm}`;
}

/** The laptop's zone name, e.g. `Europe/Berlin`. */
export function laptopZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** The occurrence's time on the laptop's clock when that differs from the workshop's wall clock
 * (another zone, or the same name but a different offset), e.g. `12:30–14:00 your time`; null
 * when they are the same. */
export function laptopTimeRange(o: Occurrence): string | null {
  if (o.allDay) return null;
  const start = laptopWall(o.start);
  const end = laptopWall(o.end);
  if (start === o.startLocal && end === o.endLocal) return null;
  const dayShift = start.slice(0, 10) !== o.startLocal.slice(0, 10);
  const day = dayShift
    ? ` ${new Date(o.start).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' })}`
    : '';
  return `${wallTime(start)}–${wallTime(end)}${day} your time`;
}

/** A day heading: `Tuesday 16 March 2027`, or `Today` / `Tomorrow`. */
export function dayHeading(key: string, now: Date): string {
  const [y, m, d] = key.split('-').map(Number);
  const day = new Date(y, m - 1, d);
  const today = startOfDay(now);
  const diff = Math.round((day.getTime() - today.getTime()) / DAY_MS);
  const long = day.toLocaleDateString(undefined, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  if (diff === 0) return `Today · ${long}`;
  if (diff === 1) return `Tomorrow · ${long}`;
  return long;
}

export function monthTitle(anchor: Date): string {
  return anchor.toLocaleDateString(undefined, { month: 'long', year: 'numeric' });
}

export function weekTitle(anchor: Date): string {
  const days = weekDays(anchor);
  const first = days[0].toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
  const last = days[6].toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });
  return `${first} – ${last}`;
}

/** The title of an occurrence as a line: `Rust night · Part 1`. */
export function occurrenceTitle(o: Occurrence): string {
  return o.sessionTitle ? `${o.workshopTitle} · ${o.sessionTitle}` : o.workshopTitle;
}

export const STATUS_LABELS: Record<Occurrence['status'], string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  cancelled: 'Cancelled',
  done: 'Done',
};
