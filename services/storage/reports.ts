// Reads: `reports` (migration 009), the one stored body of each message. Writes: nothing.
// Guarantees: one query per call, by the table's sort key (consignmentId first) so it is an indexed
// read; every id reaches SQL through sql.ts; of several copies of a message the newest wins.
import { type ClickHouseClient, queryRows } from './clickhouse.ts';
import { identifier, join, sql } from './sql.ts';

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
  if (keys.length === 0) return out;
  const list = (values: Iterable<string>) =>
    join(
      [...new Set(values)].map((v) => sql`${v}`),
      ', ',
    );
  const rows = await queryRows<{ messageId: string; report: string; insertedAtMs: string }>(
    client,
    sql`SELECT messageId, report, insertedAtMs FROM ${identifier(`${database}.reports`)}
      PREWHERE consignmentId IN (${list(keys.map((k) => k.consignmentId))})
      WHERE messageId IN (${list(keys.map((k) => k.messageId))})`.text,
  );
  const newest = new Map<string, number>();
  for (const r of rows) {
    const at = Number(r.insertedAtMs);
    if ((newest.get(r.messageId) ?? -1) >= at) continue;
    newest.set(r.messageId, at);
    out.set(r.messageId, r.report);
  }
  return out;
}
