// The only module that talks to the backend. Screens call these typed functions; a failed
// command throws an IpcError whose `error.kind` they can branch on.
import * as b from './bindings';
import { commands, type CommandError } from './bindings';

// specta writes a type twice where Rust's serialised and deserialised shapes differ; what the
// backend sends is the `_Serialize` shape, what it accepts the `_Deserialize` one.
export type AppInfo = b.AppInfo_Serialize;
export type Member = b.Member_Serialize;
export type MemberList = b.MemberList_Serialize;
export type MemberInput = b.MemberInput_Deserialize;
export type MemberQuery = b.MemberQuery_Deserialize;
export type { CommandError, DemoStatus, MemberSource, PracticeLevel, Role } from './bindings';

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

export const api = {
  appInfo: () => call(commands.appInfo()),
  listMembers: (query: MemberQuery) => call(commands.listMembers(query)),
  getMember: (id: string) => call(commands.getMember(id)),
  createMember: (input: MemberInput) => call(commands.createMember(input)),
  updateMember: (id: string, input: MemberInput) => call(commands.updateMember(id, input)),
  archiveMember: (id: string) => call(commands.archiveMember(id)),
  restoreMember: (id: string) => call(commands.restoreMember(id)),
  deleteMember: (id: string) => call(commands.deleteMember(id)),
  demoStatus: () => call(commands.demoStatus()),
  loadDemo: () => call(commands.loadDemo()),
  removeDemo: () => call(commands.removeDemo()),
};
