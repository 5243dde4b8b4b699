// Fits the learned combination (combination.ts) by penalised maximum likelihood: Newton's method on the
// convex objective (mean log-loss + l2 · Σβ²), in float64, with a backtracking line search. Reads, per
// report, its rule hits, the network's probability and the label; writes a Combination. Guarantees:
// deterministic (zero start); converged to the optimum (gradient below 1e-9, or the iteration cap), where
// the full-batch Adam used before stopped short of it (600 steps left the evidence coefficient at 1.29
// of its optimum 2.10 on 15k validation reports: docs/adr/0009-ensemble-and-converged-combination.md); the
// intercept, network and evidence terms are not penalised, the per-rule corrections are (L2), so a rule seen
// on few labelled reports stays near the shared evidence term; unweighted, so the probability is calibrated
// to the data's base rate.
import type { RuleHit } from '../../../schemas/decision.ts';
import { type Combination, logit, ruleEvidence } from './combination.ts';

export interface CombinationData {
  hits: readonly (readonly Pick<RuleHit, 'ruleId' | 'weight'>[])[];
  networkScores: ArrayLike<number>;
  labels: ArrayLike<boolean | number>;
  rulesVersion: string;
  /** Penalty on the per-rule corrections (mean log-loss + l2 · Σβ²). Default 1e-3. */
  l2?: number;
  /** Cap on Newton iterations. Default 100 (a fit usually converges in 10–20). */
  steps?: number;
}

export function fitCombination(data: CombinationData): Combination {
  const n = data.hits.length;
  if (data.networkScores.length !== n || data.labels.length !== n)
    throw new RangeError('one network score and one label per report');
  const evidence = data.hits.map((h) => ruleEvidence(h));
  const ruleIds = [...new Set(evidence.flatMap((e) => [...e.keys()]))].sort();
  const col = new Map(ruleIds.map((r, k) => [r, k + 3]));
  const width = ruleIds.length + 3; // 1, network logit, total evidence, per-rule evidence
  const x = new Float64Array(n * width);
  const y = new Float64Array(n);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const row = i * width;
    x[row] = 1;
    x[row + 1] = logit(data.networkScores[i]!);
    let total = 0;
    for (const [rule, e] of evidence[i]!) {
      x[row + col.get(rule)!] = e;
      total += e;
    }
    x[row + 2] = total;
    y[i] = data.labels[i] ? 1 : 0;
    positives += y[i]!;
  }
  if (positives === 0 || positives === n) throw new RangeError('the combination needs both classes');
  const l2 = data.l2 ?? 1e-3;
  const penalised = (k: number) => k >= 3;
  const coef = new Float64Array(width);
  const objective = (w: Float64Array) => {
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let k = 0; k < width; k++) z += x[i * width + k]! * w[k]!;
      // log(1 + e^z) - y z, stably
      loss += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y[i]! * z;
    }
    let pen = 0;
    for (let k = 3; k < width; k++) pen += w[k]! ** 2;
    return loss / n + l2 * pen;
  };
  let current = objective(coef);
  const maxIterations = data.steps ?? 100;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const grad = new Float64Array(width);
    const hess = new Float64Array(width * width);
    for (let i = 0; i < n; i++) {
      const row = i * width;
      let z = 0;
      for (let k = 0; k < width; k++) z += x[row + k]! * coef[k]!;
      const p = 1 / (1 + Math.exp(-z));
      const r = (p - y[i]!) / n;
      const v = (p * (1 - p)) / n;
      for (let a = 0; a < width; a++) {
        const xa = x[row + a]!;
        if (xa === 0) continue;
        grad[a] = grad[a]! + r * xa;
        for (let b = 0; b <= a; b++) hess[a * width + b] = hess[a * width + b]! + v * xa * x[row + b]!;
      }
    }
    let gradMax = 0;
    for (let a = 0; a < width; a++) {
      if (penalised(a)) {
        grad[a] = grad[a]! + 2 * l2 * coef[a]!;
        hess[a * width + a] = hess[a * width + a]! + 2 * l2;
      }
      // A tiny ridge keeps the system solvable when columns coincide (one rule: its evidence is the total).
      hess[a * width + a] = hess[a * width + a]! + 1e-10;
      for (let b = 0; b < a; b++) hess[b * width + a] = hess[a * width + b]!;
      gradMax = Math.max(gradMax, Math.abs(grad[a]!));
    }
    if (gradMax < 1e-9) break;
    const step = solve(hess, grad, width);
    // Backtracking: the full Newton step, halved until the objective decreases.
    let t = 1;
    let next = coef;
    let value = current;
    for (let tries = 0; tries < 40; tries++, t /= 2) {
      const trial = Float64Array.from(coef, (c, k) => c - t * step[k]!);
      const v = objective(trial);
      if (v <= current) {
        next = trial;
        value = v;
        break;
      }
    }
    if (next === coef) break;
    const moved = current - value;
    coef.set(next);
    current = value;
    if (moved < 1e-15) break;
  }
  const rules: Record<string, number> = {};
  for (const [rule, k] of col) rules[rule] = round(coef[k]!);
  return {
    method: 'logistic',
    intercept: round(coef[0]!),
    network: round(coef[1]!),
    evidence: round(coef[2]!),
    rules,
    fittedOn: { rulesVersion: data.rulesVersion, reports: n, positives },
  };
}

/** Solves H s = g for a symmetric positive definite H (Gaussian elimination with partial pivoting). */
function solve(h: Float64Array, g: Float64Array, m: number): Float64Array {
  const a = Float64Array.from(h);
  const b = Float64Array.from(g);
  for (let c = 0; c < m; c++) {
    let pivot = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(a[r * m + c]!) > Math.abs(a[pivot * m + c]!)) pivot = r;
    if (pivot !== c) {
      for (let k = 0; k < m; k++) {
        const tmp = a[c * m + k]!;
        a[c * m + k] = a[pivot * m + k]!;
        a[pivot * m + k] = tmp;
      }
      const tb = b[c]!;
      b[c] = b[pivot]!;
      b[pivot] = tb;
    }
    const d = a[c * m + c]!;
    if (d === 0) continue;
    for (let r = c + 1; r < m; r++) {
      const f = a[r * m + c]! / d;
      if (f === 0) continue;
      for (let k = c; k < m; k++) a[r * m + k] = a[r * m + k]! - f * a[c * m + k]!;
      b[r] = b[r]! - f * b[c]!;
    }
  }
  const s = new Float64Array(m);
  for (let r = m - 1; r >= 0; r--) {
    let v = b[r]!;
    for (let k = r + 1; k < m; k++) v -= a[r * m + k]! * s[k]!;
    const d = a[r * m + r]!;
    s[r] = d === 0 ? 0 : v / d;
  }
  return s;
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;
