// A case is a consignment: its manifest, declaration and amendments. Reads `reports` (sorted by
// consignmentId, migration 009) for the documents of a set of consignments, then their
// current decision rows by key, keeping only what the agency may read. Writes nothing.
// Guarantees: two indexed reads for any number of consignments; every value through sql.ts; a
// document the agency may not read is never listed; superseded UNSCREENED rows are left out.
import type { Lane } from '../../schemas/decision.ts';
import { type ClickHouseClient, queryRows } from '../storage/clickhouse.ts';
import { identifier, inList, sql } from '../storage/sql.ts';
import { type Agency, ownJurisdiction, visibleTo } from './visibility.ts';

export interface ConsignmentDocument {
  messageId: string;
  consignmentId: string;
  documentType: string;
  filedAt: string;
  scoredAtMs: number;
  lane: Lane;
  riskScore: number;
  screening: string;
  modelVersion: string;
  rulesVersion: string;
  record: string;
  /** The agency's own document (it may act on it), not one a partner shared. */
  own: boolean;
}

/** The readable documents of each consignment, oldest filing first. */
export async function consignmentDocuments(
  client: ClickHouseClient,
  database: string,
  agency: Agency,
  consignmentIds: readonly string[],
): Promise<Map<string, ConsignmentDocument[]>> {
  const out = new Map<string, ConsignmentDocument[]>();
  if (consignmentIds.length === 0) return out;
  const ids = await queryRows<{ messageId: string }>(
    client,
    sql`SELECT DISTINCT messageId FROM ${identifier(`${database}.reports`)}
      PREWHERE consignmentId IN (${inList(consignmentIds)}) WHERE screening != 'UNSCREENED'`.text,
  );
  if (ids.length === 0) return out;
  const copies = await queryRows<
    Omit<ConsignmentDocument, 'own' | 'scoredAtMs'> & {
      own: number | string;
      scoredAtMs: string | number;
      insertedAtMs: string | number;
      supersededBy: string;
    }
  >(
    client,
    sql`SELECT messageId, consignmentId, toString(documentType) AS documentType, toString(filedAt) AS filedAt,
        scoredAtMs, toString(lane) AS lane, riskScore, toString(screening) AS screening, modelVersion,
        rulesVersion, record, supersededBy, insertedAtMs, ${ownJurisdiction(agency)} AS own
      FROM ${identifier(`${database}.decisions_raw`)}
      PREWHERE messageId IN (${inList(ids.map((r) => r.messageId))})
      WHERE ${visibleTo(database, agency)}`.text,
  );
  const latest = new Map<string, (typeof copies)[number]>();
  for (const c of copies) {
    const seen = latest.get(c.messageId);
    if (seen === undefined || Number(c.insertedAtMs) >= Number(seen.insertedAtMs)) latest.set(c.messageId, c);
  }
  for (const c of latest.values()) {
    if (c.supersededBy !== '') continue;
    const doc: ConsignmentDocument = {
      messageId: c.messageId,
      consignmentId: c.consignmentId,
      documentType: c.documentType,
      filedAt: c.filedAt,
      scoredAtMs: Number(c.scoredAtMs),
      lane: c.lane,
      riskScore: Number(c.riskScore),
      screening: c.screening,
      modelVersion: c.modelVersion,
      rulesVersion: c.rulesVersion,
      record: c.record,
      own: Number(c.own) === 1,
    };
    out.set(c.consignmentId, [...(out.get(c.consignmentId) ?? []), doc]);
  }
  for (const docs of out.values())
    docs.sort((a, b) => a.filedAt.localeCompare(b.filedAt) || a.scoredAtMs - b.scoredAtMs);
  return out;
}
