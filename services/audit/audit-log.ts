// The append-only, hash-chained audit trail: every case view, action and export (review app) and
// every share and receipt (partner sharing). Reads and writes <database>.audit_log.
// Guarantees: appends are serialised in-process (one promise chain, seeded with the last stored hash),
// so seq is gapless and each entry's prevHash is the previous entry's hash; verify() names the first
// entry whose seq, link or content no longer matches. One writing process per database.
import { createHash } from 'node:crypto';
import type { Logger } from '../common/logger.ts';
import { type ClickHouseClient, insertRows, queryRows } from '../storage/clickhouse.ts';
import { formatDateTime, identifier, join, sql } from '../storage/sql.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntryInput {
  actor: string;
  agency: string;
  action: string;
  caseId?: string;
  details?: Record<string, unknown>;
}

export interface StoredAuditEntry {
  seq: number;
  /** 'YYYY-MM-DD hh:mm:ss' UTC, exactly as stored (the hash covers this text). */
  at: string;
  actor: string;
  agency: string;
  action: string;
  caseId: string;
  /** JSON text, exactly as stored. */
  details: string;
  prevHash: string;
  hash: string;
}

export type VerifyResult =
  | { ok: true; entries: number }
  | { ok: false; firstBroken: { seq: number; reason: string } };

export interface AuditLog {
  append(entry: AuditEntryInput): Promise<{ seq: number; hash: string }>;
  verify(): Promise<VerifyResult>;
  /** Entries about one case, oldest first (case history). */
  forCase(caseId: string, limit?: number): Promise<StoredAuditEntry[]>;
}

export interface AuditLogOptions {
  client: ClickHouseClient;
  database: string;
  logger: Logger;
  clock?: { now(): Date };
}

/** sha256 over the entry's fields in a fixed order, each length-prefixed (no separator ambiguity). */
export function entryHash(e: Omit<StoredAuditEntry, 'hash'>): string {
  const h = createHash('sha256');
  for (const field of [String(e.seq), e.at, e.actor, e.agency, e.action, e.caseId, e.details, e.prevHash]) {
    const bytes = Buffer.from(field, 'utf8');
    h.update(`${bytes.length}:`);
    h.update(bytes);
  }
  return h.digest('hex');
}

interface RawEntry extends Omit<StoredAuditEntry, 'seq'> {
  seq: string | number;
}

const toEntry = (r: RawEntry): StoredAuditEntry => ({ ...r, seq: Number(r.seq) });

export function createAuditLog(opts: AuditLogOptions): AuditLog {
  const { client, database } = opts;
  const logger = opts.logger.child({ component: 'audit-log' });
  const clock = opts.clock ?? { now: () => new Date() };
  const table = identifier(`${database}.audit_log`);
  const columns = join(
    ['seq', 'at', 'actor', 'agency', 'action', 'caseId', 'details', 'prevHash', 'hash'].map((c) =>
      identifier(c),
    ),
    ', ',
  );

  let last: { seq: number; hash: string } | null = null;
  // The chain: each append waits for the previous one. A failed append leaves `last` unchanged, so
  // the next append retries the same seq; the tail is re-read from the table after a failure.
  let tail: Promise<unknown> = Promise.resolve();
  let stale = true;

  async function readTail(): Promise<{ seq: number; hash: string }> {
    const rows = await queryRows<{ seq: string | number; hash: string }>(
      client,
      sql`SELECT seq, hash FROM ${table} ORDER BY seq DESC LIMIT 1`.text,
    );
    const row = rows[0];
    return row === undefined ? { seq: 0, hash: GENESIS_HASH } : { seq: Number(row.seq), hash: row.hash };
  }

  async function appendNow(input: AuditEntryInput): Promise<{ seq: number; hash: string }> {
    if (stale || last === null) {
      last = await readTail();
      stale = false;
    }
    const entry: Omit<StoredAuditEntry, 'hash'> = {
      seq: last.seq + 1,
      at: formatDateTime(clock.now()),
      actor: input.actor,
      agency: input.agency,
      action: input.action,
      caseId: input.caseId ?? '',
      details: JSON.stringify(input.details ?? {}),
      prevHash: last.hash,
    };
    const hash = entryHash(entry);
    try {
      await insertRows(client, `${database}.audit_log`, [{ ...entry, hash }]);
    } catch (err) {
      stale = true;
      logger.error({ err, action: input.action }, 'audit entry could not be stored; the action was refused');
      throw err;
    }
    last = { seq: entry.seq, hash };
    return last;
  }

  // Read the last stored hash at start-up, so the first append does not wait for it.
  tail = readTail()
    .then((t) => {
      last = t;
      stale = false;
    })
    .catch((err: unknown) => {
      logger.warn({ err }, 'audit log tail not readable yet; the first append will retry');
    });

  return {
    append(entry) {
      const result = tail.then(() => appendNow(entry));
      tail = result.catch(() => {});
      return result;
    },

    async verify() {
      const pageSize = 10_000;
      let expectedSeq = 1;
      let prevHash = GENESIS_HASH;
      let entries = 0;
      for (;;) {
        const rows = (
          await queryRows<RawEntry>(
            client,
            sql`SELECT ${columns} FROM ${table} WHERE seq >= ${expectedSeq} ORDER BY seq, hash LIMIT ${pageSize}`
              .text,
          )
        ).map(toEntry);
        for (const e of rows) {
          if (e.seq !== expectedSeq) {
            const reason =
              e.seq < expectedSeq
                ? `seq ${e.seq} appears more than once (a forged or duplicated entry)`
                : `entries ${expectedSeq}..${e.seq - 1} are missing`;
            return { ok: false, firstBroken: { seq: Math.min(e.seq, expectedSeq), reason } };
          }
          if (e.prevHash !== prevHash) {
            return {
              ok: false,
              firstBroken: { seq: e.seq, reason: `prevHash does not match the hash of entry ${e.seq - 1}` },
            };
          }
          if (entryHash(e) !== e.hash) {
            return {
              ok: false,
              firstBroken: { seq: e.seq, reason: 'content does not match its hash (the entry was altered)' },
            };
          }
          prevHash = e.hash;
          expectedSeq++;
          entries++;
        }
        if (rows.length < pageSize) break;
      }
      // A duplicate of the last seq sorts after it and starts the next page at the same seq: re-check.
      const dup = await queryRows<{ seq: string | number }>(
        client,
        sql`SELECT seq FROM ${table} GROUP BY seq HAVING count() > 1 ORDER BY seq LIMIT 1`.text,
      );
      if (dup[0] !== undefined) {
        const seq = Number(dup[0].seq);
        return {
          ok: false,
          firstBroken: { seq, reason: `seq ${seq} appears more than once (a forged or duplicated entry)` },
        };
      }
      return { ok: true, entries };
    },

    async forCase(caseId, limit = 500) {
      const rows = await queryRows<RawEntry>(
        client,
        sql`SELECT ${columns} FROM ${table} WHERE caseId = ${caseId} ORDER BY seq LIMIT ${limit}`.text,
      );
      return rows.map(toEntry);
    },
  };
}
