// `precursor-risk sharing …`: partner case sharing from a terminal (docs/sharing.md).
//   start                          run the receiver only (no web app): verify, store, answer receipts
//   keygen --agency X --out FILE   a new Ed25519 key pair: the PKCS8 PEM private key to FILE (mode
//                                  0600, never overwritten), the partner's trust-store entry on stdout
//   export --share ID --out FILE   the latest envelope this agency sent for a share, as a file
//   import FILE                    verify and store a package received as a file (the Kafka checks);
//                                  with --receipt-out, write the RECEIPT to carry back
//   package --input F --partner AGENCY --out DIR
//                                  score reports with no servers and write one signed CASE envelope
//                                  per flagged report to DIR/<messageId>.json (CONTRACT.md §4)
// Settings come from the environment only (sharingConfigSchema; secrets: AGENCY_SIGNING_KEY and the
// agreements' pseudonymisation keys). Bad arguments: one line on stderr, non-zero exit (main.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { createAuditLog } from '../audit/audit-log.ts';
import { loadConfig, secretFromEnv, sharingConfigSchema } from '../common/config.ts';
import { PrecursorRiskError } from '../common/errors.ts';
import { createRootLogger, type Logger } from '../common/logger.ts';
import { loadScorer } from '../runtime/load-scorer.ts';
import { createSharingSetup, type SharingSetup } from '../sharing/config.ts';
import type { Envelope } from '../sharing/envelope.ts';
import { SharingError } from '../sharing/errors.ts';
import { packageReports } from '../sharing/offline-package.ts';
import { sharingServiceFromSetup } from '../sharing/runtime.ts';
import type { SharingService } from '../sharing/service.ts';
import { generateSigningKey } from '../sharing/signing.ts';
import { trustStoreEntryYaml } from '../sharing/trust-store.ts';
import { type ClickHouseClient, createClickHouse, queryRows } from '../storage/clickhouse.ts';
import { identifier, sql } from '../storage/sql.ts';
import { openInput } from './score-command.ts';

const AGENCY = /^[A-Z][A-Z0-9]{1,15}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function agencyId(value: string): string {
  if (!AGENCY.test(value)) throw new InvalidArgumentError('expected an agency id such as CBSA or CBIC');
  return value;
}

function shareId(value: string): string {
  if (!UUID.test(value))
    throw new InvalidArgumentError('expected a share id (a UUID, as listed in Shared cases)');
  return value;
}

function days(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 3650) throw new InvalidArgumentError('expected 1 to 3650 days');
  return n;
}

/** Sharing's settings, files and keys, plus one ClickHouse client and one audit log for the process. */
function open(logLevelDefault?: string): {
  setup: SharingSetup;
  logger: Logger;
  clickhouse: ClickHouseClient;
  service: SharingService;
} {
  const config = loadConfig(sharingConfigSchema);
  const setup = createSharingSetup(config, secretFromEnv);
  const logger = createRootLogger(
    logLevelDefault && config.LOG_LEVEL === 'info' ? logLevelDefault : config.LOG_LEVEL,
  );
  const clickhouse = createClickHouse({
    url: config.CLICKHOUSE_URL,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
  });
  const audit = createAuditLog({ client: clickhouse, database: config.CLICKHOUSE_DATABASE, logger });
  const service = sharingServiceFromSetup(setup, {
    clickhouse,
    database: config.CLICKHOUSE_DATABASE,
    audit,
    logger,
  });
  return { setup, logger, clickhouse, service };
}

/** Resolves on SIGINT/SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

export function registerSharingCommands(program: Command): void {
  const sharing = program.command('sharing').description('partner case sharing (docs/sharing.md)');

  sharing
    .command('start')
    .description('run the sharing receiver only: verify, store and acknowledge partners’ packages')
    .action(async () => {
      const { service, clickhouse, logger, setup } = open();
      await service.startReceiver();
      await service
        .purgeExpired()
        .catch((err: unknown) => logger.warn({ err }, 'purging expired cases failed'));
      const purge = setInterval(() => {
        service.purgeExpired().catch((err: unknown) => logger.warn({ err }, 'purging expired cases failed'));
      }, 86_400_000);
      logger.info(
        { agency: setup.config.AGENCY_ID, topic: service.inboundTopic, keyId: service.keyId },
        'sharing receiver started; Ctrl-C stops it',
      );
      await untilSignal();
      clearInterval(purge);
      await service.stop();
      await clickhouse.close();
    });

  sharing
    .command('keygen')
    .description(
      'generate an Ed25519 signing key pair: private key to --out (0600), trust-store entry on stdout',
    )
    .requiredOption('--agency <id>', 'the agency the key signs for (CBSA, CBIC)', agencyId)
    .requiredOption('--out <file>', 'where to write the PKCS8 PEM private key (must not exist)')
    .option('--valid-days <n>', 'how long partners should accept the key', days, 365)
    .action(async (opts: { agency: string; out: string; validDays: number }) => {
      const key = generateSigningKey();
      try {
        // 'wx': never overwrite an existing key; 0600: readable by its owner only.
        await writeFile(opts.out, key.privateKeyPem, { mode: 0o600, flag: 'wx' });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'EEXIST')
          throw new PrecursorRiskError('CONFIG_INVALID', `${opts.out} exists; refusing to overwrite a key`);
        throw err;
      }
      const from = new Date();
      from.setUTCMilliseconds(0);
      const until = new Date(from.getTime() + opts.validDays * 86_400_000);
      const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
      process.stdout.write(
        [
          `# ${opts.agency} signing key ${key.keyId}: add under \`agencies:\` in the PARTNER's trust-store.yaml.`,
          `# The private key is in ${opts.out} (mode 0600): load it into ${opts.agency}'s AGENCY_SIGNING_KEY secret, then delete the file.`,
          trustStoreEntryYaml(opts.agency, key.keyId, key.publicKeyPem, iso(from), iso(until)),
          '',
        ].join('\n'),
      );
    });

  sharing
    .command('export')
    .description('write the latest envelope this agency sent for a share to a file (offline channel)')
    .requiredOption('--share <id>', 'share id', shareId)
    .requiredOption('--out <file>', 'envelope file to write')
    .action(async (opts: { share: string; out: string }) => {
      const { service, clickhouse, setup } = open('warn');
      try {
        const rows = await queryRows<{ envelopeJson: string; kind: string; version: string | number }>(
          clickhouse,
          sql`SELECT envelopeJson, toString(kind) AS kind, version FROM ${identifier(`${setup.config.CLICKHOUSE_DATABASE}.sharing_messages`)} FINAL
              WHERE shareId = ${opts.share} AND direction = 'OUT' ORDER BY at DESC, version DESC LIMIT 1`
            .text,
        );
        const row = rows[0];
        if (row === undefined)
          throw new PrecursorRiskError(
            'CONFIG_INVALID',
            `${setup.config.AGENCY_ID} sent no share ${opts.share}`,
          );
        await service.exportFile(JSON.parse(row.envelopeJson) as Envelope, opts.out);
        process.stdout.write(
          `${JSON.stringify({ share: opts.share, kind: row.kind, version: Number(row.version), file: opts.out })}\n`,
        );
      } finally {
        await clickhouse.close();
      }
    });

  sharing
    .command('package')
    .description(
      'score reports with no servers; one signed CASE envelope per flagged report (CONTRACT.md §4)',
    )
    .requiredOption('--input <file>', 'reports, one JSON object per line (- for stdin)')
    .requiredOption('--partner <agency>', 'the partner agency the packages are for', agencyId)
    .requiredOption('--out <dir>', 'directory for <messageId>.json envelopes (created if missing)')
    .option('--watchlist <dir>', 'directory with an OFAC SDN legacy CSV (sdn.csv, alt.csv)')
    .action(async (opts: { input: string; partner: string; out: string; watchlist?: string }) => {
      const config = loadConfig(sharingConfigSchema);
      const setup = createSharingSetup(config, secretFromEnv);
      if (setup.agreements.forPartner(opts.partner) === undefined) {
        throw new SharingError(
          'NO_AGREEMENT',
          `${config.AGENCY_ID} has no sharing agreement with ${opts.partner}`,
        );
      }
      const logger = createRootLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
      await mkdir(opts.out, { recursive: true });
      const scorer = await loadScorer({
        logger,
        ...(opts.watchlist ? { watchlistDir: opts.watchlist } : {}),
      });
      try {
        const summary = await packageReports({
          input: await openInput(opts.input),
          errors: process.stderr,
          partner: opts.partner,
          outDir: opts.out,
          setup,
          scorer,
        });
        process.stdout.write(`${JSON.stringify(summary)}\n`);
      } finally {
        await scorer.close();
      }
    });

  sharing
    .command('import')
    .description('verify and store a package received as a file; prints the result')
    .argument('<file>', 'envelope file')
    .option('--receipt-out <file>', 'write the RECEIPT envelope to carry back to the sender')
    .action(async (file: string, opts: { receiptOut?: string }) => {
      const { service, clickhouse } = open('warn');
      try {
        const result = await service.importFile(file, { reply: 'file' });
        const receipt = result.replies[0];
        if (opts.receiptOut && receipt) await service.exportFile(receipt.envelope, opts.receiptOut);
        const { replies, ...summary } = result;
        process.stdout.write(
          `${JSON.stringify({ ...summary, receipts: replies.map((p) => ({ kind: p.kind, shareId: p.shareId, version: p.version })) })}\n`,
        );
        if (result.status === 'rejected') process.exitCode = 1;
      } finally {
        await service.stop().catch(() => {});
        await clickhouse.close();
      }
    });
}
