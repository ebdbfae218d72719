import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Most test files wait on broker processes and timers rather than compute: three at a time
    // halve the wall time on a 2-core machine (vitest would run one there).
    maxWorkers: 3,
    minWorkers: 1,
  },
});
