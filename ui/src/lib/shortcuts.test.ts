import { describe, expect, it } from 'vitest';
import { isQuit, shortcutOf } from './shortcuts';

function key(init: KeyboardEventInit, target: HTMLElement = document.body): KeyboardEvent {
  const event = new KeyboardEvent('keydown', init);
  Object.defineProperty(event, 'target', { value: target });
  return event;
}

describe('shortcutOf', () => {
  it('finds search and new member', () => {
    expect(shortcutOf(key({ key: 'f', ctrlKey: true }))).toBe('search');
    expect(shortcutOf(key({ key: 'F', metaKey: true }))).toBe('search');
    expect(shortcutOf(key({ key: '/' }))).toBe('search');
    expect(shortcutOf(key({ key: 'n', ctrlKey: true }))).toBe('new');
    expect(shortcutOf(key({ key: 'n' }))).toBeNull();
  });

  it('leaves "/" to a field being typed in', () => {
    expect(shortcutOf(key({ key: '/' }, document.createElement('input')))).toBeNull();
    expect(shortcutOf(key({ key: '/' }, document.createElement('textarea')))).toBeNull();
  });

  it('knows Ctrl+Q, which is not a screen shortcut', () => {
    expect(isQuit(key({ key: 'q', ctrlKey: true }))).toBe(true);
    expect(isQuit(key({ key: 'q' }))).toBe(false);
    expect(shortcutOf(key({ key: 'q', ctrlKey: true }))).toBeNull();
  });
});
