// The name parser (OPSIN) is an aid, never a dependency of the stream (issue #13): with its JVM killed in the
// middle of a run, the pipeline on the real Kafka and ClickHouse still decides every report, the metric
// precursor_risk_name_parser_unavailable_total counts the names scored on the name table alone, and one
// warning says so.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createRootLogger } from '../../services/common/logger.ts';
import { createKafka } from '../../services/pipeline/kafka.ts';
import { createPipelineMetrics } from '../../services/pipeline/metrics.ts';
import { createPipeline, type Pipeline } from '../../services/pipeline/pipeline.ts';
import { startChemistry } from '../../services/runtime/chemistry.ts';
import { type LoadedScorer, loadScorer } from '../../services/runtime/load-scorer.ts';
import { storedCounts } from '../support/counts.ts';
import {
  createTestDatabase,
  createTestTopics,
  infraConfig,
  type TestDatabase,
  waitFor,
} from '../support/env.ts';
import { publish } from '../support/processes.ts';
import { type TestMessage, validReport } from '../support/reports.ts';

// Systematic names no table holds (so each needs the parser), all distinct so no answer is cached.
const SUBSTITUENTS = ['methyl', 'ethyl', 'propyl', 'butyl', 'pentyl', 'hexyl', 'benzyl', 'allyl'];
function reports(run: string, from: number, count: number): TestMessage[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const r = validReport(run, i);
    const report = JSON.parse(r.json);
    const sub = SUBSTITUENTS[i % SUBSTITUENTS.length]!;
    report.consignment.goods[0].description = `${(i % 7) + 2}-${sub}-1-(${(i % 5) + 2}-phenylbutyl)piperidine-${i}`;
    report.consignment.goods[0].casNumbers = [];
    return {
      key: r.key,
      value: Buffer.from(JSON.stringify(report)),
      expectedReason: null,
      messageId: r.messageId,
    };
  });
}

describe('pipeline with the name parser killed mid-run (real Kafka, ClickHouse and OPSIN)', () => {
  let db: TestDatabase | undefined;
  let pipeline: Pipeline | undefined;
  let scorer: LoadedScorer | undefined;
  const previousCache = process.env.CHEMISTRY_CACHE_FILE;

  afterAll(async () => {
    await pipeline?.stop();
    await scorer?.close();
    await db?.drop();
    if (previousCache === undefined) delete process.env.CHEMISTRY_CACHE_FILE;
    else process.env.CHEMISTRY_CACHE_FILE = previousCache;
  });

  it('decides every report, counts the names that missed the parser and warns once', async () => {
    db = await createTestDatabase();
    const topics = await createTestTopics(3);
    process.env.CHEMISTRY_CACHE_FILE = join(mkdtempSync(join(tmpdir(), 'chem-cache-')), 'opsin.tsv');
    const logs: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).trim().split('\n')) logs.push(JSON.parse(l));
        done();
      },
    });
    const logger = createRootLogger('warn', sink);
    // The pipeline's registry, as in production (services/runtime/pipeline-service.ts).
    const metrics = createPipelineMetrics({ defaultMetrics: false });
    const registry = metrics.registry;
    scorer = await loadScorer({ logger, registry, drift: false, nameParser: 'opsin' });
    pipeline = createPipeline({
      kafka: createKafka({ brokers: infraConfig.KAFKA_BROKERS, clientId: 'test-name-parser', logger }),
      clickhouse: db.client,
      scorer,
      logger,
      metrics,
      topic: topics.topic,
      dlqTopic: topics.dlqTopic,
      groupId: topics.groupId,
      database: db.database,
      batchRows: 200,
      flushMs: 100,
    });
    await pipeline.start();
    const run = randomBytes(4).toString('hex');

    // With the parser up: decided, and no warning.
    await publish(topics.topic, reports(run, 0, 200));
    await waitFor(
      'first half stored',
      () => storedCounts(db!),
      (c) => c.decisions >= 200,
      120_000,
    );
    expect(logs.filter((l) => l.level >= 40 && /name parser/.test(l.msg))).toHaveLength(0);
    const missed = async () =>
      Number(
        /reason="down"} (\d+)/.exec(
          await registry.getSingleMetricAsString('precursor_risk_name_parser_unavailable_total'),
        )?.[1] ?? 0,
      );
    expect(await missed()).toBe(0);

    // The JVM this test started (through loadScorer) dies.
    const chemistry = await startChemistry({ logger });
    const pid = chemistry.parserPid;
    await chemistry.stop();
    expect(pid).not.toBeNull();
    process.kill(pid!, 'SIGKILL');
    await waitFor(
      'parser gone',
      async () => chemistry.parserPid,
      (p) => p === null,
      30_000,
    );

    await publish(topics.topic, reports(run, 200, 300));
    await waitFor(
      'every report stored',
      () => storedCounts(db!),
      (c) => c.decisions >= 500,
      120_000,
    );
    await pipeline.flush();
    expect((await storedCounts(db)).decisions).toBe(500);
    const warnings = logs.filter((l) => l.level === 40 && /name parser/.test(l.msg));
    expect(warnings).toHaveLength(1);
    // Each of the 300 later descriptions holds a name only the parser could have read.
    expect(await missed()).toBeGreaterThanOrEqual(300);
  }, 300_000);
});
