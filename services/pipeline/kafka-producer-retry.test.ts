// The kafkajs producer as patched (patches/kafkajs+2.2.4.patch): a send whose partition leader dies
// mid-request resends that partition's messages to the new leader, even when the new leader already
// answered the same send for its own partitions. kafkajs 2.2.4 skipped such a broker on the retry and
// resolved the send with the moved partition's messages unwritten (the cluster suite's lost messages).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const sendMessagesFactory = require('kafkajs/src/producer/sendMessages.js');
const createRetry = require('kafkajs/src/retry/index.js');
const { KafkaJSConnectionError } = require('kafkajs/src/errors.js');

type Message = { key: string; value: string };
type TopicData = { topic: string; partitions: { partition: number; messages: Message[] }[] }[];

/** Three brokers leading partitions 0, 1, 2; broker 1 dies during the first produce request. */
function fakeCluster() {
  const leaders: Record<number, number> = { 0: 1, 1: 2, 2: 3 };
  const written = new Map<number, string[]>();
  let brokerOneDown = false;
  const broker = (nodeId: number) => ({
    nodeId,
    async produce({ topicData }: { topicData: TopicData }) {
      if (nodeId === 1) {
        // Dies after its siblings answered, so their answers are in hand when the send is retried.
        await new Promise((r) => setTimeout(r, 20));
        brokerOneDown = true;
        leaders[0] = 2; // the controller moves partition 0 to broker 2
        throw new KafkaJSConnectionError('Connection closed', { host: 'b1', port: 1 });
      }
      for (const { partitions } of topicData)
        for (const p of partitions) {
          if (leaders[p.partition] !== nodeId)
            throw new Error(`broker ${nodeId} does not lead ${p.partition}`);
          written.set(p.partition, [...(written.get(p.partition) ?? []), ...p.messages.map((m) => m.value)]);
        }
      return {
        topics: topicData.map(({ topic, partitions }) => ({
          topicName: topic,
          partitions: partitions.map((p) => ({ partition: p.partition, errorCode: 0, baseOffset: '0' })),
        })),
      };
    },
  });
  const brokers = new Map([1, 2, 3].map((id) => [id, broker(id)]));
  const metadata = () =>
    [0, 1, 2].map((partitionId) => ({ partitionId, leader: leaders[partitionId], replicas: [1, 2, 3] }));
  const cluster = {
    async refreshMetadataIfNecessary() {},
    async refreshMetadata() {},
    async addMultipleTargetTopics() {},
    isConnected: () => true,
    removeBroker() {},
    findTopicPartitionMetadata: () => metadata(),
    findLeaderForPartitions(_topic: string, partitions: string[]) {
      const result: Record<number, number[]> = {};
      for (const id of partitions) {
        const leader = leaders[Number(id)]!;
        if (leader === 1 && brokerOneDown) continue;
        result[leader] = [...(result[leader] ?? []), Number(id)];
      }
      return result;
    },
    async findBroker({ nodeId }: { nodeId: string | number }) {
      return brokers.get(Number(nodeId));
    },
  };
  return { cluster, written };
}

const eosManager = {
  isTransactional: () => false,
  getSequence: () => 0,
  updateSequence() {},
  async acquireBrokerLock() {},
  async releaseBrokerLock() {},
  getProducerId: () => -1,
  getProducerEpoch: () => 0,
  getTransactionalId: () => undefined,
};
const logger = { debug() {}, info() {}, warn() {}, error() {} };

describe('kafkajs producer retry across a leader change (patched)', () => {
  it("sends a dead leader's partition to its new leader, though that broker already answered", async () => {
    const { cluster, written } = fakeCluster();
    const send = sendMessagesFactory({
      logger,
      cluster,
      partitioner: ({ message }: { message: Message }) => Number(message.key),
      eosManager,
      retrier: createRetry({ retries: 3, initialRetryTime: 1, maxRetryTime: 5 }),
    });
    const messages = [0, 1, 2, 0, 1, 2].map((p, i) => ({ key: String(p), value: `m${i}` }));
    const responses = await send({ acks: -1, timeout: 1000, topicMessages: [{ topic: 't', messages }] });
    expect(written.get(0)).toEqual(['m0', 'm3']);
    expect(written.get(1)).toEqual(['m1', 'm4']);
    expect(written.get(2)).toEqual(['m2', 'm5']);
    // One acknowledgement per partition, each from the broker that wrote it.
    expect(responses.map((r: { partition: number }) => r.partition).sort()).toEqual([0, 1, 2]);
  });

  it('resends a keyless message to the partition it was first given, so none is skipped or doubled', async () => {
    const { cluster, written } = fakeCluster();
    let calls = 0; // round-robin, as kafkajs places messages without a key: not a function of the message
    const send = sendMessagesFactory({
      logger,
      cluster,
      partitioner: () => calls++ % 3,
      eosManager,
      retrier: createRetry({ retries: 3, initialRetryTime: 1, maxRetryTime: 5 }),
    });
    const messages = ['a', 'b', 'c', 'd'].map((value) => ({ key: '', value }));
    await send({ acks: -1, timeout: 1000, topicMessages: [{ topic: 't', messages }] });
    expect(written.get(0)).toEqual(['a', 'd']); // partition 0, resent to its new leader
    expect([...written.values()].flat().sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});
