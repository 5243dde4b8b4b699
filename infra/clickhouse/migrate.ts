// Numbered schema migrations for the review store (CONTRACT.md §3).
// Reads: infra/clickhouse/migrations/NNN_name.sql and <database>.schema_migrations.
// Writes: the database, its tables and views, one schema_migrations row per applied file.
// Guarantees: files apply in version order, each at most once; an applied file whose content
// changed is refused (MIGRATION_FAILED naming it); the first failing statement stops the run
// and is named. Works on ClickHouse 18.16 (one statement per HTTP request) and current releases.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import { PrecursorRiskError } from '../../services/common/errors.ts';
import { identifier, type SqlFragment, sql } from '../../services/storage/sql.ts';

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface MigrateOptions {
  /** Create it with database 'default' (or an existing one): 18.16 refuses every request naming a missing database. */
  client: ClickHouseClient;
  database: string;
  dir?: string;
  log: (m: string) => void;
}

export interface MigrationFile {
  version: number;
  /** File name, e.g. `001_decisions.sql`. */
  file: string;
  /** Name part, e.g. `decisions`. */
  name: string;
  /** sha256 (hex) of the file with line endings normalised to \n. */
  checksum: string;
  text: string;
}

const FILE_NAME = /^(\d{3,})_([A-Za-z0-9_]+)\.sql$/;

function migrationError(message: string, cause?: unknown, retriable?: boolean): PrecursorRiskError {
  const options: { cause?: unknown; retriable?: boolean } = {};
  if (cause !== undefined) options.cause = cause;
  if (retriable !== undefined) options.retriable = retriable;
  return new PrecursorRiskError('MIGRATION_FAILED', message, options);
}

export function checksumOf(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n'), 'utf8').digest('hex');
}

/** The migration files of `dir`, in version order. Any other `.sql` file there is an error. */
export async function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    throw migrationError(`cannot read migrations directory ${dir}: ${(err as Error).message}`, err);
  }
  const files: MigrationFile[] = [];
  const seen = new Map<number, string>();
  for (const file of names.sort()) {
    if (!file.endsWith('.sql')) continue;
    const m = FILE_NAME.exec(file);
    if (m === null) throw migrationError(`${file}: migration files are named NNN_name.sql`);
    const version = Number(m[1]);
    if (version < 1 || version > 0xffffffff) throw migrationError(`${file}: version out of range`);
    const other = seen.get(version);
    if (other !== undefined) throw migrationError(`${file}: version ${version} is also used by ${other}`);
    seen.set(version, file);
    const text = await fs.readFile(path.join(dir, file), 'utf8');
    files.push({ version, file, name: m[2] ?? '', checksum: checksumOf(text), text });
  }
  return files.sort((a, b) => a.version - b.version);
}

/**
 * Splits a migration into statements: `--` comments and block comments are removed, and a `;` that
 * ends a line (only blanks or a comment after it) ends a statement. Quotes are respected.
 */
export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  const n = text.length;
  const flush = () => {
    const s = current.trim();
    if (s !== '') statements.push(s);
    current = '';
  };
  while (i < n) {
    const c = text.charAt(i);
    const next = text.charAt(i + 1);
    if (c === '-' && next === '-') {
      while (i < n && text.charAt(i) !== '\n') i++;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
      current += ' ';
      continue;
    }
    if (c === "'" || c === '`' || c === '"') {
      // Quoted string or identifier: copy verbatim up to the closing quote (backslash escapes, doubled quotes).
      let j = i + 1;
      while (j < n) {
        const d = text.charAt(j);
        if (d === '\\') {
          j += 2;
          continue;
        }
        if (d === c) {
          if (text.charAt(j + 1) === c) {
            j += 2;
            continue;
          }
          break;
        }
        j++;
      }
      current += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === ';') {
      let j = i + 1;
      while (j < n && (text.charAt(j) === ' ' || text.charAt(j) === '\t')) j++;
      const rest = text.charAt(j);
      if (j >= n || rest === '\n' || rest === '\r' || (rest === '-' && text.charAt(j + 1) === '-')) {
        flush();
        i++;
        continue;
      }
    }
    current += c;
    i++;
  }
  flush();
  return statements;
}

/** Replaces `{{database}}` with the validated, quoted database name; any other placeholder is an error. */
export function substitute(statement: string, database: string, file: string): string {
  const db = identifier(database).text;
  return statement.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_, name: string) => {
    if (name !== 'database') throw migrationError(`${file}: unknown placeholder {{${name}}}`);
    return db;
  });
}

function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return true;
  const message = err instanceof Error ? err.message : String(err);
  return /ECONNREFUSED|ECONNRESET|socket hang up|Timeout error/i.test(message);
}

function brief(statement: string): string {
  const oneLine = statement.replace(/\s+/g, ' ');
  return oneLine.length > 160 ? `${oneLine.slice(0, 157)}...` : oneLine;
}

async function exec(client: ClickHouseClient, query: string | SqlFragment): Promise<void> {
  await client.command({ query: typeof query === 'string' ? query : query.text });
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/** Applies the pending migrations of `dir` to `database`; returns file names applied and skipped. */
export async function migrate(opts: MigrateOptions): Promise<{ applied: string[]; skipped: string[] }> {
  const { client, database, log } = opts;
  let db: SqlFragment;
  let table: SqlFragment;
  try {
    db = identifier(database); // validates the name before anything reaches SQL
    table = identifier(`${database}.schema_migrations`);
  } catch (err) {
    throw migrationError(`database name ${JSON.stringify(database)} is not a plain identifier`, err);
  }
  const files = await readMigrations(opts.dir ?? DEFAULT_MIGRATIONS_DIR);

  const bootstrap = [
    sql`CREATE DATABASE IF NOT EXISTS ${db}`,
    sql`CREATE TABLE IF NOT EXISTS ${table} (
      version UInt32,
      name String,
      checksum String,
      applied_at DateTime('UTC')
    ) ENGINE = MergeTree ORDER BY version`,
  ];
  for (const statement of bootstrap) {
    try {
      await exec(client, statement);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const hint = /Database .* doesn't exist|UNKNOWN_DATABASE|Code: 81/.test(message)
        ? ` (create the migration client with database 'default': ClickHouse refuses requests naming a database that does not exist yet)`
        : '';
      throw migrationError(
        `cannot prepare database ${database}: ${message.trim()}${hint}`,
        err,
        isConnectionError(err) ? true : undefined,
      );
    }
  }

  let appliedRows: AppliedRow[];
  try {
    const rs = await client.query({
      query: sql`SELECT version, name, checksum FROM ${table} ORDER BY version`.text,
      format: 'JSONEachRow',
    });
    appliedRows = (await rs.json<{ version: number | string; name: string; checksum: string }>()).map(
      (r) => ({
        version: Number(r.version),
        name: r.name,
        checksum: r.checksum,
      }),
    );
  } catch (err) {
    throw migrationError(
      `cannot read ${database}.schema_migrations: ${(err as Error).message}`,
      err,
      isConnectionError(err) ? true : undefined,
    );
  }
  const applied = new Map<number, AppliedRow>();
  for (const row of appliedRows) applied.set(row.version, row);

  const known = new Set(files.map((f) => f.version));
  for (const row of appliedRows) {
    if (!known.has(row.version)) {
      log(`migrate: ${database} has version ${row.version} (${row.name}) that no file here describes`);
    }
  }

  const result = { applied: [] as string[], skipped: [] as string[] };
  for (const m of files) {
    const done = applied.get(m.version);
    if (done !== undefined) {
      if (done.checksum !== m.checksum) {
        throw migrationError(
          `${m.file} was already applied to ${database} but has changed since (checksum ${m.checksum.slice(0, 12)}, ` +
            `applied ${done.checksum.slice(0, 12)}); add a new migration instead of editing an applied one`,
        );
      }
      result.skipped.push(m.file);
      continue;
    }

    const statements = splitStatements(m.text).map((s) => substitute(s, database, m.file));
    if (statements.length === 0) throw migrationError(`${m.file}: no statements`);
    const t0 = Date.now();
    for (const [index, statement] of statements.entries()) {
      try {
        await exec(client, statement);
      } catch (err) {
        // 18.16 has no ADD COLUMN IF NOT EXISTS: a column a failed earlier run already added counts as done.
        if (/\bADD COLUMN\b/i.test(statement) && /column with this name already exists/i.test(String(err)))
          continue;
        throw migrationError(
          `${m.file}: statement ${index + 1} of ${statements.length} failed: ${(err as Error).message.trim()}\n` +
            `  statement: ${brief(statement)}`,
          err,
          isConnectionError(err) ? true : undefined,
        );
      }
    }
    try {
      await exec(
        client,
        sql`INSERT INTO ${table} (version, name, checksum, applied_at) VALUES (${m.version}, ${m.name}, ${m.checksum}, ${new Date()})`,
      );
    } catch (err) {
      throw migrationError(`${m.file}: applied but could not be recorded: ${(err as Error).message}`, err);
    }
    log(`migrate: applied ${m.file} to ${database} (${statements.length} statements, ${Date.now() - t0} ms)`);
    result.applied.push(m.file);
  }
  return result;
}
