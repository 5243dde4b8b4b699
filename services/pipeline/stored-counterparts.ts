// Reads: `reports` (migration 009) by consignmentId, and the lanes of what it finds from
// `decisions_raw` by messageId. Writes: nothing. Returns, per consignment asked for, the latest
// stored document of each kind, decoded as the pipeline decoded it (COMPLETE or PARTIAL), with its
// Kafka origin and the lane of its latest decision.
// Guarantees: at most two indexed reads per call (the second only when something was found): the
// first reads narrow columns of the few small granules the ids fall in and the bodies only of rows
// that match; every id reaches SQL through sql.ts; a report that no longer decodes is skipped.
import type { Lane } from '../../schemas/decision.ts';
import type { DocumentType } from '../../schemas/report.ts';
import { type ClickHouseClient, queryRows } from '../storage/clickhouse.ts';
import { identifier, inList, sql } from '../storage/sql.ts';
import type { SeenDocument } from './counterparts.ts';
import { screenMessage } from './decode.ts';

interface StoredRow {
  consignmentId: string;
  documentType: DocumentType;
  messageId: string;
  insertedAtMs: string | number;
  report: string;
  kafkaTopic: string;
  kafkaPartition: number;
  kafkaOffset: string;
}

/** A stored document, decoded, with the bytes it was decoded from. */
export type StoredDocument = SeenDocument & { bytes: Buffer };

export async function loadStoredDocuments(
  client: ClickHouseClient,
  database: string,
  consignmentIds: readonly string[],
): Promise<StoredDocument[]> {
  if (consignmentIds.length === 0) return [];
  const rows = await queryRows<StoredRow>(
    client,
    sql`SELECT consignmentId, toString(documentType) AS documentType, messageId, insertedAtMs, report,
        kafkaTopic, kafkaPartition, toString(kafkaOffset) AS kafkaOffset
      FROM ${identifier(`${database}.reports`)}
      PREWHERE consignmentId IN (${inList(consignmentIds)}) WHERE screening != 'UNSCREENED'`.text,
  );
  if (rows.length === 0) return [];
  // The latest document per consignment and kind (copies of one message, or amendments: the newest wins).
  const latest = new Map<string, StoredRow>();
  for (const r of rows) {
    const key = `${r.consignmentId}\u0000${r.documentType}`;
    const seen = latest.get(key);
    if (seen === undefined || Number(r.insertedAtMs) > Number(seen.insertedAtMs)) latest.set(key, r);
  }
  const lanes = await latestLanes(
    client,
    database,
    [...latest.values()].map((r) => r.messageId),
  );
  const docs: StoredDocument[] = [];
  for (const r of latest.values()) {
    const bytes = Buffer.from(r.report, 'utf8');
    const screened = screenMessage(bytes);
    if (screened.status === 'UNREADABLE') continue;
    const doc: StoredDocument = {
      bytes,
      report: screened.report,
      origin: { topic: r.kafkaTopic, partition: Number(r.kafkaPartition), offset: r.kafkaOffset },
    };
    const lane = lanes.get(r.messageId);
    if (lane !== undefined) doc.lane = lane;
    if (screened.status === 'PARTIAL') doc.partial = screened.detail;
    docs.push(doc);
  }
  return docs;
}

/** The lane of each message's latest decision (its body may be stored before its decision is). */
async function latestLanes(
  client: ClickHouseClient,
  database: string,
  messageIds: readonly string[],
): Promise<Map<string, Lane>> {
  const rows = await queryRows<{ messageId: string; lane: Lane }>(
    client,
    sql`SELECT messageId, toString(argMax(lane, scoredAtMs)) AS lane
      FROM ${identifier(`${database}.decisions_raw`)}
      PREWHERE messageId IN (${inList(messageIds)}) GROUP BY messageId`.text,
  );
  return new Map(rows.map((r) => [r.messageId, r.lane]));
}
