// Evaluation measures for a ranking of reports against labels: recall at officer capacity, calibration
// bins, PR-curve points, per-pattern recall and lane recall. Reads scores, labels and lanes; writes numbers.
// Guarantees: pure; tied scores are handled exactly (a tie group cut by the capacity line counts its
// positives pro rata), so results do not depend on input order.
import { brierScore, prAuc, rocAuc } from '../scoring/model/metrics.ts';

export { brierScore, prAuc, rocAuc };

export const CAPACITIES = [0.01, 0.02, 0.05, 0.1] as const;

/** Indices sorted by score, highest first (stable). */
function orderDesc(scores: ArrayLike<number>): Int32Array {
  const order = new Int32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => scores[b]! - scores[a]! || a - b);
}

/**
 * Expected share of the positives (optionally only those with mask[i]) that fall in the top `capacity`
 * share of reports when officers work down the list; ties at the cut count pro rata.
 */
export function recallAtCapacity(
  scores: ArrayLike<number>,
  labels: ArrayLike<boolean>,
  capacity: number,
  mask?: ArrayLike<boolean>,
): number {
  const n = scores.length;
  const k = Math.round(capacity * n);
  let total = 0;
  for (let i = 0; i < n; i++) if (labels[i] && (mask === undefined || mask[i])) total++;
  if (total === 0) return Number.NaN;
  const order = orderDesc(scores);
  let taken = 0;
  let found = 0;
  let i = 0;
  while (i < n && taken < k) {
    let j = i;
    let pos = 0;
    while (j < n && scores[order[j]!] === scores[order[i]!]) {
      const idx = order[j]!;
      if (labels[idx] && (mask === undefined || mask[idx])) pos++;
      j++;
    }
    const group = j - i;
    const share = Math.min(1, (k - taken) / group);
    found += pos * share;
    taken += group * share;
    i = j;
  }
  return found / total;
}

export interface CalibrationBin {
  lo: number;
  hi: number;
  count: number;
  meanScore: number;
  positiveRate: number;
}

/**
 * Score edges of the reliability bins: roughly log-spaced, because with a 3 % base rate most scores sit
 * far below 0.1 and equal-width (or equal-count) bins would put nearly everything in one place.
 */
export const CALIBRATION_EDGES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.2, 0.4, 0.6, 0.8, 1] as const;

/** Reliability bins over fixed score edges (empty bins left out) and the expected calibration error. */
export function calibrationBins(
  scores: ArrayLike<number>,
  labels: ArrayLike<boolean>,
  edges: readonly number[] = CALIBRATION_EDGES,
): { bins: CalibrationBin[]; ece: number } {
  const k = edges.length - 1;
  const count = new Float64Array(k);
  const sum = new Float64Array(k);
  const pos = new Float64Array(k);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    let b = 0;
    while (b < k - 1 && s >= edges[b + 1]!) b++;
    count[b]! += 1;
    sum[b]! += s;
    if (labels[i]) pos[b]! += 1;
  }
  const bins: CalibrationBin[] = [];
  let ece = 0;
  for (let b = 0; b < k; b++) {
    if (count[b] === 0) continue;
    const bin = {
      lo: edges[b]!,
      hi: edges[b + 1]!,
      count: count[b]!,
      meanScore: sum[b]! / count[b]!,
      positiveRate: pos[b]! / count[b]!,
    };
    ece += (bin.count / scores.length) * Math.abs(bin.meanScore - bin.positiveRate);
    bins.push(bin);
  }
  return { bins, ece };
}

/** Precision-recall points at every distinct score, thinned to at most `maxPoints`. */
export function prCurve(
  scores: ArrayLike<number>,
  labels: ArrayLike<boolean>,
  maxPoints = 200,
): { recall: number; precision: number }[] {
  const order = orderDesc(scores);
  let total = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]) total++;
  if (total === 0) return [];
  const points: { recall: number; precision: number }[] = [];
  let tp = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j < order.length && scores[order[j]!] === scores[order[i]!]) {
      if (labels[order[j]!]) tp++;
      j++;
    }
    points.push({ recall: tp / total, precision: tp / j });
    i = j;
  }
  if (points.length <= maxPoints) return points;
  const step = points.length / maxPoints;
  const thin = Array.from({ length: maxPoints }, (_, k) => points[Math.floor(k * step)]!);
  thin.push(points[points.length - 1]!);
  return thin;
}

/** Share of values per equal-width bin over [0, 1]. */
export function histogram(values: ArrayLike<number>, bins = 20, mask?: ArrayLike<boolean>): number[] {
  const counts = new Array<number>(bins).fill(0);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask !== undefined && !mask[i]) continue;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(values[i]! * bins)));
    counts[b] = counts[b]! + 1;
    n++;
  }
  return counts.map((c) => (n === 0 ? 0 : c / n));
}

export interface RankingSummary {
  prAuc: number;
  rocAuc: number;
  recallAt: Record<string, number>;
}

export function rankingSummary(scores: ArrayLike<number>, labels: ArrayLike<boolean>): RankingSummary {
  const recallAt: Record<string, number> = {};
  for (const c of CAPACITIES) recallAt[`${c * 100}%`] = recallAtCapacity(scores, labels, c);
  return { prAuc: prAuc(scores, labels), rocAuc: rocAuc(scores, labels), recallAt };
}

export interface LaneSummary {
  flagRate: number;
  redRate: number;
  /** Positives sent to YELLOW or RED. */
  recall: number;
  redRecall: number;
  precision: number;
}

export function laneSummary(
  lanes: readonly string[],
  labels: ArrayLike<boolean>,
  mask?: ArrayLike<boolean>,
): LaneSummary {
  let n = 0;
  let flagged = 0;
  let red = 0;
  let pos = 0;
  let tp = 0;
  let redTp = 0;
  let flaggedAll = 0;
  let tpAll = 0;
  for (let i = 0; i < lanes.length; i++) {
    const f = lanes[i] !== 'GREEN';
    if (f) flaggedAll++;
    if (f && labels[i]) tpAll++;
    if (mask !== undefined && !mask[i]) continue;
    n++;
    if (f) flagged++;
    if (lanes[i] === 'RED') red++;
    if (labels[i]) {
      pos++;
      if (f) tp++;
      if (lanes[i] === 'RED') redTp++;
    }
  }
  return {
    flagRate: n === 0 ? Number.NaN : flagged / n,
    redRate: n === 0 ? Number.NaN : red / n,
    recall: pos === 0 ? Number.NaN : tp / pos,
    redRecall: pos === 0 ? Number.NaN : redTp / pos,
    precision: flaggedAll === 0 ? Number.NaN : tpAll / flaggedAll,
  };
}
