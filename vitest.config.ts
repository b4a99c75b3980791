import { defineConfig } from 'vitest/config';

/** Three replica processes and Redis restarts, timed: run alone, after every other file (vitest's groupOrder). */
const REPLICAS = 'test/faults/replicas.test.ts';

export default defineConfig({
  test: {
    exclude: ['test/bench/**', 'node_modules/**', 'dist/**'],
    setupFiles: ['test/setup-home.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'main', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: ['test/bench/**', 'node_modules/**', 'dist/**', REPLICAS] },
      },
      // Beside the other files' forks its takeovers would be timed against their load; `npm run test:replicas` runs it alone.
      { extends: true, test: { name: 'replicas', include: [REPLICAS], sequence: { groupOrder: 1 } } },
    ],
  },
});
