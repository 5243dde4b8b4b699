// ClickHouse client factory and the insert/query helpers every stage uses. Reads: config.
// Guarantees: one client per process, settings that work on 18.16 and on current ClickHouse,
// server errors wrapped with a code and whether a retry can help.
import { Readable } from 'node:stream';
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { PrecursorRiskError } from '../common/errors.ts';

export type { ClickHouseClient };

export interface ClickHouseOptions {
  url: string;
  username: string;
  password: string;
  database?: string;
  requestTimeoutMs?: number;
}

export function createClickHouse(opts: ClickHouseOptions): ClickHouseClient {
  return createClient({
    url: opts.url,
    username: opts.username,
    password: opts.password,
    ...(opts.database === undefined ? {} : { database: opts.database }),
    request_timeout: opts.requestTimeoutMs ?? 30_000,
    max_open_connections: 4,
    // Well under the server's keep_alive_timeout (3 s in our config, 3 s default on 18.16), so a
    // pooled socket is never reused just as the server closes it.
    // A busy event loop can delay the TTL timer, so stale sockets are also dropped on checkout.
    keep_alive: { enabled: true, idle_socket_ttl: 1000, eagerly_destroy_stale_sockets: true },
    // Failures surface as wrapped errors and are logged by the caller with context, through pino.
    log: { level: ClickHouseLogLevel.OFF },
    compression: { request: false, response: false },
    clickhouse_settings: {},
  });
}

/** Network errors and 5xx are retriable; a statement the server rejects (syntax, types) is not. */
export function wrapClickHouseError(err: unknown, what: string): PrecursorRiskError {
  if (err instanceof PrecursorRiskError) return err;
  const e = err as { message?: string; code?: string };
  const msg = e.message ?? String(err);
  const network =
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|socket hang up|Timeout error|EHOSTUNREACH|other side closed/i.test(
      `${e.code ?? ''} ${msg}`,
    );
  const overloaded = /Too many (parts|simultaneous queries)|MEMORY_LIMIT|TOO_MANY/i.test(msg);
  return new PrecursorRiskError(
    network || overloaded ? 'CLICKHOUSE_UNAVAILABLE' : 'CLICKHOUSE_QUERY',
    `${what}: ${msg.split('\n')[0]}`,
    { cause: err },
  );
}

export async function insertRows(
  client: ClickHouseClient,
  table: string,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  try {
    await client.insert({ table, values: rows as Record<string, unknown>[], format: 'JSONEachRow' });
  } catch (err) {
    throw wrapClickHouseError(err, `insert into ${table}`);
  }
}

/**
 * An insert of rows already encoded as TabSeparated lines (decision-rows.ts `tsvLine`), in `columns`
 * order. The hot path of the sink: no per-row JSON on either side.
 */
export async function insertTsv(
  client: ClickHouseClient,
  table: string,
  columns: readonly [string, ...string[]],
  lines: readonly string[],
): Promise<void> {
  if (lines.length === 0) return;
  await insertTsvBody(client, table, columns, Buffer.from(`${lines.join('\n')}\n`));
}

/** An insert of TabSeparated bytes already encoded, each line ending in a newline. */
export async function insertTsvBody(
  client: ClickHouseClient,
  table: string,
  columns: readonly [string, ...string[]],
  body: Buffer,
): Promise<void> {
  if (body.length === 0) return;
  try {
    await client.insert({
      table,
      values: Readable.from([body], { objectMode: false }),
      format: 'TabSeparated',
      columns: columns as [string, ...string[]],
    });
  } catch (err) {
    throw wrapClickHouseError(err, `insert into ${table}`);
  }
}

const isReset = (err: unknown) =>
  /ECONNRESET|socket hang up/.test(`${(err as { code?: string }).code} ${err}`);

/** A read; retried once on a reset connection, which a read can always safely be. */
export async function queryRows<T>(client: ClickHouseClient, query: string): Promise<T[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const rs = await client.query({ query, format: 'JSONEachRow' });
      return await rs.json<T>();
    } catch (err) {
      if (attempt === 1 && isReset(err)) continue;
      throw wrapClickHouseError(err, 'query');
    }
  }
}

export async function ping(client: ClickHouseClient): Promise<boolean> {
  try {
    const r = await client.ping();
    return r.success;
  } catch {
    return false;
  }
}
