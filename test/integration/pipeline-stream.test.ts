// The stream path end to end on the real Kafka and ClickHouse, in process: counts, reasons, DLQ
// headers, and re-publication of the same reports yielding no new rows as read.
import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../services/pipeline/kafka.ts';
import { createPipelineMetrics } from '../../services/pipeline/metrics.ts';
import { createPipeline, type Pipeline } from '../../services/pipeline/pipeline.ts';
import { replayDeadLetters } from '../../services/pipeline/replay.ts';
import { loadScorer } from '../../services/runtime/load-scorer.ts';
import { deadLetterReasons, expectedReasons, storedCounts } from '../support/counts.ts';
import {
  createTestDatabase,
  createTestTopics,
  infraConfig,
  type TestDatabase,
  type TestTopics,
  testLogger,
  waitFor,
} from '../support/env.ts';
import { publish, waitForGroupCaughtUp } from '../support/processes.ts';
import { mixedStream } from '../support/reports.ts';

describe('stream pipeline (real Kafka and ClickHouse)', () => {
  let db: TestDatabase;
  let topics: TestTopics;
  let pipeline: Pipeline;
  const run = randomBytes(4).toString('hex');
  const messages = mixedStream(run, 10_000, 100);
  const validCount = messages.filter((m) => m.expectedReason === null).length;
  const malformedCount = messages.length - validCount;

  beforeAll(async () => {
    db = await createTestDatabase();
    topics = await createTestTopics(3);
    const scorer = await loadScorer({ logger: testLogger });
    pipeline = createPipeline({
      kafka: createKafka({
        brokers: infraConfig.KAFKA_BROKERS,
        clientId: 'test-pipeline',
        logger: testLogger,
      }),
      clickhouse: db.client,
      scorer,
      logger: testLogger,
      metrics: createPipelineMetrics({ defaultMetrics: false }),
      topic: topics.topic,
      dlqTopic: topics.dlqTopic,
      groupId: topics.groupId,
      database: db.database,
      batchRows: 2000,
      flushMs: 200,
    });
    await pipeline.start();
  });

  afterAll(async () => {
    await pipeline?.stop();
    await db?.drop();
  });

  it('stores one decision per report (UNSCREENED for the unreadable) and one dead letter per malformed message', async () => {
    expect(malformedCount).toBe(100);
    await publish(topics.topic, messages);
    await waitFor(
      'all messages stored',
      () => storedCounts(db),
      (c) => c.decisions >= messages.length && c.deadLetters >= malformedCount,
      120_000,
    );
    await pipeline.flush();
    const counts = await storedCounts(db);
    expect(counts.decisions).toBe(messages.length);
    expect(counts.deadLetters).toBe(malformedCount);
    expect(await deadLetterReasons(db)).toEqual(expectedReasons(messages));
    const rows = await db.client
      .query({
        query: `SELECT messageId, consignmentId, screening, lane FROM ${db.database}.decisions`,
        format: 'JSONEachRow',
      })
      .then((r) => r.json<{ messageId: string; consignmentId: string; screening: string; lane: string }>());
    const complete = rows.filter((r) => r.screening === 'COMPLETE');
    expect(new Set(complete.map((r) => r.messageId))).toEqual(
      new Set(messages.filter((m) => m.messageId).map((m) => m.messageId)),
    );
    const unscreened = rows.filter((r) => r.screening === 'UNSCREENED');
    expect(unscreened.every((r) => r.lane === 'RED' && r.messageId.startsWith('unscreened:'))).toBe(true);
    expect(new Set(unscreened.map((r) => r.consignmentId))).toEqual(
      new Set(messages.filter((m) => m.expectedReason).map((m) => m.key)),
    );
  });

  it('puts the original bytes and provenance headers on the dead-letter topic', async () => {
    const kafka = new kafkajs.Kafka({
      brokers: [...infraConfig.KAFKA_BROKERS],
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `${topics.groupId}.dlq-reader` });
    await consumer.connect();
    await consumer.subscribe({ topic: topics.dlqTopic, fromBeginning: true });
    const seen: { value: Buffer | null; headers: Record<string, string> }[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
        ) as Record<string, string>;
        seen.push({ value: message.value, headers });
      },
    });
    await waitFor(
      'DLQ read',
      async () => seen.length,
      (n) => n >= malformedCount,
      60_000,
    );
    await consumer.disconnect();
    expect(seen.length).toBe(malformedCount);
    const originals = new Set(
      messages.filter((m) => m.expectedReason).map((m) => m.value.toString('base64')),
    );
    for (const s of seen) {
      expect(originals.has(s.value!.toString('base64'))).toBe(true);
      expect(s.headers['dlq-source-topic']).toBe(topics.topic);
      expect(Number.isInteger(Number(s.headers['dlq-source-partition']))).toBe(true);
      expect(Number.isInteger(Number(s.headers['dlq-source-offset']))).toBe(true);
      expect(Object.keys(expectedReasons(messages))).toContain(s.headers['dlq-reason']);
      expect(s.headers['dlq-detail']!.length).toBeGreaterThan(0);
    }
  });

  it('replay counts dead letters by reason in dry-run and republishes nothing', async () => {
    const summary = await replayDeadLetters({
      kafka: createKafka({ brokers: infraConfig.KAFKA_BROKERS, clientId: 'test-replay', logger: testLogger }),
      dlqTopic: topics.dlqTopic,
      defaultTopic: topics.topic,
      reasons: ['SCHEMA_INVALID', 'INVALID_JSON'],
      apply: false,
      logger: testLogger,
    });
    const expected = expectedReasons(messages);
    expect(summary.scanned).toBe(malformedCount);
    expect(summary.matched).toBe((expected.SCHEMA_INVALID ?? 0) + (expected.INVALID_JSON ?? 0));
    expect(summary.nowValid).toBe(0);
    expect(summary.republished).toBe(0);
  });

  it('shows no new decision when the same reports are published again', async () => {
    const before = await storedCounts(db);
    await publish(topics.topic, messages);
    await waitForGroupCaughtUp(topics.groupId, topics.topic);
    expect(before.decisions).toBe(messages.length);
    const after = await storedCounts(db);
    // Unreadable messages too: their UNSCREENED id is a hash of key and bytes.
    expect(after.decisions).toBe(messages.length);
  });
});
