// Reads: consignment_documents (migration 006), by consignmentId, one query per batch.
// Writes: nothing. Returns, per consignment asked for, the latest stored document of each kind,
// decoded as the pipeline decoded it (COMPLETE or PARTIAL), with its Kafka origin.
// Guarantees: one indexed read (the table's sort key starts with consignmentId) for the whole
// list; every id reaches SQL through sql.ts; a report that no longer decodes is skipped.
import type { Lane } from '../../schemas/decision.ts';
import type { DocumentType } from '../../schemas/report.ts';
import { type ClickHouseClient, queryRows } from '../storage/clickhouse.ts';
import { identifier, join, sql } from '../storage/sql.ts';
import type { SeenDocument } from './counterparts.ts';
import { screenMessage } from './decode.ts';

interface StoredRow {
  consignmentId: string;
  documentType: DocumentType;
  messageId: string;
  scoredAtMs: string | number;
  lane: Lane;
  report: string;
  kafkaTopic: string;
  kafkaPartition: number;
  kafkaOffset: string;
}

export async function loadStoredDocuments(
  client: ClickHouseClient,
  database: string,
  consignmentIds: readonly string[],
): Promise<SeenDocument[]> {
  if (consignmentIds.length === 0) return [];
  const table = identifier(`${database}.consignment_documents`);
  const ids = join(
    [...new Set(consignmentIds)].map((id) => sql`${id}`),
    ', ',
  );
  const rows = await queryRows<StoredRow>(
    client,
    sql`SELECT consignmentId, toString(documentType) AS documentType, messageId, scoredAtMs, toString(lane) AS lane, report,
        kafkaTopic, kafkaPartition, toString(kafkaOffset) AS kafkaOffset
      FROM ${table} PREWHERE consignmentId IN (${ids})`.text,
  );
  // The latest copy per consignment and kind (copies of one message, or amendments: the newest wins).
  const latest = new Map<string, StoredRow>();
  for (const r of rows) {
    const key = `${r.consignmentId}\u0000${r.documentType}`;
    const seen = latest.get(key);
    if (seen === undefined || Number(r.scoredAtMs) > Number(seen.scoredAtMs)) latest.set(key, r);
  }
  const docs: SeenDocument[] = [];
  for (const r of latest.values()) {
    const screened = screenMessage(Buffer.from(r.report, 'utf8'));
    if (screened.status === 'UNREADABLE') continue;
    const doc: SeenDocument = {
      report: screened.report,
      raw: r.report,
      lane: r.lane,
      origin: { topic: r.kafkaTopic, partition: Number(r.kafkaPartition), offset: r.kafkaOffset },
    };
    if (screened.status === 'PARTIAL') doc.partial = screened.detail;
    docs.push(doc);
  }
  return docs;
}
