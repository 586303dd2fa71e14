// The note at the bottom of a screen: one at a time, gone after 8 seconds or when dismissed.
// Each screen keeps one Toaster and renders its `message` with the Toast component.
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
