// Fail closed, on the real Kafka and ClickHouse: a report that breaks a limit is screened in full
// (PARTIAL) and queued; an unreadable message whose key names its consignment becomes an UNSCREENED
// case (RED) while its bytes still go to the dead-letter topic; replaying a fix supersedes that case.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../services/pipeline/kafka.ts';
import { createPipelineMetrics } from '../../services/pipeline/metrics.ts';
import { createPipeline, type Pipeline } from '../../services/pipeline/pipeline.ts';
import { replayDeadLetters } from '../../services/pipeline/replay.ts';
import { unscreenedMessageId } from '../../services/pipeline/screening.ts';
import { queuePage } from '../../services/review/queue.ts';
import { queueQuerySchema } from '../../services/review/request-schemas.ts';
import { loadScorer } from '../../services/runtime/load-scorer.ts';
import { queryRows } from '../../services/storage/clickhouse.ts';
import { readReportBodies } from '../../services/storage/reports.ts';
import {
  createTestDatabase,
  createTestTopics,
  infraConfig,
  type TestDatabase,
  type TestTopics,
  testLogger,
  waitFor,
} from '../support/env.ts';
import { publish } from '../support/processes.ts';

const example = JSON.parse(
  readFileSync(new URL('../../examples/examples.jsonl', import.meta.url), 'utf8').split('\n')[0]!,
);

interface StoredRow {
  messageId: string;
  consignmentId: string;
  lane: string;
  screening: string;
  supersededBy: string;
  goods: string | number;
}

describe('screening what can be read (real Kafka and ClickHouse)', () => {
  let db: TestDatabase;
  let topics: TestTopics;
  let pipeline: Pipeline;
  const run = randomBytes(4).toString('hex').toUpperCase();
  const metrics = createPipelineMetrics({ defaultMetrics: false });

  const report = (n: number, edit: (r: typeof example) => void) => {
    const r = structuredClone(example);
    r.messageId = `screen-${run}-${n}`;
    r.consignment.consignmentId = `SCR${run}${n}`;
    edit(r);
    return { key: r.consignment.consignmentId, value: Buffer.from(JSON.stringify(r)), r };
  };
  const longText = report(1, (r) => {
    r.consignment.goods[0].description = `${'assorted household goods '.repeat(400)}`.slice(0, 10_000);
  });
  const manyLines = report(2, (r) => {
    r.consignment.goods = Array.from({ length: 2500 }, (_, i) => ({
      lineNumber: i + 1,
      description: i === 2400 ? '4-piperidone hydrochloride' : 'plastic toys',
      hsCode: i === 2400 ? '293339' : '950300',
      casNumbers: i === 2400 ? ['40064-34-4'] : [],
    }));
  });
  const unreadableKey = `SCR${run}3`;
  const unreadable = Buffer.from('CUSCAR garbled transmission <<<');
  const fixed = report(3, (r) => {
    r.messageId = `screen-${run}-3-fixed`;
  });

  const rows = () =>
    queryRows<StoredRow>(
      db.client,
      `SELECT messageId, consignmentId, toString(lane) AS lane, toString(screening) AS screening, supersededBy,
         length(hsCodes) AS goods FROM ${db.database}.decisions WHERE consignmentId LIKE 'SCR${run}%'`,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    topics = await createTestTopics(1);
    pipeline = createPipeline({
      kafka: createKafka({
        brokers: infraConfig.KAFKA_BROKERS,
        clientId: 'test-screening',
        logger: testLogger,
      }),
      clickhouse: db.client,
      scorer: await loadScorer({ logger: testLogger }),
      logger: testLogger,
      metrics,
      topic: topics.topic,
      dlqTopic: topics.dlqTopic,
      groupId: topics.groupId,
      database: db.database,
      batchRows: 100,
      flushMs: 100,
      feedCountry: 'CA',
    });
    await pipeline.start();
  });

  afterAll(async () => {
    await pipeline?.stop();
    await db?.drop();
  });

  it('scores a 10,000-character description and a 2,500-line manifest, queued with their status', async () => {
    expect(manyLines.value.length).toBeLessThan(1024 * 1024);
    await publish(topics.topic, [
      { key: longText.key, value: longText.value, expectedReason: null, messageId: longText.r.messageId },
      { key: manyLines.key, value: manyLines.value, expectedReason: null, messageId: manyLines.r.messageId },
      { key: unreadableKey, value: unreadable, expectedReason: 'INVALID_JSON', messageId: null },
    ]);
    const stored = await waitFor('three decisions', rows, (r) => r.length >= 3, 60_000);
    const byConsignment = new Map(stored.map((r) => [r.consignmentId, r]));
    const a = byConsignment.get(longText.key)!;
    const b = byConsignment.get(manyLines.key)!;
    expect(a).toMatchObject({ messageId: longText.r.messageId, screening: 'PARTIAL' });
    expect(a.lane).not.toBe('GREEN');
    expect(b).toMatchObject({ messageId: manyLines.r.messageId, screening: 'PARTIAL', lane: 'RED' });
    expect(Number(b.goods)).toBe(2500); // every line screened, the precursor on line 2401 found
    const [hit] = await queryRows<{ n: string | number }>(
      db.client,
      `SELECT count() AS n FROM ${db.database}.decisions ARRAY JOIN substances.goodsLine AS line
        WHERE messageId = '${manyLines.r.messageId}' AND line = 2401`,
    );
    expect(Number(hit?.n)).toBeGreaterThan(0);

    const page = await queuePage(
      { client: db.client, database: db.database },
      'CBSA',
      queueQuerySchema.parse({}),
      'test.officer',
    );
    const queued = new Map(page.items.map((i) => [i.consignmentId, i.screening]));
    expect(queued.get(longText.key)).toBe('PARTIAL');
    expect(queued.get(manyLines.key)).toBe('PARTIAL');
    expect(queued.get(unreadableKey)).toBe('UNSCREENED');
  });

  it('makes a non-JSON message keyed by its consignment an UNSCREENED case and still dead-letters its bytes', async () => {
    const id = unscreenedMessageId(unreadableKey, unreadable);
    const row = (await rows()).find((r) => r.consignmentId === unreadableKey);
    expect(row).toMatchObject({ messageId: id, screening: 'UNSCREENED', lane: 'RED', supersededBy: '' });
    const [dead] = await queryRows<{ valueBase64: string; reason: string }>(
      db.client,
      `SELECT valueBase64, reason FROM ${db.database}.dead_letters_dedup WHERE messageKey = '${unreadableKey}'`,
    );
    expect(dead?.reason).toBe('INVALID_JSON');
    expect(Buffer.from(dead!.valueBase64, 'base64').equals(unreadable)).toBe(true);
    // Its text is kept for the case view, once, as received; so are the PARTIAL reports' bodies.
    const bodies = await readReportBodies(db.client, db.database, [
      { consignmentId: unreadableKey, messageId: id },
      { consignmentId: longText.key, messageId: longText.r.messageId },
    ]);
    expect(bodies.get(id)).toBe(unreadable.toString('utf8'));
    expect(bodies.get(longText.r.messageId)).toBe(longText.value.toString('utf8'));
    const counted = Object.fromEntries(
      (await metrics.screened.get()).values.map((v) => [v.labels.status, v.value]),
    );
    expect(counted).toEqual({ PARTIAL: 2, UNSCREENED: 1 });
  });

  it('replaces the UNSCREENED case when a fix is replayed', async () => {
    const id = unscreenedMessageId(unreadableKey, unreadable);
    const summary = await replayDeadLetters({
      kafka: createKafka({ brokers: infraConfig.KAFKA_BROKERS, clientId: 'test-replay', logger: testLogger }),
      dlqTopic: topics.dlqTopic,
      defaultTopic: topics.topic,
      apply: true,
      fixes: new Map([[id, fixed.value]]),
      logger: testLogger,
    });
    expect(summary).toMatchObject({ matched: 1, nowValid: 1, republished: 1 });
    const after = await waitFor(
      'the fix scored and the case superseded',
      rows,
      (r) => r.some((x) => x.messageId === fixed.r.messageId) && r.some((x) => x.supersededBy !== ''),
      60_000,
    );
    expect(after.find((r) => r.messageId === id)).toMatchObject({
      supersededBy: fixed.r.messageId,
      lane: 'GREEN',
    });
    expect(after.find((r) => r.messageId === fixed.r.messageId)).toMatchObject({ screening: 'COMPLETE' });
    const page = await queuePage(
      { client: db.client, database: db.database },
      'CBSA',
      queueQuerySchema.parse({}),
      'test.officer',
    );
    expect(page.items.some((i) => i.messageId === id)).toBe(false);
  });
});
