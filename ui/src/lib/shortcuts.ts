// Keyboard shortcuts: Ctrl/Cmd+F or "/" to search, Ctrl/Cmd+N for a new member or workshop
// (each screen decides what "new" makes). "/" only counts when the organizer is not typing in a field.
// Ctrl/Cmd+Q quits (the app shell's, see isQuit).
export type Shortcut = 'search' | 'new';

function typingIn(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

export function shortcutOf(event: KeyboardEvent): Shortcut | null {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if ((mod && key === 'f') || (!typingIn(event.target) && event.key === '/')) return 'search';
  if (mod && key === 'n') return 'new';
  return null;
}

/** Ctrl/Cmd+Q: quit Guildhall. */
export function isQuit(event: KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'q';
}
