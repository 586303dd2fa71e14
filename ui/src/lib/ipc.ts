// The only module that talks to the backend. Screens call these typed functions; a failed
// command throws an IpcError whose `error.kind` they can branch on.
import { Channel } from '@tauri-apps/api/core';
import { getCurrentWindow } from '@tauri-apps/api/window';
import * as b from './bindings';
import { commands } from './bindings';

// specta writes a type twice where Rust's serialised and deserialised shapes differ; what the
// backend sends is the `_Serialize` shape, what it accepts the `_Deserialize` one.
export type AppInfo = b.AppInfo_Serialize;
export type Member = b.Member_Serialize;
export type MemberList = b.MemberList_Serialize;
export type MemberInput = b.MemberInput_Deserialize;
export type MemberQuery = b.MemberQuery_Deserialize;
export type CommandError = b.CommandError_Serialize;
export type AudienceFilter = b.AudienceFilter_Deserialize;
export type MergeChoices = b.MergeChoices_Deserialize;
export type MergePreview = b.MergePreview_Serialize;
export type FieldDifference = b.FieldDifference_Serialize;
export type ImportPreview = b.ImportPreview_Serialize;
export type ImportOptions = b.ImportOptions_Deserialize;
export type ColumnMapping = b.ColumnMapping_Serialize;
export type Workshop = b.Workshop_Serialize;
export type WorkshopInput = b.WorkshopInput_Deserialize;
export type SeriesInput = b.SeriesInput_Deserialize;
export type Occurrence = b.Occurrence_Serialize;
export type OccurrenceException = b.OccurrenceException_Serialize;
export type CalendarScope = b.CalendarScope;
export type CalendarImportReport = b.CalendarImportReport;
export type MailSettings = b.MailSettings_Deserialize;
export type MailSetup = b.MailSetup_Serialize;
export type Audience = b.Audience_Deserialize;
export type InvitationMail = b.InvitationMail_Deserialize;
export type InvitationOverview = b.InvitationOverview_Serialize;
export type OutboxView = b.OutboxView_Serialize;
export type MailSummary = b.MailSummary_Serialize;
export type MailSelection = b.MailSelection;
export type InboxSetup = b.InboxSetup_Serialize;
export type InboxSettings = b.InboxSettings;
export type InboxReport = b.InboxReport_Serialize;
export type GuestList = b.GuestList_Serialize;
export type Guest = b.Guest_Serialize;
export type DroppedReport = b.DroppedReport_Serialize;
export type HeldReply = b.HeldReply_Serialize;
export type ReplyReport = b.ReplyReport_Serialize;
export type {
  Answer,
  DroppedFile,
  GuestCounts,
  InviteRole,
  ReplyOutcome,
  AudienceSummary,
  KeepPassword,
  LeftOut,
  LeftOutReason,
  MailPreview,
  OutboxCounts,
  PasswordState,
  Queued,
  Rsvp,
  Security,
  TestMailResult,
} from './bindings';
export type {
  WindowMessage,
  Domain,
  DemoStatus,
  ExceptionKind,
  Frequency,
  Session,
  TimeZones,
  WorkshopStatus,
  MemberCounts,
  ExportResult,
  ImportFormat,
  ImportProgress,
  ImportReport,
  MailingListFormat,
  MemberField,
  MemberSource,
  MergeField,
  MergeSide,
  PracticeLevel,
  Role,
} from './bindings';

type Result<T> = { status: 'ok'; data: T } | { status: 'error'; error: CommandError };

export class IpcError extends Error {
  readonly error: CommandError;

  constructor(error: CommandError) {
    super(error.message);
    this.name = 'IpcError';
    this.error = error;
  }
}

/** Turns any thrown value into a CommandError the UI can show. */
export function asCommandError(e: unknown): CommandError {
  if (e instanceof IpcError) return e.error;
  const message = e instanceof Error ? e.message : String(e);
  return { kind: 'internal', message };
}

async function call<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending;
  if (result.status === 'ok') return result.data;
  throw new IpcError(result.error);
}

/** This window's label, by which the backend keeps its change channel. */
function windowLabel(): string {
  try {
    return getCurrentWindow().label;
  } catch {
    return 'main'; // no Tauri window (unit tests)
  }
}

export const api = {
  appInfo: () => call(commands.appInfo()),
  /** Hands `onMessage` what the app tells this window: which domains changed after every
   * commit (whoever made it), and requests to confirm closing. */
  watchChanges: (onMessage: (message: b.WindowMessage) => void) => {
    const channel = new Channel<b.WindowMessage>();
    channel.onmessage = onMessage;
    return call(commands.watchChanges(windowLabel(), channel));
  },
  /** Whether an editor holds unsaved changes (closing the window then asks first). */
  setUnsaved: (unsaved: boolean) => commands.setUnsaved(unsaved),
  openLink: (url: string) => call(commands.openLink(url)),
  quitApp: () => call(commands.quitApp()),
  listMembers: (query: MemberQuery) => call(commands.listMembers(query)),
  memberCounts: () => call(commands.memberCounts()),
  getMember: (id: string) => call(commands.getMember(id)),
  createMember: (input: MemberInput) => call(commands.createMember(input)),
  updateMember: (id: string, input: MemberInput) => call(commands.updateMember(id, input)),
  archiveMember: (id: string) => call(commands.archiveMember(id)),
  restoreMember: (id: string) => call(commands.restoreMember(id)),
  deleteMember: (id: string) => call(commands.deleteMember(id)),
  demoStatus: () => call(commands.demoStatus()),
  loadDemo: () => call(commands.loadDemo()),
  removeDemo: () => call(commands.removeDemo()),
  chooseImportFile: () => call(commands.chooseImportFile()),
  previewImport: (path: string, format: b.ImportFormat | null, encoding: string | null = null) =>
    call(commands.previewImport(path, format, encoding)),
  importMembers: (
    path: string,
    options: ImportOptions,
    onProgress: (progress: b.ImportProgress) => void,
  ) => {
    const channel = new Channel<b.ImportProgress>();
    channel.onmessage = onProgress;
    return call(commands.importMembers(path, options, channel));
  },
  cancelImport: () => call(commands.cancelImport()),
  exportMembers: () => call(commands.exportMembers()),
  exportMailingList: (filter: AudienceFilter, format: b.MailingListFormat) =>
    call(commands.exportMailingList(filter, format)),
  mergePreview: (keepId: string, otherId: string) => call(commands.mergePreview(keepId, otherId)),
  mergeMembers: (keepId: string, otherId: string, choices: MergeChoices) =>
    call(commands.mergeMembers(keepId, otherId, choices)),
  schedule: (from: string, to: string) => call(commands.schedule(from, to)),
  getWorkshop: (id: string) => call(commands.getWorkshop(id)),
  createWorkshop: (input: WorkshopInput) => call(commands.createWorkshop(input)),
  updateWorkshop: (id: string, input: WorkshopInput) => call(commands.updateWorkshop(id, input)),
  duplicateWorkshop: (id: string) => call(commands.duplicateWorkshop(id)),
  setWorkshopStatus: (id: string, status: b.WorkshopStatus) =>
    call(commands.setWorkshopStatus(id, status)),
  deleteWorkshop: (id: string) => call(commands.deleteWorkshop(id)),
  skipOccurrence: (sessionId: string, occurrenceAt: string) =>
    call(commands.skipOccurrence(sessionId, occurrenceAt)),
  moveOccurrence: (sessionId: string, occurrenceAt: string, start: string, end: string) =>
    call(commands.moveOccurrence(sessionId, occurrenceAt, start, end)),
  addOccurrence: (sessionId: string, start: string) =>
    call(commands.addOccurrence(sessionId, start)),
  restoreOccurrence: (sessionId: string, occurrenceAt: string) =>
    call(commands.restoreOccurrence(sessionId, occurrenceAt)),
  timeZones: () => commands.timeZones(),
  exportCalendar: (scope: CalendarScope) => call(commands.exportCalendar(scope)),
  chooseCalendarFile: () => call(commands.chooseCalendarFile()),
  previewCalendarImport: (path: string, skipBadEvents = false) =>
    call(commands.previewCalendarImport(path, { skipBadEvents })),
  importCalendar: (path: string, skipBadEvents = false) =>
    call(commands.importCalendar(path, { skipBadEvents })),
  mailSetup: () => call(commands.mailSetup()),
  saveMailSetup: (settings: MailSettings, password: string | null, keep: b.KeepPassword) =>
    call(commands.saveMailSetup(settings, password, keep)),
  sendTestMail: () => call(commands.sendTestMail()),
  outboxView: () => call(commands.outboxView()),
  pauseOutbox: () => call(commands.pauseOutbox()),
  resumeOutbox: () => call(commands.resumeOutbox()),
  cancelOutbox: () => call(commands.cancelOutbox()),
  sendAgain: (selection: MailSelection) => call(commands.sendAgain(selection)),
  invitationOverview: (workshopId: string) => call(commands.invitationOverview(workshopId)),
  previewAudience: (workshopId: string, audience: Audience) =>
    call(commands.previewAudience(workshopId, audience)),
  previewInvitation: (workshopId: string, memberId: string, mail: InvitationMail) =>
    call(commands.previewInvitation(workshopId, memberId, mail)),
  saveInvitationMail: (workshopId: string, mail: InvitationMail) =>
    call(commands.saveInvitationMail(workshopId, mail)),
  sendInvitations: (workshopId: string, audience: Audience, mail: InvitationMail) =>
    call(commands.sendInvitations(workshopId, audience, mail)),
  sendWorkshopUpdate: (workshopId: string) => call(commands.sendWorkshopUpdate(workshopId)),
  cancelAndNotify: (workshopId: string) => call(commands.cancelAndNotify(workshopId)),
  uninvite: (workshopId: string, memberId: string) => call(commands.uninvite(workshopId, memberId)),
  /** Where answers come back: the IMAP inbox, its password's state, the latest check. */
  inboxSetup: () => call(commands.inboxSetup()),
  saveInboxSetup: (settings: InboxSettings, password: string | null) =>
    call(commands.saveInboxSetup(settings, password)),
  /** Reads the inbox now; `null` when none is set up. */
  checkInboxNow: () => call(commands.checkInboxNow()),
  /** The guest list of a workshop, or of one of its dates (`YYYY-MM-DD` in its zone). */
  guestList: (workshopId: string, date: string | null) =>
    call(commands.guestList(workshopId, date)),
  setGuestAnswer: (invitationId: string, answer: b.Answer, date: string | null) =>
    call(commands.setGuestAnswer(invitationId, answer, date)),
  promoteGuest: (invitationId: string, date: string | null) =>
    call(commands.promoteGuest(invitationId, date)),
  addGuest: (workshopId: string, memberId: string) => call(commands.addGuest(workshopId, memberId)),
  importDroppedReplies: (files: b.DroppedFile[]) => call(commands.importDroppedReplies(files)),
  heldReplies: (workshopId: string) => call(commands.heldReplies(workshopId)),
  confirmReply: (replyId: string) => call(commands.confirmReply(replyId)),
  /** Asks where to save the guest list as CSV; the path written, or null when cancelled. */
  exportGuests: (workshopId: string, date: string | null) =>
    call(commands.exportGuests(workshopId, date)),
};
