import { defineConfig } from 'vitest/config';

// Two projects: unit tests sit beside the code and need no services; integration tests (test/)
// talk to the real Kafka and ClickHouse that scripts/test.mjs brings up through infra/.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'services/**/*.test.ts',
            'schemas/**/*.test.ts',
            'infra/**/*.test.ts',
            'models/**/*.test.ts',
          ],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // Integration files share one broker and one server; run them one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
