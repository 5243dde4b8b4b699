// `npx precursor-risk review [--seed-demo]`: runs the review web app on REVIEW_HOST:REVIEW_PORT.
// Reads ReviewConfig from the environment. With --seed-demo, creates the demo accounts that do not
// exist yet (docs/review-app.md) and, when the database holds no decisions, the demo cases. With
// `sharing`, builds the agency's sharing service on the app's ClickHouse client and ONE audit log
// (shared with the app: one writer per database), mounts the liaison routes and starts the receiver.
// Starts the chemistry room's name parser (OPSIN) for the case view. Resolves once the server is
// listening; `stop()` closes it, the receiver, the name parser and the ClickHouse client.

import { createAuditLog } from '../audit/audit-log.ts';
import { loadConfig, type ReviewConfig, reviewConfigSchema } from '../common/config.ts';
import { PrecursorRiskError } from '../common/errors.ts';
import { createRootLogger, type Logger } from '../common/logger.ts';
import { clickHouseDriftStatus } from '../drift/drift-report.ts';
import { resolveRegistryDir } from '../registry/registry.ts';
import { startChemistry } from '../runtime/chemistry.ts';
import type { AuditSink } from '../sharing/audit.ts';
import type { SharingSetup } from '../sharing/config.ts';
import { sharingServiceFromSetup } from '../sharing/runtime.ts';
import type { SharingService } from '../sharing/service.ts';
import { type ClickHouseClient, createClickHouse, queryRows } from '../storage/clickhouse.ts';
import { identifier, sql } from '../storage/sql.ts';
import { startReviewServer } from './app.ts';
import type { DriftStatusProvider } from './dashboard.ts';
import { seedDemoCases } from './seed.ts';
import { createUserDirectory, seedDemoUsers } from './users.ts';

function driftFromClickHouse(client: ClickHouseClient, database: string): DriftStatusProvider {
  const status = clickHouseDriftStatus({ client, database, registryDir: resolveRegistryDir() });
  return () => status();
}

export interface RunReviewOptions {
  logger: Logger;
  config?: ReviewConfig;
  seedDemo?: boolean;
  drift?: DriftStatusProvider;
  /**
   * Partner sharing: set-ups (loadSharingSetup / createSharingSetup / createDemoSharingSetups), or a
   * factory building services on the app's ClickHouse client and audit log. Receivers are started.
   */
  sharing?: SharingSetup | readonly SharingSetup[] | SharingFactory;
}

export type SharingFactory = (deps: {
  clickhouse: ReturnType<typeof createClickHouse>;
  database: string;
  audit: AuditSink;
  logger: Logger;
}) => SharingService | readonly SharingService[];

const DAY_MS = 86_400_000;

export async function runReviewServer(
  opts: RunReviewOptions,
): Promise<{ url: string; sharing: readonly SharingService[]; stop(): Promise<void> }> {
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
  // One audit log per process and database: the app and its sharing services append through it.
  const audit = createAuditLog({ client: clickhouse, database, logger: opts.logger, clock });
  const sharing = buildSharing(opts.sharing, { clickhouse, database, audit, logger: opts.logger });
  // The chemistry room's name parser (one OPSIN JVM per process, shared with a pipeline started beside
  // it): the case view reads what the goods lines the decision identified nothing in name. Started in
  // the background so the app listens at once; until it answers, those lines are shown without one.
  const chemistry = startChemistry({ logger: opts.logger }).catch(() => null);
  const stopChemistry = async () => (await chemistry)?.stop();
  let purgeTimer: NodeJS.Timeout | undefined;
  try {
    for (const s of sharing) await s.startReceiver();
    const purge = () => {
      for (const s of sharing) {
        s.purgeExpired().catch((err: unknown) =>
          opts.logger.warn({ err, agency: s.agencyId }, 'purging expired received cases failed'),
        );
      }
    };
    if (sharing.length > 0) {
      purge();
      purgeTimer = setInterval(purge, DAY_MS);
      purgeTimer.unref();
    }
    const server = await startReviewServer({
      config,
      clickhouse,
      database,
      logger: opts.logger,
      users,
      clock,
      audit,
      ...(sharing.length > 0 ? { sharing } : {}),
      // Drift as the dashboard shows it: recent stored decisions against the champion's reference.
      drift: opts.drift ?? driftFromClickHouse(clickhouse, database),
    });
    return {
      url: server.url,
      sharing,
      async stop() {
        clearInterval(purgeTimer);
        await server.close();
        await Promise.allSettled([...sharing.map((s) => s.stop()), stopChemistry()]);
        await clickhouse.close();
      },
    };
  } catch (err) {
    clearInterval(purgeTimer);
    await Promise.allSettled([...sharing.map((s) => s.stop()), stopChemistry()]);
    await clickhouse.close();
    throw err;
  }
}

function buildSharing(
  option: RunReviewOptions['sharing'],
  deps: Parameters<SharingFactory>[0],
): readonly SharingService[] {
  if (option === undefined) return [];
  if (typeof option === 'function') {
    const built = option(deps);
    return Array.isArray(built) ? (built as readonly SharingService[]) : [built as SharingService];
  }
  const setups: readonly SharingSetup[] = Array.isArray(option)
    ? (option as readonly SharingSetup[])
    : [option as SharingSetup];
  return setups.map((setup) => sharingServiceFromSetup(setup, deps));
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
