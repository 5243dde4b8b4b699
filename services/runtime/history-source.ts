// Reads: the consignees of consignments already decided: a history file of earlier reports (`score
// --history FILE`, newline-delimited reports as `score` reads them) or the ClickHouse decisions table (the
// pipeline, once at start; what it scores afterwards is added as it goes). Writes: an ImporterHistory.
// Guarantees: a malformed history file is one error naming the file and line, never a partial history.
import { readFileSync } from 'node:fs';
import { PrecursorRiskError } from '../common/errors.ts';
import { createImporterHistory, type ImporterHistory } from '../scoring/importer-history.ts';
import { type ClickHouseClient, queryRows } from '../storage/clickhouse.ts';
import { identifier, sql } from '../storage/sql.ts';

export function loadHistoryFile(path: string): ImporterHistory {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new PrecursorRiskError('CLI_USAGE', `${path}: cannot read the history file`, { cause });
  }
  const entries: [string, string][] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let r: { consignment?: { consignmentId?: unknown; parties?: { consignee?: { name?: unknown } } } };
    try {
      r = JSON.parse(line);
    } catch {
      throw new PrecursorRiskError('CLI_USAGE', `${path}: line ${i + 1}: not JSON`);
    }
    const name = r.consignment?.parties?.consignee?.name;
    const id = r.consignment?.consignmentId;
    if (typeof name !== 'string' || typeof id !== 'string')
      throw new PrecursorRiskError(
        'CLI_USAGE',
        `${path}: line ${i + 1}: not a report (consignment.consignmentId and consignee name needed)`,
      );
    entries.push([name, id]);
  });
  return createImporterHistory(entries);
}

/** Consignees of the decisions already stored: two consignment ids per consignee are enough to know it. */
export async function loadHistoryFromClickHouse(
  client: ClickHouseClient,
  database: string,
): Promise<ImporterHistory> {
  const table = identifier(`${database}.decisions_raw`);
  const rows = await queryRows<{ consigneeName: string; firstId: string; lastId: string }>(
    client,
    sql`SELECT consigneeName, min(consignmentId) AS firstId, max(consignmentId) AS lastId
        FROM ${table} GROUP BY consigneeName`.text,
  );
  const entries: [string, string][] = [];
  for (const r of rows) {
    entries.push([r.consigneeName, r.firstId]);
    if (r.lastId !== r.firstId) entries.push([r.consigneeName, r.lastId]);
  }
  return createImporterHistory(entries);
}
