// Sign-in throttling shared by every review process, kept in ClickHouse (login_attempts, migration
// 007). Reads and writes: login_attempts. Guarantees: an attempt is written BEFORE its password is
// checked and counted with every attempt already written, so N simultaneous attempts check at most
// the limit's worth of passwords (an attempt counts itself and all attempts stored before it, hence
// at least its place in the order of stored inserts); an attempt not yet settled counts as a failure.
// Limits, in a sliding window: per client address, and per user name — where failures from the
// user's usual addresses (a successful sign-in from there in the last 30 days) are counted apart, so
// an attacker elsewhere locks themselves out, not the owner at their desk.
import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '../storage/clickhouse.ts';
import { insertRows, queryRows } from '../storage/clickhouse.ts';
import { formatDateTime, identifier, sql } from '../storage/sql.ts';

export type ThrottleVerdict = { ok: true; attemptId: string } | { ok: false; retryAfter: number };

export interface LoginThrottle {
  /** Records the attempt, then decides: check the password (`ok`), or refuse for `retryAfter` seconds. */
  begin(ip: string, username: string): Promise<ThrottleVerdict>;
  /** The password was right: the attempt stops counting, and the address becomes a usual one. */
  succeeded(attemptId: string, ip: string, username: string): Promise<void>;
}

export interface LoginThrottleOptions {
  client: ClickHouseClient;
  database: string;
  clock: { now(): Date };
  windowMs?: number;
  maxPerUser?: number;
  maxPerAddress?: number;
  /** How long a successful sign-in keeps its address "usual" for the user. */
  usualForMs?: number;
}

export const THROTTLE_DEFAULTS = { windowMs: 15 * 60_000, maxPerUser: 5, maxPerAddress: 20 } as const;

interface Counts {
  byAddress: string | number;
  byUser: string | number;
  firstByAddress: string | number;
  firstByUser: string | number;
}

export function createLoginThrottle(opts: LoginThrottleOptions): LoginThrottle {
  const windowMs = opts.windowMs ?? THROTTLE_DEFAULTS.windowMs;
  const maxPerUser = opts.maxPerUser ?? THROTTLE_DEFAULTS.maxPerUser;
  const maxPerAddress = opts.maxPerAddress ?? THROTTLE_DEFAULTS.maxPerAddress;
  const usualForMs = opts.usualForMs ?? 30 * 86_400_000;
  const table = `${opts.database}.login_attempts`;
  const t = identifier(table);
  let lastPrune = 0;

  const write = (
    attemptId: string,
    kind: 'ATTEMPT' | 'SUCCESS' | 'REFUSED',
    ip: string,
    username: string,
  ) => {
    const at = opts.clock.now();
    return insertRows(opts.client, table, [
      { attemptId, kind, username, ip, at: formatDateTime(at), atMs: at.getTime() },
    ]);
  };

  /** Rows past any window are dead weight; 18.16 has no TTL, so delete them now and then. */
  async function prune(nowMs: number) {
    if (nowMs - lastPrune < 3_600_000) return;
    lastPrune = nowMs;
    const before = Math.max(windowMs, usualForMs) + 86_400_000;
    await opts.client
      .command({ query: sql`ALTER TABLE ${t} DELETE WHERE atMs < ${nowMs - before}`.text })
      .catch(() => {}); // pruning is housekeeping; a failure only keeps rows longer
  }

  return {
    async begin(ip, username) {
      const attemptId = randomUUID();
      await write(attemptId, 'ATTEMPT', ip, username);
      const nowMs = opts.clock.now().getTime();
      const since = nowMs - windowMs;
      const settled = sql`(SELECT attemptId FROM ${t} WHERE kind IN ('SUCCESS', 'REFUSED') AND atMs >= ${since} AND (ip = ${ip} OR username = ${username}))`;
      const usual = sql`(SELECT ip FROM ${t} WHERE kind = 'SUCCESS' AND username = ${username} AND atMs >= ${nowMs - usualForMs})`;
      // Per user: failures from the caller's own kind of address — its usual ones, or all the others.
      const sameSide = sql`((ip IN ${usual}) = (${ip} IN ${usual}))`;
      const [c] = await queryRows<Counts>(
        opts.client,
        sql`SELECT countIf(ip = ${ip}) AS byAddress,
              countIf(username = ${username} AND ${sameSide} AND (${ip} NOT IN ${usual} OR ip = ${ip})) AS byUser,
              minIf(atMs, ip = ${ip}) AS firstByAddress,
              minIf(atMs, username = ${username}) AS firstByUser
            FROM ${t}
            WHERE kind = 'ATTEMPT' AND atMs >= ${since} AND (ip = ${ip} OR username = ${username})
              AND attemptId NOT IN ${settled}`.text,
      );
      void prune(nowMs);
      const byAddress = Number(c?.byAddress ?? 0);
      const byUser = Number(c?.byUser ?? 0);
      if (byAddress <= maxPerAddress && byUser <= maxPerUser) return { ok: true, attemptId };
      // Refused attempts stop counting (only checked passwords use up the limit), once settled.
      await write(attemptId, 'REFUSED', ip, username);
      const first = byAddress > maxPerAddress ? Number(c?.firstByAddress) : Number(c?.firstByUser);
      return { ok: false, retryAfter: Math.max(1, Math.ceil((first + windowMs - nowMs) / 1000)) };
    },

    async succeeded(attemptId, ip, username) {
      await write(attemptId, 'SUCCESS', ip, username);
    },
  };
}
