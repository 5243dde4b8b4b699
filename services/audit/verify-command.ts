// `npx precursor-risk audit verify`: walks <database>.audit_log and checks every hash link.
// Reads: CLICKHOUSE_* from the environment (through config.ts). Writes: one line to stdout or stderr.
// Guarantees: exit code 0 when the chain is intact, 1 naming the first broken entry, 2 when it
// could not check (bad setting, ClickHouse unreachable).
import { loadConfig, reviewConfigSchema } from '../common/config.ts';
import { PrecursorRiskError } from '../common/errors.ts';
import { createRootLogger } from '../common/logger.ts';
import { createClickHouse } from '../storage/clickhouse.ts';
import { createAuditLog } from './audit-log.ts';

export interface AuditVerifyIO {
  env?: NodeJS.ProcessEnv;
  stdout?: Pick<NodeJS.WritableStream, 'write'>;
  stderr?: Pick<NodeJS.WritableStream, 'write'>;
  /** Another database than CLICKHOUSE_DATABASE (tests). */
  database?: string;
}

/** Returns the exit code; the caller sets `process.exitCode`. */
export async function runAuditVerify(io: AuditVerifyIO = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  let config: ReturnType<typeof loadConfig<typeof reviewConfigSchema>>;
  try {
    config = loadConfig(reviewConfigSchema, io.env ?? process.env);
  } catch (err) {
    stderr.write(`audit verify: ${(err as Error).message}\n`);
    return 2;
  }
  const database = io.database ?? config.CLICKHOUSE_DATABASE;
  const client = createClickHouse({
    url: config.CLICKHOUSE_URL,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
  });
  const logger = createRootLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  try {
    const result = await createAuditLog({ client, database, logger }).verify();
    if (result.ok) {
      stdout.write(`audit log of ${database} intact: ${result.entries} entries, every hash link checks\n`);
      return 0;
    }
    stderr.write(
      `audit log of ${database} BROKEN at entry seq ${result.firstBroken.seq}: ${result.firstBroken.reason}\n`,
    );
    return 1;
  } catch (err) {
    const msg = err instanceof PrecursorRiskError ? err.message : String(err);
    stderr.write(`audit verify: could not read ${database}.audit_log: ${msg}\n`);
    return 2;
  } finally {
    await client.close();
  }
}
