// Failure cases of docs/delivery.md on real processes: kill -9 mid-stream and restart, ClickHouse
// stopped for 30 s mid-stream, and two pipeline processes sharing one consumer group. In each, what
// officers read afterwards is exactly one decision per valid report and one dead letter per bad one.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/cli.ts';
import { ensureClickHouse, stopClickHouse } from '../../infra/clickhouse/clickhouse.ts';
import { deadLetterReasons, expectedReasons, storedCounts } from '../support/counts.ts';
import {
  createTestDatabase,
  createTestTopics,
  infraConfig,
  type TestDatabase,
  waitFor,
} from '../support/env.ts';
import { publish, startPipelineProcess, waitForGroupCaughtUp } from '../support/processes.ts';
import { mixedStream } from '../support/reports.ts';

const log = () => undefined;
let cleanup: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});

async function setUp(count: number) {
  const db = await createTestDatabase();
  const topics = await createTestTopics(3);
  cleanup.push(() => db.drop());
  const run = randomBytes(4).toString('hex');
  const messages = mixedStream(run, count, 100);
  const env = {
    KAFKA_TOPIC: topics.topic,
    KAFKA_DLQ_TOPIC: topics.dlqTopic,
    KAFKA_GROUP_ID: topics.groupId,
    CLICKHOUSE_DATABASE: db.database,
    SINK_BATCH_ROWS: '500',
    SINK_FLUSH_MS: '100',
  };
  const spawnPipeline = () => {
    const p = startPipelineProcess(env);
    cleanup.push(() => p.kill('SIGKILL'));
    return p;
  };
  return { db, topics, messages, spawnPipeline };
}

async function expectExactlyOnce(db: TestDatabase, messages: ReturnType<typeof mixedStream>) {
  const valid = messages.filter((m) => m.expectedReason === null).length;
  const counts = await waitFor(
    'every message stored',
    () => storedCounts(db),
    (c) => c.decisions >= valid && c.deadLetters >= messages.length - valid,
    180_000,
  );
  expect(counts.decisions).toBe(valid);
  expect(counts.deadLetters).toBe(messages.length - valid);
  expect(await deadLetterReasons(db)).toEqual(expectedReasons(messages));
}

describe('pipeline under failure (real processes, Kafka and ClickHouse)', () => {
  it('after kill -9 mid-stream, a restart stores the rest with no visible duplicate', async () => {
    const { db, topics, messages, spawnPipeline } = await setUp(10_000);
    const first = spawnPipeline();
    await publish(topics.topic, messages);
    await waitFor(
      'some rows stored',
      () => storedCounts(db),
      (c) => c.rawDecisions > 0,
      60_000,
      20,
    );
    expect(await first.kill('SIGKILL')).toBe(null);
    const stored = await storedCounts(db);
    const second = spawnPipeline();
    await waitForGroupCaughtUp(topics.groupId, topics.topic, 180_000);
    await expectExactlyOnce(db, messages);
    expect(second.exited(), second.output()).toBe(false);
    // It really was mid-stream: the first process had not stored everything.
    expect(stored.rawDecisions).toBeLessThan(messages.length);
  });

  it('keeps running through 30 s without ClickHouse and stores everything after', async () => {
    const pidFile = join(PROJECT_ROOT, '.local/clickhouse/clickhouse.pid');
    expect(existsSync(pidFile), 'this test stops the ClickHouse that infra:up started').toBe(true);
    const { db, topics, messages, spawnPipeline } = await setUp(10_000);
    const p = spawnPipeline();
    await publish(topics.topic, messages.slice(0, 5000));
    await waitFor(
      'first rows stored',
      () => storedCounts(db),
      (c) => c.rawDecisions > 0,
      60_000,
      50,
    );
    await stopClickHouse({ root: PROJECT_ROOT, log });
    cleanup.push(() =>
      ensureClickHouse({
        root: PROJECT_ROOT,
        url: infraConfig.CLICKHOUSE_URL,
        user: infraConfig.CLICKHOUSE_USER,
        password: infraConfig.CLICKHOUSE_PASSWORD,
        log,
      }),
    );
    try {
      await publish(topics.topic, messages.slice(5000));
      await new Promise((r) => setTimeout(r, 30_000));
      expect(p.exited(), p.output()).toBe(false);
    } finally {
      await ensureClickHouse({
        root: PROJECT_ROOT,
        url: infraConfig.CLICKHOUSE_URL,
        user: infraConfig.CLICKHOUSE_USER,
        password: infraConfig.CLICKHOUSE_PASSWORD,
        log,
      });
    }
    await expectExactlyOnce(db, messages);
    await waitForGroupCaughtUp(topics.groupId, topics.topic);
    expect(p.exited(), p.output()).toBe(false);
  });

  it('two processes in one group share the partitions and store each report once', async () => {
    const { db, topics, messages, spawnPipeline } = await setUp(10_000);
    const a = spawnPipeline();
    const b = spawnPipeline();
    await publish(topics.topic, messages);
    await waitForGroupCaughtUp(topics.groupId, topics.topic, 180_000);
    await expectExactlyOnce(db, messages);
    const perPartition = await db.client
      .query({
        query: `SELECT kafkaPartition AS p, count() AS n FROM ${db.database}.decisions GROUP BY p`,
        format: 'JSONEachRow',
      })
      .then((r) => r.json<{ p: number; n: string }>());
    expect(perPartition.length).toBe(3);
    expect(a.exited() || b.exited(), a.output() + b.output()).toBe(false);
    // Graceful stop of both: exit 0 within the 10 s budget.
    const t0 = Date.now();
    expect(await Promise.all([a.kill('SIGTERM'), b.kill('SIGTERM')])).toEqual([0, 0]);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
