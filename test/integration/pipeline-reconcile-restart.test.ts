// Reconciliation survives a restart, on the real Kafka and ClickHouse: a manifest is stored by one
// pipeline, which stops; a new pipeline (empty memory) receives the declaration of the same
// consignment, finds the manifest in the store and judges both against each other.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../services/pipeline/kafka.ts';
import { createPipelineMetrics, type PipelineMetrics } from '../../services/pipeline/metrics.ts';
import { createPipeline, type Pipeline, type PipelineOptions } from '../../services/pipeline/pipeline.ts';
import { loadStoredDocuments } from '../../services/pipeline/stored-counterparts.ts';
import { loadScorer } from '../../services/runtime/load-scorer.ts';
import type { Scorer } from '../../services/scoring/scorer.ts';
import { queryRows } from '../../services/storage/clickhouse.ts';
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

const manifest = JSON.parse(
  readFileSync(new URL('../../examples/examples.jsonl', import.meta.url), 'utf8').split('\n')[0]!,
);

/** A report as the feed publishes it: keyed by its consignment. */
const asMessage = (r: { messageId: string; consignment: { consignmentId: string } }) => ({
  key: r.consignment.consignmentId,
  value: Buffer.from(JSON.stringify(r)),
  expectedReason: null,
  messageId: r.messageId,
});

/** The shared example manifest under another messageId and consignment. */
function manifestOf(messageId: string, consignmentId: string) {
  const m = structuredClone(manifest);
  m.messageId = messageId;
  m.consignment.consignmentId = consignmentId;
  return m;
}

/** The declaration of a manifest's consignment that describes other goods under another heading. */
function disagreeingDeclaration(m: typeof manifest, messageId: string) {
  const d = structuredClone(m);
  d.messageId = messageId;
  d.documentType = 'DECLARATION';
  d.filedAt = '2026-03-02T18:00:00Z';
  d.consignment.goods[0].description = 'Laboratory reagents, piperidine derivatives';
  d.consignment.goods[0].hsCode = '293339';
  return d;
}

describe('reconciliation across a pipeline restart (real Kafka and ClickHouse)', () => {
  let db: TestDatabase;
  let topics: TestTopics;
  let scorer: Scorer;
  const running: Pipeline[] = [];
  const run = randomBytes(4).toString('hex').toUpperCase();
  const consignmentId = `RST${run}`;

  const start = async (
    metrics = createPipelineMetrics({ defaultMetrics: false }),
    extra: Partial<PipelineOptions> = {},
  ) => {
    const p = createPipeline({
      kafka: createKafka({
        brokers: infraConfig.KAFKA_BROKERS,
        clientId: 'test-restart',
        logger: testLogger,
      }),
      clickhouse: db.client,
      scorer,
      logger: testLogger,
      metrics,
      topic: topics.topic,
      dlqTopic: topics.dlqTopic,
      groupId: topics.groupId,
      database: db.database,
      batchRows: 100,
      flushMs: 100,
      ...extra,
    });
    running.push(p);
    await p.start();
    return p;
  };
  /** Waits until the pipeline's index of stored consignments has loaded (it holds at least one). */
  const indexLoaded = (metrics: PipelineMetrics) =>
    waitFor(
      'stored consignments indexed',
      async () => (await metrics.storedConsignments.get()).values[0]?.value ?? 0,
      (n) => n >= 1,
      30_000,
    );
  const hits = (messageId: string) =>
    queryRows<{ ruleIds: string[] }>(
      db.client,
      `SELECT ruleHits.ruleId AS ruleIds FROM ${db.database}.decisions WHERE messageId = '${messageId}'`,
    );

  /** Waits for the earlier document's new row: judged again with the pair's disagreements. */
  const expectRejudged = async (messageId: string) => {
    const [rejudged] = await waitFor(
      'manifest re-judged',
      () => hits(messageId),
      (r) => r[0]?.ruleIds.includes('manifest-declaration-mismatch') === true,
      60_000,
    );
    expect(rejudged!.ruleIds).toContain('manifest-declaration-mismatch');
  };

  /** Waits for the one decision row of a message. */
  const decisionOf = (messageId: string, what: string) =>
    waitFor(
      what,
      () => hits(messageId),
      (rows) => rows.length === 1,
      60_000,
    );

  /** Publishes one report (keyed by its consignment) and waits for its decision. */
  const publishReport = async (
    r: { messageId: string; consignment: { consignmentId: string } },
    what: string,
  ) => {
    await publish(topics.topic, [asMessage(r)]);
    return decisionOf(r.messageId, what);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    topics = await createTestTopics(1);
    scorer = await loadScorer({ logger: testLogger });
  });

  afterAll(async () => {
    for (const p of running) await p.stop();
    await db?.drop();
  });

  it('finds the manifest stored before the restart when the declaration arrives', async () => {
    const m = manifestOf(`m-${run}`, consignmentId);
    const d = disagreeingDeclaration(m, `d-${run}`);

    const first = await start();
    await publishReport(m, 'manifest stored');
    expect((await hits(m.messageId))[0]!.ruleIds).not.toContain('manifest-declaration-mismatch');
    await first.stop();

    const metrics = createPipelineMetrics({ defaultMetrics: false });
    await start(metrics); // a new process: nothing in memory
    // Its index of stored consignments, loaded at the assignment, holds the manifest's consignment.
    await indexLoaded(metrics);
    const [declared] = await publishReport(d, 'declaration stored');
    expect(declared!.ruleIds).toContain('manifest-declaration-mismatch');
    // The manifest is judged again against the declaration (a new row for its messageId).
    await expectRejudged(m.messageId);
    expect((await metrics.counterpartLookups.get()).values[0]?.value).toBe(1);
    expect((await metrics.reconciled.get()).values[0]?.value).toBe(1);
  });

  it('judges an amendment of the flagged declaration against its earlier version', async () => {
    const d = JSON.parse(
      (
        await queryRows<{ report: string }>(
          db.client,
          `SELECT report FROM ${db.database}.reports WHERE messageId = 'd-${run}'`,
        )
      )[0]!.report,
    );
    const [earlier] = await queryRows<{ lane: string }>(
      db.client,
      `SELECT toString(lane) AS lane FROM ${db.database}.decisions WHERE messageId = 'd-${run}'`,
    );
    expect(earlier!.lane).not.toBe('GREEN');
    const d2 = structuredClone(d);
    d2.messageId = `d2-${run}`;
    d2.consignment.goods[0].description = 'Reagents';
    d2.consignment.parties.consignee.name = 'Northern Lights Import Services';
    const [amended] = await publishReport(d2, 'amendment stored');
    expect(amended!.ruleIds.filter((id) => id === 'amended-after-flag').length).toBe(2);
    const [lane] = await queryRows<{ lane: string }>(
      db.client,
      `SELECT toString(lane) AS lane FROM ${db.database}.decisions WHERE messageId = 'd2-${run}'`,
    );
    const rank = { GREEN: 0, YELLOW: 1, RED: 2 } as Record<string, number>;
    expect(rank[lane!.lane]).toBeGreaterThanOrEqual(rank[earlier!.lane]!);
  });

  it('does not read the store for a consignment its index shows was never stored', async () => {
    for (const p of running.splice(0)) await p.stop();
    const metrics = createPipelineMetrics({ defaultMetrics: false });
    await start(metrics);
    await indexLoaded(metrics);
    const fresh = manifestOf(`n-${run}`, `NEW${run}`);
    await publishReport(fresh, 'new consignment stored');
    expect((await metrics.counterpartLookupsSkipped.get()).values[0]?.value).toBe(1);
    expect((await metrics.counterpartLookups.get()).values[0]?.value ?? 0).toBe(0);
  });

  it('reads the latest stored document of each kind in one batched query', async () => {
    const docs = await loadStoredDocuments(db.client, db.database, [consignmentId, 'NO-SUCH-CONSIGNMENT']);
    expect(docs.map((x) => [x.report.documentType, x.report.messageId]).sort()).toEqual([
      ['DECLARATION', `d2-${run}`],
      ['MANIFEST', `m-${run}`],
    ]);
  });

  it('pairs a document with a counterpart its own batch pushes out of memory', async () => {
    for (const p of running.splice(0)) await p.stop();
    topics = await createTestTopics(1);
    // Room for two consignments: the batch below brings three.
    const metrics = createPipelineMetrics({ defaultMetrics: false });
    await start(metrics, { counterpartLimits: { bytes: 1 << 30, consignments: 2 } });
    await indexLoaded(metrics);
    const m = manifestOf(`em-${run}`, `EVI${run}`);
    await publishReport(m, 'manifest stored');
    const others = [1, 2].map((k) => manifestOf(`eo${k}-${run}`, `EVO${k}${run}`));
    const d = disagreeingDeclaration(m, `ed-${run}`);
    // One produce request, one fetch: the two new consignments are remembered before the declaration
    // is paired, and the manifest is then the oldest of three.
    await publish(topics.topic, [...others, d].map(asMessage));
    const [declared] = await decisionOf(d.messageId, 'declaration stored');
    expect(declared!.ruleIds).toContain('manifest-declaration-mismatch');
    // Paired from memory: the manifest was known when the batch arrived, so nothing was read back.
    expect((await metrics.counterpartLookups.get()).values[0]?.value ?? 0).toBe(0);
    expect((await metrics.reconciled.get()).values[0]?.value).toBe(1);
    // Trimmed once the batch was judged.
    expect((await metrics.counterpartCacheConsignments.get()).values[0]?.value).toBeLessThanOrEqual(2);
  });

  it('leaves the earlier decision as it stands when the second document agrees with it', async () => {
    const m = manifestOf(`ma-${run}`, `AGR${run}`);
    const d = structuredClone(m);
    d.messageId = `da-${run}`;
    d.documentType = 'DECLARATION';
    d.filedAt = '2026-03-02T18:00:00Z';
    for (const p of running.splice(0)) await p.stop();
    topics = await createTestTopics(1);
    const metrics = createPipelineMetrics({ defaultMetrics: false });
    await start(metrics);
    await publishReport(m, 'manifest stored');
    const [declared] = await publishReport(d, 'declaration stored');
    expect(declared!.ruleIds).not.toContain('manifest-declaration-mismatch');
    // The manifest's row would have been written in the declaration's insert: it is not there.
    const rows = await queryRows<{ n: string }>(
      db.client,
      `SELECT count() AS n FROM ${db.database}.decisions_raw WHERE messageId = '${m.messageId}'`,
    );
    expect(Number(rows[0]!.n)).toBe(1);
    expect((await metrics.pairsAgreeing.get()).values[0]?.value).toBe(1);
    expect((await metrics.reconciled.get()).values[0]?.value ?? 0).toBe(0);
  });

  it('pairs two documents of one fetch that are judged in different chunks of it', async () => {
    for (const p of running.splice(0)) await p.stop();
    topics = await createTestTopics(1);
    const metrics = createPipelineMetrics({ defaultMetrics: false });
    await start(metrics);
    const m = manifestOf(`cm-${run}`, `CHK${run}`);
    const d = disagreeingDeclaration(m, `cd-${run}`);
    const fillers = Array.from({ length: 600 }, (_, k) => manifestOf(`cf${k}-${run}`, `CHF${k}${run}`));
    // One produce request, one partition: the manifest first, the declaration ~500 messages later,
    // beyond the 256 judged together.
    await publish(topics.topic, [m, ...fillers.slice(0, 500), d, ...fillers.slice(500)].map(asMessage));
    const [declared] = await decisionOf(d.messageId, 'declaration stored');
    expect(declared!.ruleIds).toContain('manifest-declaration-mismatch');
    await expectRejudged(m.messageId);
    expect((await metrics.reconciled.get()).values[0]?.value).toBe(1);
  });
});
