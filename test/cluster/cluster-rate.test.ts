// The pipeline's rate on the local cluster with one and with two processes in the group: a backlog of
// 10,000 reports published once every process has joined the group, timed from the first stored row to
// the last. Asserts only correctness (every report stored once); the figures are printed for docs/scale-out.md. On the shared 2-core development machine
// they measure contention as much as the pipeline.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { type ClickHouseClient, queryRows } from '../../services/storage/clickhouse.ts';
import { publish, startPipelineProcess } from '../support/processes.ts';
import { mixedStream } from '../support/reports.ts';
import {
  type ClusterDatabase,
  createClusterDatabase,
  createClusterTopics,
  groupStable,
  waitForCaughtUp,
} from './cluster-env.ts';

const BACKLOG = 10_000;
const log = (m: string) => process.stderr.write(`[cluster-rate] ${m}\n`);
const cleanup: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

async function stored(client: ClickHouseClient, database: string): Promise<number> {
  try {
    const rows = await queryRows<{ n: string }>(client, `SELECT count() AS n FROM ${database}.decisions_raw`);
    return Number(rows[0]?.n ?? 0);
  } catch {
    return 0;
  }
}

async function rate(db: ClusterDatabase, processes: number): Promise<number> {
  const topics = await createClusterTopics(3);
  const messages = mixedStream(randomBytes(4).toString('hex'), BACKLOG, 100);
  const valid = messages.length; // one decision per message (malformed: UNSCREENED)
  const before = await stored(db.client, db.database);
  const procs = Array.from({ length: processes }, (_, i) => {
    const p = startPipelineProcess({
      KAFKA_TOPIC: topics.topic,
      KAFKA_DLQ_TOPIC: topics.dlqTopic,
      KAFKA_GROUP_ID: topics.groupId,
      // Each process through its own replica, as in a deployment with one ClickHouse per pipeline host.
      CLICKHOUSE_URL: db.urls[i % db.urls.length] ?? '',
      CLICKHOUSE_DATABASE: db.database,
      SINK_BATCH_ROWS: '2000',
      SINK_FLUSH_MS: '200',
    });
    cleanup.push(() => p.kill('SIGKILL'));
    return p;
  });
  // Every process has joined before the backlog arrives: no rebalance inside the timed span.
  await groupStable(topics.groupId, processes);
  const published = Date.now();
  await publish(topics.topic, messages);
  log(`${processes} process(es): published ${BACKLOG} in ${((Date.now() - published) / 1000).toFixed(1)} s`);
  let first = 0;
  while ((await stored(db.client, db.database)) === before) await new Promise((r) => setTimeout(r, 100));
  first = Date.now();
  await waitForCaughtUp(topics.groupId, topics.topic);
  let n = await stored(db.client, db.database);
  while (n - before < valid) {
    await new Promise((r) => setTimeout(r, 100));
    n = await stored(db.client, db.database);
  }
  const seconds = (Date.now() - first) / 1000;
  for (const p of procs) {
    expect(p.exited(), p.output()).toBe(false);
    await p.kill('SIGTERM');
  }
  expect(n - before).toBeGreaterThanOrEqual(valid);
  return valid / seconds;
}

describe('pipeline rate on the cluster (CLUSTER=1)', () => {
  it('measures one and two processes', async () => {
    const db = await createClusterDatabase();
    cleanup.push(() => db.drop());
    const one = await rate(db, 1);
    const two = await rate(db, 2);
    log(
      `backlog of ${BACKLOG}: 1 process ${one.toFixed(0)} reports/s, 2 processes ${two.toFixed(0)} reports/s`,
    );
    const decided = await queryRows<{ n: string }>(
      db.client,
      `SELECT count() AS n FROM ${db.database}.decisions`,
    );
    expect(Number(decided[0]?.n)).toBe(2 * BACKLOG);
  });
});
