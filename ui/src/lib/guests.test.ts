import { describe, expect, it } from 'vitest';
import type { Guest, Occurrence } from './ipc';
import {
  RSVP_WORDS,
  addedWords,
  answeredAt,
  answeredWhen,
  cameWords,
  canPromote,
  carriesFiles,
  confirmedLine,
  countParts,
  dropLines,
  dropProblem,
  dropSummary,
  filterGuests,
  guestDates,
  hasDates,
  nextDate,
  readDropped,
  seriesSpan,
  sourceWords,
} from './guests';
import { aGuest, aWorkshop } from '../test-fixtures';

describe('the words of the guest list', () => {
  it('never shows the calendar’s names for answers', () => {
    expect(Object.values(RSVP_WORDS)).toEqual([
      'going',
      'maybe',
      "can't come",
      'no answer',
      'waitlisted',
    ]);
  });

  it('says how an answer came', () => {
    expect(sourceWords('calendar')).toBe('by calendar reply');
    expect(sourceWords('link')).toBe('by reply link');
    expect(sourceWords('manual')).toBe('by you');
    expect(sourceWords('door')).toBe('at the door');
    expect(sourceWords(null)).toBe('');
    expect(sourceWords('something new')).toBe('');
  });

  it('says when on the laptop’s clock, as short as a mail program', () => {
    const now = new Date('2027-03-09T15:00:00Z');
    expect(answeredWhen('2027-03-09T14:05:00Z', now, 'en-GB')).toBe('14:05');
    expect(answeredWhen('2027-03-08T09:12:00Z', now, 'en-GB')).toBe('yesterday, 09:12');
    expect(answeredWhen('2027-03-01T09:12:00Z', now, 'en-GB')).toBe('1 Mar');
    expect(answeredWhen('2026-12-30T09:12:00Z', now, 'en-GB')).toBe('30 Dec 2026');
    expect(answeredWhen('not a time', now, 'en-GB')).toBe('');
    // The whole of it for the tooltip (the punctuation is ICU's).
    expect(answeredAt('2027-03-01T09:12:00Z', 'en-GB')).toMatch(/^Monday.* 1 March 2027.*09:12$/);
    expect(answeredAt(null)).toBe('');
  });

  it('puts how and when together, and says nothing before an answer', () => {
    const now = new Date('2027-03-09T15:00:00Z');
    expect(cameWords(aGuest(), now)).toBe('');
    expect(
      cameWords(
        aGuest({ rsvp: 'accepted', source: 'calendar', respondedAt: '2027-03-09T14:05:00Z' }),
        now,
        'en-GB',
      ),
    ).toBe('by calendar reply · 14:05');
  });
});

describe('countParts', () => {
  const counts = { going: 12, maybe: 3, declined: 2, noAnswer: 5, waitlisted: 1 };

  it('reads as the organizer says it, with the places', () => {
    expect(
      countParts(counts, 20)
        .map((p) => p.text)
        .join(' · '),
    ).toBe("12 going of 20 places · 3 maybe · 2 can't come · 5 no answer · 1 waiting");
  });

  it('names the waitlist only when there can be one', () => {
    const none = { ...counts, waitlisted: 0 };
    expect(countParts(none, null).map((p) => p.rsvp)).toEqual([
      'accepted',
      'tentative',
      'declined',
      'needsAction',
    ]);
    expect(countParts(none, null)[0].text).toBe('12 going');
    expect(countParts(none, 1)[0].text).toBe('12 going of 1 place');
    expect(countParts(none, 30).at(-1)).toEqual({
      rsvp: 'waitlisted',
      count: 0,
      text: '0 waiting',
    });
  });
});

describe('filterGuests', () => {
  const guests: Guest[] = [
    aGuest({ invitationId: 'a', name: 'Zoë Ward', email: 'zoe@example.org', rsvp: 'accepted' }),
    aGuest({ invitationId: 'b', name: 'Ada Lovelace', email: 'ada@example.org' }),
    aGuest({ invitationId: 'c', name: 'Grace Hopper', email: null, rsvp: 'declined' }),
  ];

  it('keeps everyone (the same array) when nothing is chosen', () => {
    expect(filterGuests(guests, null)).toBe(guests);
    expect(filterGuests(guests, null, '  ')).toBe(guests);
  });

  it('filters by answer and by name or email, without accents or case', () => {
    expect(filterGuests(guests, 'needsAction').map((g) => g.invitationId)).toEqual(['b']);
    expect(filterGuests(guests, null, 'ZOE').map((g) => g.invitationId)).toEqual(['a']);
    expect(filterGuests(guests, null, 'example').map((g) => g.invitationId)).toEqual(['a', 'b']);
    expect(filterGuests(guests, 'declined', 'ada')).toEqual([]);
  });

  it('stays quick with 5,000 guests', () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      aGuest({ invitationId: `i${i}`, name: `Person ${i}`, rsvp: i % 3 ? 'accepted' : 'declined' }),
    );
    const started = performance.now();
    for (let i = 0; i < 20; i++) filterGuests(many, 'declined', 'person 4');
    expect(filterGuests(many, 'declined').length).toBe(1667);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('offers a place to those who wait or declined', () => {
    expect(canPromote(aGuest({ rsvp: 'waitlisted' }))).toBe(true);
    expect(canPromote(aGuest({ rsvp: 'declined' }))).toBe(true);
    expect(canPromote(aGuest({ rsvp: 'accepted' }))).toBe(false);
    expect(canPromote(aGuest({ rsvp: 'needsAction' }))).toBe(false);
  });
});

function anOccurrence(start: string, local: string, workshopId = 'wks_1'): Occurrence {
  const end = new Date(new Date(start).getTime() + 90 * 60_000).toISOString();
  return {
    workshopId,
    sessionId: 'ses_1',
    workshopTitle: 'Study group',
    sessionTitle: '',
    status: 'scheduled',
    timeZone: 'Europe/Berlin',
    start,
    end,
    startLocal: local,
    endLocal: local,
    allDay: false,
    occurrenceAt: start,
    moved: false,
    venue: null,
    onlineUrl: null,
    clashesWith: [],
  };
}

describe('the dates to choose from', () => {
  const series = aWorkshop({
    series: {
      rule: 'FREQ=WEEKLY',
      summary: 'Weekly',
      input: { frequency: 'weekly', interval: 1, until: null, count: null, rule: null },
    } as never,
  });

  it('are offered for a series and for sessions on several days, not for one evening', () => {
    expect(hasDates(aWorkshop())).toBe(false);
    expect(hasDates(series)).toBe(true);
    const two = aWorkshop();
    two.sessions = [
      ...two.sessions,
      {
        ...two.sessions[0],
        id: 'ses_2',
        startLocal: '2027-03-10T18:30',
        start: '2027-03-10T17:30:00Z',
      },
    ];
    expect(hasDates(two)).toBe(true);
    expect(guestDates(two).map((d) => d.value)).toEqual(['2027-03-09', '2027-03-10']);
  });

  it('come from a series’ occurrences, in order, its own only, one a day', () => {
    const dates = guestDates(series, [
      anOccurrence('2027-03-16T17:30:00Z', '2027-03-16T18:30'),
      anOccurrence('2027-03-09T17:30:00Z', '2027-03-09T18:30'),
      anOccurrence('2027-03-09T19:30:00Z', '2027-03-09T20:30'),
      anOccurrence('2027-03-10T17:30:00Z', '2027-03-10T18:30', 'wks_other'),
    ]);
    expect(dates.map((d) => d.value)).toEqual(['2027-03-09', '2027-03-16']);
    expect(dates[0].label).toContain('18:30');
    expect(nextDate(dates, new Date('2027-03-09T20:00:00Z'))).toBe('2027-03-16');
    expect(nextDate(dates, new Date('2027-03-09T18:00:00Z'))).toBe('2027-03-09');
    expect(nextDate(dates, new Date('2028-01-01T00:00:00Z'))).toBeNull();
  });

  it('are looked for from the first session to a year past today', () => {
    const span = seriesSpan(series, new Date('2027-06-01T00:00:00Z'));
    expect(span.from).toBe('2027-03-08T17:30:00.000Z');
    expect(span.to).toBe('2028-06-01T00:00:00.000Z');
  });
});

describe('dropped files', () => {
  it('are read only when they are a mail or a calendar file of reasonable size', () => {
    expect(dropProblem({ name: 'Reply.EML', size: 10 })).toBeNull();
    expect(dropProblem({ name: 'invite.ics', size: 10 })).toBeNull();
    expect(dropProblem({ name: 'photo.png', size: 10 })).toMatch(/Only mails/);
    expect(dropProblem({ name: 'huge.eml', size: 11 * 1024 * 1024 })).toMatch(/10 MB/);
  });

  it('are sent as their bytes', async () => {
    const file = new File([new Uint8Array([66, 69, 71, 255])], 'reply.eml');
    expect(await readDropped(file)).toEqual({ name: 'reply.eml', bytes: [66, 69, 71, 255] });
  });

  it('count only when the drag carries files', () => {
    expect(carriesFiles(['text/plain', 'Files'])).toBe(true);
    expect(carriesFiles(['text/plain'])).toBe(false);
    expect(carriesFiles(undefined)).toBe(false);
  });

  it('are summed up: one file whole, several by outcome', () => {
    const lines = dropLines([
      {
        name: 'a.eml',
        report: { id: 'rpl_1', outcome: 'applied', detail: 'Ada Lovelace: going (Study group)' },
        problem: null,
      },
      {
        name: 'b.eml',
        report: {
          id: 'rpl_2',
          outcome: 'held',
          detail: 'Ada: going, sent by “m”, not by them: held until you confirm it',
        },
        problem: null,
      },
      { name: 'c.png', report: null, problem: 'Only mails' },
      { name: 'd.eml', report: { id: null, outcome: 'alreadyRead', detail: 'y' }, problem: null },
    ]);
    expect(lines.map((l) => l.words)).toEqual(['applied', 'held', 'not read', 'already read']);
    expect(lines[2].detail).toBe('Only mails');
    expect(dropSummary(lines.slice(0, 1))).toBe(
      'a.eml: applied — Ada Lovelace: going (Study group)',
    );
    expect(dropSummary(lines)).toBe('Read 4 files: 1 applied, 1 held, 1 not read, 1 already read.');
    const confirmed = confirmedLine(lines, { id: 'rpl_2', outcome: 'applied', detail: 'z' });
    expect(confirmed.map((l) => l.words)).toEqual([
      'applied',
      'confirmed',
      'not read',
      'already read',
    ]);
    expect(confirmed[1].detail).toBe('Ada: going, sent by “m”, not by them — confirmed by you');
  });
});

describe('addedWords', () => {
  it('says what was queued, or why nobody was', () => {
    expect(addedWords('Ada', { people: 1, mails: 1, leftOut: [] })).toBe(
      'Ada is invited; the invitation is in the outbox.',
    );
    expect(addedWords('Ada', { people: 1, mails: 3, leftOut: [] })).toBe(
      'Ada is invited; 3 mails are in the outbox.',
    );
    expect(
      addedWords('Ada', { people: 0, mails: 0, leftOut: [{ reason: 'bounced', count: 1 }] }),
    ).toBe('Ada was not invited: the address bounced.');
  });
});
