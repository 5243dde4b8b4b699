// Input encoding of the network: the raw features, then a piecewise-linear encoding of each continuous
// feature on quantile bin edges of the training rows (Gorishniy et al., "On Embeddings for Numerical
// Features in Tabular Deep Learning", 2022). Reads raw feature rows; writes encoded rows. Guarantees: a pure
// function of the row and the stored edges, so training and serving encode alike; every encoded column
// names the raw feature it came from, so contributions add back up per feature.
// Why: gradient-boosted trees cut weight and value at sharp thresholds that a ReLU network on the raw scalar
// learns slowly (docs/adr/0008-network-against-gradient-boosting.md).

export interface InputEncoding {
  method: 'piecewise-linear';
  /** One entry per continuous raw feature: its index and increasing bin edges (at least two). */
  continuous: { feature: number; edges: number[] }[];
}

/** Edges from the training rows: features with more than two distinct values get up to `bins` quantile bins. */
export function fitEncoding(x: Float32Array, d: number, rows: readonly number[], bins = 16): InputEncoding {
  const continuous: InputEncoding['continuous'] = [];
  const values = new Float32Array(rows.length);
  for (let j = 0; j < d; j++) {
    rows.forEach((i, k) => {
      values[k] = x[i * d + j]!;
    });
    const sorted = values.slice().sort();
    let distinct = 1;
    for (let k = 1; k < sorted.length && distinct <= 2; k++) if (sorted[k] !== sorted[k - 1]) distinct++;
    if (distinct <= 2) continue;
    const edges = [sorted[0]!];
    for (let b = 1; b <= bins; b++) {
      const q = sorted[Math.min(sorted.length - 1, Math.floor((b / bins) * (sorted.length - 1)))]!;
      if (q > edges[edges.length - 1]!) edges.push(q);
    }
    if (edges.length >= 2) continuous.push({ feature: j, edges });
  }
  return { method: 'piecewise-linear', continuous };
}

/** Width of an encoded row. */
export function encodedWidth(encoding: InputEncoding | null, d: number): number {
  if (encoding === null) return d;
  return encoding.continuous.reduce((s, c) => s + c.edges.length - 1, d);
}

/** For each encoded column, the raw feature it encodes. */
export function encodedSources(encoding: InputEncoding | null, d: number): Int32Array {
  const out = new Int32Array(encodedWidth(encoding, d));
  for (let j = 0; j < d; j++) out[j] = j;
  let o = d;
  for (const c of encoding?.continuous ?? []) for (let b = 1; b < c.edges.length; b++) out[o++] = c.feature;
  return out;
}

/** Row-major n x encodedWidth rows; `x` (n x d) is not modified. Without an encoding, `x` itself. */
export function encode(encoding: InputEncoding | null, x: Float32Array, n: number, d: number): Float32Array {
  if (encoding === null) return x;
  const w = encodedWidth(encoding, d);
  const out = new Float32Array(n * w);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    out.set(x.subarray(row, row + d), i * w);
    let o = i * w + d;
    for (const { feature, edges } of encoding.continuous) {
      const v = x[row + feature]!;
      for (let b = 1; b < edges.length; b++) {
        const lo = edges[b - 1]!;
        const hi = edges[b]!;
        out[o++] = v <= lo ? 0 : v >= hi ? 1 : (v - lo) / (hi - lo);
      }
    }
  }
  return out;
}
