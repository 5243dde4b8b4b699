// Fits the learned combination (combination.ts) by penalised maximum likelihood with TF.js (full batch,
// Adam). Reads, per report, its rule hits, the network's probability and the label; writes a Combination.
// Guarantees: deterministic (zero start, full batch); the intercept, network and evidence terms are not
// penalised, the per-rule corrections are (L2), so a rule seen on few labelled reports stays near the
// shared evidence term; unweighted, so the probability is calibrated to the data's base rate.
import * as tf from '@tensorflow/tfjs';
import type { RuleHit } from '../../../schemas/decision.ts';
import { type Combination, logit, ruleEvidence } from './combination.ts';

export interface CombinationData {
  hits: readonly (readonly Pick<RuleHit, 'ruleId' | 'weight'>[])[];
  networkScores: ArrayLike<number>;
  labels: ArrayLike<boolean | number>;
  rulesVersion: string;
  /** Penalty on the per-rule corrections (mean log-loss + l2 · Σβ²). Default 1e-3. */
  l2?: number;
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
  const x = new Float32Array(n * width);
  const y = new Float32Array(n);
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
  const penalty = Float32Array.from({ length: width }, (_, k) => (k < 3 ? 0 : 1));
  const w = tf.variable(tf.zeros([width, 1]));
  const xt = tf.tensor2d(x, [n, width]);
  const yt = tf.tensor2d(y, [n, 1]);
  const pt = tf.tensor2d(penalty, [width, 1]);
  const optimizer = tf.train.adam(0.05);
  try {
    for (let step = 0; step < (data.steps ?? 600); step++) {
      tf.tidy(() => {
        optimizer.minimize(() => {
          const loss = tf.losses.sigmoidCrossEntropy(yt, xt.matMul(w));
          return loss.add(w.square().mul(pt).sum().mul(l2)) as tf.Scalar;
        });
      });
    }
    const coef = w.dataSync();
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
  } finally {
    optimizer.dispose();
    tf.dispose([w, xt, yt, pt]);
  }
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;
