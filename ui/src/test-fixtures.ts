// Records as the backend sends them, for the UI's unit tests: one place that knows every
// field, so a test names only what it is about.
import type { Guest, Member, Workshop } from './lib/ipc';

export function aMember(fields: Partial<Member> = {}): Member {
  return {
    id: 'mem_1',
    name: 'Ada Lovelace',
    email: null,
    phone: null,
    practiceLevel: 'newcomer',
    roles: ['member'],
    tags: [],
    emailConsent: false,
    consentOn: null,
    unsubscribedAt: null,
    joinedOn: null,
    source: 'manual',
    profileUrl: null,
    notes: '',
    checkInCode: 'X',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    archivedAt: null,
    emailBouncedAt: null,
    emailBounceReason: null,
    ...fields,
  };
}

/** A one-session workshop on Tuesday 9 March 2027, 18:30–20:00 in Berlin. */
export function aWorkshop(fields: Partial<Workshop> = {}): Workshop {
  return {
    id: 'wks_1',
    title: 'Study group',
    description: '',
    status: 'scheduled',
    timeZone: 'Europe/Berlin',
    venue: null,
    onlineUrl: null,
    capacity: null,
    facilitators: [],
    tags: [],
    sessions: [
      {
        id: 'ses_1',
        title: '',
        start: '2027-03-09T17:30:00Z',
        end: '2027-03-09T19:00:00Z',
        startLocal: '2027-03-09T18:30',
        endLocal: '2027-03-09T20:00',
        allDay: false,
        icalUid: 'a@guildhall',
      },
    ],
    series: null,
    exceptions: [],
    icalUid: 'w@guildhall',
    icalSequence: 1,
    createdAt: '2026-11-26T10:00:00Z',
    updatedAt: '2026-11-26T10:00:00Z',
    ...fields,
  };
}

/** An invited member who has not answered yet. */
export function aGuest(fields: Partial<Guest> = {}): Guest {
  return {
    invitationId: 'inv_1',
    memberId: 'mem_1',
    name: 'Ada Lovelace',
    email: 'ada@example.org',
    role: 'attendee',
    rsvp: 'needsAction',
    respondedAt: null,
    source: null,
    comment: null,
    bounced: false,
    ...fields,
  };
}
