// Moves envelopes: Kafka topics `<prefix>partner.<agency>.cases.v1` (each agency consumes its own,
// in its own consumer group, and publishes to its partner's), and files for offline channels.
// Reads: the agency's inbound topic, envelope files. Writes: partners' topics, envelope files.
// Guarantees: topics are created (ensureTopics) before first use; a message's offset is committed
// only after the handler says it is done with it (at-least-once; the receiver deduplicates).
import { readFile, writeFile } from 'node:fs/promises';
import { ensureTopics } from '../../infra/topics.ts';
import type { Logger } from '../common/logger.ts';
import {
  type Consumer,
  createConsumer,
  type createKafka,
  createProducer,
  type Producer,
} from '../pipeline/kafka.ts';
import { type Envelope, serializeEnvelope } from './envelope.ts';

export type KafkaClient = ReturnType<typeof createKafka>;

export interface SharingKafkaOptions {
  client: KafkaClient;
  brokers: readonly string[];
  /** Prepended to every sharing topic name (tests use a unique one per run). */
  topicPrefix?: string;
  /** Default `precursor-risk-sharing-<agency>`. */
  groupId?: string;
  partitions?: number;
}

/** Whether the error, or one it wraps, says a retry can help (kafkajs and our errors both say so). */
function retriableCause(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if ((e as { retriable?: unknown }).retriable === true) return true;
  }
  return false;
}

export function partnerTopic(agency: string, prefix = ''): string {
  return `${prefix}partner.${agency.toLowerCase()}.cases.v1`;
}

export interface InboundOrigin {
  channel: 'kafka' | 'file';
  /** topic/partition/offset, or the file path. */
  source: string;
}

/** Returns true when the message is done with (its offset may be committed). */
export type InboundHandler = (
  value: Buffer,
  origin: InboundOrigin,
  heartbeat: () => Promise<void>,
) => Promise<boolean>;

export interface KafkaTransport {
  send(recipient: string, key: string, envelope: Envelope): Promise<void>;
  start(handler: InboundHandler): Promise<void>;
  stop(): Promise<void>;
  inboundTopic: string;
}

export function createKafkaTransport(me: string, opts: SharingKafkaOptions, logger: Logger): KafkaTransport {
  const prefix = opts.topicPrefix ?? '';
  const inboundTopic = partnerTopic(me, prefix);
  const partitions = opts.partitions ?? 3;
  const ensured = new Map<string, Promise<unknown>>();
  let producer: Promise<Producer> | undefined;
  let consumer: Consumer | undefined;

  const ensure = (topic: string) => {
    let p = ensured.get(topic);
    if (p === undefined) {
      p = ensureWithRetry(topic);
      p.catch(() => ensured.delete(topic)); // a failed attempt is retried on next use
      ensured.set(topic, p);
    }
    return p;
  };

  /** ensureTopics is idempotent; a broker still electing leaders answers with retriable errors. */
  async function ensureWithRetry(topic: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await ensureTopics({ brokers: [...opts.brokers], topics: [{ topic, numPartitions: partitions }] });
        return;
      } catch (err) {
        if (attempt >= 5 || !retriableCause(err)) throw err;
        logger.warn({ err, topic, attempt }, 'sharing topic not ready yet; retrying');
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }

  const connectedProducer = () => {
    if (producer === undefined) {
      const p = createProducer(opts.client);
      producer = p.connect().then(() => p);
      producer.catch(() => {
        producer = undefined;
      });
    }
    return producer;
  };

  return {
    inboundTopic,

    async send(recipient, key, envelope) {
      const topic = partnerTopic(recipient, prefix);
      await ensure(topic);
      const p = await connectedProducer();
      // Keyed by case id: a case's versions, receipts and outcomes stay in order on one partition.
      await p.send({ topic, acks: -1, messages: [{ key, value: serializeEnvelope(envelope) }] });
    },

    async start(handler) {
      if (consumer !== undefined) return;
      await ensure(inboundTopic);
      const c = createConsumer(opts.client, opts.groupId ?? `precursor-risk-sharing-${me.toLowerCase()}`);
      consumer = c;
      await c.connect();
      await c.subscribe({ topic: inboundTopic, fromBeginning: true });
      await c.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message, heartbeat }) => {
          const origin: InboundOrigin = {
            channel: 'kafka',
            source: `${topic}/${partition}/${message.offset}`,
          };
          const done = await handler(message.value ?? Buffer.alloc(0), origin, heartbeat);
          if (!done) return;
          try {
            await c.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
          } catch (err) {
            // Stored already; a lost commit only means a re-delivery, which the receiver deduplicates.
            logger.warn(
              { err, source: origin.source },
              'sharing offset commit failed; the package will be re-delivered',
            );
          }
        },
      });
    },

    async stop() {
      const c = consumer;
      consumer = undefined;
      const p = producer;
      producer = undefined;
      await Promise.allSettled([c?.disconnect(), p?.then((x) => x.disconnect())]);
    },
  };
}

/** Offline channel: one envelope per file, plain JSON (the signature covers the canonical bundle). */
export async function writeEnvelopeFile(envelope: Envelope, path: string): Promise<void> {
  await writeFile(path, `${serializeEnvelope(envelope)}\n`, { encoding: 'utf8', flag: 'wx' });
}

/** The file's bytes as they are: the receiver checks them exactly like a Kafka message's value. */
export async function readEnvelopeFile(path: string): Promise<Buffer> {
  return readFile(path);
}
