// The import dialog's words and choices, kept apart from the component so they can be tested.
import type { ImportFormat, ImportReport, MemberField } from '../../lib/ipc';

export const FORMAT_LABELS: Record<ImportFormat, string> = {
  meetup: 'Meetup member export',
  eventbrite: 'Eventbrite attendee report',
  luma: 'Luma guest export',
  guildhall: 'Guildhall backup',
  generic: 'Spreadsheet (CSV)',
};

/** The fields an organizer may map a spreadsheet column to (identity fields only come from a
 * Guildhall backup). */
export const MAPPABLE_FIELDS: { value: MemberField; label: string }[] = [
  { value: 'name', label: 'Name' },
  { value: 'firstName', label: 'First name' },
  { value: 'lastName', label: 'Last name' },
  { value: 'email', label: 'Email' },
  { value: 'phone', label: 'Phone' },
  { value: 'tags', label: 'Tags' },
  { value: 'practiceLevel', label: 'Practice level' },
  { value: 'roles', label: 'Roles' },
  { value: 'joinedOn', label: 'Joined on' },
  { value: 'emailConsent', label: 'Agreed to email' },
  { value: 'consentOn', label: 'Consent given on' },
  { value: 'profileUrl', label: 'Profile URL' },
  { value: 'notes', label: 'Notes' },
];

export function percent(done: number, total: number): number {
  return total <= 0 ? 0 : Math.min(100, Math.round((done / total) * 100));
}

/** One sentence for the result of an import. */
export function summary(report: ImportReport): string {
  const n = (count: number) => count.toLocaleString('en');
  const parts = [
    `${n(report.new)} new`,
    `${n(report.updated)} updated`,
    `${n(report.unchanged)} unchanged`,
    `${n(report.rejected)} with problems`,
  ];
  if (!report.committed && report.rejected > 0) {
    return `Nothing was imported: ${n(report.rejected)} ${report.rejected === 1 ? 'row has' : 'rows have'} problems (${parts.slice(0, 3).join(', ')} otherwise).`;
  }
  return `Imported: ${parts.join(', ')}.`;
}

/** How many rejected rows the dialog lists. */
export const LISTED_PROBLEMS = 200;

/** Above the list of problems, when it does not hold them all: which part it shows. */
export function problemsCaption(report: ImportReport): string | null {
  const listed = Math.min(report.rejectedRows.length, LISTED_PROBLEMS);
  if (listed >= report.rejected) return null;
  return `The first ${listed.toLocaleString('en')} of ${report.rejected.toLocaleString('en')} rows with problems.`;
}
