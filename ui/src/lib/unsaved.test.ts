import { describe, expect, it, vi } from 'vitest';
import { UnsavedGuard } from './unsaved.svelte';

describe('UnsavedGuard', () => {
  it('acts at once when nothing is unsaved, and asks first when something is', () => {
    const guard = new UnsavedGuard();
    const close = vi.fn();
    guard.unlessUnsaved(close);
    expect(close).toHaveBeenCalledTimes(1);

    guard.dirty = true;
    guard.unlessUnsaved(close);
    expect(close).toHaveBeenCalledTimes(1);
    expect(guard.pending).not.toBeNull();
    guard.keep();
    expect(guard.pending).toBeNull();
    expect(close).toHaveBeenCalledTimes(1);

    guard.unlessUnsaved(close);
    guard.discard();
    expect(close).toHaveBeenCalledTimes(2);
    expect(guard.dirty).toBe(false);
  });
});
