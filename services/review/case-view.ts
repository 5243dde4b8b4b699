// One case as an officer sees it: report fields, goods lines with matched substances marked, rule
// hits, model score and contributions, watchlist hits, every document of its consignment (a case is a
// consignment) with its state, the other document with its differences, current state and history.
// Reads: decisions, reports, dispositions, assignments, audit_log.
// Guarantees: the access decision is made in the same query that reads the case, with the same
// condition as the queue's (visibility.ts); a case shared by a partner is never built from here.
import type { Decision, Lane, RuleHit, SubstanceMatch } from '../../schemas/decision.ts';
import type { StoredAuditEntry } from '../audit/audit-log.ts';
import { type ClickHouseClient, queryRows } from '../storage/clickhouse.ts';
import { fillReportBodies, readReportBodies } from '../storage/reports.ts';
import { identifier, sql } from '../storage/sql.ts';
import { consignmentDocuments } from './consignment.ts';
import { type LineStructure, lineStructures, withDrawings } from './molecule.ts';
import { caseStates, decisionsByKey, type QueueDocument, queueDocument } from './queue.ts';
import { type Agency, visibleTo } from './visibility.ts';

export interface Segment {
  text: string;
  /** Why this span is marked (e.g. `4-piperidone (CAS)`); absent for plain text. */
  mark?: string;
}

export interface GoodsLineView {
  lineNumber: number;
  segments: Segment[];
  hsCode: string | null;
  hsMatched: boolean;
  casNumbers: { cas: string; matched: boolean }[];
  quantity: string;
  packages: string;
  grossWeightKg: number | null;
  declaredValue: string;
  originCountry: string | null;
  substances: SubstanceMatch[];
  ruleHits: RuleHit[];
}

export interface Difference {
  field: string;
  here: string;
  there: string;
}

export interface OtherDocument {
  messageId: string;
  documentType: string;
  lane: Lane;
  riskScore: number;
  filedAt: string;
  differences: Difference[];
  /** Fields compared, differing or not. */
  compared: number;
}

export interface DispositionRecord {
  disposition: string;
  seizedQuantity: number;
  seizedUnit: string;
  notes: string;
  actor: string;
  agency: string;
  decidedAt: string;
}

export interface CaseView {
  messageId: string;
  consignmentId: string;
  documentType: string;
  lane: Lane;
  riskScore: number;
  modelScore: number;
  modelVersion: string;
  rulesVersion: string;
  scoredAt: string;
  filedAt: string;
  access: 'own';
  report: Record<string, unknown>;
  goods: GoodsLineView[];
  ruleHits: RuleHit[];
  watchlistHits: RuleHit[];
  substances: SubstanceMatch[];
  /**
   * Chemicals named in goods lines where the decision identified no structure, read with the name parser
   * when the case is opened: what the line is, drawn; not part of the decision.
   */
  otherStructures: LineStructure[];
  topFeatures: Decision['topFeatures'];
  randomSelection: boolean | null;
  /** How much of the report was screened (CONTRACT.md §2); records before the field existed are COMPLETE. */
  screening: string;
  otherDocument: OtherDocument | null;
  /** Every document of the consignment the agency may read, oldest filing first (this one included). */
  documents: CaseDocument[];
  /** An amendment: the earlier version of the same document kind and what changed since it. */
  previousVersion: OtherDocument | null;
  assignee: string;
  disposition: string;
  dispositions: DispositionRecord[];
  history: StoredAuditEntry[];
}

/** A document of the case's consignment, as the queue lists it, and whose it is. */
export interface CaseDocument extends QueueDocument {
  /** The agency's own document (a partner's shared one is read-only). */
  own: boolean;
}

/** `hidden`: the id exists but the rule does not admit it (audited; answered like `missing`). */
export type CaseLookup =
  | { kind: 'found'; access: 'own'; row: CaseRow }
  | { kind: 'hidden' }
  | { kind: 'missing' };

export interface CaseRow {
  messageId: string;
  consignmentId: string;
  documentType: string;
  lane: Lane;
  riskScore: number;
  modelScore: number;
  modelVersion: string;
  rulesVersion: string;
  scoredAt: string;
  filedAt: string;
  record: string;
  report: string;
  visible: number;
}

const CASE_COLUMNS = sql`messageId, consignmentId, documentType, lane, riskScore, modelScore, modelVersion,
  rulesVersion, scoredAt, filedAt, record, report`;

/** Reads a case and decides access for `agency` in one query. */
export async function lookupCase(
  client: ClickHouseClient,
  database: string,
  agency: Agency,
  messageId: string,
): Promise<CaseLookup> {
  const rows = await queryRows<CaseRow>(
    client,
    sql`SELECT ${CASE_COLUMNS}, ${visibleTo(database, agency)} AS visible
      FROM ${decisionsByKey(database)} PREWHERE messageId = ${messageId} LIMIT 1`.text,
  );
  const row = rows[0];
  if (row === undefined) return { kind: 'missing' };
  if (Number(row.visible) === 1) {
    await fillReportBodies(client, database, [row]);
    return { kind: 'found', access: 'own', row };
  }
  return { kind: 'hidden' };
}

/** Splits text into plain and marked spans for the given terms (case-insensitive, longest first). */
export function highlight(text: string, terms: readonly { term: string; label: string }[]): Segment[] {
  const lower = text.toLowerCase();
  const marks: { start: number; end: number; label: string }[] = [];
  const sorted = [...terms]
    .filter((t) => t.term.trim().length >= 2)
    .sort((a, b) => b.term.length - a.term.length);
  for (const { term, label } of sorted) {
    const needle = term.toLowerCase();
    let from = 0;
    for (;;) {
      const at = lower.indexOf(needle, from);
      if (at === -1) break;
      const end = at + needle.length;
      if (!marks.some((m) => at < m.end && end > m.start)) marks.push({ start: at, end, label });
      from = end;
    }
  }
  marks.sort((a, b) => a.start - b.start);
  const out: Segment[] = [];
  let pos = 0;
  for (const m of marks) {
    if (m.start > pos) out.push({ text: text.slice(pos, m.start) });
    out.push({ text: text.slice(m.start, m.end), mark: m.label });
    pos = m.end;
  }
  if (pos < text.length || out.length === 0) out.push({ text: text.slice(pos) });
  return out;
}

/** Quoted phrases in an explanation (`identified by NAME ("4-piperidone HCl")`) are the matched words. */
function quotedEvidence(explanation: string): string[] {
  return [...explanation.matchAll(/"([^"]{2,120})"/g)].map((m) => m[1]!);
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);

export function goodsLines(report: Json, decision: Decision): GoodsLineView[] {
  const goods = arr(obj(report.consignment).goods).map(obj);
  return goods.map((g) => {
    const lineNumber = Number(g.lineNumber);
    const substances = decision.substances.filter((s) => s.goodsLine === lineNumber);
    const ruleHits = decision.ruleHits.filter((h) => h.goodsLine === lineNumber);
    const terms = [
      ...substances.map((s) => ({ term: s.name, label: `${s.name} (matched by ${s.matchedBy})` })),
      ...substances
        .filter((s) => s.cas !== null)
        .map((s) => ({ term: s.cas!, label: `${s.name} (matched by ${s.matchedBy})` })),
      ...ruleHits.flatMap((h) =>
        quotedEvidence(h.explanation).map((term) => {
          const s = substances.find((x) => term.toLowerCase().includes(x.name.toLowerCase()));
          return { term, label: s ? `${s.name} (matched by ${s.matchedBy}; ${h.ruleId})` : h.ruleId };
        }),
      ),
    ];
    const matchedCas = new Set(substances.map((s) => s.cas).filter((c): c is string => c !== null));
    const q = obj(g.quantity);
    const p = obj(g.packages);
    const v = obj(g.declaredValue);
    const hsCode = g.hsCode === null || g.hsCode === undefined ? null : str(g.hsCode);
    return {
      lineNumber,
      segments: highlight(str(g.description), terms),
      hsCode,
      hsMatched: substances.some((s) => s.matchedBy.startsWith('HS')),
      casNumbers: arr(g.casNumbers).map((c) => ({
        cas: str(c),
        matched: matchedCas.has(str(c)) || substances.some((s) => s.matchedBy.startsWith('CAS')),
      })),
      quantity: q.value === undefined ? '' : `${str(q.value)} ${str(q.unit)}`,
      packages: p.count === undefined ? '' : `${str(p.count)} × ${str(p.type)}`,
      grossWeightKg: typeof g.grossWeightKg === 'number' ? g.grossWeightKg : null,
      declaredValue: v.amount === undefined ? '' : `${str(v.amount)} ${str(v.currency)}`,
      originCountry: g.originCountry === undefined || g.originCountry === null ? null : str(g.originCountry),
      substances,
      ruleHits,
    };
  });
}

function party(p: unknown): string {
  const x = obj(p);
  if (Object.keys(x).length === 0) return '';
  const a = obj(x.address);
  return [str(x.name), [a.street, a.city, a.postalCode, a.country].map(str).filter(Boolean).join(', ')]
    .filter(Boolean)
    .join(' — ');
}

/** The fields two documents of one consignment are compared on, with labels officers know. */
export function comparableFields(report: Json): Map<string, string> {
  const c = obj(report.consignment);
  const route = obj(c.route);
  const parties = obj(c.parties);
  const fields = new Map<string, string>([
    ['Mode', str(c.mode)],
    ['Master bill', str(c.masterId)],
    ['Carrier', str(obj(c.carrier).name)],
    ['Port of loading', str(route.portOfLoading)],
    ['Port of discharge', str(route.portOfDischarge)],
    ['Place of delivery', str(route.placeOfDelivery)],
    ['Transshipment', arr(route.transshipmentPorts).map(str).join(', ')],
    ['Origin country', str(route.originCountry)],
    ['Destination country', str(route.destinationCountry)],
    ['Departure', str(c.departureDate)],
    ['Arrival', str(c.arrivalDate)],
    ['Shipper', party(parties.shipper)],
    ['Consignee', party(parties.consignee)],
    ['Consignee phone', str(obj(parties.consignee).phone)],
    ['Notify party', party(parties.notifyParty)],
    [
      'Payment',
      [str(obj(c.payment).method), obj(c.payment).payerIsThirdParty ? 'third-party payer' : '']
        .filter(Boolean)
        .join(', '),
    ],
    [
      'Permits',
      arr(c.permits)
        .map((p) => `${str(obj(p).type)} ${str(obj(p).reference)}`)
        .join('; '),
    ],
    ['Containers', arr(c.containers).map(str).join(', ')],
  ]);
  for (const g of arr(c.goods).map(obj)) {
    const n = str(g.lineNumber);
    const q = obj(g.quantity);
    fields.set(`Line ${n} description`, str(g.description));
    fields.set(`Line ${n} HS code`, str(g.hsCode));
    fields.set(`Line ${n} CAS`, arr(g.casNumbers).map(str).join(', '));
    fields.set(`Line ${n} quantity`, q.value === undefined ? '' : `${str(q.value)} ${str(q.unit)}`);
    fields.set(`Line ${n} gross weight (kg)`, str(g.grossWeightKg));
    fields.set(
      `Line ${n} value`,
      `${str(obj(g.declaredValue).amount)} ${str(obj(g.declaredValue).currency)}`.trim(),
    );
  }
  return fields;
}

export function compareDocuments(here: Json, there: Json): { differences: Difference[]; compared: number } {
  const a = comparableFields(here);
  const b = comparableFields(there);
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  const differences = keys
    .map((field) => ({ field, here: a.get(field) ?? '(absent)', there: b.get(field) ?? '(absent)' }))
    .filter((d) => d.here.trim().toLowerCase() !== d.there.trim().toLowerCase());
  return { differences, compared: keys.length };
}

function parseJson(text: string): Json {
  try {
    return obj(JSON.parse(text));
  } catch {
    return {};
  }
}

/** Builds the full view of a case the caller may read. */
export async function buildCaseView(
  client: ClickHouseClient,
  database: string,
  agency: Agency,
  found: { access: 'own'; row: CaseRow },
  history: StoredAuditEntry[],
): Promise<CaseView> {
  const { row } = found;
  const report = parseJson(row.report);
  const decision = parseJson(row.record) as unknown as Decision;
  decision.ruleHits ??= [];
  decision.substances ??= [];
  decision.topFeatures ??= [];
  const decisions = identifier(`${database}.decisions`);
  const dispositionsTable = identifier(`${database}.dispositions`);
  const [others, dispositions, states, docs] = await Promise.all([
    // The other document: found on narrow columns, then read (with its large report) by key.
    queryRows<{ messageId: string }>(
      client,
      sql`SELECT messageId FROM ${decisions}
        WHERE consignmentId = ${row.consignmentId} AND documentType != ${row.documentType}
          AND ${visibleTo(database, agency)}
        ORDER BY scoredAt DESC LIMIT 1`.text,
    ).then(([hit]) =>
      hit === undefined
        ? []
        : queryRows<CaseRow>(
            client,
            sql`SELECT ${CASE_COLUMNS}, 0 AS visible FROM ${decisionsByKey(database)}
              PREWHERE messageId = ${hit.messageId} LIMIT 1`.text,
          ).then((rows) => fillReportBodies(client, database, rows)),
    ),
    queryRows<DispositionRecord>(
      client,
      sql`SELECT toString(disposition) AS disposition, seizedQuantity, seizedUnit, notes, actor, agency, decidedAt
        FROM ${dispositionsTable} WHERE messageId = ${row.messageId} ORDER BY decidedAtMs`.text,
    ),
    caseStates({ client, database }, [row.messageId]),
    consignmentDocuments(client, database, agency, [row.consignmentId]).then(
      (m) => m.get(row.consignmentId) ?? [],
    ),
  ]);
  const docStates = await caseStates(
    { client, database },
    docs.map((d) => d.messageId),
  );
  const documents: CaseDocument[] = docs.map((d) => ({ ...queueDocument(d, docStates), own: d.own }));
  // An UNSCREENED case has no stored report, so is not listed by consignmentDocuments: add it.
  if (!documents.some((d) => d.messageId === row.messageId))
    documents.push({
      messageId: row.messageId,
      documentType: row.documentType,
      filedAt: row.filedAt,
      lane: row.lane,
      riskScore: row.riskScore,
      screening: decision.screening ?? 'COMPLETE',
      disposition: states.get(row.messageId)?.disposition ?? '',
      own: true,
    });
  documents.sort((a, b) => a.filedAt.localeCompare(b.filedAt));
  // An amendment is compared with the version it replaced: the same kind, filed just before it.
  const at = docs.findIndex((d) => d.messageId === row.messageId);
  const earlier = docs
    .slice(0, Math.max(at, 0))
    .filter((d) => d.documentType === row.documentType)
    .at(-1);
  const earlierBody =
    earlier === undefined
      ? undefined
      : (await readReportBodies(client, database, [earlier])).get(earlier.messageId);
  const previousVersion: OtherDocument | null =
    earlier === undefined || earlierBody === undefined
      ? null
      : {
          messageId: earlier.messageId,
          documentType: earlier.documentType,
          lane: earlier.lane,
          riskScore: earlier.riskScore,
          filedAt: earlier.filedAt,
          ...compareDocuments(report, parseJson(earlierBody)),
        };
  const other = others[0];
  const state = states.get(row.messageId);
  const goods = goodsLines(report, decision);
  // Lines the decision found no structure in: what they name, read now (bounded; never the decision).
  const drawnLines = new Set(
    decision.substances
      .filter((s) => typeof s.smiles === 'string' && s.smiles !== '')
      .map((s) => s.goodsLine),
  );
  const otherStructures = await lineStructures(
    arr(obj(report.consignment).goods)
      .map(obj)
      .map((g) => ({ lineNumber: Number(g.lineNumber), description: str(g.description) }))
      .filter((l) => !drawnLines.has(l.lineNumber)),
  );
  return {
    messageId: row.messageId,
    consignmentId: row.consignmentId,
    documentType: row.documentType,
    lane: row.lane,
    riskScore: row.riskScore,
    modelScore: row.modelScore,
    modelVersion: row.modelVersion,
    rulesVersion: row.rulesVersion,
    scoredAt: row.scoredAt,
    filedAt: row.filedAt,
    access: found.access,
    report,
    goods,
    ruleHits: decision.ruleHits,
    watchlistHits: decision.ruleHits.filter((h) => h.ruleId.startsWith('watchlist')),
    substances: withDrawings(decision.substances),
    otherStructures,
    topFeatures: [...decision.topFeatures].sort(
      (a, b) => Math.abs(b.contribution) - Math.abs(a.contribution),
    ),
    randomSelection: typeof decision.randomSelection === 'boolean' ? decision.randomSelection : null,
    screening: decision.screening ?? 'COMPLETE',
    otherDocument:
      other === undefined
        ? null
        : {
            messageId: other.messageId,
            documentType: other.documentType,
            lane: other.lane,
            riskScore: other.riskScore,
            filedAt: other.filedAt,
            ...compareDocuments(report, parseJson(other.report)),
          },
    documents,
    previousVersion,
    assignee: state?.assignee ?? '',
    disposition: state?.disposition ?? '',
    dispositions: dispositions.map((d) => ({ ...d, seizedQuantity: Number(d.seizedQuantity) })),
    history,
  };
}
