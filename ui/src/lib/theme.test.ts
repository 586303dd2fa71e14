import { describe, expect, it } from 'vitest';
import { applyTheme, loadTheme, nextTheme } from './theme';

describe('theme choice', () => {
  it('cycles system → light → dark → system', () => {
    expect(nextTheme('system')).toBe('light');
    expect(nextTheme('light')).toBe('dark');
    expect(nextTheme('dark')).toBe('system');
  });

  it('remembers a forced theme and forgets it for system', () => {
    const root = document.createElement('html');
    applyTheme('dark', root, localStorage);
    expect(root.dataset.theme).toBe('dark');
    expect(loadTheme(localStorage)).toBe('dark');
    applyTheme('system', root, localStorage);
    expect(root.dataset.theme).toBeUndefined();
    expect(loadTheme(localStorage)).toBe('system');
  });
});
