// The triage queue: one entry per consignment with a flagged document (lane != GREEN) the agency may
// see, led by its highest-risk document, with all its readable documents in filing order; highest
// risk first, then oldest arrival (scoredAt), keyset-paginated. Reads: decisions, assignments, dispositions,
// case_shares. Guarantees: every filter value reaches SQL through sql.ts; the first page costs one
// FINAL scan of narrow columns plus small primary-key reads.
import { z } from 'zod';
import type { Lane } from '../../schemas/decision.ts';
import { type ClickHouseClient, queryRows } from '../storage/clickhouse.ts';
import { identifier, inList, join, type SqlFragment, sql } from '../storage/sql.ts';
import { type ConsignmentDocument, consignmentDocuments } from './consignment.ts';
import type { QueueQuery } from './request-schemas.ts';
import { type Agency, visibleTo } from './visibility.ts';

export interface QueueContext {
  client: ClickHouseClient;
  database: string;
}

export interface QueueItem {
  messageId: string;
  consignmentId: string;
  documentType: string;
  reportingCountry: string;
  mode: string;
  filedAt: string;
  scoredAt: string;
  scoredAtMs: number;
  riskScore: number;
  lane: Lane;
  portOfLoading: string;
  portOfDischarge: string;
  originCountry: string;
  destinationCountry: string;
  shipperName: string;
  consigneeName: string;
  substances: string[];
  ruleIds: string[];
  watchlistHit: boolean;
  assignee: string;
  disposition: string;
  /** COMPLETE, PARTIAL (scored on what was readable) or UNSCREENED (could not be read). */
  screening: string;
  /** Every document of the consignment the agency may read, oldest filing first (this one included). */
  documents: QueueDocument[];
}

export interface QueueDocument {
  messageId: string;
  documentType: string;
  filedAt: string;
  lane: Lane;
  riskScore: number;
  screening: string;
  disposition: string;
}

export interface QueuePage {
  items: QueueItem[];
  nextCursor: string | null;
  /** Consignments matching the filters (all pages). */
  total: number;
  /** Greatest scoredAtMs among matching cases, for "new cases since" polling. */
  newestScoredAtMs: number;
}

export class BadCursorError extends Error {}

const cursorSchema = z.tuple([z.number().min(0).max(1), z.number().int().min(0), z.string().min(1).max(128)]);
type Cursor = z.infer<typeof cursorSchema>;

export function encodeCursor(item: Pick<QueueItem, 'riskScore' | 'scoredAtMs' | 'messageId'>): string {
  return Buffer.from(JSON.stringify([item.riskScore, item.scoredAtMs, item.messageId])).toString('base64url');
}

export function decodeCursor(text: string): Cursor {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    throw new BadCursorError('cursor: not a cursor this server issued');
  }
}

/**
 * `decisions` for reads by messageId. The view is `decisions_raw FINAL`; ClickHouse 18.16 does not
 * push a WHERE into a view, so a key lookup through it reads every row. Reading the table with
 * FINAL and the key in PREWHERE is the same rows (every copy of a message has its messageId), and
 * lets the primary key skip everything else. Use as `FROM ${decisionsByKey(db)} PREWHERE messageId …`.
 */
export function decisionsByKey(database: string): SqlFragment {
  return sql`${identifier(`${database}.decisions_raw`)} FINAL`;
}

/** Latest assignment per case, as a subquery over `assignments`. */
function currentAssignments(database: string): SqlFragment {
  const t = identifier(`${database}.assignments`);
  return sql`(SELECT messageId, argMax(assignee, assignedAtMs) AS currentAssignee FROM ${t} GROUP BY messageId)`;
}

/** Latest disposition per case, as a subquery over `dispositions` (String, '' when joined empty). */
export function currentDispositions(database: string): SqlFragment {
  const t = identifier(`${database}.dispositions`);
  return sql`(SELECT messageId, toString(argMax(disposition, decidedAtMs)) AS currentDisposition FROM ${t} GROUP BY messageId)`;
}

/** The WHERE conditions for an agency and a set of filters (no cursor). `me` is the caller's name. */
export function queueConditions(
  database: string,
  agency: Agency,
  filters: QueueQuery,
  me: string,
): SqlFragment[] {
  const conditions: SqlFragment[] = [sql`lane != 'GREEN'`, visibleTo(database, agency)];
  if (filters.lane && filters.lane.length > 0) conditions.push(sql`lane IN (${inList(filters.lane)})`);
  if (filters.port && filters.port.length > 0) {
    const ports = inList(filters.port);
    conditions.push(
      sql`(portOfLoading IN (${ports}) OR portOfDischarge IN (${ports}) OR hasAny(transshipmentPorts, [${ports}]))`,
    );
  }
  if (filters.country && filters.country.length > 0) {
    const countries = inList(filters.country);
    conditions.push(sql`(originCountry IN (${countries}) OR destinationCountry IN (${countries}))`);
  }
  if (filters.substance !== undefined) {
    const s = filters.substance;
    conditions.push(
      sql`(arrayExists(x -> positionCaseInsensitiveUTF8(x, ${s}) > 0, substances.name) OR has(substances.cas, ${s}))`,
    );
  }
  if (filters.from !== undefined)
    conditions.push(sql`filedAt >= toDateTime(${`${filters.from} 00:00:00`}, 'UTC')`);
  if (filters.to !== undefined) {
    conditions.push(sql`filedAt < toDateTime(${`${filters.to} 00:00:00`}, 'UTC') + 86400`);
  }
  if (filters.documentType !== undefined) conditions.push(sql`documentType = ${filters.documentType}`);
  if (filters.assignee !== undefined) {
    const assignments = currentAssignments(database);
    if (filters.assignee === 'unassigned') {
      conditions.push(
        sql`messageId NOT IN (SELECT messageId FROM ${assignments} WHERE currentAssignee != '')`,
      );
    } else {
      const who = filters.assignee === 'me' ? me : filters.assignee;
      conditions.push(
        sql`messageId IN (SELECT messageId FROM ${assignments} WHERE currentAssignee = ${who})`,
      );
    }
  }
  if (filters.state !== undefined) {
    const dispositions = identifier(`${database}.dispositions`);
    if (filters.state === 'open')
      conditions.push(sql`messageId NOT IN (SELECT messageId FROM ${dispositions})`);
    else if (filters.state === 'closed')
      conditions.push(sql`messageId IN (SELECT messageId FROM ${dispositions})`);
    else {
      conditions.push(
        sql`messageId IN (SELECT messageId FROM ${currentDispositions(database)} WHERE currentDisposition = ${filters.state})`,
      );
    }
  }
  if (filters.q !== undefined) {
    const q = filters.q;
    conditions.push(
      sql`(positionCaseInsensitiveUTF8(consignmentId, ${q}) > 0 OR positionCaseInsensitiveUTF8(shipperName, ${q}) > 0 OR positionCaseInsensitiveUTF8(consigneeName, ${q}) > 0)`,
    );
  }
  return conditions;
}

function cursorCondition([risk, scoredAtMs, messageId]: Cursor): SqlFragment {
  return sql`(riskScore < ${risk} OR (riskScore = ${risk} AND (scoredAtMs > ${scoredAtMs} OR (scoredAtMs = ${scoredAtMs} AND messageId > ${messageId}))))`;
}

interface Row {
  messageId: string;
  consignmentId: string;
  documentType: string;
  reportingCountry: string;
  mode: string;
  filedAt: string;
  scoredAt: string;
  scoredAtMs: string | number;
  riskScore: number;
  lane: Lane;
  portOfLoading: string;
  portOfDischarge: string;
  originCountry: string;
  destinationCountry: string;
  shipperName: string;
  consigneeName: string;
  substanceNames: string[];
  ruleIds: string[];
  screening: string;
}

/** The latest arrival in the store (any agency, no FINAL: cheap); the baseline for "new since". */
async function newestScoredAtMs(ctx: QueueContext): Promise<number> {
  const raw = identifier(`${ctx.database}.decisions_raw`);
  const rows = await queryRows<{ newest: string | number }>(
    ctx.client,
    sql`SELECT max(scoredAtMs) AS newest FROM ${raw}`.text,
  );
  return Number(rows[0]?.newest ?? 0);
}

/**
 * The rows of one page. Reads the raw copies by key without FINAL and keeps, per message, the copy
 * with the greatest insertedAtMs — the rule the ReplacingMergeTree (and so the view) applies
 * (docs/delivery.md) — three times cheaper than FINAL over the same granules.
 */
async function fetchRows(ctx: QueueContext, ids: readonly string[]): Promise<Row[]> {
  if (ids.length === 0) return [];
  const raw = identifier(`${ctx.database}.decisions_raw`);
  const list = inList(ids);
  const copies = await queryRows<Row & { insertedAtMs: string | number }>(
    ctx.client,
    sql`SELECT messageId, consignmentId, documentType, reportingCountry, mode, filedAt, scoredAt,
      scoredAtMs, riskScore, lane, portOfLoading, portOfDischarge, originCountry, destinationCountry,
      shipperName, consigneeName, substances.name AS substanceNames, ruleHits.ruleId AS ruleIds, toString(screening) AS screening, insertedAtMs
    FROM ${raw} PREWHERE messageId IN (${list})`.text,
  );
  const latest = new Map<string, Row & { insertedAtMs: string | number }>();
  for (const c of copies) {
    const seen = latest.get(c.messageId);
    if (seen === undefined || Number(c.insertedAtMs) >= Number(seen.insertedAtMs)) latest.set(c.messageId, c);
  }
  return [...latest.values()];
}

/** One page of the queue for `agency`, plus the total and the newest arrival among matches. */
export async function queuePage(
  ctx: QueueContext,
  agency: Agency,
  filters: QueueQuery,
  me: string,
): Promise<QueuePage> {
  const decisions = identifier(`${ctx.database}.decisions`);
  const where = queueConditions(ctx.database, agency, filters, me);
  let pageWhere = where;
  if (filters.cursor !== undefined) {
    const after = cursorCondition(decodeCursor(filters.cursor));
    // A consignment whose lead came before the cursor was on an earlier page: never again.
    pageWhere = [
      ...where,
      after,
      sql`consignmentId NOT IN (SELECT consignmentId FROM ${decisions} WHERE ${join(where, ' AND ')} AND NOT ${after})`,
    ];
  }
  const limit = filters.limit;
  // Two phases: the lead document of each consignment of one page (narrow columns, LIMIT 1 BY), then
  // the page's rows by primary key and the consignments' documents. Measured in services/review/bench.ts.
  const keysQuery = sql`SELECT messageId FROM ${decisions} WHERE ${join(pageWhere, ' AND ')}
    ORDER BY riskScore DESC, scoredAtMs ASC, messageId ASC LIMIT 1 BY consignmentId LIMIT ${limit + 1}`;
  const countQuery = sql`SELECT uniqExact(consignmentId) AS n FROM ${decisions} WHERE ${join(where, ' AND ')}`;
  const [keys, total, newest] = await Promise.all([
    queryRows<{ messageId: string }>(ctx.client, keysQuery.text),
    queryRows<{ n: string | number }>(ctx.client, countQuery.text).then((r) => Number(r[0]?.n ?? 0)),
    newestScoredAtMs(ctx),
  ]);
  const ids = keys.slice(0, limit).map((k) => k.messageId);
  const [fetched, state] = await Promise.all([fetchRows(ctx, ids), caseStates(ctx, ids)]);
  const byId = new Map(fetched.map((r) => [r.messageId, r]));
  const rows = ids.map((id) => byId.get(id)).filter((r): r is Row => r !== undefined);
  const docs = await consignmentDocuments(
    ctx.client,
    ctx.database,
    agency,
    rows.map((r) => r.consignmentId),
  );
  const docStates = await caseStates(
    ctx,
    [...docs.values()].flat().map((d) => d.messageId),
  );
  const items = rows.map((r): QueueItem => {
    const s = state.get(r.messageId);
    return {
      messageId: r.messageId,
      consignmentId: r.consignmentId,
      documentType: r.documentType,
      reportingCountry: r.reportingCountry,
      mode: r.mode,
      filedAt: r.filedAt,
      scoredAt: r.scoredAt,
      scoredAtMs: Number(r.scoredAtMs),
      riskScore: r.riskScore,
      lane: r.lane,
      portOfLoading: r.portOfLoading,
      portOfDischarge: r.portOfDischarge,
      originCountry: r.originCountry,
      destinationCountry: r.destinationCountry,
      shipperName: r.shipperName,
      consigneeName: r.consigneeName,
      substances: [...new Set(r.substanceNames)],
      ruleIds: [...new Set(r.ruleIds)],
      watchlistHit: r.ruleIds.some((id) => id.startsWith('watchlist')),
      assignee: s?.assignee ?? '',
      disposition: s?.disposition ?? '',
      screening: r.screening,
      documents: withLead(r, docs.get(r.consignmentId) ?? []).map((d) => queueDocument(d, docStates)),
    };
  });
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: keys.length > limit && last !== undefined ? encodeCursor(last) : null,
    total,
    newestScoredAtMs: newest,
  };
}

/** The consignment's documents with the lead among them (an UNSCREENED lead is not in the store's list). */
function withLead(r: Row, docs: readonly ConsignmentDocument[]): ConsignmentDocument[] {
  if (docs.some((d) => d.messageId === r.messageId)) return [...docs];
  const lead: ConsignmentDocument = {
    messageId: r.messageId,
    consignmentId: r.consignmentId,
    documentType: r.documentType,
    filedAt: r.filedAt,
    scoredAtMs: Number(r.scoredAtMs),
    lane: r.lane,
    riskScore: r.riskScore,
    screening: r.screening,
    modelVersion: '',
    rulesVersion: '',
    record: '',
    own: true,
  };
  return [...docs, lead].sort((a, b) => a.filedAt.localeCompare(b.filedAt) || a.scoredAtMs - b.scoredAtMs);
}

/** A document of a consignment as the queue lists it, with its case's latest disposition. */
export function queueDocument(
  d: ConsignmentDocument,
  states: ReadonlyMap<string, { disposition: string }>,
): QueueDocument {
  return {
    messageId: d.messageId,
    documentType: d.documentType,
    filedAt: d.filedAt,
    lane: d.lane,
    riskScore: d.riskScore,
    screening: d.screening,
    disposition: states.get(d.messageId)?.disposition ?? '',
  };
}

/** Current assignee and disposition of the given cases. */
export async function caseStates(
  ctx: QueueContext,
  messageIds: readonly string[],
): Promise<Map<string, { assignee: string; disposition: string }>> {
  const out = new Map<string, { assignee: string; disposition: string }>();
  if (messageIds.length === 0) return out;
  const ids = inList(messageIds);
  const assignments = identifier(`${ctx.database}.assignments`);
  const dispositions = identifier(`${ctx.database}.dispositions`);
  const [a, d] = await Promise.all([
    queryRows<{ messageId: string; assignee: string }>(
      ctx.client,
      sql`SELECT messageId, argMax(assignee, assignedAtMs) AS assignee FROM ${assignments} WHERE messageId IN (${ids}) GROUP BY messageId`
        .text,
    ),
    queryRows<{ messageId: string; disposition: string }>(
      ctx.client,
      sql`SELECT messageId, toString(argMax(disposition, decidedAtMs)) AS disposition FROM ${dispositions} WHERE messageId IN (${ids}) GROUP BY messageId`
        .text,
    ),
  ]);
  for (const id of messageIds) out.set(id, { assignee: '', disposition: '' });
  for (const r of a) out.get(r.messageId)!.assignee = r.assignee;
  for (const r of d) out.get(r.messageId)!.disposition = r.disposition;
  return out;
}

/** How many matching cases arrived after `sinceMs` (for the "new cases" poll). */
export async function newCasesSince(
  ctx: QueueContext,
  agency: Agency,
  filters: QueueQuery,
  me: string,
  sinceMs: number,
): Promise<{ count: number; newestScoredAtMs: number }> {
  // Most polls find nothing: a raw count (no FINAL, primary-key-free but one narrow column) says so cheaply.
  const raw = identifier(`${ctx.database}.decisions_raw`);
  const any = await queryRows<{ n: string | number }>(
    ctx.client,
    sql`SELECT count() AS n FROM ${raw} WHERE scoredAtMs > ${sinceMs} AND lane != 'GREEN'`.text,
  );
  if (Number(any[0]?.n ?? 0) === 0) return { count: 0, newestScoredAtMs: sinceMs };
  const decisions = identifier(`${ctx.database}.decisions`);
  const where = [...queueConditions(ctx.database, agency, filters, me), sql`scoredAtMs > ${sinceMs}`];
  const rows = await queryRows<{ n: string | number; newest: string | number }>(
    ctx.client,
    sql`SELECT uniqExact(consignmentId) AS n, max(scoredAtMs) AS newest FROM ${decisions} WHERE ${join(where, ' AND ')}`
      .text,
  );
  return { count: Number(rows[0]?.n ?? 0), newestScoredAtMs: Number(rows[0]?.newest ?? 0) };
}
