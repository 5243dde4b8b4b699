// `npx precursor-risk review [--seed-demo]`: runs the review web app on REVIEW_HOST:REVIEW_PORT.
// Reads ReviewConfig from the environment. With --seed-demo, creates the demo accounts that do not
// exist yet (docs/review-app.md) and, when the database holds no decisions, the demo cases.
// Resolves once the server is listening; `stop()` closes it and the ClickHouse client.
import { loadConfig, type ReviewConfig, reviewConfigSchema } from '../common/config.ts';
import { PrecursorRiskError } from '../common/errors.ts';
import { createRootLogger, type Logger } from '../common/logger.ts';
import { createClickHouse, queryRows } from '../storage/clickhouse.ts';
import { identifier, sql } from '../storage/sql.ts';
import { startReviewServer } from './app.ts';
import type { DriftStatusProvider } from './dashboard.ts';
import { seedDemoCases } from './seed.ts';
import { createUserDirectory, seedDemoUsers } from './users.ts';

export interface RunReviewOptions {
  logger: Logger;
  config?: ReviewConfig;
  seedDemo?: boolean;
  drift?: DriftStatusProvider;
}

export async function runReviewServer(
  opts: RunReviewOptions,
): Promise<{ url: string; stop(): Promise<void> }> {
  const config = opts.config ?? loadConfig(reviewConfigSchema);
  const database = config.CLICKHOUSE_DATABASE;
  const clickhouse = createClickHouse({
    url: config.CLICKHOUSE_URL,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
  });
  const clock = { now: () => new Date() };
  const users = createUserDirectory({ client: clickhouse, database, clock });
  if (opts.seedDemo) {
    const created = await seedDemoUsers(users);
    if (created.length > 0) opts.logger.info({ created }, 'demo accounts created (docs/review-app.md)');
    const rows = await queryRows<{ n: string }>(
      clickhouse,
      sql`SELECT count() AS n FROM ${identifier(`${database}.decisions_raw`)}`.text,
    );
    if (Number(rows[0]?.n ?? 0) === 0)
      await seedDemoCases(clickhouse, database, clock.now(), { synthetic: 500 });
  }
  const server = await startReviewServer({
    config,
    clickhouse,
    database,
    logger: opts.logger,
    users,
    clock,
    ...(opts.drift ? { drift: opts.drift } : {}),
  });
  return {
    url: server.url,
    async stop() {
      await server.close();
      await clickhouse.close();
    },
  };
}

// Until the CLI wires `precursor-risk review`: `npx tsx services/review/serve-command.ts [--seed-demo]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const config = loadConfig(reviewConfigSchema);
    const logger = createRootLogger(config.LOG_LEVEL);
    const running = await runReviewServer({ logger, config, seedDemo: process.argv.includes('--seed-demo') });
    process.stderr.write(`review app: ${running.url}  (Ctrl-C stops it)\n`);
    const stop = () => {
      running.stop().finally(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (err) {
    process.stderr.write(`review app: ${err instanceof PrecursorRiskError ? err.message : String(err)}\n`);
    process.exit(2);
  }
}
