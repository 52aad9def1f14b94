import { defineConfig } from 'vitest/config';
import { workletSources } from './scripts/worklet-sources.mjs';

export default defineConfig({
  plugins: [workletSources()],
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'], environment: 'node', testTimeout: 30_000 },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/browser/require-browsers.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Two cores: one Chromium at a time keeps audio clocks honest.
          fileParallelism: false,
        },
      },
    ],
  },
});
