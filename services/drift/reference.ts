// The drift reference of a model: per-feature and model-score bins with the share of the training data in
// each, stored as `reference.json` beside the model. Reads feature matrices (features.ts layout) and scores;
// writes/reads that file. Guarantees: bins are fixed at training time, so live PSI compares like with like;
// a reference whose feature schema differs from this build's is refused.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { reportSchema } from '../../schemas/report.ts';
import { PrecursorRiskError } from '../common/errors.ts';
import { generateReports } from '../generator/index.ts';
import { extractBatch, FEATURE_COUNT, FEATURE_NAMES, featureSchemaHash } from '../scoring/features.ts';
import type { TfRiskModel } from '../scoring/model.ts';

export const REFERENCE_FILE = 'reference.json';
/** Features with at most this many distinct training values get one bin per value. */
const MAX_CATEGORIES = 12;
const FEATURE_QUANTILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/** Finer in the upper tail, where the few risky reports sit. */
const SCORE_QUANTILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99];
export const TOP_FEATURES_DEFAULT = 12;

const binsSchema = z.object({
  /** Upper bounds: a value goes to the first bin i with value <= edges[i], else to the last bin. */
  edges: z.array(z.number()),
  /** Share of the reference data per bin; edges.length + 1 entries summing to 1. */
  expected: z.array(z.number()),
});

export const driftReferenceSchema = z.object({
  schema: z.literal(1),
  featureSchemaHash: z.string(),
  modelVersion: z.string(),
  createdAt: z.string(),
  source: z.object({
    kind: z.enum(['training', 'generator']),
    reports: z.number().int(),
    description: z.string(),
  }),
  features: z.array(binsSchema.extend({ name: z.string() })),
  score: binsSchema.nullable(),
  /** Features by importance (mean |contribution| on the reference data); their PSI is exported. */
  topFeatures: z.array(z.string()),
});

export type Bins = z.infer<typeof binsSchema>;
export type DriftReference = z.infer<typeof driftReferenceSchema>;

/** Index of the bin `x` falls in (binary search over the upper bounds). */
export function binIndex(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Bins for one column: one per distinct value when there are few, else quantile bins. */
export function binsFor(values: Float32Array | Float64Array, quantiles = FEATURE_QUANTILES): Bins {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const distinct: number[] = [];
  for (let i = 0; i < n && distinct.length <= MAX_CATEGORIES; i++)
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  let edges: number[];
  if (distinct.length <= MAX_CATEGORIES) {
    // One bin per value seen, and a last bin (expected share 0) for anything above them: a feature that
    // was constant in training still shows drift when it starts to vary.
    edges = distinct;
  } else {
    edges = [];
    for (const q of quantiles) {
      const v = sorted[Math.min(n - 1, Math.floor(q * n))]!;
      if (edges.length === 0 || v > edges[edges.length - 1]!) edges.push(v);
    }
    if (edges[edges.length - 1] === sorted[n - 1]) edges.pop();
  }
  const counts = new Float64Array(edges.length + 1);
  for (let i = 0; i < n; i++) counts[binIndex(edges, sorted[i]!)]! += 1;
  return { edges, expected: Array.from(counts, (c) => (n === 0 ? 0 : c / n)) };
}

const PSI_FLOOR = 1e-4;

/** Population stability index of observed bin counts against expected shares (shares floored at 1e-4). */
export function psi(expected: readonly number[], observedCounts: ArrayLike<number>, total: number): number {
  if (total <= 0) return 0;
  let s = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i]!, PSI_FLOOR);
    const a = Math.max((observedCounts[i] ?? 0) / total, PSI_FLOOR);
    s += (a - e) * Math.log(a / e);
  }
  return s;
}

function column(x: Float32Array, n: number, j: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = x[i * FEATURE_COUNT + j]!;
  return out;
}

export interface BuildReferenceOptions {
  /** Raw (unstandardised) features, row-major n x FEATURE_COUNT, as extractBatch returns. */
  features: Float32Array;
  n: number;
  model: TfRiskModel | null;
  source: DriftReference['source'];
  now?: Date;
  topFeatures?: number;
}

/** Builds the reference from training features (and the model's scores on them). */
export function buildReference(opts: BuildReferenceOptions): DriftReference {
  const { features, n, model } = opts;
  if (features.length !== n * FEATURE_COUNT) throw new RangeError('features must be n x FEATURE_COUNT');
  const bins = FEATURE_NAMES.map((name, j) => ({ name, ...binsFor(column(features, n, j)) }));
  let score: Bins | null = null;
  const importance = new Map<string, number>();
  if (model !== null && n > 0) {
    // Contributions of a sample rank the features.
    const scores = model.scoreFeatures(features, n);
    score = binsFor(scores, SCORE_QUANTILES);
    const sample = Math.min(n, 20_000);
    const step = n / sample;
    const rows = new Float32Array(sample * FEATURE_COUNT);
    for (let k = 0; k < sample; k++) {
      const i = Math.floor(k * step);
      rows.set(features.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT), k * FEATURE_COUNT);
    }
    for (const p of model.predictFeatures(rows, sample))
      for (const c of p.contributions)
        importance.set(c.feature, (importance.get(c.feature) ?? 0) + Math.abs(c.contribution));
  }
  // Without a model, the features whose values vary most stand in for importance.
  const ranked =
    importance.size > 0
      ? [...importance].sort((a, b) => b[1] - a[1]).map(([f]) => f)
      : bins
          .map((b) => ({ name: b.name, spread: 1 - Math.max(...b.expected) }))
          .sort((a, b) => b.spread - a.spread)
          .map((b) => b.name);
  return {
    schema: 1,
    featureSchemaHash: featureSchemaHash(),
    modelVersion: model?.version ?? 'none',
    createdAt: (opts.now ?? new Date()).toISOString(),
    source: opts.source,
    features: bins,
    score,
    topFeatures: ranked.slice(0, opts.topFeatures ?? TOP_FEATURES_DEFAULT),
  };
}

export async function saveReference(dir: string, reference: DriftReference): Promise<void> {
  await writeFile(path.join(dir, REFERENCE_FILE), `${JSON.stringify(reference)}\n`);
}

/** Reads `<dir>/reference.json`; null when absent. Refuses one made for another feature schema. */
export async function readReference(dir: string): Promise<DriftReference | null> {
  let text: string;
  try {
    text = await readFile(path.join(dir, REFERENCE_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const ref = driftReferenceSchema.parse(JSON.parse(text));
  if (ref.featureSchemaHash !== featureSchemaHash() || ref.features.length !== FEATURE_COUNT)
    throw new PrecursorRiskError(
      'MODEL_INVALID',
      `${path.join(dir, REFERENCE_FILE)} was built for feature schema ${ref.featureSchemaHash}, this build computes ${featureSchemaHash()}`,
    );
  return ref;
}

/** Reference from generated traffic (generator seed 1 by default): for models trained without one. */
export function generatorReference(model: TfRiskModel | null, seed = 1, count = 20_000): DriftReference {
  const reports = generateReports({ count, seed }).reports.map((r) => reportSchema.parse(r));
  return buildReference({
    features: extractBatch(reports),
    n: reports.length,
    model,
    source: {
      kind: 'generator',
      reports: count,
      description: `synthetic generator seed ${seed}, ${count} reports (no training reference was stored)`,
    },
  });
}

/** The model's reference.json, or one computed from the generator and written beside it (best effort). */
export async function ensureReference(
  dir: string,
  model: TfRiskModel | null,
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void },
): Promise<DriftReference> {
  const existing = await readReference(dir);
  if (existing !== null) return existing;
  const ref = generatorReference(model);
  try {
    await saveReference(dir, ref);
    log?.info({ dir, modelVersion: ref.modelVersion }, 'drift reference computed from generator seed 1');
  } catch (err) {
    log?.warn({ err, dir }, 'drift reference computed but could not be saved beside the model');
  }
  return ref;
}
