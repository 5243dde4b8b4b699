// The trained TF.js risk model. Reads validated reports (via features.ts) or models/model-registry/<version>/;
// writes probabilities with top-5 feature contributions. Guarantees: predictBatch is synchronous, one result
// per report in order; a model loads only if its feature-schema hash and weights checksum match this build.
// The LayersModel is the artifact (training, saving, evaluation); scoring runs its weights refolded at load
// (model/forward.ts, docs/adr/0005-folded-forward-pass.md), checked against net.predictOnBatch in model.test.ts.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { Report } from '../../schemas/report.ts';
import { PrecursorRiskError } from '../common/errors.ts';
import { extractBatch, FEATURE_COUNT, FEATURE_NAMES, featureSchemaHash } from './features.ts';
import { type BackendLogger, type BackendName, initBackend } from './model/backend.ts';
import { type Combination, combinationSchema } from './model/combination.ts';
import { encodedWidth } from './model/encoding.ts';
import { type Explanation, FoldedForward, referenceExplain } from './model/forward.ts';
import type { ModelPrediction, RiskModel } from './risk-model.ts';

export const DEFAULT_REGISTRY_DIR = fileURLToPath(new URL('../../models/model-registry/', import.meta.url));
export const TOP_CONTRIBUTIONS = 5;
/** Rows per forward-pass call: bounds tensor memory on very large batches. */
const MAX_ROWS_PER_CALL = 8192;

const metricsSchema = z.object({
  heldOut: z.object({ generatorSeed: z.number(), count: z.number(), positives: z.number() }),
  prAuc: z.number(),
  rocAuc: z.number(),
  brier: z.number(),
  meanScore: z.number(),
  positiveRate: z.number(),
});

export const modelManifestSchema = z.object({
  version: z.string().min(1),
  createdAt: z.string(),
  featureSchemaHash: z.string().length(16),
  featureNames: z.array(z.string()),
  architecture: z.object({ layers: z.array(z.number().int()), activations: z.array(z.string()) }),
  /** Piecewise-linear encoding of continuous features before the network (model/encoding.ts); null: none. */
  encoding: z
    .object({
      method: z.literal('piecewise-linear'),
      continuous: z.array(z.object({ feature: z.number().int().min(0), edges: z.array(z.number()).min(2) })),
    })
    .nullable()
    .default(null),
  normalisation: z.object({ means: z.array(z.number()), stds: z.array(z.number()) }),
  /** The learned combination of rule hits and the network (model/combination.ts); null: noisy-OR. */
  combination: combinationSchema.nullable().default(null),
  calibration: z.object({ method: z.string(), logitShift: z.number() }),
  contributions: z.object({
    method: z.string(),
    units: z.string(),
    baseline: z.string(),
    topK: z.number().int(),
  }),
  training: z.looseObject({
    generator: z.object({ seed: z.number(), count: z.number(), startDate: z.string().optional() }).nullable(),
    reports: z.number(),
    positives: z.number(),
    seed: z.number(),
  }),
  metrics: metricsSchema.nullable(),
  backend: z.string(),
  files: z.object({
    modelJson: z.literal('model.json'),
    weights: z.literal('weights.bin'),
    weightsSha256: z.string(),
  }),
});

export type ModelManifest = z.infer<typeof modelManifestSchema>;
export type ModelMetrics = z.infer<typeof metricsSchema>;
/** Everything in the manifest that the weights do not determine. */
export type ManifestInput = Omit<
  ModelManifest,
  'version' | 'featureSchemaHash' | 'featureNames' | 'files' | 'encoding' | 'combination'
> &
  Partial<Pick<ModelManifest, 'encoding' | 'combination'>>;

export interface PredictOptions {
  /** Compute contributions (default true). Off, the call is a single forward pass. */
  explain?: boolean;
}

interface Artifacts {
  modelJson: string;
  weights: Uint8Array;
}

/** `m-YYYYMMDD-<first 8 hex of sha256(weights.bin)>`. */
export function modelVersion(createdAt: string, weights: Uint8Array): string {
  return `m-${createdAt.slice(0, 10).replace(/-/g, '')}-${sha256(weights).slice(0, 8)}`;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export class TfRiskModel implements RiskModel {
  readonly version: string;
  readonly manifest: ModelManifest;
  readonly combination: Combination | null;
  private readonly net: tf.LayersModel;
  private readonly artifacts: Artifacts;
  /** The weights as scoring uses them: standardisation folded in, tensors made once, here. */
  private readonly forward: FoldedForward;

  /** Use createRiskModel or loadModel. */
  constructor(net: tf.LayersModel, manifest: ModelManifest, artifacts: Artifacts) {
    this.net = net;
    this.manifest = manifest;
    this.version = manifest.version;
    this.combination = manifest.combination;
    this.artifacts = artifacts;
    this.forward = new FoldedForward(net, manifest.normalisation, manifest.encoding);
  }

  predictBatch(reports: readonly Report[], opts: PredictOptions = {}): ModelPrediction[] {
    return this.predictFeatures(extractBatch(reports), reports.length, opts);
  }

  /** Scores only: the forward pass without contributions. */
  scoreBatch(reports: readonly Report[]): Float32Array {
    return this.scoreFeatures(extractBatch(reports), reports.length);
  }

  /** Predictions from a row-major n x d matrix of raw features (as extractBatch returns); `features` is not modified. */
  predictFeatures(features: Float32Array, n: number, opts: PredictOptions = {}): ModelPrediction[] {
    if (opts.explain === false)
      return Array.from(this.scoreFeatures(features, n), (score) => ({ score, contributions: [] }));
    const { scores, contributions } = this.explainFeatures(features, n);
    const out: ModelPrediction[] = new Array(n);
    for (let i = 0; i < n; i++)
      out[i] = { score: scores[i]!, contributions: topContributions(contributions, i * FEATURE_COUNT) };
    return out;
  }

  /** Scores only (one forward pass); `features` is not modified. */
  scoreFeatures(features: Float32Array, n: number): Float32Array {
    checkShape(features, n);
    if (n <= MAX_ROWS_PER_CALL) return this.forward.scores(features, n);
    const scores = new Float32Array(n);
    for (let start = 0; start < n; start += MAX_ROWS_PER_CALL) {
      const rows = Math.min(MAX_ROWS_PER_CALL, n - start);
      scores.set(this.forward.scores(rowSlice(features, start, rows), rows), start);
    }
    return scores;
  }

  /** Scores and the full n x d contribution matrix (log-odds per feature), before the top-k cut. */
  explainFeatures(features: Float32Array, n: number): Explanation {
    checkShape(features, n);
    if (n <= MAX_ROWS_PER_CALL) return this.forward.explain(features, n);
    const scores = new Float32Array(n);
    const contributions = new Float32Array(n * FEATURE_COUNT);
    for (let start = 0; start < n; start += MAX_ROWS_PER_CALL) {
      const rows = Math.min(MAX_ROWS_PER_CALL, n - start);
      const part = this.forward.explain(rowSlice(features, start, rows), rows);
      scores.set(part.scores, start);
      contributions.set(part.contributions, start * FEATURE_COUNT);
    }
    return { scores, contributions };
  }

  /** explainFeatures computed through net.predictOnBatch and autodiff instead: slow, for tests and benchmarks. */
  referenceFeatures(features: Float32Array, n: number): Explanation {
    return referenceExplain(this.net, this.manifest.normalisation, features, n, this.manifest.encoding);
  }

  /** The same weights with a different manifest (e.g. held-out metrics added after evaluation). */
  withManifest(patch: Partial<ManifestInput>): TfRiskModel {
    return new TfRiskModel(this.net, { ...this.manifest, ...patch }, this.artifacts);
  }

  /** The serialised network: `model.json` text and `weights.bin` bytes. */
  get files(): Readonly<Artifacts> {
    return this.artifacts;
  }

  dispose(): void {
    this.forward.dispose();
    this.net.dispose();
  }
}

function checkShape(x: Float32Array, n: number): void {
  if (x.length !== n * FEATURE_COUNT)
    throw new RangeError(`expected ${n} x ${FEATURE_COUNT} features, got ${x.length} values`);
}

const rowSlice = (x: Float32Array, start: number, rows: number) =>
  x.subarray(start * FEATURE_COUNT, (start + rows) * FEATURE_COUNT);

// Scratch for topContributions (synchronous, so one pair serves every call).
const topIdx = new Int32Array(TOP_CONTRIBUTIONS);
const topMag = new Float64Array(TOP_CONTRIBUTIONS);

/**
 * The TOP_CONTRIBUTIONS largest nonzero |contribution| of one row, largest first, ties in feature order
 * (insertion into a short list; one comparison per feature once the list is full).
 */
function topContributions(values: Float32Array, offset: number): { feature: string; contribution: number }[] {
  const k = TOP_CONTRIBUTIONS;
  let count = 0;
  let floor = 0; // what a magnitude must beat: 0 until the list is full, then its smallest entry
  for (let j = 0; j < FEATURE_COUNT; j++) {
    const a = Math.abs(values[offset + j]!); // not `v < 0 ? -v : v`: a sign branch V8 mispredicts
    if (a <= floor) continue;
    let p = count < k ? count++ : k - 1;
    while (p > 0 && topMag[p - 1]! < a) {
      topMag[p] = topMag[p - 1]!;
      topIdx[p] = topIdx[p - 1]!;
      p--;
    }
    topMag[p] = a;
    topIdx[p] = j;
    if (count === k) floor = topMag[k - 1]!;
  }
  const out: { feature: string; contribution: number }[] = new Array(count);
  for (let p = 0; p < count; p++)
    out[p] = { feature: FEATURE_NAMES[topIdx[p]!]!, contribution: values[offset + topIdx[p]!]! };
  return out;
}

// ---------------------------------------------------------------- serialisation

/** Serialises through a custom save handler into the standard model.json + weights.bin layout. */
async function serialise(net: tf.LayersModel): Promise<Artifacts> {
  let captured: tf.io.ModelArtifacts | null = null;
  await net.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  const a = captured as tf.io.ModelArtifacts | null;
  if (!a?.weightData || !a.weightSpecs) throw new Error('tfjs save handler received no weights');
  const modelJson = {
    format: a.format ?? 'layers-model',
    generatedBy: a.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: a.convertedBy ?? null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
  };
  return {
    modelJson: JSON.stringify(modelJson),
    weights: new Uint8Array(tf.io.CompositeArrayBuffer.join(a.weightData)),
  };
}

/** Wraps a trained network: serialises it, derives its version from the weights, builds the manifest. */
export async function createRiskModel(net: tf.LayersModel, input: ManifestInput): Promise<TfRiskModel> {
  const artifacts = await serialise(net);
  const manifest: ModelManifest = {
    version: modelVersion(input.createdAt, artifacts.weights),
    featureSchemaHash: featureSchemaHash(),
    featureNames: [...FEATURE_NAMES],
    ...input,
    encoding: input.encoding ?? null,
    combination: input.combination ?? null,
    files: { modelJson: 'model.json', weights: 'weights.bin', weightsSha256: sha256(artifacts.weights) },
  };
  return new TfRiskModel(net, manifest, artifacts);
}

/** Writes manifest.json, model.json and weights.bin into `dir` (created if needed). */
export async function saveModel(model: TfRiskModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'model.json'), model.files.modelJson);
  await writeFile(path.join(dir, 'weights.bin'), model.files.weights);
  await writeFile(path.join(dir, 'manifest.json'), `${JSON.stringify(model.manifest, null, 2)}\n`);
}

const invalid = (message: string, cause?: unknown) =>
  new PrecursorRiskError('MODEL_INVALID', message, cause === undefined ? undefined : { cause });

/** Loads a model directory, refusing artifacts that do not match this build's features or their checksum. */
export async function loadModel(
  dir: string,
  opts: { logger?: BackendLogger; backend?: BackendName[] } = {},
): Promise<TfRiskModel> {
  let manifest: ModelManifest;
  try {
    manifest = modelManifestSchema.parse(JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')));
  } catch (err) {
    throw invalid(`cannot read a model manifest in ${dir}: ${(err as Error).message}`, err);
  }
  const expected = featureSchemaHash();
  if (manifest.featureSchemaHash !== expected) {
    throw invalid(
      `model ${manifest.version} was trained on feature schema ${manifest.featureSchemaHash}, but this build computes ${expected}; retrain the model or deploy the matching code`,
    );
  }
  if (manifest.featureNames.join(',') !== FEATURE_NAMES.join(','))
    throw invalid(`model ${manifest.version} lists different feature names`);
  let artifacts: Artifacts;
  try {
    artifacts = {
      modelJson: await readFile(path.join(dir, manifest.files.modelJson), 'utf8'),
      weights: new Uint8Array(await readFile(path.join(dir, manifest.files.weights))),
    };
  } catch (err) {
    throw invalid(`model ${manifest.version}: cannot read its files in ${dir}`, err);
  }
  if (sha256(artifacts.weights) !== manifest.files.weightsSha256)
    throw invalid(`model ${manifest.version}: weights.bin does not match its checksum`);

  await initBackend({
    ...(opts.logger ? { logger: opts.logger } : {}),
    ...(opts.backend ? { prefer: opts.backend } : {}),
  });
  const json = JSON.parse(artifacts.modelJson) as tf.io.ModelJSON;
  const weights = artifacts.weights;
  const net = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
      weightData: weights.buffer.slice(
        weights.byteOffset,
        weights.byteOffset + weights.byteLength,
      ) as ArrayBuffer,
    }),
  );
  const inputDim = (net.inputs[0]?.shape ?? [])[1];
  const expectedDim = encodedWidth(manifest.encoding, FEATURE_COUNT);
  if (inputDim !== expectedDim) {
    net.dispose();
    throw invalid(
      `model ${manifest.version} expects ${inputDim} inputs, its encoding of this build's ${FEATURE_COUNT} features gives ${expectedDim}`,
    );
  }
  return new TfRiskModel(net, manifest, artifacts);
}

/** Loads the version named by `<registry>/champion.json`. */
export async function loadChampion(
  registryDir = DEFAULT_REGISTRY_DIR,
  opts: { logger?: BackendLogger } = {},
): Promise<TfRiskModel> {
  let version: string;
  try {
    version = z
      .object({ version: z.string().min(1) })
      .parse(JSON.parse(await readFile(path.join(registryDir, 'champion.json'), 'utf8'))).version;
  } catch (err) {
    throw invalid(`no readable champion.json in ${registryDir}`, err);
  }
  return loadModel(path.join(registryDir, version), opts);
}
