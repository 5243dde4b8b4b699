// The local broker end to end: create a uniquely named topic with infra/topics.ts, produce one message with
// kafkajs, read it back from offset 0, and check topic creation is idempotent. Assumes a broker at
// 127.0.0.1:9092 (the test runner brings it up through infra/kafka).
import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTopics } from '../../infra/topics.ts';

const { Kafka, Partitioners, logLevel } = kafkajs;
const brokers = ['127.0.0.1:9092'];

describe('local Kafka round trip', () => {
  const topic = `test.kafka-roundtrip.${randomUUID()}`;
  const kafka = new Kafka({ clientId: 'kafka-roundtrip-test', brokers, logLevel: logLevel.NOTHING });

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('creates a topic once and reads back what it produced', async () => {
    expect(await ensureTopics({ brokers, topics: [{ topic, numPartitions: 3 }] })).toEqual([topic]);
    expect(await ensureTopics({ brokers, topics: [{ topic, numPartitions: 3 }] })).toEqual([]);

    const admin = kafka.admin();
    await admin.connect();
    const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    await admin.disconnect();
    expect(meta?.partitions).toHaveLength(3);

    const value = randomUUID();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'roundtrip', value }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `kafka-roundtrip-${randomUUID()}` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const got = await new Promise<{ value: string; offset: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('message not read back within 30 s')), 30_000);
        consumer
          .run({
            eachMessage: async ({ message }) => {
              if (message.value?.toString() === value) {
                clearTimeout(timer);
                resolve({ value, offset: message.offset });
              }
            },
          })
          .catch(reject);
      });
      expect(got).toEqual({ value, offset: '0' });
    } finally {
      await consumer.disconnect();
    }
  }, 60_000);
});
