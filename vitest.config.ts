import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // test/faults/replicas.test.ts (three replica processes, Redis restarts) runs after the rest, alone (`npm test` ends
    // with `npm run test:replicas`): beside the other files' forks its takeovers would be timed against their load.
    exclude: ['test/bench/**', 'node_modules/**', 'dist/**', ...(process.env.WRAPUP_REPLICAS_TEST ? [] : ['test/faults/replicas.test.ts'])],
    setupFiles: ['test/setup-home.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
