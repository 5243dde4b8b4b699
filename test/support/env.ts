// Shared set-up for integration tests: the real Kafka and ClickHouse that `npm test` brought up,
// and a fresh topic set and database per test, so tests never see each other's data.
import { randomBytes } from 'node:crypto';
import { migrateDatabase } from '../../infra/cli.ts';
import { ensureTopics } from '../../infra/topics.ts';
import { infraConfigSchema, loadConfig } from '../../services/common/config.ts';
import { createRootLogger } from '../../services/common/logger.ts';
import { type ClickHouseClient, createClickHouse, queryRows } from '../../services/storage/clickhouse.ts';
import { identifier } from '../../services/storage/sql.ts';

export const infraConfig = loadConfig(infraConfigSchema);
export const testLogger = createRootLogger(process.env.TEST_LOG_LEVEL ?? 'warn');

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export function newClickHouse(): ClickHouseClient {
  return createClickHouse({
    url: infraConfig.CLICKHOUSE_URL,
    username: infraConfig.CLICKHOUSE_USER,
    password: infraConfig.CLICKHOUSE_PASSWORD,
  });
}

export interface TestDatabase {
  database: string;
  client: ClickHouseClient;
  count(sql: string): Promise<number>;
  drop(): Promise<void>;
}

/** A freshly migrated database with a unique name. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const database = uniqueName('pr_test');
  await migrateDatabase(infraConfig, database);
  const client = newClickHouse();
  return {
    database,
    client,
    async count(sql: string) {
      const rows = await queryRows<{ n: string | number }>(client, sql);
      return Number(rows[0]?.n ?? 0);
    },
    async drop() {
      await client.command({ query: `DROP DATABASE IF EXISTS ${identifier(database)}` });
      await client.close();
    },
  };
}

export interface TestTopics {
  topic: string;
  dlqTopic: string;
  groupId: string;
}

export async function createTestTopics(partitions = 3): Promise<TestTopics> {
  const base = uniqueName('test.manifests');
  const t = { topic: base, dlqTopic: `${base}.dlq`, groupId: `${base}.group` };
  await ensureTopics({
    brokers: infraConfig.KAFKA_BROKERS,
    topics: [
      { topic: t.topic, numPartitions: partitions },
      { topic: t.dlqTopic, numPartitions: partitions },
    ],
  });
  return t;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 60_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
    last = await probe();
  }
  return last;
}
