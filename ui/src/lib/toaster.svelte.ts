// The note at the bottom of the window: one at a time, gone after 8 seconds or when dismissed.
// The app has one toaster; every screen and dialog shows its notes through it, and the Toast
// component draws it above whatever dialog is open (see components/Modal.svelte).
import { asCommandError } from './ipc';
import type { ToastMessage } from './toast';

const SHOWN_MS = 8000;

export class Toaster {
  message = $state<ToastMessage | null>(null);
  #timer: ReturnType<typeof setTimeout> | undefined;

  show(message: ToastMessage) {
    clearTimeout(this.#timer);
    this.message = message;
    this.#timer = setTimeout(() => (this.message = null), SHOWN_MS);
  }

  /** Shows why an action failed. */
  fail(e: unknown) {
    this.show({ text: asCommandError(e).message, tone: 'error' });
  }

  dismiss() {
    clearTimeout(this.#timer);
    this.message = null;
  }
}

/** The app's one toaster. */
export const toaster = new Toaster();
