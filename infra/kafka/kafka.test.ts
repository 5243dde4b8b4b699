// Unit checks for infra/kafka and infra/topics that need no broker: config rendering, cluster ids,
// stop/ensure guard rails. The real broker round trip lives in test/integration/kafka-roundtrip.test.ts.
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PrecursorRiskError } from '../../services/common/errors.ts';
import { DEFAULT_TOPICS, ensureTopics } from '../topics.ts';
import { ensureKafka, kafkaPaths, newClusterId, renderServerProperties, stopKafka } from './kafka.ts';

const quiet = () => undefined;

describe('infra/kafka', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'kafka-unit-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('renders a single-node KRaft config on the requested port', () => {
    const paths = kafkaPaths(root);
    const props = Object.fromEntries(
      renderServerProperties(paths, 9092)
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(props).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': '1',
      listeners: 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093',
      'controller.quorum.voters': '1@127.0.0.1:9093',
      'log.dirs': path.join(root, '.local', 'kafka', 'data'),
      'num.partitions': '3',
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'group.initial.rebalance.delay.ms': '0',
      'auto.create.topics.enable': 'false',
    });
  });

  it('makes Kafka-style cluster ids (16 bytes, unpadded base64url, no leading dash)', () => {
    for (let i = 0; i < 200; i++) {
      const id = newClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
  });

  it('stopKafka without a pid file reports nothing stopped', async () => {
    expect(await stopKafka({ root, log: quiet })).toEqual({ stopped: false });
  });

  it('stopKafka ignores (and removes) a pid file naming a process that is not the broker', async () => {
    const paths = kafkaPaths(root);
    await rm(paths.home, { recursive: true, force: true });
    await mkdir(paths.home, { recursive: true });
    await writeFile(paths.pidFile, `${process.pid}\n`);
    expect(await stopKafka({ root, log: quiet })).toEqual({ stopped: false });
    await expect(stat(paths.pidFile)).rejects.toThrow();
  });

  it('refuses to start a broker for a non-loopback address', async () => {
    const err = await ensureKafka({ root, brokers: ['192.0.2.1:9092'], log: quiet }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrecursorRiskError);
    expect((err as PrecursorRiskError).code).toBe('INFRA_FAILED');
    await expect(readFile(kafkaPaths(root).pidFile, 'utf8')).rejects.toThrow();
  });
});

describe('infra/topics', () => {
  it('lists the pipeline topics', () => {
    expect(DEFAULT_TOPICS()).toEqual([
      { topic: 'manifests.v1', numPartitions: 3 },
      { topic: 'manifests.v1.dlq', numPartitions: 3 },
    ]);
    expect(DEFAULT_TOPICS(6).every((t) => t.numPartitions === 6)).toBe(true);
  });

  it('rejects a topic spec without partitions before contacting a broker', async () => {
    await expect(
      ensureTopics({ brokers: ['127.0.0.1:1'], topics: [{ topic: 'x', numPartitions: 0 }] }),
    ).rejects.toMatchObject({ code: 'INFRA_FAILED' });
  });
});
