import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../../schemas/report.ts';
import { generateReports } from '../../generator/index.ts';
import { createScorer, guardRailFloor, laneOf, resolvePolicy, riskScoreOf } from '../decide.ts';
import { DEFAULT_PERMITS_DIR, loadPermitRegister } from '../permit-register.ts';
import { NullModel, type RiskModel } from '../risk-model.ts';
import { loadRulesSnapshot } from '../rules-store.ts';
import { type Combination, combinedProbability, ruleEvidence } from './combination.ts';
import { encode, encodedSources, encodedWidth, fitEncoding } from './encoding.ts';
import { fitCombination } from './fit-combination.ts';

const combination = (patch: Partial<Combination> = {}): Combination => ({
  method: 'logistic',
  intercept: -4,
  network: 1,
  evidence: 1,
  rules: {},
  fittedOn: { rulesVersion: 'test', reports: 0, positives: 0 },
  ...patch,
});

describe('learned combination', () => {
  it('counts each rule once with its largest weight, and a rule it never saw through the shared evidence', () => {
    const hits = [
      { ruleId: 'a', weight: 0.2 },
      { ruleId: 'a', weight: 0.5 },
      { ruleId: 'random-selection', weight: 0 },
    ];
    expect([...ruleEvidence(hits)]).toEqual([['a', -Math.log(0.5)]]);
    const c = combination({ rules: { a: 2 } });
    const withA = combinedProbability(c, hits, 0.5);
    // evidence (1) + correction (2) on a's evidence ln 2; network logit 0.
    expect(withA).toBeCloseTo(1 / (1 + Math.exp(4 - 3 * Math.log(2))), 10);
    const unknown = combinedProbability(c, [{ ruleId: 'new-rule', weight: 0.5 }], 0.5);
    expect(unknown).toBeCloseTo(1 / (1 + Math.exp(4 - Math.log(2))), 10);
    expect(combinedProbability(c, [], 0.5)).toBeLessThan(unknown);
  });

  it('recovers the coefficients that generated the labels', () => {
    // Labels drawn from a known logistic model over one rule's evidence and the network logit.
    let seed = 7;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const hits: { ruleId: string; weight: number }[][] = [];
    const scores: number[] = [];
    const labels: boolean[] = [];
    for (let i = 0; i < 6000; i++) {
      const h = rand() < 0.3 ? [{ ruleId: 'strong', weight: 0.8 }] : [];
      const net = 1 / (1 + Math.exp(-(rand() * 8 - 6)));
      const l = -3 + 1.5 * Math.log(net / (1 - net)) + (h.length ? 2 * -Math.log(0.2) : 0);
      hits.push(h);
      scores.push(net);
      labels.push(rand() < 1 / (1 + Math.exp(-l)));
    }
    const c = fitCombination({ hits, networkScores: scores, labels, rulesVersion: 'x', l2: 0, steps: 1500 });
    expect(c.network).toBeCloseTo(1.5, 0);
    expect(c.intercept).toBeCloseTo(-3, 0);
    expect(c.evidence + (c.rules.strong ?? 0)).toBeCloseTo(2, 0);
  });

  it('guard rails raise the lane, not the score: a strong indicator is RED, a medium one YELLOW', () => {
    const policy = resolvePolicy({ thresholds: { yellow: 0.01, red: 0.5 } });
    const c = combination({ intercept: -20 });
    const strong = [{ ruleId: 'x', weight: 0.85, explanation: '', goodsLine: 1 }];
    const medium = [{ ruleId: 'y', weight: 0.45, explanation: '', goodsLine: null }];
    for (const [hits, lane] of [
      [strong, 'RED'],
      [medium, 'YELLOW'],
      [[], 'GREEN'],
    ] as const) {
      const { riskScore, thresholds } = riskScoreOf(hits, 0.001, c, policy);
      expect(riskScore).toBeLessThan(0.01);
      expect(laneOf(riskScore, thresholds, guardRailFloor(hits, policy.guardRails))).toBe(lane);
    }
    // Without a combination: the noisy-OR on the rules-only thresholds.
    expect(riskScoreOf(strong, 0, null, policy)).toEqual({
      riskScore: 0.85,
      thresholds: policy.rulesOnlyThresholds,
    });
  });

  it('in the scorer: every rule hit stays a reason, and the guard rails hold whatever the model says', () => {
    const rules = loadRulesSnapshot();
    const permits = loadPermitRegister(DEFAULT_PERMITS_DIR);
    const reports = generateReports({ count: 1500, seed: 31 }).reports.map((r) => reportSchema.parse(r));
    const quiet: RiskModel = {
      version: 'quiet',
      combination: combination({ intercept: -30, evidence: 0 }),
      predictBatch: (rs) => rs.map(() => ({ score: 0.5, contributions: [] })),
    };
    const policy = { randomSelectionRate: 0 };
    const at = new Date(0);
    const rulesOnly = createScorer({ rules, permits, policy }).scoreBatch(reports, at);
    const learned = createScorer({ rules, permits, model: quiet, policy }).scoreBatch(reports, at);
    let strong = 0;
    learned.forEach((d, i) => {
      expect(d.ruleHits).toEqual(rulesOnly[i]!.ruleHits);
      expect(d.riskScore).toBeLessThan(1e-6);
      const max = Math.max(0, ...d.ruleHits.map((h) => h.weight));
      const expected = max >= 0.8 ? 'RED' : max >= 0.45 ? 'YELLOW' : 'GREEN';
      expect(d.lane).toBe(expected);
      if (expected === 'RED') strong++;
    });
    expect(strong).toBeGreaterThan(0);
    expect(
      createScorer({ rules, model: NullModel }).scoreBatch(reports.slice(0, 1), at)[0]!.modelVersion,
    ).toBe('none');
  });
});

describe('piecewise-linear input encoding', () => {
  it("encodes continuous features on training quantiles and names each column's source feature", () => {
    // Feature 0 binary, feature 1 continuous in [0, 1].
    const n = 101;
    const x = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      x[i * 2] = i % 2;
      x[i * 2 + 1] = i / 100;
    }
    const enc = fitEncoding(x, 2, [...Array(n).keys()], 4);
    expect(enc.continuous.map((c) => c.feature)).toEqual([1]);
    expect(enc.continuous[0]!.edges).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(encodedWidth(enc, 2)).toBe(6);
    expect([...encodedSources(enc, 2)]).toEqual([0, 1, 1, 1, 1, 1]);
    const row = encode(enc, Float32Array.from([1, 0.6]), 1, 2);
    expect([...row].map((v) => Math.round(v * 1000) / 1000)).toEqual([1, 0.6, 1, 1, 0.4, 0]);
    expect(encode(null, x, n, 2)).toBe(x);
  });
});
