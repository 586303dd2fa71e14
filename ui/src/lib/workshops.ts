// Pure logic behind the workshop editor: its form model, conversions to and from what the core
// takes and gives, and quick checks. No I/O here, so it is unit-tested without a backend.
import { parseTags } from './members';
import type {
  CommandError,
  Frequency,
  SeriesInput,
  Workshop,
  WorkshopInput,
  WorkshopStatus,
} from './ipc';

export const STATUSES: { value: WorkshopStatus; label: string }[] = [
  { value: 'draft', label: 'Draft' },
  { value: 'scheduled', label: 'Scheduled' },
  { value: 'cancelled', label: 'Cancelled' },
  { value: 'done', label: 'Done' },
];

export type Repeat = 'none' | Frequency;

export const REPEATS: { value: Repeat; label: string }[] = [
  { value: 'none', label: 'Does not repeat' },
  { value: 'daily', label: 'Daily' },
  { value: 'weekly', label: 'Weekly, on the same weekday' },
  { value: 'monthlyByWeekday', label: 'Monthly, on the same weekday (e.g. 2nd Tuesday)' },
  { value: 'monthlyByDay', label: 'Monthly, on the same day of the month' },
  { value: 'custom', label: 'Custom rule (RRULE)' },
];

/** One agenda row as the form holds it: a date and two wall-clock times, or (all day) a first
 * and a last date. */
export interface SessionRow {
  id: string | null;
  title: string;
  date: string;
  start: string;
  end: string;
  allDay: boolean;
  /** The last day of an all-day session (inclusive). */
  lastDate: string;
  /** A timed session that runs past midnight: its end is on the day after its date. Asked for,
   * never assumed: an end before the start is otherwise a slip. */
  endsNextDay?: boolean;
}

export interface FacilitatorChoice {
  id: string;
  name: string;
}

export interface WorkshopForm {
  title: string;
  description: string;
  status: WorkshopStatus;
  timeZone: string;
  venue: string;
  onlineUrl: string;
  capacity: string;
  facilitators: FacilitatorChoice[];
  tags: string;
  sessions: SessionRow[];
  repeat: Repeat;
  interval: string;
  ends: 'never' | 'on' | 'after';
  until: string;
  count: string;
  customRule: string;
}

/** A place for an error in the form: a field, or `series` for the "Repeats" section. */
export type WorkshopField = keyof WorkshopForm | 'series';
export type FieldErrors = Partial<Record<WorkshopField, string>>;

export function emptyForm(timeZone: string, date: string): WorkshopForm {
  return {
    title: '',
    description: '',
    status: 'scheduled',
    timeZone,
    venue: '',
    onlineUrl: '',
    capacity: '',
    facilitators: [],
    tags: '',
    sessions: [
      { id: null, title: '', date, start: '18:30', end: '20:00', allDay: false, lastDate: date },
    ],
    repeat: 'none',
    interval: '1',
    ends: 'never',
    until: '',
    count: '',
    customRule: '',
  };
}

export function formFromWorkshop(w: Workshop): WorkshopForm {
  const series = w.series?.input;
  return {
    title: w.title,
    description: w.description,
    status: w.status,
    timeZone: w.timeZone,
    venue: w.venue ?? '',
    onlineUrl: w.onlineUrl ?? '',
    capacity: w.capacity === null ? '' : String(w.capacity),
    facilitators: w.facilitators.map((f) => ({ id: f.id, name: f.name })),
    tags: w.tags.join(', '),
    sessions: w.sessions.map((s) => ({
      id: s.id,
      title: s.title,
      date: s.startLocal.slice(0, 10),
      start: s.startLocal.slice(11, 16),
      end: s.endLocal.slice(11, 16),
      allDay: s.allDay,
      // An all-day session's stored end is the midnight after its last day.
      lastDate: s.allDay ? addDay(s.endLocal.slice(0, 10), -1) : s.startLocal.slice(0, 10),
      endsNextDay: !s.allDay && s.endLocal.slice(0, 10) > s.startLocal.slice(0, 10),
    })),
    repeat: series ? series.frequency : 'none',
    interval: String(series?.interval ?? 1),
    ends: series?.until ? 'on' : series?.count ? 'after' : 'never',
    until: series?.until ?? '',
    count: series?.count ? String(series.count) : '',
    customRule: series?.rule ?? w.series?.rule ?? '',
  };
}

/** The calendar day `days` after (or before) `YYYY-MM-DD`. */
export function addDay(date: string, days = 1): string {
  const [y, m, d] = date.split('-').map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + days));
  return next.toISOString().slice(0, 10);
}

/** The next calendar day of `YYYY-MM-DD`. */
export function nextDay(date: string): string {
  return addDay(date, 1);
}

/** A row as the core takes it: two wall-clock times, the end on the next day only when the
 * organizer said the session runs past midnight; or, all day, the first and last dates. */
export function sessionTimes(
  row: Pick<SessionRow, 'date' | 'start' | 'end'> & Partial<SessionRow>,
): { start: string; end: string } {
  if (row.allDay) return { start: row.date, end: row.lastDate || row.date };
  const endDate = row.endsNextDay ? nextDay(row.date) : row.date;
  return { start: `${row.date}T${row.start}`, end: `${endDate}T${row.end}` };
}

/** Whether a timed row ends at or before it starts on the same day (so it needs "ends the
 * next day" to make sense). */
export function endsBeforeStart(row: SessionRow): boolean {
  return !row.allDay && row.start !== '' && row.end !== '' && row.end <= row.start;
}

/** `HH:MM` moved by `minutes`, within the day (a new session after the last one). */
export function addMinutes(time: string, minutes: number): string {
  const [h, m] = time.split(':').map(Number);
  const total = Math.min(23 * 60 + 59, Math.max(0, h * 60 + m + minutes));
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

const orNull = (s: string): string | null => (s.trim() === '' ? null : s.trim());

function seriesFromForm(f: WorkshopForm): SeriesInput | null {
  if (f.repeat === 'none') return null;
  return {
    frequency: f.repeat,
    interval: Math.max(1, Number.parseInt(f.interval, 10) || 1),
    until: f.ends === 'on' ? orNull(f.until) : null,
    count: f.ends === 'after' ? Number.parseInt(f.count, 10) || null : null,
    rule: f.repeat === 'custom' ? orNull(f.customRule) : null,
  };
}

export function inputFromForm(f: WorkshopForm): WorkshopInput {
  const capacity = Number.parseInt(f.capacity, 10);
  return {
    title: f.title,
    description: f.description,
    status: f.status,
    timeZone: f.timeZone.trim(),
    venue: orNull(f.venue),
    onlineUrl: orNull(f.onlineUrl),
    capacity: f.capacity.trim() === '' || Number.isNaN(capacity) ? null : capacity,
    facilitatorIds: f.facilitators.map((p) => p.id),
    tags: parseTags(f.tags),
    sessions: f.sessions.map((row) => ({ id: row.id, title: row.title, ...sessionTimes(row) })),
    series: seriesFromForm(f),
  };
}

/** Quick checks before saving, so obvious slips show at once; the core decides for real. */
export function checkForm(f: WorkshopForm): FieldErrors {
  const errors: FieldErrors = {};
  if (f.title.trim() === '') errors.title = 'A title is required.';
  if (f.timeZone.trim() === '') errors.timeZone = 'A time zone is required.';
  if (f.sessions.length === 0) errors.sessions = 'A workshop needs at least one session.';
  else if (f.sessions.some((s) => !s.date || (!s.allDay && (!s.start || !s.end)))) {
    errors.sessions = 'Every session needs a date, a start and an end.';
  } else if (f.sessions.some((s) => s.allDay && s.lastDate < s.date)) {
    errors.sessions = 'An all-day session ends on or after the day it starts.';
  } else {
    const i = f.sessions.findIndex((s) => endsBeforeStart(s) && !s.endsNextDay);
    if (i >= 0) {
      const s = f.sessions[i];
      errors.sessions = `Session ${i + 1} ends (${s.end}) before it starts (${s.start}). If it runs past midnight, tick “ends the next day”.`;
    } else if (f.sessions.some((s) => !s.allDay && s.endsNextDay && !endsBeforeStart(s))) {
      errors.sessions =
        'A session that ends the next day ends earlier in the day than it started; untick “ends the next day” or check the times.';
    }
  }
  const capacity = f.capacity.trim();
  if (capacity !== '' && !/^[1-9][0-9]*$/.test(capacity)) {
    errors.capacity = 'Capacity is a whole number of people, or empty for no limit.';
  }
  const url = f.onlineUrl.trim();
  if (url !== '' && !/^https?:\/\/\S+$/i.test(url)) {
    errors.onlineUrl = 'An online link starts with https:// (or http://).';
  }
  if (f.repeat !== 'none' && f.ends === 'on' && !f.until) {
    errors.series = 'Choose the date the series ends, or “never”.';
  }
  if (f.repeat !== 'none' && f.ends === 'after' && !/^[1-9][0-9]*$/.test(f.count.trim())) {
    errors.series = 'Say how many times it takes place.';
  }
  if (f.repeat === 'custom' && f.customRule.trim() === '') {
    errors.series = 'A custom series needs its rule, e.g. FREQ=WEEKLY;BYDAY=TU,TH.';
  }
  return errors;
}

const FIELD_NAMES = new Set<string>([
  'title',
  'description',
  'status',
  'timeZone',
  'venue',
  'onlineUrl',
  'capacity',
  'facilitators',
  'tags',
  'sessions',
  'series',
]);

/** Where a failed save's message belongs: next to a field, or in the form's general notice. */
export function placeError(e: CommandError): { field: WorkshopField | null; message: string } {
  if (e.kind === 'validation' && FIELD_NAMES.has(e.field)) {
    return { field: e.field as WorkshopField, message: e.message };
  }
  return { field: null, message: e.message };
}
