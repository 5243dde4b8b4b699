// The lane policy: how riskScores become lanes. Reads models/lanes.yaml (expected share of reports per
// lane, guard rails, the random-selection rate, the calibrated thresholds of the learned combination and
// the fixed thresholds of rules-only scoring). Writes that file when a data scientist runs
// `precursor-risk calibrate --write`. Guarantees: a single strong indicator stays RED and a medium one at
// least YELLOW whatever the rates say (a floor on the learned score; rules-only thresholds at or below the
// indicator weights); the file is part of rulesVersion, so a replay with the same versions gives the same lanes.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument, parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Lane } from '../../schemas/decision.ts';
import { PrecursorRiskError } from '../common/errors.ts';

export const DEFAULT_LANE_POLICY_PATH = fileURLToPath(new URL('../../models/lanes.yaml', import.meta.url));

const share = z.number().min(0).max(1);
const range = z
  .tuple([share, share])
  .refine(([lo, hi]) => lo <= hi, { message: 'expected [low, high] with low <= high' });

export const lanePolicySchema = z
  .strictObject({
    version: z.literal(1),
    /** Share of all reports each lane is staffed for (RED: examinations; YELLOW: document checks). */
    expectedRates: z.strictObject({ RED: share, YELLOW: share }),
    /** Minimum share sent to at least YELLOW at random (ASYCUDA-style quality control). */
    randomSelectionRate: share,
    /** Where a threshold may go, whatever the rates ask for. */
    bounds: z.strictObject({ yellow: range, red: range }),
    /** Thresholds on the learned combination's probability; written by `precursor-risk calibrate`. */
    thresholds: z.strictObject({ yellow: share, red: share }),
    /** A hit of at least `strongIndicator` keeps a report RED, of at least `mediumIndicator` YELLOW. */
    guardRails: z
      .strictObject({ strongIndicator: share, mediumIndicator: share })
      .default({ strongIndicator: 0.8, mediumIndicator: 0.45 }),
    /** Thresholds on the rules' noisy-OR while no model with a learned combination is loaded. */
    rulesOnly: z
      .strictObject({ thresholds: z.strictObject({ yellow: share, red: share }) })
      .default({ thresholds: { yellow: 0.4, red: 0.75 } }),
    /** How the thresholds were obtained; informative. */
    calibration: z
      .strictObject({
        at: z.string(),
        source: z.string(),
        reports: z.number().int().min(0),
        modelVersion: z.string(),
        rulesVersion: z.string(),
        predictedRates: z.strictObject({ GREEN: share, YELLOW: share, RED: share }),
      })
      .nullable()
      .default(null),
  })
  .superRefine((p, ctx) => {
    const { yellow, red } = p.thresholds;
    if (!(yellow > 0 && yellow <= red && red <= 1))
      ctx.addIssue({ code: 'custom', path: ['thresholds'], message: 'need 0 < yellow <= red <= 1' });
    for (const lane of ['yellow', 'red'] as const) {
      const [lo, hi] = p.bounds[lane];
      if (p.thresholds[lane] < lo || p.thresholds[lane] > hi)
        ctx.addIssue({
          code: 'custom',
          path: ['thresholds', lane],
          message: `${p.thresholds[lane]} is outside bounds.${lane} [${lo}, ${hi}]`,
        });
    }
    const ro = p.rulesOnly.thresholds;
    if (!(ro.yellow > 0 && ro.yellow <= ro.red && ro.red <= 1))
      ctx.addIssue({
        code: 'custom',
        path: ['rulesOnly', 'thresholds'],
        message: 'need 0 < yellow <= red <= 1',
      });
    if (ro.red > p.guardRails.strongIndicator || ro.yellow > p.guardRails.mediumIndicator)
      ctx.addIssue({
        code: 'custom',
        path: ['rulesOnly', 'thresholds'],
        message:
          'rules-only thresholds above the guard rails would let a single strong or medium indicator through',
      });
    if (p.expectedRates.RED + p.expectedRates.YELLOW > 1)
      ctx.addIssue({ code: 'custom', path: ['expectedRates'], message: 'RED + YELLOW exceeds 1' });
  });

export type LanePolicy = z.infer<typeof lanePolicySchema>;
export type LaneShares = Record<Lane, number>;

const invalid = (message: string) => new PrecursorRiskError('RULES_INVALID', message);

export function parseLanePolicy(text: string, file: string): LanePolicy {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (cause) {
    throw invalid(`${file}: not valid YAML: ${(cause as Error).message}`);
  }
  const result = lanePolicySchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw invalid(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return Object.freeze(result.data);
}

export function loadLanePolicy(path = DEFAULT_LANE_POLICY_PATH): LanePolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new PrecursorRiskError('RULES_INVALID', `${path}: cannot read the lane policy`, { cause });
  }
  return parseLanePolicy(text, path);
}

/** Lane floor of a report from the guard rails: 0 none, 1 at least YELLOW, 2 RED. */
export type Floor = 0 | 1 | 2;

/**
 * Share of reports per lane that `thresholds` give on `scores` (random selection lifts GREEN to YELLOW);
 * `floors`, when given, are the guard rails' lanes, which hold whatever the thresholds.
 */
export function laneShares(
  scores: ArrayLike<number>,
  thresholds: { yellow: number; red: number },
  randomSelectionRate: number,
  floors?: ArrayLike<number>,
): LaneShares {
  const n = scores.length;
  if (n === 0) return { GREEN: 0, YELLOW: 0, RED: 0 };
  let red = 0;
  let yellow = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    const f = floors?.[i] ?? 0;
    if (f === 2 || s >= thresholds.red) red++;
    else if (f === 1 || s >= thresholds.yellow) yellow++;
  }
  const green = n - red - yellow;
  const lifted = green * randomSelectionRate;
  return { RED: red / n, YELLOW: (yellow + lifted) / n, GREEN: (green - lifted) / n };
}

/**
 * The lowest threshold t, among the scores seen, with share(score >= t) <= target (Infinity when even
 * the top score is too common). Scores are discrete (rule weights), so the share reached can fall below
 * the target, never above it.
 */
export function thresholdForShare(sortedDesc: Float64Array, target: number): number {
  const n = sortedDesc.length;
  let t = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; ) {
    const v = sortedDesc[i]!;
    let j = i;
    while (j < n && sortedDesc[j] === v) j++;
    if (j / n > target) break;
    t = v;
    i = j;
  }
  return t;
}

export interface Calibration {
  thresholds: { yellow: number; red: number };
  predicted: LaneShares;
  /** Which guard rail, if any, decided a threshold instead of the rate: 'high' = the rate wanted it higher. */
  bound: { yellow: Rail; red: Rail };
}

export type Rail = 'high' | 'low' | null;

const clamp = (x: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, x));
const rail = (raw: number, [lo, hi]: readonly [number, number]): Rail =>
  raw > hi ? 'high' : raw < lo ? 'low' : null;

/** Thresholds that send about `rates` of these riskScores to RED and YELLOW, inside the policy's bounds. */
export function calibrate(
  scores: ArrayLike<number>,
  policy: Pick<LanePolicy, 'expectedRates' | 'bounds' | 'randomSelectionRate'>,
  floors?: ArrayLike<number>,
): Calibration {
  if (scores.length === 0) throw new RangeError('no scores to calibrate on');
  // A report the guard rails keep in a lane counts there at any threshold: it sorts above every score.
  const lifted = (min: number) =>
    Float64Array.from(scores, (s, i) => ((floors?.[i] ?? 0) >= min ? Number.POSITIVE_INFINITY : s))
      .sort()
      .reverse();
  const { RED, YELLOW } = policy.expectedRates;
  const rawRed = thresholdForShare(lifted(2), RED);
  // Random selection already sends a share of GREEN to YELLOW; the score threshold covers the rest.
  const flaggedByScore = Math.max(0, 1 - (1 - RED - YELLOW) / (1 - policy.randomSelectionRate));
  const rawYellow = thresholdForShare(lifted(1), flaggedByScore);
  const red = clamp(rawRed, policy.bounds.red);
  const yellow = Math.min(red, clamp(rawYellow, policy.bounds.yellow));
  const thresholds = { yellow, red };
  return {
    thresholds,
    predicted: laneShares(scores, thresholds, policy.randomSelectionRate, floors),
    bound: { red: rail(rawRed, policy.bounds.red), yellow: rail(rawYellow, policy.bounds.yellow) },
  };
}

/** Writes new rates, thresholds and calibration into the policy file, keeping its comments. */
export function writeLanePolicy(
  path: string,
  patch: Pick<LanePolicy, 'thresholds' | 'calibration' | 'expectedRates' | 'randomSelectionRate'>,
): LanePolicy {
  const doc = parseDocument(readFileSync(path, 'utf8'));
  doc.setIn(['expectedRates', 'RED'], patch.expectedRates.RED);
  doc.setIn(['expectedRates', 'YELLOW'], patch.expectedRates.YELLOW);
  doc.setIn(['randomSelectionRate'], patch.randomSelectionRate);
  doc.setIn(['thresholds', 'yellow'], patch.thresholds.yellow);
  doc.setIn(['thresholds', 'red'], patch.thresholds.red);
  doc.set('calibration', doc.createNode(patch.calibration));
  const text = doc.toString();
  const checked = parseLanePolicy(text, path);
  writeFileSync(path, text);
  return checked;
}
