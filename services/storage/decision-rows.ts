// Maps a decision record (and the report it judged) to a row of `decisions_raw`, a report's body to a
// row of `reports` (migration 009: stored once per message, apart from its decisions), and a dead
// letter to a row of `dead_letters`. Nested fields become parallel arrays, the queryable form 18.16 has.
import type { Decision } from '../../schemas/decision.ts';
import type { Report } from '../../schemas/report.ts';
import type { ShadowScore } from '../scoring/scorer.ts';
import { type ClickHouseClient, insertRows } from './clickhouse.ts';
import { formatDateTime, tsvArrayOf, tsvField, tsvNumber, tsvText } from './sql.ts';
import { TsvBuffer } from './tsv-buffer.ts';

export interface KafkaOrigin {
  topic: string;
  partition: number;
  offset: string;
}

export type DecisionRow = Record<string, string | number | string[] | number[]>;

export function decisionRow(decision: Decision, report: Report, origin: KafkaOrigin): DecisionRow {
  const c = report.consignment;
  const scoredAt = new Date(decision.scoredAt);
  return {
    messageId: decision.messageId,
    consignmentId: decision.consignmentId,
    documentType: decision.documentType,
    reportingCountry: report.source.reportingCountry,
    sourceSystem: report.source.system,
    mode: c.mode,
    filedAt: formatDateTime(new Date(report.filedAt)),
    scoredAt: formatDateTime(scoredAt),
    scoredAtMs: scoredAt.getTime(),
    riskScore: decision.riskScore,
    lane: decision.lane,
    flagged: decision.flagged ? 1 : 0,
    modelScore: decision.modelScore,
    modelVersion: decision.modelVersion,
    rulesVersion: decision.rulesVersion,
    portOfLoading: c.route.portOfLoading,
    portOfDischarge: c.route.portOfDischarge,
    originCountry: c.route.originCountry,
    destinationCountry: c.route.destinationCountry,
    transshipmentPorts: c.route.transshipmentPorts,
    shipperName: c.parties.shipper.name,
    consigneeName: c.parties.consignee.name,
    hsCodes: c.goods.map((g) => g.hsCode ?? ''),
    'ruleHits.ruleId': decision.ruleHits.map((h) => h.ruleId),
    'ruleHits.weight': decision.ruleHits.map((h) => h.weight),
    'ruleHits.explanation': decision.ruleHits.map((h) => h.explanation),
    'ruleHits.goodsLine': decision.ruleHits.map((h) => h.goodsLine ?? 0),
    'substances.name': decision.substances.map((s) => s.name),
    'substances.cas': decision.substances.map((s) => s.cas ?? ''),
    'substances.matchedBy': decision.substances.map((s) => s.matchedBy),
    'substances.listing': decision.substances.map((s) => s.listing ?? ''),
    'substances.goodsLine': decision.substances.map((s) => s.goodsLine ?? 0),
    'topFeatures.feature': decision.topFeatures.map((f) => f.feature),
    'topFeatures.contribution': decision.topFeatures.map((f) => f.contribution),
    record: JSON.stringify(decision),
    kafkaTopic: origin.topic,
    kafkaPartition: origin.partition,
    kafkaOffset: origin.offset,
    insertedAtMs: Date.now(),
    screening: decision.screening ?? 'COMPLETE',
    supersededBy: '',
  };
}

/**
 * The row of a decision with no readable report (UNSCREENED, or its superseded copy): report
 * fields blank, filedAt the source message's Kafka timestamp (the same on every re-delivery, so
 * every copy of the row lands in one partition).
 */
export function unreadRow(
  decision: Decision,
  filedAt: Date,
  origin: KafkaOrigin,
  supersededBy = '',
): DecisionRow {
  const scoredAt = new Date(decision.scoredAt);
  return {
    messageId: decision.messageId,
    consignmentId: decision.consignmentId,
    documentType: decision.documentType,
    reportingCountry: '',
    sourceSystem: '',
    mode: '',
    filedAt: formatDateTime(filedAt),
    scoredAt: formatDateTime(scoredAt),
    scoredAtMs: scoredAt.getTime(),
    riskScore: decision.riskScore,
    lane: decision.lane,
    flagged: decision.flagged ? 1 : 0,
    modelScore: decision.modelScore,
    modelVersion: decision.modelVersion,
    rulesVersion: decision.rulesVersion,
    portOfLoading: '',
    portOfDischarge: '',
    originCountry: '',
    destinationCountry: '',
    transshipmentPorts: [],
    shipperName: '',
    consigneeName: '',
    hsCodes: [],
    'ruleHits.ruleId': decision.ruleHits.map((h) => h.ruleId),
    'ruleHits.weight': decision.ruleHits.map((h) => h.weight),
    'ruleHits.explanation': decision.ruleHits.map((h) => h.explanation),
    'ruleHits.goodsLine': decision.ruleHits.map((h) => h.goodsLine ?? 0),
    'substances.name': [],
    'substances.cas': [],
    'substances.matchedBy': [],
    'substances.listing': [],
    'substances.goodsLine': [],
    'topFeatures.feature': [],
    'topFeatures.contribution': [],
    record: JSON.stringify(decision),
    kafkaTopic: origin.topic,
    kafkaPartition: origin.partition,
    kafkaOffset: origin.offset,
    insertedAtMs: Date.now(),
    screening: decision.screening ?? 'UNSCREENED',
    supersededBy,
  };
}

/** Columns of `decisions_raw` in the order `decisionRow` produces them (the TSV insert order). */
export const DECISION_COLUMNS = [
  'messageId',
  'consignmentId',
  'documentType',
  'reportingCountry',
  'sourceSystem',
  'mode',
  'filedAt',
  'scoredAt',
  'scoredAtMs',
  'riskScore',
  'lane',
  'flagged',
  'modelScore',
  'modelVersion',
  'rulesVersion',
  'portOfLoading',
  'portOfDischarge',
  'originCountry',
  'destinationCountry',
  'transshipmentPorts',
  'shipperName',
  'consigneeName',
  'hsCodes',
  'ruleHits.ruleId',
  'ruleHits.weight',
  'ruleHits.explanation',
  'ruleHits.goodsLine',
  'substances.name',
  'substances.cas',
  'substances.matchedBy',
  'substances.listing',
  'substances.goodsLine',
  'topFeatures.feature',
  'topFeatures.contribution',
  'record',
  'kafkaTopic',
  'kafkaPartition',
  'kafkaOffset',
  'screening',
  'supersededBy',
  // Last, and never empty: a line must not end in an empty field (the chDB test shim strips trailing tabs).
  'insertedAtMs',
] as const satisfies readonly [string, ...string[]];

/** A row as one TabSeparated line in `columns` order (no trailing newline). */
export function tsvLine(row: DecisionRow, columns: readonly string[] = DECISION_COLUMNS): string {
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    const v = row[columns[i]!];
    if (v === undefined) throw new TypeError(`row has no ${columns[i]}`);
    line += (i === 0 ? '' : '\t') + tsvField(v);
  }
  return line;
}

// Batches share one scoredAt: its text is made once per batch, not per row.
let lastScoredAt = '';
let lastScoredAtText = '';
let lastScoredAtMs = 0;

/**
 * `tsvLine(decisionRow(decision, report, origin))` appended to `out`, written straight from the
 * decision: the same bytes (a test holds them equal) without the intermediate row object and its ~17
 * arrays, which made row encoding cost about as much as judging the report. Written in four pieces so
 * the ~1 KB record JSON is copied once, not folded into a line string first (most lines are two-byte
 * strings, for the arrows in route explanations, so that line was ~3.5 KB of garbage per row).
 */
export function appendDecisionLine(
  out: TsvBuffer,
  decision: Decision,
  report: Report,
  origin: KafkaOrigin,
): void {
  const c = report.consignment;
  const route = c.route;
  if (decision.scoredAt !== lastScoredAt) {
    const at = new Date(decision.scoredAt);
    lastScoredAtText = formatDateTime(at);
    lastScoredAtMs = at.getTime();
    lastScoredAt = decision.scoredAt;
  }
  const hits = decision.ruleHits;
  const subs = decision.substances;
  const top = decision.topFeatures;
  out.text(
    `${tsvText(decision.messageId)}\t${tsvText(decision.consignmentId)}\t${tsvText(decision.documentType)}` +
      `\t${tsvText(report.source.reportingCountry)}\t${tsvText(report.source.system)}\t${tsvText(c.mode)}` +
      `\t${formatDateTime(new Date(report.filedAt))}\t${lastScoredAtText}\t${lastScoredAtMs}` +
      `\t${tsvNumber(decision.riskScore)}\t${tsvText(decision.lane)}\t${decision.flagged ? 1 : 0}` +
      `\t${tsvNumber(decision.modelScore)}\t${tsvText(decision.modelVersion)}\t${tsvText(decision.rulesVersion)}` +
      `\t${tsvText(route.portOfLoading)}\t${tsvText(route.portOfDischarge)}\t${tsvText(route.originCountry)}` +
      `\t${tsvText(route.destinationCountry)}\t${tsvField(route.transshipmentPorts)}` +
      `\t${tsvText(c.parties.shipper.name)}\t${tsvText(c.parties.consignee.name)}` +
      `\t${tsvArrayOf(c.goods, (g) => g.hsCode ?? '')}` +
      `\t${tsvArrayOf(hits, (h) => h.ruleId)}\t${tsvArrayOf(hits, (h) => h.weight)}\t`,
  );
  out.text(tsvArrayOf(hits, (h) => h.explanation));
  out.text(
    `\t${tsvArrayOf(hits, (h) => h.goodsLine ?? 0)}` +
      `\t${tsvArrayOf(subs, (x) => x.name)}\t${tsvArrayOf(subs, (x) => x.cas ?? '')}` +
      `\t${tsvArrayOf(subs, (x) => x.matchedBy)}\t${tsvArrayOf(subs, (x) => x.listing ?? '')}` +
      `\t${tsvArrayOf(subs, (x) => x.goodsLine ?? 0)}` +
      `\t${tsvArrayOf(top, (f) => f.feature)}\t${tsvArrayOf(top, (f) => f.contribution)}\t`,
  );
  out.text(tsvText(JSON.stringify(decision)));
  out.line(
    `\t${tsvText(origin.topic)}\t${origin.partition}\t${tsvText(origin.offset)}` +
      `\t${tsvText(decision.screening ?? 'COMPLETE')}\t\t${Date.now()}`,
  );
}

/** appendDecisionLine's line as a string, without its newline (tests). */
export function decisionLine(decision: Decision, report: Report, origin: KafkaOrigin): string {
  const out = new TsvBuffer(4096);
  appendDecisionLine(out, decision, report, origin);
  return out.bytes().toString('utf8', 0, out.length - 1);
}

/** What a `reports` row says of its message besides the body. */
export interface ReportMeta {
  consignmentId: string;
  documentType: string;
  messageId: string;
  filedAt: Date;
  screening: string;
  origin: KafkaOrigin;
}

/** Columns of `reports` (migration 009), in the order reportRow and reportLine produce them. */
export const REPORT_COLUMNS = [
  'consignmentId',
  'documentType',
  'messageId',
  'filedAt',
  'screening',
  'report',
  'kafkaTopic',
  'kafkaPartition',
  'kafkaOffset',
  'insertedAtMs',
] as const satisfies readonly [string, ...string[]];

/** A report's body as a `reports` row (writers other than the pipeline: seeds, tests). */
export function reportRow(meta: ReportMeta, body: string): DecisionRow {
  return {
    consignmentId: meta.consignmentId,
    documentType: meta.documentType,
    messageId: meta.messageId,
    filedAt: formatDateTime(meta.filedAt),
    screening: meta.screening,
    report: body,
    kafkaTopic: meta.origin.topic,
    kafkaPartition: meta.origin.partition,
    kafkaOffset: meta.origin.offset,
    insertedAtMs: Date.now(),
  };
}

// TabSeparated escapes of the bytes valid JSON may hold outside strings (whitespace) or anywhere (`\`).
const BACKSLASH = 0x5c;
const BYTE_ESCAPES = new Map([
  [BACKSLASH, Buffer.from('\\\\')],
  [0x09, Buffer.from('\\t')],
  [0x0a, Buffer.from('\\n')],
  [0x0d, Buffer.from('\\r')],
  [0x00, Buffer.from('\\0')],
]);

/** Appends the bytes as one TabSeparated field: copied as they are unless something needs escaping. */
export function appendTsvBytes(out: TsvBuffer, bytes: Uint8Array): void {
  let needs = false;
  for (const b of BYTE_ESCAPES.keys())
    if (bytes.indexOf(b) !== -1) {
      needs = true;
      break;
    }
  if (!needs) {
    out.raw(bytes);
    return;
  }
  let from = 0;
  for (let i = 0; i < bytes.length; i++) {
    const esc = BYTE_ESCAPES.get(bytes[i]!);
    if (esc === undefined) continue;
    out.raw(bytes.subarray(from, i)).raw(esc);
    from = i + 1;
  }
  out.raw(bytes.subarray(from));
}

/**
 * Appends a `reports` row as TabSeparated bytes with its newline, the body being the message's own
 * bytes (already checked to be UTF-8 JSON): no decode, no re-encode.
 */
export function appendReportLine(
  out: TsvBuffer,
  meta: ReportMeta,
  body: Uint8Array,
  insertedAtMs = Date.now(),
): void {
  out.text(
    `${tsvField(meta.consignmentId)}\t${meta.documentType}\t${tsvField(meta.messageId)}\t${formatDateTime(meta.filedAt)}\t${meta.screening}\t`,
  );
  appendTsvBytes(out, body);
  out.line(
    `\t${tsvField(meta.origin.topic)}\t${meta.origin.partition}\t${meta.origin.offset}\t${insertedAtMs}`,
  );
}

/** One `reports` row as TabSeparated bytes with its newline (tests, benchmarks). */
export function reportLine(meta: ReportMeta, body: Uint8Array, insertedAtMs = Date.now()): Buffer {
  const out = new TsvBuffer(body.length + 512); // grows if the body needs escaping
  appendReportLine(out, meta, body, insertedAtMs);
  return out.bytes();
}

/** A judged report as stored: its decision row and its body row. */
export interface CaseRows {
  decision: DecisionRow;
  report: DecisionRow;
}

/** Both rows of a judged report whose JSON text is `body` (seeds, tests, benchmarks). */
export function caseRows(decision: Decision, report: Report, body: string, origin: KafkaOrigin): CaseRows {
  return {
    decision: decisionRow(decision, report, origin),
    report: reportRow(
      {
        consignmentId: report.consignment.consignmentId,
        documentType: report.documentType,
        messageId: report.messageId,
        filedAt: new Date(report.filedAt),
        screening: decision.screening ?? 'COMPLETE',
        origin,
      },
      body,
    ),
  };
}

/** Stores judged reports: bodies first, then decisions (seeds and tests; the pipeline inserts both at once). */
export async function insertCaseRows(
  client: ClickHouseClient,
  database: string,
  rows: readonly CaseRows[],
): Promise<void> {
  await insertRows(
    client,
    `${database}.reports`,
    rows.map((r) => r.report),
  );
  await insertRows(
    client,
    `${database}.decisions_raw`,
    rows.map((r) => r.decision),
  );
}

export interface DeadLetter {
  origin: KafkaOrigin;
  key: string | null;
  value: Buffer | null;
  reason: string;
  detail: string;
  receivedAt: Date;
  /** The source message's Kafka timestamp (ms), copied to the DLQ so a replay can name its row. */
  sourceTimestamp?: string;
}

export function deadLetterRow(d: DeadLetter): DecisionRow {
  return {
    receivedAt: formatDateTime(d.receivedAt),
    kafkaTopic: d.origin.topic,
    kafkaPartition: d.origin.partition,
    kafkaOffset: d.origin.offset,
    messageKey: d.key ?? '',
    reason: d.reason,
    detail: d.detail.slice(0, 4000),
    sizeBytes: d.value?.length ?? 0,
    valueBase64: d.value === null ? '' : d.value.toString('base64'),
  };
}

/** A challenger's score (table `shadow_scores`, migration 004). */
export function shadowRow(s: ShadowScore): DecisionRow {
  const at = new Date(s.scoredAt);
  return { ...s, scoredAt: formatDateTime(at), scoredAtMs: at.getTime() };
}

/** One `permit_usage` row per permit a covered goods line of the decision draws on (008_permits.sql). */
export function permitUsageRows(decision: Decision, report: Report): DecisionRow[] {
  if (decision.permitUse === undefined) return [];
  const filedAt = formatDateTime(new Date(report.filedAt));
  const scoredAtMs = new Date(decision.scoredAt).getTime();
  return decision.permitUse.map((u) => ({
    reference: u.reference,
    casNumber: u.casNumber,
    consignmentId: decision.consignmentId,
    goodsLine: u.goodsLine,
    quantityKg: u.quantityKg,
    messageId: decision.messageId,
    filedAt,
    scoredAtMs,
  }));
}
