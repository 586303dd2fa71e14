import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// Vite serves the UI to `tauri dev` and builds ui/dist, which the release binary embeds.
export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'safari16',
    // One CSS file, no inline styles: the CSP allows only 'self'.
    cssCodeSplit: false,
    assetsInlineLimit: 0,
  },
  // Svelte 5 needs the browser build of its runtime under Vitest.
  resolve: mode === 'test' ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test-setup.ts'],
    // Unit tests see the laptop on UTC, whatever this machine's zone (the schedule tests
    // depend on it).
    env: { TZ: 'UTC' },
  },
}));
