// Cases partners shared with an agency, as the receiving agency's officers see them: rows of
// received_cases (written by the sharing receiver, docs/sharing.md §5) whose share with the agency is
// active in case_shares, and — when the partner signs in to the sharing agency's own app (one
// database) — the signed package of an outgoing share kept in case_shares. Reads: received_cases,
// case_shares, sharing_messages. Writes: nothing. Guarantees: the view is built only from the
// redacted case the package carries (exactly the agreed fields, persons pseudonymised) and, apart
// and labelled as such, the partner context the bundle carried — never from `decisions`; a package
// that does not parse shows nothing; a revoked or expired share is gone.

import { type ContextItem, contextOf, parseBundle } from '../sharing/stix-parse.ts';
import type { ClickHouseClient } from '../storage/clickhouse.ts';
import { queryRows } from '../storage/clickhouse.ts';
import { identifier, join, type SqlFragment, sql } from '../storage/sql.ts';
import type { QueueQuery } from './request-schemas.ts';
import type { Agency } from './visibility.ts';

export interface ReceivedContext {
  client: ClickHouseClient;
  database: string;
}

/** One received case in the queue (the fields the queue table shows). */
export interface ReceivedItem {
  shareId: string;
  caseId: string;
  messageId: string;
  fromAgency: string;
  version: number;
  tlp: string;
  receivedAt: string;
  expiresAt: string;
  consignmentId: string;
  documentType: string;
  reportingCountry: string;
  mode: string;
  filedAt: string;
  lane: string;
  riskScore: number | null;
  portOfLoading: string;
  portOfDischarge: string;
  originCountry: string;
  destinationCountry: string;
  shipperName: string;
  consigneeName: string;
  substances: string[];
  ruleIds: string[];
  /** The outcome this agency reported back ('' none yet). */
  outcome: string;
}

export interface ReceivedCaseView {
  shareId: string;
  caseId: string;
  messageId: string;
  fromAgency: string;
  version: number;
  tlp: string;
  agreementId: string;
  retentionDays: number;
  onwardSharing: boolean;
  issuedAt: string;
  receivedAt: string;
  expiresAt: string;
  keyId: string;
  /** Exactly what the partner sent (the agreement's fields; persons as `psn:` pseudonyms). */
  case: Record<string, unknown>;
  legalBasis: string[];
  /** Paths the partner pseudonymised (from the signed package). */
  pseudonymised: string[];
  /** What else the partner's bundle carried that this format does not model, as sent (open import). */
  context: ContextItem[];
  outcomes: { disposition: string; actor: string; at: string; version: number }[];
}

interface Row {
  shareId: string;
  caseId: string;
  messageId: string;
  fromAgency: string;
  version: string | number;
  tlp: string;
  agreementId: string;
  retentionDays: string | number;
  onwardSharing: string | number;
  issuedAt: string;
  receivedAt: string;
  expiresAt: string;
  keyId: string;
  caseJson: string;
  envelopeJson: string;
}

const iso = (s: string) => `${s.replace(' ', 'T')}Z`;
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Active shares with the agency: any row of the share with revoked = 1 ends it. */
function activeFor(database: string, agency: Agency): SqlFragment {
  const shares = identifier(`${database}.case_shares`);
  return sql`shareId IN (SELECT shareId FROM ${shares} WHERE toAgency = ${agency} GROUP BY shareId HAVING max(revoked) = 0)`;
}

function rowsQuery(ctx: ReceivedContext, where: SqlFragment, limit: number): string {
  const received = identifier(`${ctx.database}.received_cases`);
  return sql`SELECT shareId, caseId, messageId, fromAgency, version, tlp, agreementId, retentionDays,
      onwardSharing, toString(issuedAt) AS issuedAt, toString(receivedAt) AS receivedAt,
      toString(expiresAt) AS expiresAt, keyId, caseJson, envelopeJson
    FROM ${received} FINAL
    WHERE revoked = 0 AND ${where}
    ORDER BY receivedAt DESC, shareId LIMIT ${limit}`.text;
}

/**
 * Outgoing shares to `agency` sent from this database (the partner signed in to the sender's app):
 * rows built from the signed package in case_shares, for shares the receiver did not store here.
 */
async function packagedRows(ctx: ReceivedContext, agency: Agency, messageId?: string): Promise<Row[]> {
  const shares = identifier(`${ctx.database}.case_shares`);
  const received = identifier(`${ctx.database}.received_cases`);
  const byId = messageId === undefined ? sql`1` : sql`messageId = ${messageId}`;
  const rows = await queryRows<{
    shareId: string;
    sharedMessageId: string;
    lastSharedAt: string;
    lastPackageJson: string;
  }>(
    ctx.client,
    sql`SELECT shareId, any(messageId) AS sharedMessageId, toString(max(sharedAt)) AS lastSharedAt,
          argMax(packageJson, sharedAt) AS lastPackageJson
        FROM ${shares}
        WHERE toAgency = ${agency} AND fromAgency != ${agency} AND ${byId}
          AND shareId NOT IN (SELECT shareId FROM ${received})
        GROUP BY shareId HAVING max(revoked) = 0
        ORDER BY lastSharedAt DESC LIMIT 200`.text,
  );
  const out: Row[] = [];
  for (const r of rows) {
    try {
      const envelope = JSON.parse(r.lastPackageJson) as { bundle?: unknown; signature?: { keyId?: unknown } };
      const pkg = parseBundle(envelope.bundle);
      if (pkg.kind !== 'CASE' && pkg.kind !== 'UPDATE') continue;
      const expires = new Date(Date.parse(iso(r.lastSharedAt)) + pkg.terms.retentionDays * 86_400_000);
      out.push({
        shareId: r.shareId,
        caseId: pkg.caseId,
        messageId: r.sharedMessageId,
        fromAgency: pkg.sender,
        version: pkg.version,
        tlp: pkg.terms.tlp,
        agreementId: pkg.terms.agreementId,
        retentionDays: pkg.terms.retentionDays,
        onwardSharing: pkg.terms.onwardSharing ? 1 : 0,
        issuedAt: pkg.issuedAt.slice(0, 19).replace('T', ' '),
        receivedAt: r.lastSharedAt,
        expiresAt: expires.toISOString().slice(0, 19).replace('T', ' '),
        keyId: String(envelope.signature?.keyId ?? ''),
        caseJson: JSON.stringify(pkg.case),
        envelopeJson: r.lastPackageJson,
      });
    } catch {
      // An unreadable package shows nothing (never the source rows instead).
    }
  }
  return out;
}

async function outcomesOf(
  ctx: ReceivedContext,
  shareIds: readonly string[],
): Promise<Map<string, ReceivedCaseView['outcomes']>> {
  const out = new Map<string, ReceivedCaseView['outcomes']>();
  if (shareIds.length === 0) return out;
  const messages = identifier(`${ctx.database}.sharing_messages`);
  const ids = join(
    shareIds.map((id) => sql`${id}`),
    ', ',
  );
  const rows = await queryRows<{
    shareId: string;
    status: string;
    actor: string;
    at: string;
    version: string | number;
  }>(
    ctx.client,
    sql`SELECT shareId, status, actor, toString(at) AS at, version FROM ${messages} FINAL
        WHERE direction = 'OUT' AND kind = 'OUTCOME' AND shareId IN (${ids}) ORDER BY shareId, version`.text,
  );
  for (const r of rows) {
    const list = out.get(r.shareId) ?? [];
    list.push({ disposition: r.status, actor: r.actor, at: iso(r.at), version: Number(r.version) });
    out.set(r.shareId, list);
  }
  return out;
}

function parseCase(json: string): Record<string, unknown> {
  try {
    return obj(JSON.parse(json));
  } catch {
    return {};
  }
}

function itemOf(r: Row, outcome: string): ReceivedItem {
  const c = parseCase(r.caseJson);
  const consignment = obj(c.consignment);
  const route = obj(consignment.route);
  const parties = obj(consignment.parties);
  const assessment = obj(c.assessment);
  const risk = assessment.riskScore;
  return {
    shareId: r.shareId,
    caseId: r.caseId,
    messageId: r.messageId,
    fromAgency: r.fromAgency,
    version: Number(r.version),
    tlp: r.tlp,
    receivedAt: iso(r.receivedAt),
    expiresAt: iso(r.expiresAt),
    consignmentId: str(consignment.consignmentId),
    documentType: str(c.documentType),
    reportingCountry: str(c.reportingCountry),
    mode: str(consignment.mode),
    filedAt: str(c.filedAt),
    lane: str(assessment.lane),
    riskScore: typeof risk === 'number' ? risk : null,
    portOfLoading: str(route.portOfLoading),
    portOfDischarge: str(route.portOfDischarge),
    originCountry: str(route.originCountry),
    destinationCountry: str(route.destinationCountry),
    shipperName: str(obj(parties.shipper).name),
    consigneeName: str(obj(parties.consignee).name),
    substances: arr(assessment.substances)
      .map((s) => str(obj(s).name))
      .filter(Boolean),
    ruleIds: arr(assessment.ruleHits)
      .map((h) => str(obj(h).ruleId))
      .filter(Boolean),
    outcome,
  };
}

/** Whether a received case passes the queue's filters (the same parameters, applied to the shared fields). */
export function matchesFilters(item: ReceivedItem, f: QueueQuery): boolean {
  const has = (xs: readonly string[] | undefined, v: string) =>
    xs === undefined || xs.length === 0 || xs.includes(v);
  if (!has(f.lane, item.lane)) return false;
  if (
    f.port &&
    f.port.length > 0 &&
    !f.port.some((p) => p === item.portOfLoading || p === item.portOfDischarge)
  )
    return false;
  if (
    f.country &&
    f.country.length > 0 &&
    !f.country.some((c) => c === item.originCountry || c === item.destinationCountry)
  )
    return false;
  if (f.substance !== undefined) {
    const s = f.substance.toLowerCase();
    if (!item.substances.some((n) => n.toLowerCase().includes(s))) return false;
  }
  const day = item.filedAt.slice(0, 10);
  if (f.from !== undefined && day < f.from) return false;
  if (f.to !== undefined && day > f.to) return false;
  if (f.documentType !== undefined && f.documentType !== item.documentType) return false;
  // Received cases are nobody's assignment here.
  if (f.assignee !== undefined && f.assignee !== 'unassigned') return false;
  if (f.state !== undefined) {
    if (f.state === 'open' && item.outcome !== '') return false;
    if (f.state === 'closed' && item.outcome === '') return false;
    if (f.state !== 'open' && f.state !== 'closed' && item.outcome !== f.state) return false;
  }
  if (f.q !== undefined) {
    const q = f.q.toLowerCase();
    if (![item.consignmentId, item.shipperName, item.consigneeName].some((v) => v.toLowerCase().includes(q)))
      return false;
  }
  return true;
}

/** Cases partners shared with `agency` and not revoked, newest first (at most `limit`). */
export async function receivedCases(
  ctx: ReceivedContext,
  agency: Agency,
  filters: QueueQuery,
  limit = 200,
): Promise<ReceivedItem[]> {
  const rows = [
    ...(await queryRows<Row>(ctx.client, rowsQuery(ctx, activeFor(ctx.database, agency), limit))),
    ...(await packagedRows(ctx, agency)),
  ];
  const outcomes = await outcomesOf(
    ctx,
    rows.map((r) => r.shareId),
  );
  return rows
    .map((r) => itemOf(r, outcomes.get(r.shareId)?.at(-1)?.disposition ?? ''))
    .filter((i) => matchesFilters(i, filters));
}

/**
 * The case partners shared with `agency` under this messageId (the originator's), if a share of it
 * with the agency is active. Anything else is undefined (the caller's usual not-found/denied rules apply).
 */
export async function receivedCase(
  ctx: ReceivedContext,
  agency: Agency,
  messageId: string,
): Promise<ReceivedCaseView | undefined> {
  const rows = await queryRows<Row>(
    ctx.client,
    rowsQuery(ctx, sql`messageId = ${messageId} AND ${activeFor(ctx.database, agency)}`, 1),
  );
  const r = rows[0] ?? (await packagedRows(ctx, agency, messageId))[0];
  if (r === undefined) return undefined;
  let legalBasis: string[] = [];
  let pseudonymised: string[] = [];
  let context: ContextItem[] = [];
  try {
    const bundle = (JSON.parse(r.envelopeJson) as { bundle?: unknown }).bundle;
    context = contextOf(bundle);
    const pkg = parseBundle(bundle);
    legalBasis = [...pkg.terms.legalBasis];
    if (pkg.kind === 'CASE' || pkg.kind === 'UPDATE') pseudonymised = [...pkg.pseudonymised];
  } catch {
    // The envelope was verified on receipt; an unreadable copy (or plain STIX, which carries no
    // terms of its own: the agreement's apply) only loses the extra detail.
  }
  const outcomes = (await outcomesOf(ctx, [r.shareId])).get(r.shareId) ?? [];
  return {
    shareId: r.shareId,
    caseId: r.caseId,
    messageId: r.messageId,
    fromAgency: r.fromAgency,
    version: Number(r.version),
    tlp: r.tlp,
    agreementId: r.agreementId,
    retentionDays: Number(r.retentionDays),
    onwardSharing: Number(r.onwardSharing) === 1,
    issuedAt: iso(r.issuedAt),
    receivedAt: iso(r.receivedAt),
    expiresAt: iso(r.expiresAt),
    keyId: r.keyId,
    case: parseCase(r.caseJson),
    legalBasis,
    pseudonymised,
    context,
    outcomes,
  };
}
