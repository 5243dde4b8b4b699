// The `precursor-risk` command line: one entry for every front door that runs in a terminal.
// Bad arguments and bad settings give one line on stderr and a non-zero exit.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { infraUp, migrateDatabase } from '../../infra/cli.ts';
import { runAuditVerify } from '../audit/verify-command.ts';
import {
  ConfigError,
  infraConfigSchema,
  loadConfig,
  pipelineConfigSchema,
  reviewConfigSchema,
  secretFromEnv,
  sharingConfigSchema,
  sharingConfigured,
} from '../common/config.ts';
import { PrecursorRiskError } from '../common/errors.ts';
import { createRootLogger } from '../common/logger.ts';
import { unsupportedNode } from '../common/node-version.ts';
import { createKafka } from '../pipeline/kafka.ts';
import { replayDeadLetters } from '../pipeline/replay.ts';
import { runReviewServer } from '../review/serve-command.ts';
import { startFeed } from '../runtime/feed.ts';
import { loadScorer } from '../runtime/load-scorer.ts';
import { startPipelineService } from '../runtime/pipeline-service.ts';
import { createStartup, oneLine, type Startup } from '../runtime/startup.ts';
import { createSharingSetup } from '../sharing/config.ts';
import { createDemoSharingSetups } from '../sharing/demo.ts';
import { SharingError } from '../sharing/errors.ts';
import { registerDataScienceCommands } from './ds-commands.ts';
import { runGenerate } from './generate-command.ts';
import { openInput, openOutput, scoreStreams } from './score-command.ts';
import { registerSharingCommands } from './sharing-commands.ts';

const SAMPLE_WATCHLIST_DIR = fileURLToPath(new URL('../../models/watchlists/sample/', import.meta.url));

function isoDate(value: string): Date {
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime())) {
    throw new InvalidArgumentError('expected an ISO 8601 date or date-time, e.g. 2026-11-01T00:00:00Z');
  }
  return d;
}

/** `--fix unscreened:<hash>=FILE` pairs as a map of corrected bytes (a bad pair is one clear error). */
function readFixes(pairs: readonly string[]): Map<string, Buffer> {
  const fixes = new Map<string, Buffer>();
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    const id = pair.slice(0, at);
    if (at < 0 || !/^unscreened:[0-9a-f]{32}$/.test(id)) {
      throw new InvalidArgumentError(`--fix ${pair}: expected unscreened:<32 hex digits>=FILE (the case id)`);
    }
    fixes.set(id, readFileSync(pair.slice(at + 1)));
  }
  return fixes;
}

function intIn(min: number, max: number, what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected ${what}: a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1_000_000) {
    throw new InvalidArgumentError('expected a rate in messages per second, above 0 and at most 1,000,000');
  }
  return n;
}

/**
 * Runs until SIGINT/SIGTERM, then stops every part. If a part dies for good first, stops the others
 * and throws SERVICE_FAILED naming it, so the command exits non-zero instead of running headless.
 */
async function runUntilStopped(
  startup: Startup,
  watched: ReadonlyArray<readonly [string, Promise<Error>]>,
): Promise<void> {
  const died = watched.map(([name, p]) =>
    p.then(
      (err) => ({ name, err }),
      (err: unknown) => ({ name, err }),
    ),
  );
  const first = await Promise.race([untilSignal().then(() => undefined), ...died]);
  if (first === undefined) process.stderr.write('stopping…\n');
  await startup.stopAll();
  if (first !== undefined) {
    throw new PrecursorRiskError(
      'SERVICE_FAILED',
      `${first.name} stopped: ${oneLine(first.err)}; stopped the rest`,
      {
        cause: first.err,
      },
    );
  }
}

/** Resolves on SIGINT/SIGTERM; a second signal exits at once. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals) => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

export function buildProgram(): Command {
  const program = new Command('precursor-risk')
    .description('Risk scoring of customs declarations and carrier manifests for fentanyl precursors')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(`${str.split('\n')[0]!.trim()}\n`) });

  program
    .command('score')
    .description('score newline-delimited reports with no servers running (CONTRACT.md §4)')
    .option('--input <file>', 'reports, one JSON object per line (default: stdin)')
    .option('--output <file>', 'decision records, one per line (default: stdout)')
    .option('--watchlist <dir>', 'directory with an OFAC SDN legacy CSV (sdn.csv, alt.csv)')
    .option(
      '--permits <file>',
      'permit register CSV (reference,type,issuingCountry,holderName,holderIdentifier,casNumber,maxQuantityKg,validFrom,validUntil)',
    )
    .option(
      '--history <file>',
      'earlier reports (NDJSON) whose consignees are known: turns on the first-time importer indicator',
    )
    .action(
      async (opts: {
        input?: string;
        output?: string;
        watchlist?: string;
        permits?: string;
        history?: string;
      }) => {
        const logger = createRootLogger(process.env.LOG_LEVEL ?? 'warn');
        const scorer = await loadScorer({
          logger,
          ...(opts.watchlist ? { watchlistDir: opts.watchlist } : {}),
          ...(opts.permits ? { permitsPath: opts.permits } : {}),
          ...(opts.history ? { history: { file: opts.history } } : {}),
        });
        const input = await openInput(opts.input);
        const output = await openOutput(opts.output);
        const summary = await scoreStreams({ input, output, errors: process.stderr, scorer });
        if (output !== process.stdout) await new Promise((r) => output.end(r));
        await scorer.close();
        logger.debug(summary, 'score finished');
      },
    );

  program
    .command('replay')
    .description(
      're-read the dead-letter topic, re-validate, and republish what now passes (dry-run by default)',
    )
    .option('--reason <code...>', 'only these reason codes (e.g. SCHEMA_INVALID)')
    .addOption(
      new Option('--since <iso>', 'only dead letters written at or after this time').argParser(isoDate),
    )
    .addOption(
      new Option('--until <iso>', 'only dead letters written at or before this time').argParser(isoDate),
    )
    .option('--apply', 'republish to the source topic (otherwise only count)', false)
    .option(
      '--fix <case=file...>',
      'replay only these UNSCREENED cases (their case id), with corrected bytes: unscreened:<hash>=FILE',
    )
    .action(
      async (opts: { reason?: string[]; since?: Date; until?: Date; apply: boolean; fix?: string[] }) => {
        const config = loadConfig(pipelineConfigSchema);
        const logger = createRootLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
        const kafka = createKafka({
          brokers: config.KAFKA_BROKERS,
          clientId: config.KAFKA_CLIENT_ID,
          logger,
        });
        const summary = await replayDeadLetters({
          kafka,
          dlqTopic: config.KAFKA_DLQ_TOPIC,
          defaultTopic: config.KAFKA_TOPIC,
          apply: opts.apply,
          logger,
          ...(opts.reason ? { reasons: opts.reason } : {}),
          ...(opts.since ? { since: opts.since } : {}),
          ...(opts.until ? { until: opts.until } : {}),
          ...(opts.fix ? { fixes: readFixes(opts.fix) } : {}),
        });
        process.stdout.write(`${JSON.stringify({ mode: opts.apply ? 'apply' : 'dry-run', ...summary })}\n`);
      },
    );

  program
    .command('start')
    .description('run the pipeline (Kafka → scoring → ClickHouse, with /metrics) and the review app')
    .option('--no-review', 'run only the pipeline (e.g. a second pipeline process)')
    .action(async (opts: { review: boolean }) => {
      const config = loadConfig(pipelineConfigSchema);
      const reviewConfig = opts.review ? loadConfig(reviewConfigSchema) : undefined;
      // Partner sharing beside the review app when this agency is configured (AGENCY_ID set).
      const sharingConfig = reviewConfig && sharingConfigured() ? loadConfig(sharingConfigSchema) : undefined;
      const logger = createRootLogger(config.LOG_LEVEL);
      const startup = createStartup(logger);
      const running = await startup.part('the pipeline', () => startPipelineService(config, logger));
      const review = reviewConfig
        ? await startup.part('the review app', () =>
            runReviewServer({
              logger,
              config: reviewConfig,
              ...(sharingConfig ? { sharing: createSharingSetup(sharingConfig, secretFromEnv) } : {}),
            }),
          )
        : undefined;
      logger.info(
        { ops: running.opsUrl, review: review?.url, sharing: review?.sharing[0]?.agencyId ?? 'off' },
        'services started; Ctrl-C stops them',
      );
      await runUntilStopped(startup, [['the pipeline', running.fatal]]);
    });

  program
    .command('review')
    .description("run only the officers' review web app on REVIEW_PORT")
    .option('--seed-demo', 'create the demo accounts (docs/review-app.md) and demo cases when empty', false)
    .action(async (opts: { seedDemo: boolean }) => {
      const config = loadConfig(reviewConfigSchema);
      const logger = createRootLogger(config.LOG_LEVEL);
      const review = await runReviewServer({ logger, config, seedDemo: opts.seedDemo });
      process.stderr.write(`review app: ${review.url}  (Ctrl-C stops it)\n`);
      await untilSignal();
      await review.stop();
    });

  program
    .command('audit')
    .description('audit log tools')
    .command('verify')
    .description('check the hash chain of the audit log; names the first broken entry')
    .action(async () => {
      process.exitCode = await runAuditVerify();
    });

  program
    .command('generate')
    .description('write synthetic reports valid under CONTRACT.md (labels to a side file)')
    .requiredOption('--count <n>', 'number of reports', intIn(1, 10_000_000, 'a count'))
    .option('--seed <s>', 'seed: the same seed gives the same output', intIn(0, 2 ** 32 - 1, 'a seed'), 1)
    .addOption(new Option('--out <file>', 'NDJSON output (default: stdout)').conflicts('toKafka'))
    .option('--labels <file>', 'label side file (default: <out>.labels.jsonl when --out is a file)')
    .option('--to-kafka', 'publish to KAFKA_TOPIC instead of writing a file', false)
    .option('--rate <r>', 'messages per second with --to-kafka', positiveNumber, 200)
    .action(
      async (opts: {
        count: number;
        seed: number;
        out?: string;
        labels?: string;
        toKafka: boolean;
        rate: number;
      }) => {
        await runGenerate(opts);
      },
    );

  program
    .command('demo')
    .description('the whole system on local defaults: infra up, pipeline, and a live synthetic feed')
    .option('--rate <r>', 'synthetic reports per second', positiveNumber, 20)
    .option('--seed <s>', 'seed of the synthetic feed', intIn(0, 2 ** 32 - 1, 'a seed'), 2026)
    .action(async (opts: { rate: number; seed: number }) => {
      const config = loadConfig(pipelineConfigSchema);
      const infraConfig = loadConfig(infraConfigSchema);
      const reviewSettings = loadConfig(reviewConfigSchema);
      const configured = sharingConfigured();
      const sharingConfig = configured ? loadConfig(sharingConfigSchema) : undefined;
      const logger = createRootLogger(config.LOG_LEVEL);
      const startup = createStartup(logger);
      const { clickhouseUrl } = await startup.part('Kafka and ClickHouse (infra up)', async () => ({
        ...(await infraUp(infraConfig)),
        stop: async () => {}, // they outlive the demo: `npm run infra:down` stops them
      }));
      // The demo screens parties against the sample lists (models/watchlists/sample/README.md).
      const running = await startup.part('the pipeline', () =>
        startPipelineService(
          { WATCHLIST_DIR: SAMPLE_WATCHLIST_DIR, ...config, CLICKHOUSE_URL: clickhouseUrl },
          logger,
        ),
      );
      const reviewConfig = { ...reviewSettings, CLICKHOUSE_URL: clickhouseUrl };
      // Partner sharing: the configured agency's real key when AGENCY_ID is set (one app, as in
      // production). Otherwise DEMO ONLY: ephemeral in-memory key pairs and pseudonymisation secrets
      // for CBSA and CBIC, each trusting the other, and a second app for CBIC on its own database —
      // two agencies never share a database, so the partner's case shows only what was sent.
      const demoSetups = configured
        ? []
        : createDemoSharingSetups(['CBSA', 'CBIC'], {
            KAFKA_BROKERS: config.KAFKA_BROKERS.join(','),
            KAFKA_CLIENT_ID: config.KAFKA_CLIENT_ID,
            CLICKHOUSE_URL: clickhouseUrl,
            LOG_LEVEL: config.LOG_LEVEL,
          });
      if (!configured) {
        logger.warn(
          { agencies: demoSetups.map((d) => `${d.config.AGENCY_ID} ${d.signingKey.keyId}`) },
          'DEMO ONLY: partner sharing uses ephemeral signing keys and pseudonymisation secrets generated in memory (set AGENCY_ID and AGENCY_SIGNING_KEY for real keys)',
        );
      }
      const review = await startup.part('the review app', () =>
        runReviewServer({
          logger,
          config: reviewConfig,
          seedDemo: true,
          sharing: sharingConfig
            ? createSharingSetup(sharingConfig, secretFromEnv)
            : demoSetups.filter((d) => d.config.AGENCY_ID === 'CBSA'),
        }),
      );
      const partner = configured
        ? undefined
        : await startup.part("the partner agency's review app (CBIC)", async () => {
            const partnerDb = `${reviewConfig.CLICKHOUSE_DATABASE}_cbic`;
            await migrateDatabase(infraConfig, partnerDb, clickhouseUrl);
            return runReviewServer({
              logger,
              config: {
                ...reviewConfig,
                CLICKHOUSE_DATABASE: partnerDb,
                REVIEW_PORT: reviewConfig.REVIEW_PORT === 0 ? 0 : reviewConfig.REVIEW_PORT + 1,
              },
              seedDemo: true,
              sharing: demoSetups.filter((d) => d.config.AGENCY_ID === 'CBIC'),
            });
          });
      const feed = await startup.part('the synthetic feed', () =>
        startFeed({
          kafka: createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'precursor-risk-demo-feed', logger }),
          topic: config.KAFKA_TOPIC,
          seed: opts.seed,
          rate: opts.rate,
          logger,
        }),
      );
      process.stderr.write(
        [
          '',
          'precursor-risk demo is running:',
          `  synthetic feed  ${opts.rate} reports/s → ${config.KAFKA_TOPIC} on ${config.KAFKA_BROKERS.join(',')}`,
          `  review app      ${review.url}   sign in as cbsa.officer or cbic.officer, password review-demo-2026`,
          `                  (all demo accounts: docs/review-app.md)`,
          partner
            ? `  partner (CBIC)  ${partner.url}   CBIC's own instance: sign in as cbic.officer; cases CBSA shares arrive here\n` +
              `  sharing         sign in as cbsa.liaison at ${review.url}, select cases (x), Share selected → preview → share\n` +
              '                  DEMO ONLY: ephemeral keys generated at start, lost at exit'
            : `  sharing         as ${sharingConfig?.AGENCY_ID} (liaison accounts: docs/review-app.md)`,
          `  pipeline        ${running.opsUrl ?? '(ops endpoints off)'}/metrics  /healthz  /readyz`,
          `  decisions       curl '${clickhouseUrl}/?query=SELECT+lane,count()+FROM+${config.CLICKHOUSE_DATABASE}.decisions+GROUP+BY+lane'`,
          '  Ctrl-C stops everything (Kafka and ClickHouse keep running: npm run infra:down).',
          '',
        ].join('\n'),
      );
      await runUntilStopped(startup, [
        ['the pipeline', running.fatal],
        ['the synthetic feed', feed.done.then(() => new Error('it stopped sending'))],
      ]);
    });

  registerSharingCommands(program);
  registerDataScienceCommands(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  const badNode = unsupportedNode();
  if (badNode !== undefined) {
    process.stderr.write(`precursor-risk: ${badNode}\n`);
    process.exitCode = 2;
    return;
  }
  // A closed pipe (`… | head`) is a normal end of output, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    if (
      err instanceof PrecursorRiskError &&
      (err.code === 'STARTUP_FAILED' || err.code === 'SERVICE_FAILED')
    ) {
      process.stderr.write(`precursor-risk: ${err.message}\n`);
      process.exitCode = 1;
      // Everything started was stopped; should a library still hold the loop open, leave anyway.
      setTimeout(() => process.exit(1), 5_000).unref();
      return;
    }
    if (err instanceof ConfigError || err instanceof PrecursorRiskError || err instanceof SharingError) {
      process.stderr.write(`precursor-risk: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR') {
      process.stderr.write(`precursor-risk: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`precursor-risk: unexpected error: ${e.stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv);
