// Selection-bias correction for officers' labels (docs/data-science.md, "Labels and selection bias"):
// only inspected reports get a label, and inspection follows the lane. Reads per-stratum counts of
// decisions and of labelled reports; writes inverse-propensity weights. Guarantees: pure; weights are
// clipped and normalised to mean 1 over the labelled reports; a stratum with decisions but no label is
// reported (its reports are unrepresented), never silently given an infinite weight.
import { createHash } from 'node:crypto';
import type { Lane } from '../../schemas/decision.ts';
import { type LaneThresholds, laneOf } from '../scoring/decide.ts';

/**
 * The inspection stratum of a decision: its lane by risk score and guard rails (`floor`: 1 a medium
 * indicator, 2 a strong one), before random QC selection.
 */
export function riskLane(riskScore: number, thresholds: LaneThresholds, floor: 0 | 1 | 2 = 0): Lane {
  return laneOf(riskScore, thresholds, floor);
}

export interface StratumEstimate {
  stratum: string;
  decisions: number;
  labelled: number;
  /** labelled / decisions: the estimated probability that a report of this stratum is inspected. */
  propensity: number;
  /** 1 / propensity before clipping and normalisation; null when the stratum has no label. */
  rawWeight: number | null;
}

export interface PropensityModel {
  strata: StratumEstimate[];
  /** Clip applied to 1/propensity. */
  maxWeight: number;
  /** Decisions in strata that have no labelled report at all (unrepresented in training). */
  unrepresented: number;
}

export function estimatePropensity(
  decisionCounts: ReadonlyMap<string, number>,
  labelledCounts: ReadonlyMap<string, number>,
  maxWeight = 500,
): PropensityModel {
  const names = [...new Set([...decisionCounts.keys(), ...labelledCounts.keys()])].sort();
  let unrepresented = 0;
  const strata = names.map((stratum) => {
    const labelled = labelledCounts.get(stratum) ?? 0;
    // A labelled report is itself a decision, even if the decision counts came from a narrower window.
    const decisions = Math.max(decisionCounts.get(stratum) ?? 0, labelled);
    if (labelled === 0) unrepresented += decisions;
    const propensity = decisions === 0 ? 0 : labelled / decisions;
    return { stratum, decisions, labelled, propensity, rawWeight: labelled === 0 ? null : 1 / propensity };
  });
  return { strata, maxWeight, unrepresented };
}

/** Per-report weights: 1/propensity of its stratum, clipped at maxWeight, normalised to mean 1. */
export function ipwWeights(strata: readonly string[], model: PropensityModel): Float64Array {
  const byName = new Map(model.strata.map((s) => [s.stratum, s]));
  const w = new Float64Array(strata.length);
  let sum = 0;
  strata.forEach((s, i) => {
    const raw = byName.get(s)?.rawWeight ?? 1;
    w[i] = Math.min(raw, model.maxWeight);
    sum += w[i]!;
  });
  const mean = strata.length === 0 ? 1 : sum / strata.length;
  for (let i = 0; i < w.length; i++) w[i] = w[i]! / mean;
  return w;
}

/** Kish's effective sample size of weights: how many unweighted reports they are worth. */
export function effectiveSampleSize(w: ArrayLike<number>): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < w.length; i++) {
    s += w[i]!;
    s2 += w[i]! * w[i]!;
  }
  return s2 === 0 ? 0 : (s * s) / s2;
}

export interface InspectionPolicy {
  /** Share of reports inspected per risk lane (RED: examined; YELLOW: document check; GREEN: released). */
  RED: number;
  YELLOW: number;
  GREEN: number;
  /** Share of random QC selections that get a finding recorded. */
  randomSelection: number;
}

/** A plausible officer workload: every RED, most YELLOW, random QC selections, no other GREEN. */
export const DEFAULT_INSPECTION: Readonly<InspectionPolicy> = Object.freeze({
  RED: 0.95,
  YELLOW: 0.6,
  GREEN: 0,
  randomSelection: 0.9,
});

/** Deterministic draw in [0, 1) per messageId and purpose (replays of a simulation agree). */
export function draw(messageId: string, purpose: string): number {
  const hex = createHash('sha256').update(`${purpose}:${messageId}`).digest('hex').slice(0, 8);
  return Number.parseInt(hex, 16) / 0x1_0000_0000;
}

/**
 * Simulates which reports officers would have inspected (and so labelled), given each report's risk lane
 * and whether it was a random QC selection: for training on generated data as if it came from the field.
 */
export function simulateInspection(
  decisions: readonly { messageId: string; riskLane: Lane; randomSelection: boolean }[],
  policy: InspectionPolicy = DEFAULT_INSPECTION,
): boolean[] {
  return decisions.map((d) => {
    const u = draw(d.messageId, 'inspection');
    if (d.randomSelection && d.riskLane === 'GREEN') return u < policy.randomSelection;
    return u < policy[d.riskLane];
  });
}
