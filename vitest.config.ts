import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Most test files wait on broker processes and timers rather than compute: two at a time cut
    // the wall time on a 2-core machine (vitest would run one there); three made the cluster suites
    // time out when several ran together.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
