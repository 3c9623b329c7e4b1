import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.ts'],
    testTimeout: 30_000,
    // Removing a test's real domains (destroy, undefine with their snapshots) takes seconds
    // each on a loaded machine: the default 10 s for a hook was hit by a test of many guests.
    hookTimeout: 60_000,
  },
});
