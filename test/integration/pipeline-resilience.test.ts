// Failure cases of docs/delivery.md on real processes: kill -9 mid-stream and restart, ClickHouse
// stopped for 30 s mid-stream, and two pipeline processes sharing one consumer group. In each, what
// officers read afterwards is exactly one decision per valid report and one dead letter per bad one.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
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
  const spawnPipeline = (extra: Record<string, string> = {}) => {
    const p = startPipelineProcess({ ...env, ...extra });
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
    (c) => c.decisions >= messages.length && c.deadLetters >= messages.length - valid,
    180_000,
  );
  // Every message has a decision: the malformed ones (all keyed) an UNSCREENED one.
  expect(counts.decisions).toBe(messages.length);
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
    const outage = await clickHouseOutage();
    cleanup.push(() => outage.close());
    const { db, topics, messages, spawnPipeline } = await setUp(10_000);
    const p = spawnPipeline(outage.url ? { CLICKHOUSE_URL: outage.url } : {});
    await publish(topics.topic, messages.slice(0, 5000));
    await waitFor(
      'first rows stored',
      () => storedCounts(db),
      (c) => c.rawDecisions > 0,
      60_000,
      50,
    );
    await outage.stop();
    try {
      await publish(topics.topic, messages.slice(5000));
      await new Promise((r) => setTimeout(r, 30_000));
      expect(p.exited(), p.output()).toBe(false);
    } finally {
      await outage.start();
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

interface Outage {
  /** The URL the pipeline must use (a proxy), or undefined for the configured one. */
  url: string | undefined;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Takes ClickHouse away from the pipeline. When infra:up started the server (CI, a fresh clone) it is
 * really stopped and started again; when the server belongs to someone else, a loopback proxy in front
 * of it is closed instead, which the pipeline sees the same way: connections refused.
 */
async function clickHouseOutage(): Promise<Outage> {
  if (existsSync(join(PROJECT_ROOT, '.local/clickhouse/clickhouse.pid'))) {
    const ensure = () =>
      ensureClickHouse({
        root: PROJECT_ROOT,
        url: infraConfig.CLICKHOUSE_URL,
        user: infraConfig.CLICKHOUSE_USER,
        password: infraConfig.CLICKHOUSE_PASSWORD,
        log,
      }).then(() => undefined);
    return {
      url: undefined,
      stop: () => stopClickHouse({ root: PROJECT_ROOT, log }).then(() => undefined),
      start: ensure,
      close: ensure,
    };
  }
  const target = new URL(infraConfig.CLICKHOUSE_URL);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 80), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve) =>
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
    );
  const port = await listen(0);
  const stop = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  };
  return {
    url: `http://127.0.0.1:${port}`,
    stop,
    start: () => listen(port).then(() => undefined),
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
}
