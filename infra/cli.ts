// `npm run infra:up | infra:down | migrate`: brings the local Kafka and ClickHouse up (fetching,
// installing and formatting on first run), applies migrations, creates topics; or stops them.
// Reads: InfraConfig from the environment. Guarantees: idempotent; a second `up` changes nothing.
import { fileURLToPath } from 'node:url';
import { ConfigError, type InfraConfig, infraConfigSchema, loadConfig } from '../services/common/config.ts';
import { PrecursorRiskError } from '../services/common/errors.ts';
import { createClickHouse } from '../services/storage/clickhouse.ts';
import { ensureClickHouse, stopClickHouse } from './clickhouse/clickhouse.ts';
import { migrate } from './clickhouse/migrate.ts';
import {
  CLUSTER_CLICKHOUSE_URLS,
  ensureCluster,
  ensureClusterTopics,
  stopCluster,
} from './cluster/cluster.ts';
import { migrateCluster } from './cluster/cluster-migrate.ts';
import { ensureKafka, stopKafka } from './kafka/kafka.ts';
import { DEFAULT_TOPICS, ensureTopics } from './topics.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

const log = (m: string) => process.stderr.write(`[infra] ${m}\n`);

export async function migrateDatabase(
  config: InfraConfig,
  database = config.CLICKHOUSE_DATABASE,
  url = config.CLICKHOUSE_URL,
) {
  const client = createClickHouse({
    url,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
  });
  try {
    return await migrate({ client, database, log });
  } finally {
    await client.close();
  }
}

export async function infraUp(config: InfraConfig): Promise<{ clickhouseUrl: string }> {
  const [, ch] = await Promise.all([
    ensureKafka({ root: PROJECT_ROOT, brokers: config.KAFKA_BROKERS, log }),
    ensureClickHouse({
      root: PROJECT_ROOT,
      url: config.CLICKHOUSE_URL,
      user: config.CLICKHOUSE_USER,
      password: config.CLICKHOUSE_PASSWORD,
      log,
    }),
  ]);
  if (ch.url !== config.CLICKHOUSE_URL) {
    log(`ClickHouse answers at ${ch.url}, not ${config.CLICKHOUSE_URL}: export CLICKHOUSE_URL=${ch.url}`);
  }
  const [{ applied }, created] = await Promise.all([
    migrateDatabase(config, config.CLICKHOUSE_DATABASE, ch.url),
    ensureTopics({
      brokers: config.KAFKA_BROKERS,
      topics: DEFAULT_TOPICS(config.KAFKA_PARTITIONS, {
        topic: config.KAFKA_TOPIC,
        dlqTopic: config.KAFKA_DLQ_TOPIC,
      }),
    }),
  ]);
  if (applied.length > 0) log(`applied migrations: ${applied.join(', ')}`);
  if (created.length > 0) log(`created topics: ${created.join(', ')}`);
  return { clickhouseUrl: ch.url };
}

export async function infraDown(): Promise<void> {
  await Promise.all([stopKafka({ root: PROJECT_ROOT, log }), stopClickHouse({ root: PROJECT_ROOT, log })]);
}

/** Applies the cluster variant of every migration to `database` on each replica (docs/scale-out.md). */
export async function migrateClusterDatabase(config: InfraConfig, database = config.CLICKHOUSE_DATABASE) {
  return migrateCluster({
    urls: CLUSTER_CLICKHOUSE_URLS,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
    database,
    log,
  });
}

/** The cluster mode of `up`: every node, then migrations on both replicas and replicated topics. */
export async function clusterUp(config: InfraConfig): Promise<void> {
  const { started } = await ensureCluster({
    root: PROJECT_ROOT,
    user: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
    log,
  });
  if (started.length > 0) log(`cluster: started ${started.join(', ')}`);
  const [{ applied }, created] = await Promise.all([
    migrateClusterDatabase(config),
    ensureClusterTopics(
      DEFAULT_TOPICS(config.KAFKA_PARTITIONS, {
        topic: config.KAFKA_TOPIC,
        dlqTopic: config.KAFKA_DLQ_TOPIC,
      }),
    ),
  ]);
  if (applied.length > 0) log(`cluster: applied migrations: ${applied.join(', ')}`);
  if (created.length > 0) log(`cluster: created topics: ${created.join(', ')}`);
}

async function cli(command: string | undefined, flags: string[]): Promise<void> {
  const cluster = flags.includes('--cluster');
  const unknown = flags.filter((f) => f !== '--cluster');
  if (unknown.length > 0) throw new ConfigError(`unknown option ${unknown.join(' ')} (only --cluster)`);
  const config = loadConfig(infraConfigSchema);
  const started = Date.now();
  switch (command) {
    case 'up':
      await (cluster ? clusterUp(config) : infraUp(config));
      break;
    case 'down':
      if (cluster) await stopCluster(PROJECT_ROOT, log);
      else await infraDown();
      break;
    case 'migrate': {
      const { applied, skipped } = await (cluster ? migrateClusterDatabase(config) : migrateDatabase(config));
      log(`migrations: ${applied.length} applied, ${skipped.length} already applied`);
      break;
    }
    default:
      throw new ConfigError(
        `usage: infra/cli.ts up | down | migrate [--cluster] (got ${JSON.stringify(command ?? '')})`,
      );
  }
  log(`${command}${cluster ? ' --cluster' : ''} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  cli(process.argv[2], process.argv.slice(3)).catch((err: unknown) => {
    const msg = err instanceof PrecursorRiskError ? err.message : ((err as Error).stack ?? String(err));
    process.stderr.write(`[infra] ${msg}\n`);
    process.exit(2);
  });
}
