// Pure logic behind the guest list: the words for answers and how they came, the counts on
// top, the filter, the dates of a workshop to choose from, what a dropped file did. No I/O
// here (beyond reading a dropped File), so it is unit-tested without a backend.
import type {
  Answer,
  DroppedFile,
  DroppedReport,
  Guest,
  GuestCounts,
  LeftOutReason,
  Occurrence,
  Queued,
  ReplyOutcome,
  ReplyReport,
  Rsvp,
  Workshop,
} from './ipc';

/** An answer as the organizer reads it (never the calendar's word for it). */
export const RSVP_WORDS: Record<Rsvp, string> = {
  accepted: 'going',
  tentative: 'maybe',
  declined: "can't come",
  needsAction: 'no answer',
  waitlisted: 'waitlisted',
};

/** The answers the organizer can set by hand, in the order they are offered. */
export const ANSWERS: { value: Answer; label: string }[] = [
  { value: 'accepted', label: 'going' },
  { value: 'tentative', label: 'maybe' },
  { value: 'declined', label: "can't come" },
];

/** Why a member the audience names got no invitation. */
export const LEFT_OUT_WORDS: Record<LeftOutReason, string> = {
  noEmail: 'no email address',
  noConsent: 'did not agree to receive mail',
  unsubscribed: 'unsubscribed',
  bounced: 'the address bounced',
  archived: 'archived',
  alreadyInvited: 'already invited',
};

/** How an answer came, as the list says it. */
export function sourceWords(source: string | null | undefined): string {
  switch (source) {
    case 'calendar':
      return 'by calendar reply';
    case 'link':
      return 'by reply link';
    case 'manual':
      return 'by you';
    case 'door':
      return 'at the door';
    default:
      return '';
  }
}

function sameDay(a: Date, b: Date): boolean {
  return (
    a.getFullYear() === b.getFullYear() &&
    a.getMonth() === b.getMonth() &&
    a.getDate() === b.getDate()
  );
}

/** When an answer came, on the laptop's clock and as short as a mail program says it: the time
 * today ("14:05"), "yesterday, 09:12", the day this year ("3 Mar"), else with the year. */
export function answeredWhen(iso: string, now: Date, locale?: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const time = at.toLocaleTimeString(locale, { timeStyle: 'short' });
  if (sameDay(at, now)) return time;
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(at, yesterday)) return `yesterday, ${time}`;
  return at.toLocaleDateString(locale, {
    day: 'numeric',
    month: 'short',
    year: at.getFullYear() === now.getFullYear() ? undefined : 'numeric',
  });
}

/** The whole instant, for a tooltip. */
export function answeredAt(iso: string | null | undefined, locale?: string): string {
  if (!iso) return '';
  const at = new Date(iso);
  return Number.isNaN(at.getTime())
    ? ''
    : at.toLocaleString(locale, { dateStyle: 'full', timeStyle: 'short' });
}

/** "by calendar reply · 14:05"; empty before any answer. */
export function cameWords(guest: Guest, now: Date, locale?: string): string {
  const how = sourceWords(guest.source);
  const when = guest.respondedAt ? answeredWhen(guest.respondedAt, now, locale) : '';
  return [how, when].filter(Boolean).join(' · ');
}

/** One count on top of the list, which filters the list to its people when clicked. */
export interface CountPart {
  rsvp: Rsvp;
  count: number;
  text: string;
}

/** "12 going of 20 places · 3 maybe · 2 can't come · 5 no answer · 1 waiting". The waitlist
 * is named only when someone is on it or the workshop has a capacity. */
export function countParts(counts: GuestCounts, capacity: number | null): CountPart[] {
  const n = (x: number) => x.toLocaleString();
  const parts: CountPart[] = [
    {
      rsvp: 'accepted',
      count: counts.going,
      text:
        capacity === null
          ? `${n(counts.going)} going`
          : `${n(counts.going)} going of ${n(capacity)} ${capacity === 1 ? 'place' : 'places'}`,
    },
    { rsvp: 'tentative', count: counts.maybe, text: `${n(counts.maybe)} maybe` },
    { rsvp: 'declined', count: counts.declined, text: `${n(counts.declined)} can't come` },
    { rsvp: 'needsAction', count: counts.noAnswer, text: `${n(counts.noAnswer)} no answer` },
  ];
  if (counts.waitlisted > 0 || capacity !== null) {
    parts.push({
      rsvp: 'waitlisted',
      count: counts.waitlisted,
      text: `${n(counts.waitlisted)} waiting`,
    });
  }
  return parts;
}

/** Lower case without accents, for finding "zoe" in "Zoë". */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The guests with the chosen answer (all for `null`) whose name or email holds `text`. */
export function filterGuests(guests: Guest[], rsvp: Rsvp | null, text = ''): Guest[] {
  const needle = fold(text.trim());
  if (rsvp === null && needle === '') return guests;
  return guests.filter(
    (g) =>
      (rsvp === null || g.rsvp === rsvp) &&
      (needle === '' || fold(g.name).includes(needle) || fold(g.email ?? '').includes(needle)),
  );
}

/** Whether the organizer can give this guest a place by hand. */
export function canPromote(guest: Guest): boolean {
  return guest.rsvp === 'waitlisted' || guest.rsvp === 'declined';
}

/** A date of the workshop to show the guest list of: `value` is the date in the workshop's
 * zone (what `guestList` takes), `label` how the organizer reads it. */
export interface GuestDate {
  value: string;
  label: string;
  /** When it ends (UTC), to find the next date. */
  end: string;
}

function dateLabel(local: string): string {
  const [y, m, d] = local.slice(0, 10).split('-').map(Number);
  const day = new Date(y, m - 1, d).toLocaleDateString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });
  return `${day}, ${local.slice(11, 16)}`;
}

/** Whether the workshop has several dates to choose between (a series, or several sessions on
 * different days). */
export function hasDates(workshop: Workshop): boolean {
  if (workshop.series) return true;
  return new Set(workshop.sessions.map((s) => s.startLocal.slice(0, 10))).size > 1;
}

/** The dates of a workshop, in order, one per day: a series' from its occurrences (the
 * schedule's answer, any workshop's: only this one's are kept), else its sessions'. */
export function guestDates(workshop: Workshop, occurrences: Occurrence[] = []): GuestDate[] {
  const starts = workshop.series
    ? occurrences
        .filter((o) => o.workshopId === workshop.id)
        .map((o) => ({ local: o.startLocal, start: o.start, end: o.end }))
    : workshop.sessions.map((s) => ({ local: s.startLocal, start: s.start, end: s.end }));
  starts.sort((a, b) => a.start.localeCompare(b.start));
  const seen = new Set<string>();
  const dates: GuestDate[] = [];
  for (const s of starts) {
    const value = s.local.slice(0, 10);
    if (seen.has(value)) continue;
    seen.add(value);
    dates.push({ value, label: dateLabel(s.local), end: s.end });
  }
  return dates;
}

/** The first date that has not ended yet (a series' guest list opens on it), or null. */
export function nextDate(dates: GuestDate[], now: Date): string | null {
  return dates.find((d) => new Date(d.end).getTime() > now.getTime())?.value ?? null;
}

/** The span the schedule is asked for to find a series' dates: from its first session to a
 * year past today (or past its start, if later). */
export function seriesSpan(workshop: Workshop, now: Date): { from: string; to: string } {
  const first = workshop.sessions.reduce(
    (min, s) => (s.start < min ? s.start : min),
    workshop.sessions[0]?.start ?? now.toISOString(),
  );
  const from = new Date(new Date(first).getTime() - 86_400_000);
  const to = new Date(Math.max(now.getTime(), from.getTime()) + 366 * 86_400_000);
  return { from: from.toISOString(), to: to.toISOString() };
}

/** What became of a dropped file, in a word. */
export const OUTCOME_WORDS: Record<ReplyOutcome, string> = {
  applied: 'applied',
  held: 'held',
  unmatched: 'unmatched',
  ignored: 'ignored',
  alreadyRead: 'already read',
};

/** One line per dropped file: its name, what it did, and why. */
export interface DropLine {
  name: string;
  /** The logged reply, when there is one (a held reply is confirmed by it). */
  id: string | null;
  outcome: ReplyOutcome | 'notRead';
  words: string;
  detail: string;
}

export function dropLines(reports: DroppedReport[]): DropLine[] {
  return reports.map((r) =>
    r.report
      ? {
          name: r.name,
          id: r.report.id,
          outcome: r.report.outcome,
          words: OUTCOME_WORDS[r.report.outcome],
          detail: r.report.detail,
        }
      : { name: r.name, id: null, outcome: 'notRead', words: 'not read', detail: r.problem ?? '' },
  );
}

/** The lines after the organizer confirmed the held reply `report` speaks of: its line says
 * so (what it said stays, without "held until you confirm it"). */
export function confirmedLine(lines: DropLine[], report: ReplyReport): DropLine[] {
  return lines.map((l) =>
    l.id !== null && l.id === report.id
      ? {
          ...l,
          outcome: report.outcome,
          words: report.outcome === 'applied' ? 'confirmed' : OUTCOME_WORDS[report.outcome],
          detail: `${l.detail.replace(/: held until you confirm it$/, '')} — confirmed by you`,
        }
      : l,
  );
}

/** The note after a drop: the one file's whole line, or the count of each outcome. */
export function dropSummary(lines: DropLine[]): string {
  if (lines.length === 0) return 'Nothing was dropped.';
  if (lines.length === 1) {
    const [l] = lines;
    return `${l.name}: ${l.words}${l.detail ? ` — ${l.detail}` : ''}`;
  }
  const tally = new Map<string, number>();
  for (const l of lines) tally.set(l.words, (tally.get(l.words) ?? 0) + 1);
  const parts = [...tally].map(([words, n]) => `${n} ${words}`);
  return `Read ${lines.length} files: ${parts.join(', ')}.`;
}

/** Files are read here only when the backend would read them: a mail or a calendar file, at
 * most 10 MB (the backend checks again). */
export const MAX_DROPPED_FILES = 100;
export const MAX_DROPPED_BYTES = 10 * 1024 * 1024;

export function dropProblem(file: { name: string; size: number }): string | null {
  const lower = file.name.toLowerCase();
  if (!lower.endsWith('.eml') && !lower.endsWith('.ics'))
    return 'Only mails (.eml) and calendar replies (.ics) can be read here.';
  if (file.size > MAX_DROPPED_BYTES) return 'This file is larger than 10 MB; a reply never is.';
  return null;
}

/** A dropped file as the backend takes it. */
export async function readDropped(file: File): Promise<DroppedFile> {
  const buffer = await file.arrayBuffer();
  return { name: file.name, bytes: Array.from(new Uint8Array(buffer)) };
}

/** Whether a drag carries files (not text or a link dragged from the page). */
export function carriesFiles(types: readonly string[] | DOMStringList | null | undefined) {
  if (!types) return false;
  return Array.from(types as ArrayLike<string>).includes('Files');
}

/** The note after adding one person. */
export function addedWords(name: string, queued: Queued): string {
  if (queued.people > 0) {
    return `${name} is invited; ${queued.mails === 1 ? 'the invitation is' : `${queued.mails} mails are`} in the outbox.`;
  }
  const why = queued.leftOut.map((l) => LEFT_OUT_WORDS[l.reason]).join(', ');
  return why ? `${name} was not invited: ${why}.` : `${name} was not invited.`;
}
