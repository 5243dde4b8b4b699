// Failures injected into a steady feed of at least 20,000 reports through two pipeline processes on the local
// cluster: (a) the broker leading partition 0 is SIGKILLed and restarted, (b) ClickHouse replica r1 is
// SIGKILLed and restarted while the review queue is asked through r2, (c) one pipeline process is SIGKILLed.
// Afterwards, read through the Distributed tables with FINAL: one decision per message, the DLQ
// exactly the malformed ones, both replicas the same rows. Waits are measured from progress, not clocks.
// Figures (stall per failure, p99 latency around it) are printed for docs/scale-out.md.
import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { clickHouseNode, kafkaNode } from '../../infra/cluster/cluster.ts';
import { killNode, startNode } from '../../infra/cluster/processes.ts';
import { queuePage } from '../../services/review/queue.ts';
import { queueQuerySchema } from '../../services/review/request-schemas.ts';
import { type ClickHouseClient, queryRows } from '../../services/storage/clickhouse.ts';
import { expectedReasons } from '../support/counts.ts';
import { waitFor } from '../support/env.ts';
import { type PipelineProcess, startPipelineProcess } from '../support/processes.ts';
import { mixedStream } from '../support/reports.ts';
import {
  CLUSTER_BROKERS,
  CLUSTER_CLICKHOUSE_URLS,
  type ClusterDatabase,
  createClusterDatabase,
  createClusterTopics,
  downNodes,
  groupStable,
  PROJECT_ROOT,
  waitForCaughtUp,
} from './cluster-env.ts';
import { startFeed } from './feed.ts';

/** At least this many reports are fed; the feed runs on until the last failure is over. */
const REPORTS = 20_000;
const MAX_REPORTS = 40_000;
const RATE = Number(process.env.CLUSTER_FEED_RATE ?? 200);
const log = (m: string) => process.stderr.write(`[cluster-failures] ${m}\n`);
const cleanup: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  // A failed run must not leave a node down for the next one.
  for (const name of downNodes())
    log(`node ${name} was left down; restart with npm run infra:up -- --cluster`);
});

async function count(client: ClickHouseClient, sql: string): Promise<number | undefined> {
  try {
    return Number((await queryRows<{ n: string | number }>(client, sql))[0]?.n ?? 0);
  } catch {
    return undefined;
  }
}

/** Samples the stored-row count every 250 ms through a replica that is never killed. */
function sampler(client: ClickHouseClient, database: string) {
  const samples: { t: number; n: number }[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const n = await count(client, `SELECT count() AS n FROM ${database}.decisions_raw`);
      if (n !== undefined) samples.push({ t: Date.now(), n });
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    latest: () => samples[samples.length - 1]?.n ?? 0,
    /** Longest time without a new stored row between `from` and `to`. */
    longestStallMs(from: number, to: number): number {
      let last = from;
      let prevN = samples.filter((s) => s.t <= from).at(-1)?.n ?? 0;
      let worst = 0;
      for (const s of samples) {
        if (s.t <= from || s.t > to) continue;
        if (s.n > prevN) {
          worst = Math.max(worst, s.t - last);
          last = s.t;
          prevN = s.n;
        }
      }
      return Math.max(worst, Math.min(to, samples.at(-1)?.t ?? to) - last);
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/**
 * Resolves once `n` more rows are stored than when called and at least `minMs` have passed; fails after
 * `stallMs` with no new row.
 */
async function progress(
  s: ReturnType<typeof sampler>,
  n: number,
  what: string,
  minMs = 0,
  stallMs = 240_000,
) {
  const target = s.latest() + n;
  const notBefore = Date.now() + minMs;
  let best = s.latest();
  let at = Date.now();
  while (s.latest() < target) {
    if (s.latest() > best) {
      best = s.latest();
      at = Date.now();
    }
    if (Date.now() - at > stallMs)
      throw new Error(`${what}: no stored row for ${stallMs / 1000} s (at ${best})`);
    await new Promise((r) => setTimeout(r, 250));
  }
  while (Date.now() < notBefore) await new Promise((r) => setTimeout(r, 250));
}

/** How long each failure lasts at least, whatever the machine's speed. */
const OUTAGE_MS = 15_000;

async function partitionLeader(topic: string, partition: number): Promise<number> {
  const kafka = new kafkajs.Kafka({ brokers: CLUSTER_BROKERS, logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    const leader = md.topics[0]?.partitions.find((p) => p.partitionId === partition)?.leader;
    if (leader === undefined || leader < 0)
      throw new Error(`partition ${partition} of ${topic} has no leader`);
    return leader;
  } finally {
    await admin.disconnect();
  }
}

async function topicSize(topic: string): Promise<number> {
  const kafka = new kafkajs.Kafka({ brokers: CLUSTER_BROKERS, logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

function p99(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? Number.NaN;
}

describe('cluster under failure (CLUSTER=1)', () => {
  it('loses and duplicates nothing through a broker, a replica and a pipeline process dying mid-stream', async () => {
    expect(downNodes()).toEqual([]);
    const db: ClusterDatabase = await createClusterDatabase();
    // A failed run keeps its database for investigation (named in the log); a passing one drops it.
    let passed = false;
    cleanup.push(() => (passed ? db.drop() : Promise.resolve(log(`kept database ${db.database}`))));
    const [r1, r2] = db.replicas as [ClickHouseClient, ClickHouseClient];
    const topics = await createClusterTopics(3);
    const generated = mixedStream(randomBytes(4).toString('hex'), MAX_REPORTS, 100);
    const spawn = (url: string): PipelineProcess => {
      const p = startPipelineProcess({
        KAFKA_TOPIC: topics.topic,
        KAFKA_DLQ_TOPIC: topics.dlqTopic,
        KAFKA_GROUP_ID: topics.groupId,
        CLICKHOUSE_URL: url,
        CLICKHOUSE_DATABASE: db.database,
        SINK_BATCH_ROWS: '500',
        SINK_FLUSH_MS: '200',
      });
      cleanup.push(() => p.kill('SIGKILL'));
      return p;
    };
    // One process writes through each replica's Distributed table.
    const a = spawn(CLUSTER_CLICKHOUSE_URLS[0] ?? '');
    const b = spawn(CLUSTER_CLICKHOUSE_URLS[1] ?? '');
    await groupStable(topics.groupId, 2);
    const s = sampler(r2, db.database);
    cleanup.push(() => s.stop());
    const feed = startFeed(topics.topic, generated, RATE);
    cleanup.push(() => feed.stop());
    const t0 = Date.now();
    const windows: Record<string, { from: number; to: number }> = {};

    const warm = Date.now();
    await progress(s, 1500, 'steady state', OUTAGE_MS);

    // (a) The broker leading partition 0 dies (SIGKILL) and comes back.
    const leaderId = await partitionLeader(topics.topic, 0);
    const broker = kafkaNode(PROJECT_ROOT, leaderId);
    const aFrom = Date.now();
    expect(await killNode(broker)).toBeDefined();
    log(`(a) killed broker ${leaderId} (leader of partition 0) at +${((aFrom - t0) / 1000).toFixed(1)} s`);
    await progress(s, 1000, 'with a broker down', OUTAGE_MS);
    await startNode(broker, log, 300_000);
    windows.broker = { from: aFrom, to: Date.now() };
    await progress(s, 500, 'after the broker restart');

    // (b) ClickHouse replica r1 dies and comes back; the review queue is asked through r2 meanwhile.
    const replica = clickHouseNode(PROJECT_ROOT, 'r1');
    const bFrom = Date.now();
    expect(await killNode(replica)).toBeDefined();
    log(`(b) killed clickhouse r1 at +${((bFrom - t0) / 1000).toFixed(1)} s`);
    const queueMs: number[] = [];
    const queueErrors: string[] = [];
    const askQueue = async () => {
      const started = Date.now();
      try {
        const page = await queuePage(
          { client: r2, database: db.database },
          'CBSA',
          queueQuerySchema.parse({}),
          'cbsa.officer',
        );
        queueMs.push(Date.now() - started);
        return page.total;
      } catch (err) {
        queueErrors.push((err as Error).message);
        return -1;
      }
    };
    const during = progress(s, 1000, 'with replica r1 down', OUTAGE_MS);
    let asking = true;
    const asker = (async () => {
      while (asking) {
        await askQueue();
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    await during;
    asking = false;
    await asker;
    await startNode(replica, log, 300_000);
    windows.replica = { from: bFrom, to: Date.now() };
    log(
      `(b) review queue during the outage: ${queueMs.length} answers, ${queueErrors.length} errors, p99 ${p99(queueMs)} ms`,
    );
    expect(queueErrors, queueErrors.join('\n')).toEqual([]);
    expect(queueMs.length).toBeGreaterThan(0);
    await progress(s, 500, 'after the replica restart');

    // (c) One pipeline process dies; the other takes its partitions over.
    const cFrom = Date.now();
    expect(await b.kill('SIGKILL')).toBe(null);
    log(`(c) killed pipeline process b at +${((cFrom - t0) / 1000).toFixed(1)} s`);
    await progress(s, 1000, 'with one pipeline process', OUTAGE_MS);
    windows.pipeline = { from: cFrom, to: Date.now() };

    // Stop the feed once every failure is over and at least REPORTS were sent.
    while (feed.sent() < REPORTS && feed.sent() < generated.length)
      await new Promise((r) => setTimeout(r, 250));
    await feed.stop();
    const fedAt = Date.now();
    const messages = generated.slice(0, feed.sent());
    // Every message has a decision (a malformed one, keyed, an UNSCREENED one) and the malformed a dead letter.
    const decisionsExpected = messages.length;
    expect(messages.length).toBeGreaterThanOrEqual(REPORTS);
    // Kafka holds every acknowledged message (a retried send may add copies, never fewer).
    const inTopic = await topicSize(topics.topic);
    log(`Kafka holds ${inTopic} messages; ${messages.length} were acknowledged`);
    expect(inTopic, 'messages in the topic vs acknowledged to the feed').toBeGreaterThanOrEqual(
      messages.length,
    );
    await waitForCaughtUp(topics.groupId, topics.topic);
    log(
      `feed of ${messages.length} at ${RATE}/s done at +${((fedAt - t0) / 1000).toFixed(1)} s; caught up at +${((Date.now() - t0) / 1000).toFixed(1)} s; ${feed.retriedSends()} sends retried`,
    );
    expect(a.exited(), a.output()).toBe(false);

    // Exactly one decision per message, through the Distributed table with FINAL, on either replica.
    for (const client of [r1, r2]) {
      const decided = await waitFor(
        'every decision visible',
        () => count(client, `SELECT count() AS n FROM ${db.database}.decisions`),
        (n) => n !== undefined && n >= decisionsExpected,
        240_000,
        1000,
      ).catch(async (err: Error) => {
        // Which reports are missing, and when they were sent relative to each failure.
        const seen = new Set(
          (
            await queryRows<{ messageId: string }>(client, `SELECT messageId FROM ${db.database}.decisions`)
          ).map((r) => r.messageId),
        );
        const missing = messages
          .map((m, i) => ({ m, i }))
          .filter(({ m }) => m.messageId !== null && !seen.has(m.messageId))
          .map(
            ({ m, i }) => `#${i} ${m.key} acked +${(((feed.ackedAtMs[i] ?? 0) - t0) / 1000).toFixed(1)} s`,
          );
        const w = Object.entries(windows).map(
          ([k, v]) => `${k} +${((v.from - t0) / 1000).toFixed(1)}..+${((v.to - t0) / 1000).toFixed(1)} s`,
        );
        log(`missing ${missing.length}: ${missing.slice(0, 40).join(', ')}; windows ${w.join(', ')}`);
        throw err;
      });
      expect(decided).toBe(decisionsExpected);
      const ids = await count(
        client,
        `SELECT uniqExact(messageId) AS n FROM ${db.database}.decisions_raw FINAL`,
      );
      expect(ids).toBe(decisionsExpected);
    }
    // The DLQ: exactly the malformed messages (by key; a retried send may repeat one at a new offset), each with its reason.
    const dead = await queryRows<{ reason: string; n: string }>(
      r2,
      `SELECT reason, count() AS n FROM (SELECT messageKey, any(reason) AS reason FROM ${db.database}.dead_letters_dedup GROUP BY messageKey) GROUP BY reason`,
    );
    expect(Object.fromEntries(dead.map((d) => [d.reason, Number(d.n)]))).toEqual(expectedReasons(messages));
    // Both replicas hold the same rows once replication has caught up.
    const tables = ['decisions_raw_local', 'dead_letters_local'];
    const perReplica = async (client: ClickHouseClient) => {
      for (const t of tables) await client.command({ query: `SYSTEM SYNC REPLICA ${db.database}.${t}` });
      return Promise.all(tables.map((t) => count(client, `SELECT count() AS n FROM ${db.database}.${t}`)));
    };
    const [c1, c2] = [await perReplica(r1), await perReplica(r2)];
    expect(c1).toEqual(c2);
    const finalPerReplica = await Promise.all(
      [r1, r2].map((c) => count(c, `SELECT count() AS n FROM ${db.database}.decisions_raw_local FINAL`)),
    );
    expect(finalPerReplica).toEqual([decisionsExpected, decisionsExpected]);

    // Figures: stall and p99 of (stored - acknowledged by Kafka) per report sent in each window.
    const stored = await queryRows<{ messageId: string; insertedAtMs: string }>(
      r2,
      `SELECT messageId, insertedAtMs FROM ${db.database}.decisions`,
    );
    const insertedAt = new Map(stored.map((r) => [r.messageId, Number(r.insertedAtMs)]));
    const latencies = (from: number, to: number) => {
      const out: number[] = [];
      messages.forEach((m, i) => {
        const acked = feed.ackedAtMs[i] ?? 0;
        const at = m.messageId === null ? undefined : insertedAt.get(m.messageId);
        if (at !== undefined && acked >= from && acked <= to) out.push(at - acked);
      });
      return out;
    };
    const steady = latencies(warm, windows.broker?.from ?? warm);
    log(
      `steady: p99 ${p99(steady)} ms over ${steady.length} reports; raw rows ${c1[0]} for ${decisionsExpected} decisions`,
    );
    for (const [name, w] of Object.entries(windows)) {
      const l = latencies(w.from, w.to);
      log(
        `${name}: longest stall ${(s.longestStallMs(w.from, w.to) / 1000).toFixed(1)} s, window ${((w.to - w.from) / 1000).toFixed(1)} s, p99 ${p99(l)} ms over ${l.length} reports`,
      );
    }
    log(`whole run ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    passed = true;
  });
});
