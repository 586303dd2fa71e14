// Live data: the backend tells the window which domains changed after every commit (this
// window's, another window's, the CLI's, a background service's), and each screen reloads
// what it shows of those domains, keeping its scroll position, selection and unsaved edits.
// The same channel carries the request to confirm closing the window.
import { api, type Domain, type WindowMessage } from './ipc';

type Handler = (domains: Domain[]) => void;

const handlers = new Set<{ domains: readonly Domain[]; handler: Handler }>();
let closeHandler: (() => void) | null = null;
let started: Promise<void> | null = null;

/** Delivers one message: changed domains to the screens that show any of them, a close
 * request to the app shell. */
export function deliver(message: WindowMessage) {
  if (message.kind === 'closeRequested') {
    closeHandler?.();
    return;
  }
  for (const { domains, handler } of [...handlers]) {
    const hit = message.domains.filter((d) => domains.includes(d));
    if (hit.length > 0) handler(hit);
  }
}

/** What to do when the organizer asks to close the window with unsaved changes. */
export function onCloseRequested(handler: () => void) {
  closeHandler = handler;
}

/** Subscribes this window to the backend's change feed, once. */
export function startLive(): Promise<void> {
  if (!started) {
    started = api.watchChanges(deliver).then(
      () => undefined,
      (e: unknown) => {
        started = null;
        throw e;
      },
    );
  }
  return started;
}

/** Calls `handler` whenever one of `domains` changed; returns the unsubscribe function (call
 * it from the screen's cleanup, e.g. return it from `onMount`). */
export function onDataChanged(domains: readonly Domain[], handler: Handler): () => void {
  const entry = { domains, handler };
  handlers.add(entry);
  return () => handlers.delete(entry);
}
