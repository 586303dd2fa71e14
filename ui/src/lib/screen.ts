// What every screen does while it is mounted: counts its editor's unsaved-changes guard (so
// leaving the screen, Ctrl+Q and closing the window ask), and reloads when the domains it
// shows change elsewhere. Call it from `onMount` and return what it returns.
import type { Domain } from './ipc';
import { onDataChanged } from './live';
import { guardWhileMounted, type UnsavedGuard } from './unsaved.svelte';

export function mountScreen(
  guard: UnsavedGuard,
  domains: readonly Domain[],
  reload: () => void,
): () => void {
  const stopGuard = guardWhileMounted(guard);
  const stopLive = onDataChanged(domains, reload);
  return () => {
    stopGuard();
    stopLive();
  };
}
