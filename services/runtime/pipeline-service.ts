// Runs one pipeline process: Kafka consumer group → scorer → ClickHouse, plus its ops endpoints.
// Reads: PipelineConfig. Guarantees: SIGTERM/SIGINT stop fetching, flush, commit and disconnect
// within 10 s (see Pipeline.stop).
import type { PipelineConfig } from '../common/config.ts';
import type { Logger } from '../common/logger.ts';
import { generateReports } from '../generator/index.ts';
import { createKafka } from '../pipeline/kafka.ts';
import { createLaneRateMonitor } from '../pipeline/lane-rates.ts';
import { createPipelineMetrics } from '../pipeline/metrics.ts';
import { buildOpsApp } from '../pipeline/ops-http.ts';
import { createPipeline, type Pipeline } from '../pipeline/pipeline.ts';
import { createClickHouse } from '../storage/clickhouse.ts';
import { type LoadedScorer, loadScorer } from './load-scorer.ts';
import { DEFAULT_PERMITS_DIR } from './permit-source.ts';
import { tuneV8ForStream } from './v8-tuning.ts';

export interface RunningPipeline {
  pipeline: Pipeline;
  scorer: LoadedScorer;
  opsUrl: string | undefined;
  /** Resolves when the pipeline died for good (its consumer will not restart). */
  fatal: Promise<Error>;
  stop(): Promise<void>;
}

/** Generated reports (a fixed seed) as the bytes the pipeline warms up on before consuming. */
function warmUpMessages(count = 6000): Buffer[] {
  return generateReports({ count, seed: 1 }).reports.map((r) => Buffer.from(JSON.stringify(r)));
}

export async function startPipelineService(config: PipelineConfig, logger: Logger): Promise<RunningPipeline> {
  tuneV8ForStream(); // before the warm-up: no allocation site gets pretenured on its first chunks
  const metrics = createPipelineMetrics();
  const clickhouse = createClickHouse({
    url: config.CLICKHOUSE_URL,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
  });
  const scorer = await loadScorer({
    logger,
    ...(config.RULES_DIR ? { rulesDir: config.RULES_DIR } : {}),
    ...(config.MODELS_DIR ? { modelsDir: config.MODELS_DIR } : {}),
    ...(config.LANE_POLICY_FILE ? { lanePolicyPath: config.LANE_POLICY_FILE } : {}),
    ...(config.WATCHLIST_DIR ? { watchlistDir: config.WATCHLIST_DIR } : {}),
    permitsPath: config.PERMITS_DIR ?? DEFAULT_PERMITS_DIR,
    permitsClickHouse: {
      client: clickhouse,
      database: config.CLICKHOUSE_DATABASE,
      pollMs: config.PERMITS_POLL_MS,
    },
    history: { client: clickhouse, database: config.CLICKHOUSE_DATABASE },
    watch: true,
    registry: metrics.registry,
  }).catch(async (err: unknown) => {
    await clickhouse.close();
    throw err;
  });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, logger });
  const laneRates = createLaneRateMonitor({
    registry: metrics.registry,
    logger,
    expected: () => scorer.lanePolicy?.expectedRates,
  });
  if (!config.WATCHLIST_DIR)
    logger.warn('WATCHLIST_DIR is not set: parties are not screened against any watchlist');
  const pipeline = createPipeline({
    kafka,
    clickhouse,
    scorer,
    logger,
    metrics,
    laneRates,
    topic: config.KAFKA_TOPIC,
    dlqTopic: config.KAFKA_DLQ_TOPIC,
    groupId: config.KAFKA_GROUP_ID,
    database: config.CLICKHOUSE_DATABASE,
    batchRows: config.SINK_BATCH_ROWS,
    flushMs: config.SINK_FLUSH_MS,
    counterpartLimits: { bytes: config.COUNTERPART_CACHE_MB * 2 ** 20 },
    feedCountry: config.FEED_COUNTRY,
    warmUpMessages: warmUpMessages(),
  });
  const ops = buildOpsApp({ registry: metrics.registry, isReady: pipeline.isReady });
  const stop = async () => {
    await pipeline.stop();
    await Promise.allSettled([ops.close(), scorer.close(), clickhouse.close()]);
  };
  let opsUrl: string | undefined;
  try {
    if (config.METRICS_PORT > 0) opsUrl = await ops.listen({ host: '127.0.0.1', port: config.METRICS_PORT });
    await pipeline.start();
  } catch (err) {
    // Nothing half-started outlives a failed start: the consumer, producer, port and scorer go.
    await stop();
    throw err;
  }
  return { pipeline, scorer, opsUrl, fatal: pipeline.fatal, stop };
}
