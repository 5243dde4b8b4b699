// Offline drift report: PSI of a set of reports (recent decisions in ClickHouse, or an NDJSON file)
// against a model's training reference, per feature and for the model score. Reads those reports and the
// registry; writes nothing. Guarantees: the same bins and PSI as the live DriftMonitor (one code path),
// so the CLI, the dashboard and the gauges agree on the same window.
import type { Report } from '../../schemas/report.ts';
import { reportSchema } from '../../schemas/report.ts';
import { readPointer, versionDir } from '../registry/registry.ts';
import { extractBatch, FEATURE_NAMES } from '../scoring/features.ts';
import { loadModel, type TfRiskModel } from '../scoring/model.ts';
import type { ClickHouseClient } from '../storage/clickhouse.ts';
import { queryRows } from '../storage/clickhouse.ts';
import { fillReportBodies } from '../storage/reports.ts';
import { identifier, sql } from '../storage/sql.ts';
import {
  createDriftMonitor,
  DEFAULT_DRIFT_OPTIONS,
  type DriftSnapshot,
  type DriftStatus,
} from './monitor.ts';
import { type DriftReference, ensureReference } from './reference.ts';

export interface DriftReport {
  modelVersion: string;
  reference: DriftReference['source'];
  reports: number;
  threshold: number;
  scorePsi: number | null;
  alert: boolean;
  features: { feature: string; psi: number; top: boolean }[];
  status: DriftStatus | null;
}

/** Recent decisions' reports from ClickHouse, newest first, at most `limit`. */
export async function recentReports(opts: {
  client: ClickHouseClient;
  database: string;
  since: Date;
  limit: number;
}): Promise<Report[]> {
  const rows = await fillReportBodies(
    opts.client,
    opts.database,
    await queryRows<{ messageId: string; consignmentId: string; report: string }>(
      opts.client,
      sql`SELECT messageId, consignmentId, report FROM ${identifier(`${opts.database}.decisions`)}
        WHERE scoredAt >= ${opts.since} AND screening != 'UNSCREENED'
        ORDER BY scoredAt DESC LIMIT ${opts.limit}`.text,
    ),
  );
  const out: Report[] = [];
  for (const r of rows) {
    if (r.report === '') continue;
    const parsed = reportSchema.safeParse(JSON.parse(r.report));
    if (parsed.success) out.push(parsed.data);
  }
  return out.reverse();
}

/** The champion (or a named version) with its drift reference. */
export async function modelWithReference(
  registryDir: string,
  version?: string,
): Promise<{ model: TfRiskModel; reference: DriftReference }> {
  const v = version ?? (await readPointer(registryDir, 'champion'));
  if (v === null) throw new Error(`no champion.json in ${registryDir}; name a model with --model`);
  const dir = versionDir(registryDir, v);
  const model = await loadModel(dir);
  return { model, reference: await ensureReference(dir, model) };
}

/** PSI of `reports` against the reference, computed by a DriftMonitor sized to hold them all. */
export function driftOf(
  reports: readonly Report[],
  model: TfRiskModel | null,
  reference: DriftReference,
  opts: { threshold?: number; minReports?: number } = {},
): DriftReport {
  const n = reports.length;
  const threshold = opts.threshold ?? DEFAULT_DRIFT_OPTIONS.threshold;
  const monitor = createDriftMonitor({
    reference,
    live: false,
    options: {
      windowSize: Math.max(1, n),
      threshold,
      minReports: Math.max(1, Math.min(opts.minReports ?? 100, n)),
    },
  });
  try {
    if (n > 0) {
      const x = extractBatch(reports);
      const scores = model === null ? null : model.scoreFeatures(x, n);
      monitor.observe(x, scores, n);
    }
    const snap: DriftSnapshot = monitor.snapshot();
    const top = new Set(reference.topFeatures);
    return {
      modelVersion: reference.modelVersion,
      reference: reference.source,
      reports: n,
      threshold,
      scorePsi: snap.scorePsi,
      alert: snap.alert,
      features: FEATURE_NAMES.map((f) => ({
        feature: f,
        psi: snap.featurePsi[f] ?? 0,
        top: top.has(f),
      })).sort((a, b) => b.psi - a.psi),
      status: monitor.status(),
    };
  } finally {
    monitor.close();
  }
}

export function formatDriftReport(r: DriftReport, rows = 15): string {
  const lines = [
    `# Drift against ${r.modelVersion}'s reference`,
    '',
    `reference: ${r.reference.description}`,
    `window: ${r.reports} reports; threshold PSI > ${r.threshold}`,
    '',
    `score PSI: ${r.scorePsi === null ? 'n/a' : r.scorePsi.toFixed(4)}`,
    `status: ${r.status?.status ?? 'not enough reports'}${r.alert ? '  ** DRIFT ALERT **' : ''}`,
    '',
    '| feature | PSI | exported gauge |',
    '| --- | --- | --- |',
    ...r.features
      .slice(0, rows)
      .map(
        (f) =>
          `| ${f.feature}${f.psi > r.threshold ? ' (!)' : ''} | ${f.psi.toFixed(4)} | ${f.top ? 'yes' : ''} |`,
      ),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * For the review app's dashboard in another process: the drift status of recent decisions in ClickHouse,
 * cached for `cacheMs`. Resolves null while there are too few recent reports.
 */
export function clickHouseDriftStatus(opts: {
  client: ClickHouseClient;
  database: string;
  registryDir: string;
  windowHours?: number;
  limit?: number;
  cacheMs?: number;
}): () => Promise<DriftStatus | null> {
  let cached: { at: number; value: DriftStatus | null } | null = null;
  return async () => {
    const cacheMs = opts.cacheMs ?? 60_000;
    if (cached !== null && Date.now() - cached.at < cacheMs) return cached.value;
    const since = new Date(Date.now() - (opts.windowHours ?? 24) * 3_600_000);
    const reports = await recentReports({
      client: opts.client,
      database: opts.database,
      since,
      limit: opts.limit ?? DEFAULT_DRIFT_OPTIONS.windowSize,
    });
    const { model, reference } = await modelWithReference(opts.registryDir);
    try {
      const value =
        reports.length < DEFAULT_DRIFT_OPTIONS.minReports ? null : driftOf(reports, model, reference).status;
      cached = { at: Date.now(), value };
      return value;
    } finally {
      model.dispose();
    }
  };
}
