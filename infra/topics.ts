// Reads the broker's topic list; writes (creates) only the topics it is given that do not exist yet.
// Guarantees: idempotent — existing topics are left as they are (partition counts are never changed);
// returns the names it created, after their leaders are elected.

import type { logCreator as LogCreator } from 'kafkajs';
import kafkajs from 'kafkajs';
import { PrecursorRiskError } from '../services/common/errors.ts';

const { Kafka, logLevel } = kafkajs;

export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

export interface EnsureTopicsOptions {
  brokers: string[];
  topics: TopicSpec[];
  logCreator?: LogCreator;
  /** Replicas per partition (1 on the single node; 3 on the cluster, with min.insync.replicas=2). */
  replicationFactor?: number;
  /** Topic-level configs for created topics, e.g. min.insync.replicas. */
  configEntries?: { name: string; value: string }[];
}

/** The pipeline's topics: manifests in, poison messages to the DLQ (names as configured). */
export function DEFAULT_TOPICS(
  partitions = 3,
  names: { topic: string; dlqTopic: string } = { topic: 'manifests.v1', dlqTopic: 'manifests.v1.dlq' },
): TopicSpec[] {
  return [
    { topic: names.topic, numPartitions: partitions },
    { topic: names.dlqTopic, numPartitions: partitions },
  ];
}

function isConnectionError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.name === 'KafkaJSConnectionError' || e.name === 'KafkaJSBrokerNotFound') return true;
    if ('originalError' in e && (e as { originalError?: unknown }).originalError instanceof Error) {
      const orig = (e as { originalError: Error }).originalError;
      if (orig.name === 'KafkaJSConnectionError') return true;
    }
  }
  return false;
}

export async function ensureTopics(opts: EnsureTopicsOptions): Promise<string[]> {
  for (const t of opts.topics) {
    if (!t.topic || !Number.isInteger(t.numPartitions) || t.numPartitions < 1) {
      throw new PrecursorRiskError(
        'INFRA_FAILED',
        `invalid topic spec ${JSON.stringify(t)}: needs a name and at least one partition`,
      );
    }
  }
  const kafka = new Kafka({
    clientId: 'precursor-risk-topics',
    brokers: opts.brokers,
    ...(opts.logCreator ? { logCreator: opts.logCreator } : { logLevel: logLevel.WARN }),
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const wanted = new Map(opts.topics.map((t) => [t.topic, t]));
    const missing = [...wanted.values()].filter((t) => !existing.has(t.topic));
    if (missing.length === 0) return [];
    const created = await admin.createTopics({
      topics: missing.map((t) => ({
        topic: t.topic,
        numPartitions: t.numPartitions,
        replicationFactor: opts.replicationFactor ?? 1,
        ...(opts.configEntries ? { configEntries: opts.configEntries } : {}),
      })),
      waitForLeaders: true,
    });
    // false means all of them appeared concurrently (someone else created them): nothing created by us.
    const names = created ? missing.map((t) => t.topic) : [];
    const after = new Set(await admin.listTopics());
    const absent = [...wanted.keys()].filter((name) => !after.has(name));
    if (absent.length > 0) {
      throw new PrecursorRiskError('INFRA_FAILED', `topics still missing after create: ${absent.join(', ')}`);
    }
    return names;
  } catch (err) {
    if (err instanceof PrecursorRiskError) throw err;
    if (isConnectionError(err)) {
      throw new PrecursorRiskError('KAFKA_UNAVAILABLE', `cannot reach Kafka at ${opts.brokers.join(',')}`, {
        cause: err,
      });
    }
    throw new PrecursorRiskError('INFRA_FAILED', `could not create topics: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
