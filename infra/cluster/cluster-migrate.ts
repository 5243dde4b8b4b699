// The cluster variant of the migrations, derived mechanically from the single-node files in
// infra/clickhouse/migrations/ (so a new migration needs no cluster twin), and its runner.
// Reads: those files and <database>.schema_migrations on each replica. Writes: the database on each replica.
// Conversion: a `CREATE TABLE t (...) ENGINE = <X>MergeTree(args)` becomes
//   t_local  ENGINE = Replicated<X>MergeTree('/clickhouse/tables/{shard}/<db>/t_local', '{replica}', args)
//   t        ENGINE = Distributed(cluster, <db>, t_local, cityHash64(<first ORDER BY column>))
// so every query and insert that names `t` (the app's, unchanged) goes through the Distributed table;
// sharding by the sorting key's first column keeps every copy of a row on one shard, which is what
// lets FINAL (applied per shard) deduplicate. ALTER ... COLUMN goes to both; INSERT runs once (the
// replicated table copies it); everything else (views, DROP VIEW) runs on every replica.
// Guarantees: as the single-node runner — files in version order, each at most once per replica, an
// applied file that changed is refused; a statement the converter cannot place is refused by name.
import { PrecursorRiskError } from '../../services/common/errors.ts';
import { createClickHouse } from '../../services/storage/clickhouse.ts';
import { identifier, sql } from '../../services/storage/sql.ts';
import {
  DEFAULT_MIGRATIONS_DIR,
  type MigrationFile,
  readMigrations,
  splitStatements,
  substitute,
} from '../clickhouse/migrate.ts';
import { CLUSTER } from './layout.ts';

export interface ClusterStatement {
  sql: string;
  /** 'every': on each replica; 'once': on one replica only (replication carries it to the others). */
  scope: 'every' | 'once';
}

export interface ClusterMigration {
  version: number;
  file: string;
  name: string;
  checksum: string;
  statements: ClusterStatement[];
}

export const LOCAL_SUFFIX = '_local';
const MERGE_TREE_ENGINE =
  /ENGINE\s*=\s*(Replacing|Summing|Aggregating|Collapsing|VersionedCollapsing|Graphite)?MergeTree\b(\s*\(([^)]*)\))?/i;
const CREATE_TABLE =
  /^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?\{\{database\}\}\.([A-Za-z_][A-Za-z0-9_]*)\s*\(/i;
const ALTER_TABLE = /^ALTER\s+TABLE\s+\{\{database\}\}\.([A-Za-z_][A-Za-z0-9_]*)\s+([\s\S]*)$/i;
const DROP_TABLE = /^DROP\s+TABLE\s+(IF\s+EXISTS\s+)?\{\{database\}\}\.([A-Za-z_][A-Za-z0-9_]*)\s*$/i;

function conversionError(file: string, message: string): PrecursorRiskError {
  return new PrecursorRiskError('MIGRATION_FAILED', `${file} (cluster variant): ${message}`);
}

/** The first top-level expression of the ORDER BY clause: the sharding column. */
export function shardingColumn(statement: string): string | undefined {
  const m = /\bORDER\s+BY\s+/i.exec(statement);
  if (m === null) return undefined;
  let rest = statement.slice(m.index + m[0].length).trim();
  if (rest.startsWith('(')) rest = rest.slice(1);
  let depth = 0;
  let out = '';
  for (const c of rest) {
    if (c === '(') depth++;
    if (c === ')') {
      if (depth === 0) break;
      depth--;
    }
    if (depth === 0 && (c === ',' || /\s/.test(c))) break;
    out += c;
  }
  return out === '' ? undefined : out;
}

function convertStatement(statement: string, file: string, replicated: Set<string>): ClusterStatement[] {
  const create = CREATE_TABLE.exec(statement);
  if (create !== null) {
    const engine = MERGE_TREE_ENGINE.exec(statement);
    if (engine === null) return [{ sql: statement, scope: 'every' }];
    const table = create[2] ?? '';
    const local = `${table}${LOCAL_SUFFIX}`;
    const key = shardingColumn(statement);
    if (key === undefined) throw conversionError(file, `${table} has no ORDER BY to shard by`);
    const args = engine[3]?.trim() ?? '';
    const replicatedEngine =
      `ENGINE = Replicated${engine[1] ?? ''}MergeTree('/clickhouse/tables/{shard}/{{databaseName}}/${local}', '{replica}'` +
      `${args === '' ? '' : `, ${args}`})`;
    const ifNotExists = create[1] ?? '';
    const localSql = statement
      .replace(CREATE_TABLE, `CREATE TABLE ${ifNotExists}{{database}}.${local} (`)
      .replace(MERGE_TREE_ENGINE, replicatedEngine);
    replicated.add(table);
    return [
      { sql: localSql, scope: 'every' },
      {
        sql:
          `CREATE TABLE ${ifNotExists}{{database}}.${table} AS {{database}}.${local} ` +
          `ENGINE = Distributed('${CLUSTER.name}', '{{databaseName}}', '${local}', cityHash64(${key}))`,
        scope: 'every',
      },
    ];
  }
  if (MERGE_TREE_ENGINE.test(statement)) {
    throw conversionError(
      file,
      `a MergeTree engine outside CREATE TABLE cannot be replicated: ${statement.slice(0, 80)}`,
    );
  }
  const alter = ALTER_TABLE.exec(statement);
  if (alter !== null && replicated.has(alter[1] ?? '')) {
    const table = alter[1] ?? '';
    const body = alter[2] ?? '';
    const localAlter = {
      sql: `ALTER TABLE {{database}}.${table}${LOCAL_SUFFIX} ${body}`,
      scope: 'once' as const,
    };
    // Column changes describe the Distributed table too; mutations and indexes exist only on the data.
    if (/^(ADD|DROP|MODIFY|COMMENT)\s+COLUMN\b/i.test(body.trim())) {
      return [localAlter, { sql: statement, scope: 'every' }];
    }
    return [localAlter];
  }
  const drop = DROP_TABLE.exec(statement);
  if (drop !== null && replicated.has(drop[2] ?? '')) {
    const table = drop[2] ?? '';
    replicated.delete(table);
    return [
      { sql: statement, scope: 'every' },
      { sql: `DROP TABLE ${drop[1] ?? ''}{{database}}.${table}${LOCAL_SUFFIX}`, scope: 'every' },
    ];
  }
  if (/^INSERT\b/i.test(statement)) return [{ sql: statement, scope: 'once' }];
  if (/^(RENAME|TRUNCATE|OPTIMIZE|EXCHANGE)\b/i.test(statement)) {
    throw conversionError(file, `no cluster rule for: ${statement.slice(0, 80)}`);
  }
  return [{ sql: statement, scope: 'every' }];
}

/** Every migration file, converted; throws naming the first statement that has no cluster rule. */
export function convertMigrations(files: readonly MigrationFile[]): ClusterMigration[] {
  const replicated = new Set<string>();
  return files.map((f) => ({
    version: f.version,
    file: f.file,
    name: f.name,
    checksum: f.checksum,
    statements: splitStatements(f.text).flatMap((s) => convertStatement(s, f.file, replicated)),
  }));
}

/** Fills {{databaseName}} (inside string literals: the plain, validated name) and {{database}}. */
export function bindDatabase(statement: string, database: string, file: string): string {
  identifier(database); // throws unless a plain identifier
  return substitute(statement.replaceAll('{{databaseName}}', database), database, file);
}

export interface MigrateClusterOptions {
  urls: readonly string[];
  username: string;
  password: string;
  database: string;
  dir?: string;
  log: (m: string) => void;
}

/** Applies the pending cluster migrations to every replica, file by file (all replicas, then the next file). */
export async function migrateCluster(
  opts: MigrateClusterOptions,
): Promise<{ applied: string[]; skipped: string[] }> {
  const migrations = convertMigrations(await readMigrations(opts.dir ?? DEFAULT_MIGRATIONS_DIR));
  const db = identifier(opts.database);
  const table = identifier(`${opts.database}.schema_migrations`);
  const clients = opts.urls.map((url) =>
    createClickHouse({ url, username: opts.username, password: opts.password, requestTimeoutMs: 60_000 }),
  );
  const run = async (i: number, query: string, what: string) => {
    try {
      await clients[i]?.command({ query });
    } catch (err) {
      throw new PrecursorRiskError(
        'MIGRATION_FAILED',
        `${what} on ${opts.urls[i]} failed: ${(err as Error).message.trim()}\n  statement: ${query.replace(/\s+/g, ' ').slice(0, 200)}`,
        { cause: err },
      );
    }
  };
  try {
    const applied: Map<number, string>[] = [];
    for (let i = 0; i < clients.length; i++) {
      await run(i, sql`CREATE DATABASE IF NOT EXISTS ${db}`.text, 'create database');
      await run(
        i,
        sql`CREATE TABLE IF NOT EXISTS ${table} (version UInt32, name String, checksum String, applied_at DateTime('UTC')) ENGINE = MergeTree ORDER BY version`
          .text,
        'create schema_migrations',
      );
      const rs = await clients[i]?.query({
        query: sql`SELECT version, checksum FROM ${table}`.text,
        format: 'JSONEachRow',
      });
      const rows = (await rs?.json<{ version: number | string; checksum: string }>()) ?? [];
      applied.push(new Map(rows.map((r) => [Number(r.version), r.checksum])));
    }
    const result = { applied: [] as string[], skipped: [] as string[] };
    for (const m of migrations) {
      const anyApplied = applied.some((a) => a.has(m.version));
      let ranOnce = anyApplied;
      let appliedHere = false;
      for (let i = 0; i < clients.length; i++) {
        const done = applied[i]?.get(m.version);
        if (done !== undefined) {
          if (done !== m.checksum) {
            throw new PrecursorRiskError(
              'MIGRATION_FAILED',
              `${m.file} was already applied to ${opts.database} on ${opts.urls[i]} but has changed since; add a new migration instead`,
            );
          }
          continue;
        }
        for (const [n, s] of m.statements.entries()) {
          if (s.scope === 'once' && ranOnce) continue;
          await run(i, bindDatabase(s.sql, opts.database, m.file), `${m.file} statement ${n + 1}`);
        }
        ranOnce = true;
        appliedHere = true;
        await run(
          i,
          sql`INSERT INTO ${table} (version, name, checksum, applied_at) VALUES (${m.version}, ${m.name}, ${m.checksum}, ${new Date()})`
            .text,
          `${m.file} record`,
        );
      }
      if (appliedHere) {
        opts.log(`migrate: applied ${m.file} (cluster variant) to ${opts.database}`);
        result.applied.push(m.file);
      } else result.skipped.push(m.file);
    }
    return result;
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}
