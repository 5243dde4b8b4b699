// Labelled training data from officers' dispositions in ClickHouse (the `labels` view joined with
// `decisions` for the report, plus partners' outcomes when `partner_outcomes` exists) or from an NDJSON
// file of reports with its `.labels.jsonl` side file (as `precursor-risk generate --out FILE` writes).
// Reads those sources; writes nothing. Guarantees: every report is re-validated with reportSchema (the
// serving path's schema); inspection weights come from the same strata as docs/data-science.md describes.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Decision } from '../../schemas/decision.ts';
import { type Report, reportSchema } from '../../schemas/report.ts';
import { PrecursorRiskError } from '../common/errors.ts';
import { tableExists } from '../registry/registry-table.ts';
import { DEFAULT_POLICY, guardRailFloor, type LaneThresholds } from '../scoring/decide.ts';
import type { Scorer } from '../scoring/scorer.ts';
import type { ClickHouseClient } from '../storage/clickhouse.ts';
import { queryRows } from '../storage/clickhouse.ts';
import { fillReportBodies } from '../storage/reports.ts';
import { identifier, sql } from '../storage/sql.ts';
import {
  estimatePropensity,
  type InspectionPolicy,
  ipwWeights,
  type PropensityModel,
  riskLane,
  simulateInspection,
} from './propensity.ts';

export interface LabelledData {
  reports: Report[];
  positive: boolean[];
  /** Generator pattern per report when known (generated data), else null. */
  patterns: (string | null)[];
  /** Inverse-propensity weights (mean 1), or null when every report is labelled (no selection). */
  weights: Float64Array | null;
  propensity: PropensityModel | null;
  /** Stored in the manifest and model_registry.trainingData. */
  description: Record<string, unknown>;
}

export interface FileLabel {
  messageId: string;
  positive: boolean;
  pattern?: string;
}

/** `<file minus .jsonl/.ndjson/.json>.labels.jsonl`, as `generate --out FILE` names it. */
export function labelsPathFor(file: string): string {
  return `${file.replace(/\.(jsonl|ndjson|json)$/, '')}.labels.jsonl`;
}

async function* lines(file: string): AsyncGenerator<{ line: string; n: number }> {
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of rl) {
    n++;
    if (line.trim() !== '') yield { line, n };
  }
}

/** Valid reports of an NDJSON file; invalid lines are counted, not fatal. */
export async function readReportsFile(file: string): Promise<{ reports: Report[]; invalid: number }> {
  const reports: Report[] = [];
  let invalid = 0;
  for await (const { line } of lines(file)) {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      invalid++;
      continue;
    }
    const r = reportSchema.safeParse(json);
    if (r.success) reports.push(r.data);
    else invalid++;
  }
  return { reports, invalid };
}

export async function readLabelsFile(file: string): Promise<Map<string, FileLabel>> {
  const out = new Map<string, FileLabel>();
  for await (const { line, n } of lines(file)) {
    let l: Partial<FileLabel>;
    try {
      l = JSON.parse(line) as Partial<FileLabel>;
    } catch (err) {
      throw new PrecursorRiskError('CLI_USAGE', `${file}:${n}: not JSON`, { cause: err });
    }
    if (typeof l.messageId !== 'string' || typeof l.positive !== 'boolean')
      throw new PrecursorRiskError('CLI_USAGE', `${file}:${n}: a label needs messageId and positive`);
    out.set(l.messageId, {
      messageId: l.messageId,
      positive: l.positive,
      ...(typeof l.pattern === 'string' ? { pattern: l.pattern } : {}),
    });
  }
  return out;
}

/** Reports of a file with their labels; reports without a label are left out. */
export async function readLabelledFile(
  file: string,
  labelsFile = labelsPathFor(file),
): Promise<{ reports: Report[]; labels: FileLabel[]; invalid: number; unlabelled: number }> {
  const [{ reports, invalid }, labelMap] = await Promise.all([
    readReportsFile(file),
    readLabelsFile(labelsFile),
  ]);
  const kept: Report[] = [];
  const labels: FileLabel[] = [];
  for (const r of reports) {
    const l = labelMap.get(r.messageId);
    if (l === undefined) continue;
    kept.push(r);
    labels.push(l);
  }
  return { reports: kept, labels, invalid, unlabelled: reports.length - kept.length };
}

/**
 * Generated data with officer-like selection: the scorer decides each report's lane, simulateInspection
 * keeps the labels officers would have recorded, and the weights correct for it exactly as for real labels.
 */
export function simulateFieldLabels(opts: {
  reports: readonly Report[];
  labels: readonly FileLabel[];
  scorer: Scorer;
  thresholds: LaneThresholds;
  policy: InspectionPolicy;
  maxWeight?: number;
}): LabelledData & { decisions: Decision[] } {
  const decisions: Decision[] = [];
  for (let i = 0; i < opts.reports.length; i += 2048)
    decisions.push(...opts.scorer.scoreBatch(opts.reports.slice(i, i + 2048), new Date(0)));
  const rails = DEFAULT_POLICY.guardRails;
  const strata = decisions.map((d) =>
    riskLane(d.riskScore, opts.thresholds, guardRailFloor(d.ruleHits, rails)),
  );
  const inspected = simulateInspection(
    decisions.map((d, i) => ({
      messageId: d.messageId,
      riskLane: strata[i]!,
      randomSelection: d.randomSelection === true,
    })),
    opts.policy,
  );
  const decisionCounts = new Map<string, number>();
  const labelledCounts = new Map<string, number>();
  const keep: number[] = [];
  strata.forEach((s, i) => {
    decisionCounts.set(s, (decisionCounts.get(s) ?? 0) + 1);
    if (inspected[i]) {
      labelledCounts.set(s, (labelledCounts.get(s) ?? 0) + 1);
      keep.push(i);
    }
  });
  const propensity = estimatePropensity(decisionCounts, labelledCounts, opts.maxWeight);
  return {
    reports: keep.map((i) => opts.reports[i]!),
    positive: keep.map((i) => opts.labels[i]!.positive),
    patterns: keep.map((i) => opts.labels[i]!.pattern ?? null),
    weights: ipwWeights(
      keep.map((i) => strata[i]!),
      propensity,
    ),
    propensity,
    decisions,
    description: {
      simulatedInspection: opts.policy,
      reportsScored: opts.reports.length,
      labelled: keep.length,
    },
  };
}

interface ClickHouseLabelRow {
  messageId: string;
  consignmentId: string;
  positive: number | string;
  randomSelection: number | string | null;
  report: string;
  riskScore: number | string;
  source: string;
}

/**
 * Officers' labels (and partners' outcomes) joined with the decisions that carry the report JSON, and the
 * inspection propensity per risk lane estimated from all decisions scored in the labelled period.
 */
export async function readClickHouseLabels(opts: {
  client: ClickHouseClient;
  database: string;
  thresholds: LaneThresholds;
  since?: Date;
  until?: Date;
  maxWeight?: number;
}): Promise<LabelledData> {
  const { client, database } = opts;
  if (!(await tableExists(client, database, 'labels')))
    throw new PrecursorRiskError(
      'CLICKHOUSE_QUERY',
      `${database}.labels does not exist: officers' dispositions arrive with the review app's migration 002`,
    );
  const decisions = identifier(`${database}.decisions`);
  const since = opts.since ?? new Date(0);
  const until = opts.until ?? new Date('2100-01-01T00:00:00Z');
  const decisionCols = sql`SELECT messageId, consignmentId, report, riskScore FROM ${decisions}
    WHERE scoredAt >= ${since} AND scoredAt <= ${until}`;
  const officer = await queryRows<ClickHouseLabelRow>(
    client,
    sql`SELECT messageId, consignmentId, positive, randomSelection, report, riskScore, 'officer' AS source
        FROM (SELECT messageId, toUInt8(positive) AS positive, randomSelection FROM ${identifier(`${database}.labels`)}) AS l
        ANY INNER JOIN (${decisionCols}) AS d USING messageId`.text,
  );
  let partner: ClickHouseLabelRow[] = [];
  if (await tableExists(client, database, 'partner_outcomes')) {
    partner = await queryRows<ClickHouseLabelRow>(
      client,
      sql`SELECT messageId, consignmentId, positive, NULL AS randomSelection, report, riskScore, 'partner' AS source
          FROM (
            SELECT messageId, max(positive) AS positive FROM ${identifier(`${database}.partner_outcomes`)} FINAL
            WHERE disposition != 'REFERRED' GROUP BY messageId
          ) AS o
          ANY INNER JOIN (${decisionCols}) AS d USING messageId`.text,
    );
  }
  // One label per consignment (a case is a consignment: its manifest, declaration and amendments carry
  // the same disposition and must not count two or three times). The document the label trains on is
  // the consignment's highest-risk one; a seizure reported by either agency on any document makes it
  // positive.
  const byId = new Map<string, ClickHouseLabelRow>();
  for (const row of [...officer, ...partner]) {
    const key = row.consignmentId || row.messageId;
    const prev = byId.get(key);
    if (prev === undefined) {
      byId.set(key, row);
      continue;
    }
    const lead = Number(row.riskScore) > Number(prev.riskScore) ? row : prev;
    const positive = Number(prev.positive) === 1 || Number(row.positive) === 1 ? 1 : 0;
    const source = prev.source === row.source ? prev.source : 'both';
    byId.set(key, { ...lead, positive, source });
  }
  const rows = await fillReportBodies(client, database, [...byId.values()]);
  if (rows.length === 0)
    throw new PrecursorRiskError('CLI_USAGE', `no labelled decisions in ${database} for the period given`);

  const reports: Report[] = [];
  const positive: boolean[] = [];
  const strata: string[] = [];
  let invalid = 0;
  for (const row of rows) {
    const parsed = reportSchema.safeParse(JSON.parse(row.report));
    if (!parsed.success) {
      invalid++;
      continue;
    }
    reports.push(parsed.data);
    positive.push(Number(row.positive) === 1);
    strata.push(riskLane(Number(row.riskScore), opts.thresholds));
  }

  // Decisions per stratum over the period the labels cover (later decisions may simply not be reviewed yet).
  const [range] = await queryRows<{ lo: string; hi: string }>(
    client,
    sql`SELECT toString(min(scoredAt)) AS lo, toString(max(scoredAt)) AS hi FROM ${decisions}
        WHERE messageId IN (SELECT messageId FROM ${identifier(`${database}.labels`)})
          AND scoredAt >= ${since} AND scoredAt <= ${until}`.text,
  );
  const lo = range?.lo ? new Date(`${range.lo.replace(' ', 'T')}Z`) : since;
  const hi = range?.hi ? new Date(`${range.hi.replace(' ', 'T')}Z`) : until;
  const { yellow, red } = opts.thresholds;
  const countRows = await queryRows<{ stratum: string; n: string }>(
    client,
    sql`SELECT multiIf(risk >= ${red}, 'RED', risk >= ${yellow}, 'YELLOW', 'GREEN') AS stratum,
          count() AS n
        FROM (SELECT consignmentId, max(riskScore) AS risk FROM ${decisions}
              WHERE scoredAt >= ${lo} AND scoredAt <= ${hi} GROUP BY consignmentId)
        GROUP BY stratum`.text,
  );
  const decisionCounts = new Map(countRows.map((r) => [r.stratum, Number(r.n)]));
  const labelledCounts = new Map<string, number>();
  for (const s of strata) labelledCounts.set(s, (labelledCounts.get(s) ?? 0) + 1);
  const propensity = estimatePropensity(decisionCounts, labelledCounts, opts.maxWeight);
  return {
    reports,
    positive,
    patterns: reports.map(() => null),
    weights: ipwWeights(strata, propensity),
    propensity,
    description: {
      source: 'clickhouse',
      database,
      labelled: reports.length,
      officerLabels: officer.length,
      partnerLabels: partner.length,
      /** Consignments labelled (each once, whatever number of documents carried its disposition). */
      consignments: rows.length,
      invalidReports: invalid,
      period: { from: lo.toISOString(), to: hi.toISOString() },
    },
  };
}
