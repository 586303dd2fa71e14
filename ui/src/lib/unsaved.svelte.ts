import { SvelteSet } from 'svelte/reactivity';

// One guard against losing typed changes, used by every editor: the editor reports whether
// its form differs from what it opened with, and whatever would replace or close the form
// (another member, Close, Esc, New) goes through `unlessUnsaved`, which asks first.

/** A form as text, to compare with the snapshot taken when the editor opened it. */
export function snapshot(form: unknown): string {
  return JSON.stringify(form);
}

export class UnsavedGuard {
  /** The editor's form differs from what it opened with. */
  dirty = $state(false);
  /** What to do once the organizer agrees to discard the changes. */
  pending = $state<(() => void) | null>(null);

  /** Runs `action` now, or after asking when there are unsaved changes. */
  unlessUnsaved(action: () => void) {
    if (this.dirty) this.pending = action;
    else action();
  }

  /** The organizer agreed: the changes go, the action runs. */
  discard() {
    const action = this.pending;
    this.pending = null;
    this.dirty = false;
    action?.();
  }

  /** The organizer wants to keep editing. */
  keep() {
    this.pending = null;
  }

  /** The form was saved or closed: nothing is unsaved any more. */
  clear() {
    this.dirty = false;
  }
}

// The guards of the editors on screen, so that leaving the screen, quitting or closing the
// window asks too. Reactive: the app shell tells the backend whenever `anyUnsaved()` changes.
const mounted = new SvelteSet<UnsavedGuard>();

/** Counts `guard` while its screen is mounted; returns the function that stops counting it
 * (return it from `onMount`). */
export function guardWhileMounted(guard: UnsavedGuard): () => void {
  mounted.add(guard);
  return () => mounted.delete(guard);
}

/** Whether any editor on screen holds changes that were not saved. */
export function anyUnsaved(): boolean {
  return [...mounted].some((guard) => guard.dirty);
}

/** The organizer chose to leave anyway: every editor's changes go. */
export function discardAll() {
  for (const guard of mounted) guard.clear();
}
