// The organizer's theme choice: follow the system, or force light or dark. Kept in
// localStorage (it is a preference of this window, not community data).
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'guildhall.theme';

export function loadTheme(storage: Storage = localStorage): ThemeChoice {
  const saved = storage.getItem(KEY);
  return saved === 'light' || saved === 'dark' ? saved : 'system';
}

export function applyTheme(
  choice: ThemeChoice,
  root: HTMLElement = document.documentElement,
  storage: Storage = localStorage,
): void {
  if (choice === 'system') {
    delete root.dataset.theme;
    storage.removeItem(KEY);
  } else {
    root.dataset.theme = choice;
    storage.setItem(KEY, choice);
  }
}

export function nextTheme(choice: ThemeChoice): ThemeChoice {
  return choice === 'system' ? 'light' : choice === 'light' ? 'dark' : 'system';
}
