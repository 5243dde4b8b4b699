// Ranking metrics for a binary classifier. Reads scores and labels; writes numbers.
// Guarantees: ties are handled exactly (tied scores form one threshold), so results do not depend
// on input order; both return NaN when one class is absent.

/** Area under the ROC curve (probability a random positive outranks a random negative; ties count half). */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): number {
  const order = sortedByScoreDesc(scores);
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]) pos++;
  neg = labels.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  // Walk groups of tied scores from the top; each negative is outranked by the positives above it.
  let area = 0;
  let posAbove = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    let p = 0;
    let n = 0;
    while (j < order.length && scores[order[j]!] === scores[order[i]!]) {
      if (labels[order[j]!]) p++;
      else n++;
      j++;
    }
    area += n * (posAbove + p / 2);
    posAbove += p;
    i = j;
  }
  return area / (pos * neg);
}

/** Average precision (the step-wise area under the precision-recall curve, as scikit-learn computes it). */
export function prAuc(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): number {
  const order = sortedByScoreDesc(scores);
  let pos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]) pos++;
  if (pos === 0 || pos === labels.length) return Number.NaN;
  let tp = 0;
  let seen = 0;
  let ap = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    let p = 0;
    while (j < order.length && scores[order[j]!] === scores[order[i]!]) {
      if (labels[order[j]!]) p++;
      j++;
    }
    tp += p;
    seen = j;
    if (p > 0) ap += (p / pos) * (tp / seen);
    i = j;
  }
  return ap;
}

/** Mean squared error of probabilities against 0/1 outcomes. */
export function brierScore(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): number {
  let s = 0;
  for (let i = 0; i < scores.length; i++) {
    const d = scores[i]! - (labels[i] ? 1 : 0);
    s += d * d;
  }
  return scores.length === 0 ? Number.NaN : s / scores.length;
}

function sortedByScoreDesc(scores: ArrayLike<number>): Int32Array {
  const order = new Int32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => scores[b]! - scores[a]!);
  return order;
}
