// Reads: the permit register files (a CSV file or a folder of *.csv, models/permits/ by default) and, for
// the running system, the ClickHouse tables permit_register (rows added to the files, winning on the same
// reference and CAS) and permit_usage (kg already drawn, seeded into the ledger). Writes: nothing.
// Guarantees: the register in force is replaced whole on a file change or a poll that finds new rows; a
// bad file or an unreachable ClickHouse keeps the previous register with an error log, never a partial
// one; the ledger only learns consignments it has not scored itself (its own draws are newer).
import { type FSWatcher, statSync, watch } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../common/logger.ts';
import type { PermitSource } from '../scoring/decide.ts';
import type { PermitDraw, PermitLedger } from '../scoring/permit-ledger.ts';
import {
  createPermitRegister,
  DEFAULT_PERMITS_DIR,
  type PermitRecord,
  type PermitRegister,
  permitKey,
  permitRecordSchema,
  readPermitRows,
} from '../scoring/permit-register.ts';
import { type ClickHouseClient, queryRows } from '../storage/clickhouse.ts';
import { identifier, sql } from '../storage/sql.ts';

export { DEFAULT_PERMITS_DIR };

export interface PermitSourceOptions {
  /** Register file or folder; null for none (ClickHouse only). */
  path: string | null;
  ledger: PermitLedger;
  logger: Logger;
  watch?: boolean;
  clickhouse?: { client: ClickHouseClient; database: string; pollMs?: number };
  debounceMs?: number;
}

export interface PermitSourceHandle extends PermitSource {
  /** Reads files and ClickHouse again now; throws (keeping the current register) when that fails. */
  reload(): Promise<PermitRegister>;
  close(): void;
}

interface UsageRow {
  reference: string;
  casNumber: string;
  consignmentId: string;
  goodsLine: number;
  kg: number;
}

export async function createPermitSource(opts: PermitSourceOptions): Promise<PermitSourceHandle> {
  const log = opts.logger.child({ component: 'permits' });
  const ch = opts.clickhouse;

  async function readClickHouse(): Promise<PermitRecord[]> {
    if (ch === undefined) return [];
    const table = identifier(`${ch.database}.permit_register_current`);
    // Aliases differ from the column names: today's ClickHouse reads `f(x) AS x` as a cycle.
    const rows = await queryRows<Record<string, unknown>>(
      ch.client,
      sql`SELECT reference, toString(type) AS permitType, issuingCountry, holderName, holderIdentifier,
                 casNumber, maxQuantityKg, toString(validFrom) AS fromDay, toString(validUntil) AS untilDay
          FROM ${table}`.text,
    );
    return rows.map(({ permitType, fromDay, untilDay, ...r }) =>
      permitRecordSchema.parse({ ...r, type: permitType, validFrom: fromDay, validUntil: untilDay }),
    );
  }

  async function seedLedger(): Promise<void> {
    if (ch === undefined) return;
    const table = identifier(`${ch.database}.permit_usage`);
    // Latest row per (permit, substance, consignment, line): ReplacingMergeTree without waiting for merges.
    const rows = await queryRows<UsageRow>(
      ch.client,
      sql`SELECT reference, casNumber, consignmentId, goodsLine, argMax(quantityKg, scoredAtMs) AS kg
          FROM ${table}
          GROUP BY reference, casNumber, consignmentId, goodsLine`.text,
    );
    const byConsignment = new Map<string, PermitDraw[]>();
    for (const r of rows) {
      const list = byConsignment.get(r.consignmentId) ?? [];
      list.push({
        reference: r.reference,
        casNumber: r.casNumber,
        goodsLine: Number(r.goodsLine),
        quantityKg: Number(r.kg),
      });
      byConsignment.set(r.consignmentId, list);
    }
    for (const [consignment, draws] of byConsignment) {
      if (!opts.ledger.hasConsignment(consignment)) opts.ledger.record(consignment, draws);
    }
  }

  async function load(tolerant = false): Promise<PermitRegister> {
    const fileRows = opts.path === null ? [] : readPermitRows(opts.path);
    const dbRows = await readClickHouse().catch((err: unknown) => {
      // At start only: the files serve until ClickHouse answers a poll.
      if (!tolerant) throw err;
      log.warn({ err }, 'permit_register unreadable; using the register files until ClickHouse answers');
      return [];
    });
    const dbKeys = new Set(dbRows.map((r) => `${permitKey(r.reference)}|${r.casNumber}`));
    const merged = [
      ...fileRows.filter((r) => !dbKeys.has(`${permitKey(r.reference)}|${r.casNumber}`)),
      ...dbRows,
    ];
    return createPermitRegister(merged);
  }

  let current = await load(true);
  await seedLedger().catch((err: unknown) =>
    log.warn({ err }, 'permit_usage unreadable; quantities drawn elsewhere count from the next poll'),
  );
  log.info({ permits: current.size, version: current.version }, 'permit register loaded');

  const reload = async (): Promise<PermitRegister> => {
    const next = await load();
    if (next.version !== current.version) {
      current = next;
      log.info({ permits: next.size, version: next.version }, 'permit register reloaded');
    }
    return current;
  };
  const safeReload = () =>
    reload()
      .then(() => seedLedger())
      .catch((err: unknown) =>
        log.error(
          { err, version: current.version },
          'permit register change rejected; the previous one stays',
        ),
      );

  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  if (opts.watch === true) {
    if (opts.path !== null) {
      const dir = statSync(opts.path).isDirectory() ? opts.path : dirname(opts.path);
      watchers.push(
        watch(dir, () => {
          clearTimeout(timer);
          timer = setTimeout(safeReload, opts.debounceMs ?? 200);
        }),
      );
    }
    if (ch !== undefined) {
      poll = setInterval(safeReload, ch.pollMs ?? 30_000);
      poll.unref();
    }
  }

  return {
    get current() {
      return current;
    },
    reload,
    close() {
      clearTimeout(timer);
      clearInterval(poll);
      for (const w of watchers) w.close();
      watchers.length = 0;
    },
  };
}
