// Reads: `reports` (migration 009), the one stored body of each message. Writes: nothing.
// Guarantees: one query per 2,000 keys (max_query_size is 256 KiB), by the table's sort key (consignmentId first) so it is an indexed
// read; every id reaches SQL through sql.ts; of several copies of a message the newest wins.
import { type ClickHouseClient, queryRows } from './clickhouse.ts';
import { identifier, inList, sql } from './sql.ts';

export interface ReportKey {
  consignmentId: string;
  messageId: string;
}

/** The bodies of these messages by messageId; a message with no stored body is absent. */
export async function readReportBodies(
  client: ClickHouseClient,
  database: string,
  keys: readonly ReportKey[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const newest = new Map<string, number>();
  for (let i = 0; i < keys.length; i += 2000)
    await readChunk(client, database, keys.slice(i, i + 2000), out, newest);
  return out;
}

async function readChunk(
  client: ClickHouseClient,
  database: string,
  keys: readonly ReportKey[],
  out: Map<string, string>,
  newest: Map<string, number>,
): Promise<void> {
  const rows = await queryRows<{ messageId: string; report: string; insertedAtMs: string }>(
    client,
    sql`SELECT messageId, report, insertedAtMs FROM ${identifier(`${database}.reports`)}
      PREWHERE consignmentId IN (${inList(keys.map((k) => k.consignmentId))})
      WHERE messageId IN (${inList(keys.map((k) => k.messageId))})`.text,
  );
  for (const r of rows) {
    const at = Number(r.insertedAtMs);
    if ((newest.get(r.messageId) ?? -1) >= at) continue;
    newest.set(r.messageId, at);
    out.set(r.messageId, r.report);
  }
}

/**
 * Fills `report` of rows read from `decisions` from `reports`: rows written since migration 009 carry
 * no body (older rows still do). One query for all rows that need it; a row whose body is not
 * found keeps ''.
 */
export async function fillReportBodies<R extends ReportKey & { report: string }>(
  client: ClickHouseClient,
  database: string,
  rows: R[],
): Promise<R[]> {
  const missing = rows.filter((r) => r.report === '');
  if (missing.length === 0) return rows;
  const bodies = await readReportBodies(client, database, missing);
  for (const r of missing) r.report = bodies.get(r.messageId) ?? '';
  return rows;
}
