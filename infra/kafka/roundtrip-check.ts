// Manual end-to-end check: ensure → produce → consume → stop → ensure → read again from offset 0.
// Reads/writes <root>/.local/kafka (root = argv[2] or the repo root) and one throwaway topic (deleted at the end);
// leaves the broker running.
// Usage: npx tsx infra/kafka/roundtrip-check.ts [root] [host:port]

import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { ensureTopics } from '../topics.ts';
import { DEFAULT_BROKERS, ensureKafka, stopKafka } from './kafka.ts';

const { Kafka, Partitioners, logLevel } = kafkajs;

const root = process.argv[2] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const brokers = process.argv[3] ? [process.argv[3]] : DEFAULT_BROKERS;
const log = (msg: string) => console.log(`[${new Date().toISOString()}] ${msg}`);

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  const result = await fn();
  log(`${label}: ${((Date.now() - t0) / 1000).toFixed(2)} s → ${JSON.stringify(result)}`);
  return result;
}

async function readFromStart(kafka: InstanceType<typeof Kafka>, topic: string, want: string): Promise<void> {
  const consumer = kafka.consumer({ groupId: `roundtrip-check-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`message ${want} not read back within 30 s`)), 30_000);
      consumer
        .run({
          eachMessage: async ({ message, partition }) => {
            if (message.value?.toString() === want) {
              log(`read back ${want} at partition ${partition} offset ${message.offset}`);
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

async function main(): Promise<void> {
  await timed('ensureKafka #1', () => ensureKafka({ root, brokers, log }));
  const topic = `roundtrip-check.${randomUUID()}`;
  await timed('ensureTopics', () => ensureTopics({ brokers, topics: [{ topic, numPartitions: 1 }] }));

  const kafka = new Kafka({ clientId: 'roundtrip-check', brokers, logLevel: logLevel.WARN });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const value = randomUUID();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ key: 'k', value }] });
  await producer.disconnect();
  log(`produced ${value} to ${topic}`);
  await timed('consume #1', () => readFromStart(kafka, topic, value));

  await timed('stopKafka', () => stopKafka({ root, log }));
  await timed('ensureKafka #2 (restart)', () => ensureKafka({ root, brokers, log }));
  await timed('consume #2 (after restart, offset 0)', () => readFromStart(kafka, topic, value));

  const t0 = Date.now();
  const again = await ensureKafka({ root, brokers, log });
  const secs = (Date.now() - t0) / 1000;
  log(`ensureKafka #3 (warm): ${secs.toFixed(2)} s → ${JSON.stringify(again)}`);
  if (again.started || secs > 5) throw new Error('warm ensureKafka should return started:false within 5 s');
  await ensureTopics({ brokers, topics: [{ topic, numPartitions: 1 }] }).then((c) => {
    if (c.length !== 0) throw new Error(`ensureTopics not idempotent: created ${c.join(',')}`);
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  log('OK: round trip survived a broker restart; broker left running');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
