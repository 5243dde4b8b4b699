import { configDefaults, defineConfig } from 'vitest/config';
import { CLUSTER_BROKERS, CLUSTER_CLICKHOUSE_URLS } from './infra/cluster/layout.ts';
import { CURRENT_CLICKHOUSE_PORT } from './test/support/current-clickhouse-setup.ts';

// Unit tests sit beside the code and need no services; integration tests (test/) talk to the real
// Kafka and ClickHouse 18.16 that scripts/test.mjs brings up through infra/; the ClickHouse-facing ones
// run a second time against today's ClickHouse (current-clickhouse).
const CURRENT_CLICKHOUSE_TESTS = [
  'test/integration/clickhouse-migrations.test.ts',
  'test/integration/current-clickhouse.test.ts',
  'test/integration/sql-escape.test.ts',
  'test/integration/review-api.test.ts',
  'test/integration/review-audit.test.ts',
  'test/integration/review-sharing.test.ts',
  'test/integration/review-access-matrix.test.ts',
  'test/integration/login-throttle.test.ts',
  'test/integration/pipeline-stream.test.ts',
  'test/integration/pipeline-screening.test.ts',
  'test/integration/pipeline-reconcile-restart.test.ts',
  'test/integration/ds-training.test.ts',
  'test/integration/ds-shadow.test.ts',
  'test/integration/ds-drift.test.ts',
  'test/integration/permit-register.test.ts',
];

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
          exclude: [...configDefaults.exclude, 'test/cluster/**'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // Integration files share one broker and one server; run them one file at a time.
          fileParallelism: false,
        },
      },
      {
        test: {
          // The integration tests that touch ClickHouse's schema and queries, again against today's
          // ClickHouse (chDB 26.x from PyPI behind its HTTP interface; test/support/current-clickhouse.ts).
          name: 'current-clickhouse',
          include: CURRENT_CLICKHOUSE_TESTS,
          globalSetup: ['test/support/current-clickhouse-setup.ts'],
          // Set here, per project, never in globalSetup (whose process.env the other projects inherit).
          env: { CLICKHOUSE_URL: `http://127.0.0.1:${CURRENT_CLICKHOUSE_PORT}`, CURRENT_CLICKHOUSE: '1' },
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      // The cluster suite (test/cluster/) runs only with CLUSTER=1, against `infra:up -- --cluster`
      // (scripts/test.mjs brings it up): its own ports, so the single-node servers run beside it.
      ...(process.env.CLUSTER === '1'
        ? [
            {
              test: {
                name: 'cluster',
                include: ['test/cluster/**/*.test.ts'],
                env: {
                  KAFKA_BROKERS: CLUSTER_BROKERS.join(','),
                  CLICKHOUSE_URL: CLUSTER_CLICKHOUSE_URLS[0] ?? '',
                },
                testTimeout: 900_000,
                hookTimeout: 300_000,
                fileParallelism: false,
              },
            },
          ]
        : []),
    ],
  },
});
