// Pure logic behind the member screens: the editor's form model, its quick checks, and how
// members are shown. No I/O here, so it is unit-tested without a backend.
import type { CommandError, Member, MemberInput, PracticeLevel, Role } from './ipc';

export const LEVELS: { value: PracticeLevel; label: string }[] = [
  { value: 'newcomer', label: 'Newcomer' },
  { value: 'practitioner', label: 'Practitioner' },
  { value: 'expert', label: 'Expert' },
];

export const ROLES: { value: Role; label: string }[] = [
  { value: 'organizer', label: 'Organizer' },
  { value: 'facilitator', label: 'Facilitator' },
  { value: 'volunteer', label: 'Volunteer' },
  { value: 'member', label: 'Member' },
];

/** The editor's fields as the form holds them: plain strings and booleans. */
export interface MemberForm {
  name: string;
  email: string;
  phone: string;
  practiceLevel: PracticeLevel;
  roles: Role[];
  tags: string;
  emailConsent: boolean;
  consentOn: string;
  joinedOn: string;
  notes: string;
}

export type FieldErrors = Partial<Record<keyof MemberForm, string>>;

export function emptyForm(today: string): MemberForm {
  return {
    name: '',
    email: '',
    phone: '',
    practiceLevel: 'newcomer',
    roles: ['member'],
    tags: '',
    emailConsent: false,
    consentOn: '',
    joinedOn: today,
    notes: '',
  };
}

export function formFromMember(m: Member): MemberForm {
  return {
    name: m.name,
    email: m.email ?? '',
    phone: m.phone ?? '',
    practiceLevel: m.practiceLevel,
    roles: [...m.roles],
    tags: m.tags.join(', '),
    emailConsent: m.emailConsent,
    consentOn: m.consentOn ?? '',
    joinedOn: m.joinedOn ?? '',
    notes: m.notes,
  };
}

/** Splits "rust, Data Science,, rust" into distinct tags; the core normalises them again. */
export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const raw of text.split(',')) {
    const tag = raw.trim().replace(/\s+/g, ' ');
    const key = tag.toLowerCase();
    if (tag && !seen.has(key)) {
      seen.add(key);
      tags.push(tag);
    }
  }
  return tags;
}

const orNull = (s: string): string | null => (s.trim() === '' ? null : s.trim());

export function inputFromForm(f: MemberForm): MemberInput {
  return {
    name: f.name,
    email: orNull(f.email),
    phone: orNull(f.phone),
    practiceLevel: f.practiceLevel,
    roles: f.roles,
    tags: parseTags(f.tags),
    emailConsent: f.emailConsent,
    consentOn: f.emailConsent ? orNull(f.consentOn) : null,
    joinedOn: orNull(f.joinedOn),
    notes: f.notes,
  };
}

/** Quick checks before saving, so obvious slips show at once; the core decides for real. */
export function checkForm(f: MemberForm): FieldErrors {
  const errors: FieldErrors = {};
  if (f.name.trim() === '') errors.name = 'A name is required.';
  const email = f.email.trim();
  if (email !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    errors.email = `“${email}” is not an email address.`;
  }
  if (f.emailConsent && email === '') {
    errors.emailConsent = 'Consent to email needs an email address.';
  }
  return errors;
}

const FIELD_NAMES = new Set<string>([
  'name',
  'email',
  'phone',
  'practiceLevel',
  'roles',
  'tags',
  'emailConsent',
  'consentOn',
  'joinedOn',
  'notes',
]);

/**
 * Where a failed save's message belongs: next to a field, or in the form's general notice.
 * A duplicate email is shown on the email field.
 */
export function placeError(e: CommandError): { field: keyof MemberForm | null; message: string } {
  if (e.kind === 'duplicateEmail') return { field: 'email', message: e.message };
  if (e.kind === 'validation' && FIELD_NAMES.has(e.field)) {
    return { field: e.field as keyof MemberForm, message: e.message };
  }
  return { field: null, message: e.message };
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters.map((w) => Array.from(w)[0]?.toUpperCase() ?? '').join('');
}

export function levelLabel(level: PracticeLevel): string {
  return LEVELS.find((l) => l.value === level)?.label ?? level;
}

export function roleLabel(role: Role): string {
  return ROLES.find((r) => r.value === role)?.label ?? role;
}

/** "12 members", "1 member", "3 of 200 members". */
export function countLabel(shown: number, total: number): string {
  const noun = total === 1 ? 'member' : 'members';
  return shown === total ? `${total} ${noun}` : `${shown} of ${total} ${noun}`;
}

export function todayIso(now: Date = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}
