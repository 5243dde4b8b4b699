// The one module that touches kafkajs (frozen upstream since 2023): everything else sees these
// factories, so a change of client library is a change here.
import { CompressionTypes, type Consumer, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { kafkaLogCreator, type Logger } from '../common/logger.ts';

export type { Consumer, EachBatchPayload, IHeaders, KafkaMessage, Producer } from 'kafkajs';
export { CompressionTypes };

export interface KafkaOptions {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
}

export function createKafka({ brokers, clientId, logger }: KafkaOptions): Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
    connectionTimeout: 3000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
  });
}

/**
 * Every send waits for all in-sync replicas (acks=-1, given per send; the topics' min.insync.replicas=2
 * on a cluster makes that two copies). Retries span ~20 s (200 ms doubling, capped at 5 s, 8 tries): longer
 * than a KRaft controller takes to fence a dead leader and elect another (broker.session.timeout.ms, 9 s),
 * so a broker's death costs a pause, not a failed send. Not idempotent: kafkajs calls its idempotent
 * producer experimental and it wants unbounded retries, while a send here must be able to fail so the
 * sink can pause. A retried send may duplicate a dead letter; readers deduplicate. (The cluster suite
 * saw acknowledged sends missing from the log after a leader's SIGKILL either way: docs/scale-out.md.)
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5000 },
  });
}

export function createConsumer(kafka: Kafka, groupId: string): Consumer {
  return kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
    maxBytesPerPartition: 4 * 1024 * 1024,
    maxBytes: 16 * 1024 * 1024,
    maxWaitTimeInMs: 100,
  });
}

/** Header values as strings (kafkajs gives Buffer | string | array). */
export function headerString(value: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined ? undefined : v.toString();
}
