import { describe, expect, it } from 'vitest';
import type { Member } from './ipc';
import {
  checkForm,
  countLabel,
  emptyForm,
  formFromMember,
  initials,
  inputFromForm,
  parseTags,
  placeError,
  todayIso,
} from './members';

const zoe: Member = {
  id: 'mem_1',
  name: 'Zoë Müller',
  email: 'zoe@example.org',
  phone: null,
  practiceLevel: 'expert',
  roles: ['facilitator', 'member'],
  tags: ['mentoring', 'rust'],
  emailConsent: true,
  consentOn: '2025-03-01',
  unsubscribedAt: null,
  joinedOn: '2024-11-05',
  source: 'manual',
  profileUrl: null,
  notes: 'Brings the projector.',
  checkInCode: 'ABCDEFGHJKMNPQRSTVWXYZ01',
  createdAt: '2025-03-01T10:00:00Z',
  updatedAt: '2025-03-01T10:00:00Z',
  archivedAt: null,
  emailBouncedAt: null,
  emailBounceReason: null,
};

describe('member form', () => {
  it('round-trips a member through the form into an input', () => {
    const input = inputFromForm(formFromMember(zoe));
    expect(input).toEqual({
      name: 'Zoë Müller',
      email: 'zoe@example.org',
      phone: null,
      practiceLevel: 'expert',
      roles: ['facilitator', 'member'],
      tags: ['mentoring', 'rust'],
      emailConsent: true,
      consentOn: '2025-03-01',
      joinedOn: '2024-11-05',
      notes: 'Brings the projector.',
    });
  });

  it('sends empty optional fields as null and drops the consent date without consent', () => {
    const form = { ...emptyForm('2026-01-02'), name: 'Ada', email: '  ', consentOn: '2026-01-01' };
    const input = inputFromForm(form);
    expect(input.email).toBeNull();
    expect(input.consentOn).toBeNull();
    expect(input.joinedOn).toBe('2026-01-02');
    expect(input.roles).toEqual(['member']);
  });

  it('splits tags on commas, trims, and drops repeats case-insensitively', () => {
    expect(parseTags(' rust, Data  Science,,RUST , ')).toEqual(['rust', 'Data Science']);
    expect(parseTags('')).toEqual([]);
  });

  it('catches obvious slips before asking the core', () => {
    expect(checkForm(emptyForm('2026-01-01'))).toEqual({ name: 'A name is required.' });
    const form = { ...emptyForm('2026-01-01'), name: 'Ada', email: 'ada@', emailConsent: true };
    expect(Object.keys(checkForm(form)).sort()).toEqual(['email']);
    expect(checkForm({ ...form, email: '' }).emailConsent).toMatch(/needs an email/);
    expect(checkForm({ ...form, email: 'ada@example.org' })).toEqual({});
  });
});

describe('error placement', () => {
  it('puts a duplicate email on the email field', () => {
    expect(
      placeError({
        kind: 'duplicateEmail',
        message: 'ada@example.org is already used by Ada',
        existingId: 'mem_1',
        existingName: 'Ada',
      }),
    ).toEqual({ field: 'email', message: 'ada@example.org is already used by Ada' });
  });

  it('puts validation errors on their field and anything else in the form notice', () => {
    expect(placeError({ kind: 'validation', field: 'phone', message: 'bad' }).field).toBe('phone');
    expect(placeError({ kind: 'validation', field: 'unknown', message: 'x' }).field).toBeNull();
    expect(placeError({ kind: 'internal', message: 'disk full' })).toEqual({
      field: null,
      message: 'disk full',
    });
  });
});

describe('display helpers', () => {
  it('makes initials from first and last word, accents kept', () => {
    expect(initials('zoë van der müller')).toBe('ZM');
    expect(initials('Ada')).toBe('A');
    expect(initials('  ')).toBe('');
  });

  it('counts members', () => {
    expect(countLabel(1, 1)).toBe('1 member');
    expect(countLabel(200, 200)).toBe('200 members');
    expect(countLabel(3, 200)).toBe('3 of 200 members');
  });

  it('formats today in local time', () => {
    expect(todayIso(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});
