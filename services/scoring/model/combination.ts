// The learned combination of rule hits and the network's score (issue #15 item 6): a logistic regression
// trained by `train` next to the network and stored in its manifest. Reads a decision's rule hits and the
// network's probability; writes a calibrated probability that the consignment is a precursor risk.
// Guarantees: pure; a rule unknown to the combination (added after training) still counts through the
// shared evidence term; the hits themselves are untouched (every hit stays a reason on the decision).
//
//   evidence of rule r   e_r = -ln(1 - w_r)            w_r = largest weight among r's hits, capped at 0.99
//   logit                L   = b + a·logit(p_network) + c·Σ_r e_r + Σ_r β_r·e_r
//
// Σ e_r is the noisy-OR's own log-evidence, so c alone reproduces a rescaled noisy-OR; β_r corrects rules
// whose weight over- or understates what they are worth on the training labels (shrunk towards 0 by L2).
import { z } from 'zod';
import type { RuleHit } from '../../../schemas/decision.ts';

export const combinationSchema = z.object({
  method: z.literal('logistic'),
  intercept: z.number(),
  /** Coefficient of the network's logit. */
  network: z.number(),
  /** Coefficient of the summed rule evidence. */
  evidence: z.number(),
  /** Per-rule correction of its evidence, by rule id. */
  rules: z.record(z.string(), z.number()),
  /** Rules version and data it was fitted on (informative). */
  fittedOn: z.looseObject({ rulesVersion: z.string(), reports: z.number(), positives: z.number() }),
});

export type Combination = z.infer<typeof combinationSchema>;

const MAX_WEIGHT = 0.99;
const EPS = 1e-6;

/** Largest weight per distinct rule id (random selection and weight-0 hits carry no evidence). */
export function ruleEvidence(hits: readonly Pick<RuleHit, 'ruleId' | 'weight'>[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const h of hits) {
    if (!(h.weight > 0)) continue;
    const e = -Math.log(1 - Math.min(h.weight, MAX_WEIGHT));
    if (e > (out.get(h.ruleId) ?? 0)) out.set(h.ruleId, e);
  }
  return out;
}

export const logit = (p: number) => {
  const q = Math.min(1 - EPS, Math.max(EPS, Number.isFinite(p) ? p : 0));
  return Math.log(q / (1 - q));
};

/** The combination's logit for one decision's hits and the network's probability. */
export function combinedLogit(
  c: Combination,
  hits: readonly Pick<RuleHit, 'ruleId' | 'weight'>[],
  networkScore: number,
): number {
  let l = c.intercept + c.network * logit(networkScore);
  for (const [rule, e] of ruleEvidence(hits)) l += (c.evidence + (c.rules[rule] ?? 0)) * e;
  return l;
}

export function combinedProbability(
  c: Combination,
  hits: readonly Pick<RuleHit, 'ruleId' | 'weight'>[],
  networkScore: number,
): number {
  return 1 / (1 + Math.exp(-combinedLogit(c, hits, networkScore)));
}
