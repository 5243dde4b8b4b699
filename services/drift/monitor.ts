// DriftMonitor: PSI of live traffic against the champion's training reference, per feature and for the
// model score, over a sliding window of the last N reports. Reads feature rows and scores of each scored
// batch; writes Prometheus gauges and one warn log per alert transition. Guarantees: O(bins) work per
// report (bin counts are kept incrementally); no alert before `minReports` reports are in the window.
import type { Gauge, Registry } from 'prom-client';
import { Gauge as PromGauge } from 'prom-client';
import { FEATURE_COUNT, FEATURE_NAMES } from '../scoring/features.ts';
import { binIndex, type DriftReference, psi } from './reference.ts';

export interface DriftOptions {
  /** Reports in the sliding window. Default 5000. */
  windowSize: number;
  /** PSI above this raises the alert. Default 0.2 (the usual "significant shift" line). */
  threshold: number;
  /** PSI above this (and at most `threshold`) is reported as a warning, without the alert. Default 0.1. */
  warnThreshold: number;
  /** Reports needed in the window before PSI is judged. Default 500. */
  minReports: number;
}

export const DEFAULT_DRIFT_OPTIONS: Readonly<DriftOptions> = Object.freeze({
  windowSize: 5000,
  threshold: 0.2,
  warnThreshold: 0.1,
  minReports: 500,
});

/** The review dashboard's shape (services/review/dashboard.ts DriftStatus). */
export interface DriftStatus {
  status: 'ok' | 'warning' | 'drift';
  summary: string;
  checkedAt: string;
  metrics?: { name: string; value: number; threshold?: number }[];
}

export interface DriftSnapshot {
  modelVersion: string;
  reports: number;
  scoreReports: number;
  /** null until the window holds minReports model scores (or the model has no score reference). */
  scorePsi: number | null;
  featurePsi: Record<string, number>;
  /** Features above the threshold, worst first. */
  drifted: { feature: string; psi: number }[];
  maxFeature: { feature: string; psi: number } | null;
  alert: boolean;
  warming: boolean;
  threshold: number;
  checkedAt: string;
}

export interface DriftLogger {
  warn(obj: object, msg: string): void;
}

export interface DriftMonitor {
  /** Adds a batch: raw feature rows (n x FEATURE_COUNT, extractBatch layout) and the model's scores (or null). */
  observe(features: Float32Array, scores: Float32Array | null, n: number): void;
  /** A new champion: its reference replaces the old one; score history of the old model is dropped. */
  setReference(reference: DriftReference): void;
  readonly reference: DriftReference;
  snapshot(): DriftSnapshot;
  status(): DriftStatus | null;
  close(): void;
}

interface Gauges {
  featurePsi: Gauge<'feature'>;
  scorePsi: Gauge;
  alert: Gauge;
  windowReports: Gauge;
}

const NS = 'precursor_risk_drift';

function gauge<L extends string>(registry: Registry, name: string, help: string, labels: L[] = []): Gauge<L> {
  // Several scorers may share a process registry (tests, CLI): reuse the gauge, last writer wins.
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge<L>;
  return new PromGauge({ name, help, labelNames: labels, registers: [registry] });
}

function createGauges(registry: Registry): Gauges {
  return {
    featurePsi: gauge(
      registry,
      `${NS}_psi`,
      'PSI of a top model feature, live window vs training reference',
      ['feature'],
    ),
    scorePsi: gauge(registry, `${NS}_score_psi`, 'PSI of the model score, live window vs training reference'),
    alert: gauge(registry, `${NS}_alert`, '1 while a PSI (score or feature) is above the drift threshold'),
    windowReports: gauge(registry, `${NS}_window_reports`, 'reports in the drift window'),
  };
}

/** Live monitors of this process, oldest first. */
const live: DriftMonitor[] = [];

/** The drift status of this process's live monitor (the latest one still open); null with none or too little data. */
export function driftStatus(): DriftStatus | null {
  return live[live.length - 1]?.status() ?? null;
}

export function createDriftMonitor(opts: {
  reference: DriftReference;
  options?: Partial<DriftOptions>;
  registry?: Registry;
  logger?: DriftLogger;
  clock?: () => Date;
  /** Make it the one driftStatus() reports (default true; offline reports pass false). */
  live?: boolean;
}): DriftMonitor {
  const o: DriftOptions = { ...DEFAULT_DRIFT_OPTIONS, ...opts.options };
  if (!(o.windowSize >= 1 && o.minReports >= 1 && o.threshold > 0))
    throw new RangeError('drift windowSize, minReports and threshold must be positive');
  const clock = opts.clock ?? (() => new Date());
  const d = FEATURE_COUNT;
  const gauges = opts.registry ? createGauges(opts.registry) : null;

  let reference = opts.reference;
  // Ring buffers: raw rows (to re-bin on a new reference), scores (NaN = none), and bin indices.
  const rows = new Float32Array(o.windowSize * d);
  const scores = new Float32Array(o.windowSize).fill(Number.NaN);
  const bins = new Uint8Array(o.windowSize * d);
  const scoreBins = new Uint8Array(o.windowSize);
  let head = 0;
  let size = 0;
  let scoreSize = 0;
  let featureCounts: Float64Array[] = [];
  let scoreCounts = new Float64Array(0);
  let alert = false;
  let last: DriftSnapshot | null = null;

  function rebuild(): void {
    featureCounts = reference.features.map((f) => new Float64Array(f.edges.length + 1));
    scoreCounts = new Float64Array((reference.score?.edges.length ?? 0) + 1);
    for (let k = 0; k < size; k++) {
      const slot = (head - size + k + o.windowSize) % o.windowSize;
      for (let j = 0; j < d; j++) {
        const b = binIndex(reference.features[j]!.edges, rows[slot * d + j]!);
        bins[slot * d + j] = b;
        featureCounts[j]![b]! += 1;
      }
    }
  }
  rebuild();

  function compute(): DriftSnapshot {
    const featurePsi: Record<string, number> = {};
    let maxFeature: { feature: string; psi: number } | null = null;
    const drifted: { feature: string; psi: number }[] = [];
    for (let j = 0; j < d; j++) {
      const value = psi(reference.features[j]!.expected, featureCounts[j]!, size);
      const feature = FEATURE_NAMES[j]!;
      featurePsi[feature] = value;
      if (maxFeature === null || value > maxFeature.psi) maxFeature = { feature, psi: value };
      if (value > o.threshold) drifted.push({ feature, psi: value });
    }
    drifted.sort((a, b) => b.psi - a.psi);
    const scorePsi =
      reference.score !== null && scoreSize >= o.minReports
        ? psi(reference.score.expected, scoreCounts, scoreSize)
        : null;
    const warming = size < o.minReports;
    return {
      modelVersion: reference.modelVersion,
      reports: size,
      scoreReports: scoreSize,
      scorePsi,
      featurePsi,
      drifted,
      maxFeature,
      // Hysteresis: raised above the threshold, cleared only once every PSI is back under the warning
      // level, so a window hovering at the threshold does not flap.
      alert:
        !warming &&
        (alert
          ? Math.max(scorePsi ?? 0, maxFeature?.psi ?? 0) >= o.warnThreshold
          : (scorePsi ?? 0) > o.threshold || drifted.length > 0),
      warming,
      threshold: o.threshold,
      checkedAt: clock().toISOString(),
    };
  }

  function publish(snap: DriftSnapshot): void {
    if (snap.alert !== alert) {
      alert = snap.alert;
      opts.logger?.warn(
        {
          scorePsi: snap.scorePsi,
          drifted: snap.drifted.slice(0, 5),
          threshold: o.threshold,
          windowReports: snap.reports,
          modelVersion: snap.modelVersion,
        },
        alert
          ? 'drift alert raised: live traffic differs from the model training data'
          : 'drift alert cleared',
      );
    }
    if (gauges === null) return;
    gauges.alert.set(alert ? 1 : 0);
    gauges.windowReports.set(snap.reports);
    if (snap.scorePsi !== null) gauges.scorePsi.set(snap.scorePsi);
    if (!snap.warming)
      for (const f of reference.topFeatures) gauges.featurePsi.set({ feature: f }, snap.featurePsi[f] ?? 0);
  }

  const monitor: DriftMonitor = {
    observe(features, batchScores, n) {
      if (features.length !== n * d) throw new RangeError(`expected ${n} x ${d} features`);
      const scoreEdges = reference.score?.edges;
      for (let i = 0; i < n; i++) {
        const slot = head;
        if (size === o.windowSize) {
          // Evict the oldest row, which sits where the new one goes.
          for (let j = 0; j < d; j++) featureCounts[j]![bins[slot * d + j]!]! -= 1;
          if (!Number.isNaN(scores[slot]!)) {
            scoreCounts[scoreBins[slot]!]! -= 1;
            scoreSize--;
          }
        } else size++;
        rows.set(features.subarray(i * d, (i + 1) * d), slot * d);
        for (let j = 0; j < d; j++) {
          const b = binIndex(reference.features[j]!.edges, features[i * d + j]!);
          bins[slot * d + j] = b;
          featureCounts[j]![b]! += 1;
        }
        const s = batchScores?.[i];
        if (s !== undefined && scoreEdges !== undefined && Number.isFinite(s)) {
          scores[slot] = s;
          const b = binIndex(scoreEdges, s);
          scoreBins[slot] = b;
          scoreCounts[b]! += 1;
          scoreSize++;
        } else scores[slot] = Number.NaN;
        head = (head + 1) % o.windowSize;
      }
      last = compute();
      publish(last);
    },
    setReference(next) {
      reference = next;
      scores.fill(Number.NaN);
      scoreSize = 0;
      rebuild();
      if (gauges !== null) gauges.featurePsi.reset();
      last = compute();
      publish(last);
    },
    get reference() {
      return reference;
    },
    snapshot() {
      last ??= compute();
      return last;
    },
    status() {
      const snap = monitor.snapshot();
      if (snap.warming) return null;
      const worst = snap.maxFeature;
      const level = Math.max(snap.scorePsi ?? 0, worst?.psi ?? 0);
      const status = snap.alert ? 'drift' : level > o.warnThreshold ? 'warning' : 'ok';
      const scoreText = snap.scorePsi === null ? 'n/a' : snap.scorePsi.toFixed(3);
      const summary =
        status === 'drift'
          ? `drift: score PSI ${scoreText}; ${snap.drifted.length} feature(s) above ${o.threshold} (worst ${worst?.feature} ${worst?.psi.toFixed(3)}) over the last ${snap.reports} reports`
          : `${status}: score PSI ${scoreText}, largest feature PSI ${worst?.feature} ${worst?.psi.toFixed(3)} over the last ${snap.reports} reports (model ${snap.modelVersion})`;
      return {
        status,
        summary,
        checkedAt: snap.checkedAt,
        metrics: [
          ...(snap.scorePsi === null
            ? []
            : [{ name: 'score_psi', value: snap.scorePsi, threshold: o.threshold }]),
          ...reference.topFeatures.map((f) => ({
            name: `psi:${f}`,
            value: snap.featurePsi[f] ?? 0,
            threshold: o.threshold,
          })),
        ],
      };
    },
    close() {
      const i = live.indexOf(monitor);
      if (i >= 0) live.splice(i, 1);
    },
  };
  if (opts.live !== false) live.push(monitor);
  return monitor;
}
