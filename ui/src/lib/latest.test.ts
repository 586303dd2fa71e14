import { describe, expect, it } from 'vitest';
import { Latest } from './latest';

describe('Latest', () => {
  it('keeps only the newest query current', () => {
    const latest = new Latest();
    const first = latest.begin();
    const second = latest.begin();
    expect(first()).toBe(false);
    expect(second()).toBe(true);
    latest.invalidate();
    expect(second()).toBe(false);
  });
});
