import { defineConfig } from 'vitest/config';

// `make bench` only: measurements that print their numbers, never part of `make test`.
export default defineConfig({
  test: {
    include: ['bench/**/*.measure.ts'],
    testTimeout: 600_000,
  },
});
