// Shared set-up of the data-science integration tests (ds-*.test.ts): generated reports as Kafka messages,
// an in-process pipeline over a scorer from loadScorer, and reads of what it stored.

import type { GenerateOptions } from '../../services/generator/index.ts';
import { generateReports, Rng } from '../../services/generator/index.ts';
import { createKafka } from '../../services/pipeline/kafka.ts';
import { createPipelineMetrics } from '../../services/pipeline/metrics.ts';
import { createPipeline, type Pipeline } from '../../services/pipeline/pipeline.ts';
import { type LoadedScorer, type LoadScorerOptions, loadScorer } from '../../services/runtime/load-scorer.ts';
import { queryRows } from '../../services/storage/clickhouse.ts';
import { infraConfig, type TestDatabase, type TestTopics, testLogger } from '../support/env.ts';
import type { TestMessage } from '../support/reports.ts';

/**
 * Generated reports as messages. `shuffle`: in random order, so every window has the steady-state mix (a
 * generated stream starts with manifests only: declarations are filed around arrival, days later).
 */
export function generatedMessages(opts: GenerateOptions & { shuffle?: boolean }): TestMessage[] {
  const { shuffle, ...gen } = opts;
  const reports = generateReports(gen).reports;
  return (shuffle ? new Rng(gen.seed ^ 0x5eed).shuffle(reports) : reports).map((r) => ({
    key: r.consignment.consignmentId,
    value: Buffer.from(JSON.stringify(r)),
    expectedReason: null,
    messageId: r.messageId,
  }));
}

export interface RunningTestPipeline {
  pipeline: Pipeline;
  scorer: LoadedScorer;
  metrics: ReturnType<typeof createPipelineMetrics>;
  stop(): Promise<void>;
}

export async function startTestPipeline(opts: {
  db: TestDatabase;
  topics: TestTopics;
  groupId?: string;
  scorer: Omit<LoadScorerOptions, 'logger' | 'registry'> & { logger?: LoadScorerOptions['logger'] };
}): Promise<RunningTestPipeline> {
  const metrics = createPipelineMetrics({ defaultMetrics: false });
  const scorer = await loadScorer({ logger: testLogger, registry: metrics.registry, ...opts.scorer });
  const pipeline = createPipeline({
    kafka: createKafka({ brokers: infraConfig.KAFKA_BROKERS, clientId: 'test-ds', logger: testLogger }),
    clickhouse: opts.db.client,
    scorer,
    logger: testLogger,
    metrics,
    topic: opts.topics.topic,
    dlqTopic: opts.topics.dlqTopic,
    groupId: opts.groupId ?? opts.topics.groupId,
    database: opts.db.database,
    batchRows: 500,
    flushMs: 100,
  });
  await pipeline.start();
  return {
    pipeline,
    scorer,
    metrics,
    async stop() {
      await pipeline.stop();
      await scorer.close();
    },
  };
}

export interface StoredDecision {
  messageId: string;
  lane: string;
  modelVersion: string;
  modelScore: number;
  scoredAtMs: number;
}

export async function storedDecisions(db: TestDatabase): Promise<StoredDecision[]> {
  const rows = await queryRows<Record<string, string | number>>(
    db.client,
    `SELECT messageId, toString(lane) AS lane, modelVersion, modelScore, scoredAtMs FROM ${db.database}.decisions`,
  );
  return rows.map((r) => ({
    messageId: String(r.messageId),
    lane: String(r.lane),
    modelVersion: String(r.modelVersion),
    modelScore: Number(r.modelScore),
    scoredAtMs: Number(r.scoredAtMs),
  }));
}

/** A prom-client gauge's current value from the registry's text exposition. */
export async function gaugeValue(
  metrics: RunningTestPipeline['metrics'],
  name: string,
): Promise<number | undefined> {
  const text = await metrics.registry.metrics();
  const m = new RegExp(`^${name} ([0-9.eE+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}
