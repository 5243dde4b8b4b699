// Set-up for the cluster suite (CLUSTER=1): the three-broker Kafka and the two ClickHouse replicas that
// `infra:up -- --cluster` started, a fresh database (cluster migrations) and replicated topics per test.
// vitest.config.ts points KAFKA_BROKERS and CLICKHOUSE_URL of this project at the cluster, so the shared
// helpers in test/support/ (publish, startPipelineProcess, waitForGroupCaughtUp) talk to it.
import kafkajs from 'kafkajs';
import { migrateClusterDatabase, PROJECT_ROOT } from '../../infra/cli.ts';
import {
  CLUSTER,
  CLUSTER_BROKERS,
  CLUSTER_CLICKHOUSE_URLS,
  clusterNodes,
  ensureClusterTopics,
} from '../../infra/cluster/cluster.ts';
import { runningPid } from '../../infra/cluster/processes.ts';
import { type ClickHouseClient, createClickHouse, queryRows } from '../../services/storage/clickhouse.ts';
import { identifier } from '../../services/storage/sql.ts';
import { infraConfig, type TestDatabase, type TestTopics, uniqueName, waitFor } from '../support/env.ts';

export { CLUSTER, CLUSTER_BROKERS, CLUSTER_CLICKHOUSE_URLS, PROJECT_ROOT };

export function replicaClient(url: string): ClickHouseClient {
  return createClickHouse({
    url,
    username: infraConfig.CLICKHOUSE_USER,
    password: infraConfig.CLICKHOUSE_PASSWORD,
    requestTimeoutMs: 30_000,
  });
}

export interface ClusterDatabase extends TestDatabase {
  /** One client per replica, in CLUSTER.clickhouse order. */
  replicas: ClickHouseClient[];
  urls: readonly string[];
}

/** A database with a unique name, migrated with the cluster variant on both replicas. */
export async function createClusterDatabase(): Promise<ClusterDatabase> {
  const database = uniqueName('pr_cluster');
  await migrateClusterDatabase(infraConfig, database);
  const replicas = CLUSTER_CLICKHOUSE_URLS.map(replicaClient);
  const client = replicas[0] as ClickHouseClient;
  return {
    database,
    client,
    replicas,
    urls: CLUSTER_CLICKHOUSE_URLS,
    async count(sql: string) {
      const rows = await queryRows<{ n: string | number }>(client, sql);
      return Number(rows[0]?.n ?? 0);
    },
    async drop() {
      for (const r of replicas) {
        await r.command({ query: `DROP DATABASE IF EXISTS ${identifier(database)}` }).catch(() => undefined);
        await r.close();
      }
    },
  };
}

export async function createClusterTopics(partitions = 3): Promise<TestTopics> {
  const base = uniqueName('cluster.manifests');
  const t = { topic: base, dlqTopic: `${base}.dlq`, groupId: `${base}.group` };
  await ensureClusterTopics([
    { topic: t.topic, numPartitions: partitions },
    { topic: t.dlqTopic, numPartitions: partitions },
  ]);
  return t;
}

/** Names of the cluster's nodes that are not running (empty when all are up). */
export function downNodes(): string[] {
  return clusterNodes(PROJECT_ROOT)
    .filter((n) => runningPid(n) === undefined)
    .map((n) => n.name);
}

/** Messages of `topic` the group has not committed yet; undefined while the cluster cannot answer. */
export async function groupLag(
  admin: kafkajs.Admin,
  groupId: string,
  topic: string,
): Promise<number | undefined> {
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return ends.reduce((sum, p) => {
      const c = committed?.partitions.find((x) => x.partition === p.partition)?.offset ?? '-1';
      return sum + (Number(p.high) - Math.max(Number(c), 0));
    }, 0);
  } catch {
    return undefined; // coordinator moving, broker down: ask again
  }
}

/**
 * Resolves when the group has committed every partition's end. Fails only after `stallMs` without
 * progress (lag not shrinking), not after a fixed time: the shared machine's speed varies a lot.
 */
export async function waitForCaughtUp(groupId: string, topic: string, stallMs = 180_000): Promise<void> {
  const kafka = new kafkajs.Kafka({
    clientId: 'cluster-test-lag',
    brokers: CLUSTER_BROKERS,
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    let best = Number.POSITIVE_INFINITY;
    let progressAt = Date.now();
    for (;;) {
      const lag = await groupLag(admin, groupId, topic);
      if (lag === 0) return;
      if (lag !== undefined && lag < best) {
        best = lag;
        progressAt = Date.now();
      }
      if (Date.now() - progressAt > stallMs) {
        throw new Error(
          `group ${groupId} made no progress for ${stallMs / 1000} s; still ${best} behind on ${topic}`,
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Waits until the group has `members` members and is stable: the pipelines are consuming. */
export async function groupStable(groupId: string, members: number, timeoutMs = 300_000): Promise<void> {
  const kafka = new kafkajs.Kafka({ brokers: CLUSTER_BROKERS, logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await waitFor(
      `${members} members in ${groupId}`,
      () =>
        admin
          .describeGroups([groupId])
          .then((d) => d.groups[0])
          .catch(() => undefined),
      (g) => g !== undefined && g.state === 'Stable' && g.members.length === members,
      timeoutMs,
      500,
    );
  } finally {
    await admin.disconnect();
  }
}
