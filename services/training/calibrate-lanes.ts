// `precursor-risk calibrate`: lane thresholds from the expected share per lane. Reads reports (recent
// traffic from ClickHouse, a file, or the generator), scores them with the live judgement (champion,
// rules, watchlist) and the lane policy file. Writes nothing unless asked: then the policy file's rates,
// thresholds and calibration record (running services reload it; rulesVersion changes with it).
// Guarantees: thresholds stay inside the policy's guard rails, and the report says when a rail, not the
// rate, decided one.
import type { Report } from '../../schemas/report.ts';
import { guardRailFloor } from '../scoring/decide.ts';
import {
  type Calibration,
  calibrate,
  type LanePolicy,
  type LaneShares,
  laneShares,
  writeLanePolicy,
} from '../scoring/lane-policy.ts';
import type { Scorer } from '../scoring/scorer.ts';

export interface CalibrationRun {
  source: string;
  reports: number;
  modelVersion: string;
  rulesVersion: string;
  expected: { RED: number; YELLOW: number; randomSelectionRate: number };
  bounds: LanePolicy['bounds'];
  current: { thresholds: LanePolicy['thresholds']; shares: LaneShares };
  calibrated: Calibration;
}

const BATCH = 512;

/**
 * riskScores of the reports under the scorer's current judgement (lanes and random selection aside), and
 * the lane each report's guard rails hold it in whatever the thresholds (0 none, 1 YELLOW, 2 RED).
 */
export function riskScores(
  scorer: Scorer,
  reports: readonly Report[],
  rails: { strong: number; medium: number },
): { scores: Float64Array; floors: Uint8Array } {
  const scores = new Float64Array(reports.length);
  const floors = new Uint8Array(reports.length);
  const at = new Date();
  for (let i = 0; i < reports.length; i += BATCH) {
    const decisions = scorer.scoreBatch(reports.slice(i, i + BATCH), at);
    for (let j = 0; j < decisions.length; j++) {
      scores[i + j] = decisions[j]!.riskScore;
      floors[i + j] = guardRailFloor(decisions[j]!.ruleHits, rails);
    }
  }
  return { scores, floors };
}

export function runCalibration(opts: {
  scorer: Scorer;
  reports: readonly Report[];
  source: string;
  policy: LanePolicy;
  rates?: Partial<{ RED: number; YELLOW: number; randomSelectionRate: number }>;
}): CalibrationRun {
  const { policy } = opts;
  const expected = {
    RED: opts.rates?.RED ?? policy.expectedRates.RED,
    YELLOW: opts.rates?.YELLOW ?? policy.expectedRates.YELLOW,
    randomSelectionRate: opts.rates?.randomSelectionRate ?? policy.randomSelectionRate,
  };
  if (expected.RED + expected.YELLOW > 1)
    throw new RangeError('the RED and YELLOW rates add up to more than 1');
  const rails = { strong: policy.guardRails.strongIndicator, medium: policy.guardRails.mediumIndicator };
  const { scores, floors } = riskScores(opts.scorer, opts.reports, rails);
  return {
    source: opts.source,
    reports: opts.reports.length,
    modelVersion: opts.scorer.modelVersion,
    rulesVersion: opts.scorer.rulesVersion,
    expected,
    bounds: policy.bounds,
    current: {
      thresholds: policy.thresholds,
      shares: laneShares(scores, policy.thresholds, policy.randomSelectionRate, floors),
    },
    calibrated: calibrate(
      scores,
      {
        expectedRates: { RED: expected.RED, YELLOW: expected.YELLOW },
        randomSelectionRate: expected.randomSelectionRate,
        bounds: policy.bounds,
      },
      floors,
    ),
  };
}

/** Writes the run's rates and thresholds into the policy file; returns the policy as now on disk. */
export function applyCalibration(path: string, run: CalibrationRun, at = new Date()): LanePolicy {
  return writeLanePolicy(path, {
    expectedRates: { RED: run.expected.RED, YELLOW: run.expected.YELLOW },
    randomSelectionRate: run.expected.randomSelectionRate,
    thresholds: run.calibrated.thresholds,
    calibration: {
      at: at.toISOString(),
      source: run.source,
      reports: run.reports,
      modelVersion: run.modelVersion,
      rulesVersion: run.rulesVersion,
      predictedRates: roundShares(run.calibrated.predicted),
    },
  });
}

const roundShares = (s: LaneShares): LaneShares => ({
  GREEN: Math.round(s.GREEN * 1e5) / 1e5,
  YELLOW: Math.round(s.YELLOW * 1e5) / 1e5,
  RED: Math.round(s.RED * 1e5) / 1e5,
});

const policyBounds = (run: CalibrationRun) => ({
  red: `${run.bounds.red[0]}–${run.bounds.red[1]}`,
  yellow: `${run.bounds.yellow[0]}–${run.bounds.yellow[1]}`,
});

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

export function formatCalibration(run: CalibrationRun): string {
  const { expected, current, calibrated } = run;
  const t = calibrated.thresholds;
  const lines = [
    `# Lane calibration`,
    '',
    `${run.reports.toLocaleString('en')} reports (${run.source}), model ${run.modelVersion}, rules ${run.rulesVersion}.`,
    '',
    '| | YELLOW from | RED from | RED | YELLOW | GREEN |',
    '|---|---:|---:|---:|---:|---:|',
    `| expected | | | ${pct(expected.RED)} | ${pct(expected.YELLOW)} | ${pct(1 - expected.RED - expected.YELLOW)} |`,
    `| current thresholds | ${current.thresholds.yellow} | ${current.thresholds.red} | ${pct(current.shares.RED)} | ${pct(current.shares.YELLOW)} | ${pct(current.shares.GREEN)} |`,
    `| calibrated | ${t.yellow} | ${t.red} | ${pct(calibrated.predicted.RED)} | ${pct(calibrated.predicted.YELLOW)} | ${pct(calibrated.predicted.GREEN)} |`,
    '',
    `YELLOW includes random selection at ${pct(expected.randomSelectionRate)} of GREEN.`,
  ];
  for (const lane of ['red', 'yellow'] as const) {
    const side = calibrated.bound[lane];
    if (side !== null)
      lines.push(
        `The ${lane.toUpperCase()} threshold stops at its bound (${policyBounds(run)[lane]}): meeting the expected rate would need it ${side === 'high' ? 'higher' : 'lower'}; widen bounds.${lane} in the policy file only with a reason.`,
      );
  }
  lines.push(
    '',
    'Guard rails (a strong indicator RED, a medium one at least YELLOW) count in these shares at any threshold.',
  );
  return `${lines.join('\n')}\n`;
}
