// The cluster that `infra:up -- --cluster` starts is what docs/scale-out.md says: three brokers holding
// every partition three times with min.insync.replicas=2, two ClickHouse replicas of one shard behind
// Distributed tables, and the pipeline and the review queue working against it unchanged.
import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuePage } from '../../services/review/queue.ts';
import { queueQuerySchema } from '../../services/review/request-schemas.ts';
import { queryRows } from '../../services/storage/clickhouse.ts';
import { deadLetterReasons, expectedReasons, storedCounts } from '../support/counts.ts';
import { waitFor } from '../support/env.ts';
import { publish, startPipelineProcess } from '../support/processes.ts';
import { mixedStream } from '../support/reports.ts';
import {
  CLUSTER,
  CLUSTER_BROKERS,
  type ClusterDatabase,
  createClusterDatabase,
  createClusterTopics,
  downNodes,
  waitForCaughtUp,
} from './cluster-env.ts';

let db: ClusterDatabase;

beforeAll(async () => {
  db = await createClusterDatabase();
});

afterAll(async () => {
  await db?.drop();
});

describe('local cluster (CLUSTER=1)', () => {
  it('runs every node, and topics have three replicas with min.insync.replicas=2', async () => {
    expect(downNodes()).toEqual([]);
    const topics = await createClusterTopics(3);
    const kafka = new kafkajs.Kafka({ brokers: CLUSTER_BROKERS, logLevel: kafkajs.logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect((await admin.describeCluster()).brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
      const md = await admin.fetchTopicMetadata({ topics: [topics.topic] });
      const partitions = md.topics[0]?.partitions ?? [];
      expect(partitions).toHaveLength(3);
      for (const p of partitions) expect(p.replicas).toHaveLength(CLUSTER.replicationFactor);
      const configs = await admin.describeConfigs({
        resources: [{ type: 2, name: topics.topic, configNames: ['min.insync.replicas'] }],
        includeSynonyms: false,
      });
      expect(configs.resources[0]?.configEntries[0]?.configValue).toBe(String(CLUSTER.minInsyncReplicas));
    } finally {
      await admin.disconnect();
    }
  });

  it('migrates both replicas: replicated tables behind Distributed ones', async () => {
    for (const replica of db.replicas) {
      const tables = await queryRows<{ name: string; engine: string }>(
        replica,
        `SELECT name, engine FROM system.tables WHERE database = '${db.database}' ORDER BY name`,
      );
      const engine = new Map(tables.map((t) => [t.name, t.engine]));
      expect(engine.get('decisions_raw')).toBe('Distributed');
      expect(engine.get('decisions_raw_local')).toBe('ReplicatedReplacingMergeTree');
      expect(engine.get('dead_letters')).toBe('Distributed');
      expect(engine.get('dead_letters_local')).toBe('ReplicatedMergeTree');
      expect(engine.get('decisions')).toBe('View');
      // Every MergeTree-family table is replicated; none is left single-node (schema_migrations aside).
      const plain = tables.filter((t) => /MergeTree$/.test(t.engine) && !t.engine.startsWith('Replicated'));
      expect(plain.map((t) => t.name)).toEqual(['schema_migrations']);
    }
    const replicas = await queryRows<{ replica_num: number }>(
      db.client,
      `SELECT replica_num FROM system.clusters WHERE cluster = '${CLUSTER.name}'`,
    );
    expect(replicas).toHaveLength(CLUSTER.clickhouse.length);
  });

  it('the pipeline stores one decision per message and dead-letters the malformed; both replicas agree', async () => {
    const topics = await createClusterTopics(3);
    const messages = mixedStream(randomBytes(4).toString('hex'), 2000, 50);
    const p = startPipelineProcess({
      KAFKA_TOPIC: topics.topic,
      KAFKA_DLQ_TOPIC: topics.dlqTopic,
      KAFKA_GROUP_ID: topics.groupId,
      CLICKHOUSE_DATABASE: db.database,
      SINK_BATCH_ROWS: '500',
      SINK_FLUSH_MS: '100',
    });
    try {
      await publish(topics.topic, messages);
      await waitForCaughtUp(topics.groupId, topics.topic);
      const valid = messages.filter((m) => m.expectedReason === null).length;
      const counts = await waitFor(
        'every message stored',
        () => storedCounts(db),
        (c) => c.decisions >= messages.length && c.deadLetters >= messages.length - valid,
        180_000,
      );
      // Every message has a decision: the malformed ones (all keyed) an UNSCREENED one.
      expect(counts.decisions).toBe(messages.length);
      expect(counts.deadLetters).toBe(messages.length - valid);
      expect(await deadLetterReasons(db)).toEqual(expectedReasons(messages));
      // Each replica holds every row itself (read its local table, not the Distributed one).
      for (const replica of db.replicas) {
        const n = await waitFor(
          'replica caught up',
          async () =>
            Number(
              (
                await queryRows<{ n: string }>(
                  replica,
                  `SELECT count() AS n FROM (SELECT messageId FROM ${db.database}.decisions_raw_local FINAL)`,
                )
              )[0]?.n,
            ),
          (v) => v >= messages.length,
          120_000,
        );
        expect(n).toBe(messages.length);
      }
      // The review queue's queries run unchanged through the Distributed tables, on either replica.
      for (const replica of db.replicas) {
        const page = await queuePage(
          { client: replica, database: db.database },
          'CBSA',
          queueQuerySchema.parse({}),
          'cbsa.officer',
        );
        expect(page.total).toBeGreaterThan(0);
        expect(page.items.length).toBeGreaterThan(0);
      }
      expect(p.exited(), p.output()).toBe(false);
    } finally {
      await p.kill('SIGTERM');
    }
  });
});
