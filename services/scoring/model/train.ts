// Trains the risk MLP. Reads validated reports with labels (and optional sample weights); writes a
// TfRiskModel in memory (saveModel persists it). Guarantees: deterministic for a given seed and
// backend; consignments never straddle the train/validation split; scores estimate the training base
// rate (unweighted loss by default; with balanced class weights the logit is shifted back).
// Choices measured against gradient-boosted trees: docs/adr/0008-network-against-gradient-boosting.md.
import * as tf from '@tensorflow/tfjs';
import type { Report } from '../../../schemas/report.ts';
import { Rng } from '../../generator/prng.ts';
import { extractBatch, FEATURE_COUNT } from '../features.ts';
import { createRiskModel, type TfRiskModel } from '../model.ts';
import { type BackendLogger, initBackend } from './backend.ts';
import { encode, encodedWidth, fitEncoding } from './encoding.ts';
import { prAuc, rocAuc } from './metrics.ts';
import { buildNetwork, DEFAULT_HIDDEN, LAYERS, logitView } from './network.ts';

export { loadModel, saveModel } from '../model.ts';

export type LabelLike = boolean | number | { positive: boolean };

export interface TrainOptions {
  reports: readonly Report[];
  /** One per report: a boolean, 0/1, or a generator Label. */
  labels: readonly LabelLike[];
  /** Upper bound; early stopping usually ends sooner. Default 60. */
  epochs?: number;
  /** Seeds the initial weights, the split and the batch order. Default 1. */
  seed?: number;
  onEpoch?: (log: EpochLog) => void;
  /** Per-report weights multiplied into the class weights (e.g. inverse propensity). */
  sampleWeights?: ArrayLike<number>;
  /** Share of consignments held out for early stopping. Default 0.15. */
  validationFraction?: number;
  batchSize?: number;
  learningRate?: number;
  /** Epochs without a better validation PR-AUC before stopping. Default 15. */
  patience?: number;
  /** The learning rate is halved every this many epochs (0: constant). Default 6. */
  halveEvery?: number;
  /** 'none' (default): plain log-loss; 'balanced': each class carries half the weight. */
  classWeights?: 'none' | 'balanced';
  /** Quantile bins of the piecewise-linear encoding of continuous features (0: no encoding). Default 16. */
  encodingBins?: number;
  hidden?: readonly [number, number];
  /** L2 penalty on the kernels. Default 1e-5. */
  l2?: number;
  /** Recorded in the manifest: how the training data was made. */
  generator?: { seed: number; count: number; startDate?: string } | null;
  /** Injected clock for createdAt (and so the version's date). */
  now?: () => Date;
  logger?: BackendLogger;
}

export interface EpochLog {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  valPrAuc: number;
  valRocAuc: number;
  ms: number;
}

export interface TrainResult {
  model: TfRiskModel;
  history: EpochLog[];
  bestEpoch: number;
  /** The validation rows (indices into `reports`) and the final model's scores on them. */
  validation: { indices: number[]; scores: Float32Array };
}

const isPositive = (l: LabelLike) => (typeof l === 'object' ? l.positive : Boolean(l));

export async function trainModel(opts: TrainOptions): Promise<TrainResult> {
  const { reports } = opts;
  const n = reports.length;
  if (opts.labels.length !== n) throw new RangeError(`got ${n} reports but ${opts.labels.length} labels`);
  if (opts.sampleWeights && opts.sampleWeights.length !== n)
    throw new RangeError('sampleWeights must have one weight per report');
  const seed = opts.seed ?? 1;
  const epochs = opts.epochs ?? 60;
  const batchSize = opts.batchSize ?? 256;
  const patience = opts.patience ?? 15;
  const halveEvery = opts.halveEvery ?? 6;
  const learningRate = opts.learningRate ?? 3e-3;
  const classWeights = opts.classWeights ?? 'none';
  const bins = opts.encodingBins ?? 16;
  const l2 = opts.l2 ?? 1e-5;
  const hidden = opts.hidden ?? DEFAULT_HIDDEN;
  const started = Date.now();
  const backend = await initBackend(opts.logger ? { logger: opts.logger } : {});

  const raw = extractBatch(reports);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = isPositive(opts.labels[i]!) ? 1 : 0;

  const rng = new Rng(seed ^ 0x7472616e);
  const { trainIdx, valIdx } = splitWith(rng, reports, opts.validationFraction ?? 0.15);
  const trainPos = trainIdx.reduce((s, i) => s + y[i]!, 0);
  if (trainPos === 0 || trainPos === trainIdx.length)
    throw new RangeError('training split needs both classes');

  // Balanced class weights: each class carries half of the total weight.
  const balanced = classWeights === 'balanced';
  const wPos = balanced ? trainIdx.length / (2 * trainPos) : 1;
  const wNeg = balanced ? trainIdx.length / (2 * (trainIdx.length - trainPos)) : 1;

  const encoding = bins > 0 ? fitEncoding(raw, FEATURE_COUNT, trainIdx, bins) : null;
  const d = encodedWidth(encoding, FEATURE_COUNT);
  const x = encode(encoding, raw, n, FEATURE_COUNT);
  const weight = (i: number) => (y[i] ? wPos : wNeg) * (opts.sampleWeights ? opts.sampleWeights[i]! : 1);

  // Standardisation statistics from the training rows only.
  const means = new Float64Array(d);
  const stds = new Float64Array(d);
  for (const i of trainIdx) for (let j = 0; j < d; j++) means[j] = means[j]! + x[i * d + j]!;
  for (let j = 0; j < d; j++) means[j] = means[j]! / trainIdx.length;
  for (const i of trainIdx) for (let j = 0; j < d; j++) stds[j] = stds[j]! + (x[i * d + j]! - means[j]!) ** 2;
  for (let j = 0; j < d; j++) stds[j] = Math.sqrt(stds[j]! / trainIdx.length);
  const z = new Float32Array(x.length);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) z[i * d + j] = (x[i * d + j]! - means[j]!) / (stds[j]! > 0 ? stds[j]! : 1);

  const net = buildNetwork(d, seed, hidden);
  const logits = logitView(net);
  const variables = net.trainableWeights.map((w) => w.read() as tf.Variable);
  const kernelVars = [LAYERS.hidden1, LAYERS.hidden2, LAYERS.logit].map((name) =>
    net.getLayer(name).trainableWeights[0]!.read(),
  );
  const optimizer = tf.train.adam(learningRate);

  const valX = gather(z, valIdx, d);
  const valY = valIdx.map((i) => y[i]!);
  const valW = valIdx.map(weight);
  const history: EpochLog[] = [];
  let best = { epoch: -1, prAuc: -1, loss: Number.POSITIVE_INFINITY };
  let bestWeights: tf.Tensor[] | null = null;

  const xb = new Float32Array(batchSize * d);
  const yb = new Float32Array(batchSize);
  const wb = new Float32Array(batchSize);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const t0 = Date.now();
    const order = rng.shuffle(trainIdx);
    let lossSum = 0;
    let batches = 0;
    for (let b = 0; b < order.length; b += batchSize) {
      const m = Math.min(batchSize, order.length - b);
      for (let k = 0; k < m; k++) {
        const i = order[b + k]!;
        xb.set(z.subarray(i * d, (i + 1) * d), k * d);
        yb[k] = y[i]!;
        wb[k] = weight(i);
      }
      const cost: tf.Scalar | null = tf.tidy(() => {
        const xt = tf.tensor2d(xb.subarray(0, m * d), [m, d]);
        const yt = tf.tensor2d(yb.subarray(0, m), [m, 1]);
        const wt = tf.tensor2d(wb.subarray(0, m), [m, 1]);
        return optimizer.minimize(
          () => {
            const out = logits.apply(xt, { training: true }) as tf.Tensor;
            const bce = tf.losses.sigmoidCrossEntropy(yt, out, wt, 0, tf.Reduction.NONE).mean();
            const penalty = tf.addN(kernelVars.map((k) => k.square().sum())).mul(l2);
            return bce.add(penalty) as tf.Scalar;
          },
          true,
          variables,
        ) as tf.Scalar;
      }) as tf.Scalar | null;
      lossSum += cost ? cost.dataSync()[0]! : 0;
      cost?.dispose();
      batches++;
    }

    if (halveEvery > 0 && epoch % halveEvery === 0)
      (optimizer as unknown as { learningRate: number }).learningRate /= 2;
    const valScores = predictScores(net, valX, valIdx.length, d);
    const log: EpochLog = {
      epoch,
      trainLoss: lossSum / Math.max(1, batches),
      valLoss: weightedLogLoss(valScores, valY, valW),
      valPrAuc: prAuc(valScores, valY),
      valRocAuc: rocAuc(valScores, valY),
      ms: Date.now() - t0,
    };
    history.push(log);
    opts.onEpoch?.(log);
    const better =
      log.valPrAuc > best.prAuc + 1e-6 ||
      (Math.abs(log.valPrAuc - best.prAuc) <= 1e-6 && log.valLoss < best.loss);
    if (better || Number.isNaN(log.valPrAuc)) {
      best = { epoch, prAuc: log.valPrAuc, loss: log.valLoss };
      tf.dispose(bestWeights ?? []);
      bestWeights = net.getWeights().map((t) => t.clone());
    } else if (epoch - best.epoch >= patience) break;
  }
  optimizer.dispose();
  if (bestWeights) {
    net.setWeights(bestWeights);
    tf.dispose(bestWeights);
  }

  // Class weighting shifts the logit by log(wPos / wNeg); undo it so scores estimate the real rate.
  const logitShift = balanced ? -Math.log(wPos / wNeg) : 0;
  const logitLayer = net.getLayer(LAYERS.logit);
  const [kernel, bias] = logitLayer.getWeights() as [tf.Tensor, tf.Tensor];
  const shifted = bias.add(logitShift);
  logitLayer.setWeights([kernel, shifted]);
  shifted.dispose();

  const bestLog = history.find((h) => h.epoch === best.epoch);
  const createdAt = (opts.now ?? (() => new Date()))().toISOString();
  const model = await createRiskModel(net, {
    createdAt,
    architecture: { layers: [d, hidden[0], hidden[1], 1], activations: ['relu', 'relu', 'sigmoid'] },
    encoding,
    normalisation: { means: Array.from(means), stds: Array.from(stds) },
    calibration: balanced
      ? { method: 'prior correction for class weights (logit bias shifted by -log(wPos/wNeg))', logitShift }
      : { method: 'none needed: unweighted log-loss estimates the training base rate', logitShift },
    contributions: {
      method:
        'gradient x input on the standardised network inputs, encoded columns summed per feature (exact logit decomposition for the ReLU network)',
      units: 'log-odds',
      baseline: 'training mean of each feature',
      topK: 5,
    },
    training: {
      generator: opts.generator ?? null,
      reports: n,
      positives: y.reduce((s, v) => s + v, 0),
      seed,
      trainReports: trainIdx.length,
      validation: {
        fraction: opts.validationFraction ?? 0.15,
        reports: valIdx.length,
        positives: valY.reduce((s, v) => s + v, 0),
        prAuc: bestLog?.valPrAuc ?? null,
        rocAuc: bestLog?.valRocAuc ?? null,
      },
      epochsRun: history.length,
      bestEpoch: best.epoch,
      batchSize,
      learningRate,
      halveEvery,
      patience,
      l2,
      classWeights: { positive: wPos, negative: wNeg },
      sampleWeights: opts.sampleWeights !== undefined,
      durationMs: Date.now() - started,
    },
    metrics: null,
    backend,
  });
  return {
    model,
    history,
    bestEpoch: best.epoch,
    validation: { indices: valIdx, scores: predictScores(net, valX, valIdx.length, d) },
  };
}

/**
 * The training/validation split of trainModel for these reports and seed: by consignment, so a MANIFEST
 * and its DECLARATION land on the same side. `evaluate --baseline` gives the baseline the same split.
 */
export function validationSplit(
  reports: readonly Report[],
  seed: number,
  fraction = 0.15,
): { trainIdx: number[]; valIdx: number[] } {
  return splitWith(new Rng(seed ^ 0x7472616e), reports, fraction);
}

function splitWith(rng: Rng, reports: readonly Report[], fraction: number) {
  const ids = [...new Set(reports.map((r) => r.consignment.consignmentId))].sort();
  const valIds = new Set(rng.shuffle(ids).slice(0, Math.round(ids.length * fraction)));
  const trainIdx: number[] = [];
  const valIdx: number[] = [];
  for (let i = 0; i < reports.length; i++)
    (valIds.has(reports[i]!.consignment.consignmentId) ? valIdx : trainIdx).push(i);
  return { trainIdx, valIdx };
}

function gather(z: Float32Array, idx: readonly number[], d: number): Float32Array {
  const out = new Float32Array(idx.length * d);
  idx.forEach((i, k) => {
    out.set(z.subarray(i * d, (i + 1) * d), k * d);
  });
  return out;
}

function predictScores(net: tf.LayersModel, x: Float32Array, n: number, d: number): Float32Array {
  const t = tf.tidy(() => net.predictOnBatch(tf.tensor2d(x, [n, d])) as tf.Tensor);
  const out = t.dataSync() as Float32Array;
  t.dispose();
  return out;
}

function weightedLogLoss(p: Float32Array, y: readonly number[], w: readonly number[]): number {
  let s = 0;
  let ws = 0;
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(Math.max(p[i]!, 1e-7), 1 - 1e-7);
    s -= w[i]! * (y[i] ? Math.log(q) : Math.log(1 - q));
    ws += w[i]!;
  }
  return s / Math.max(ws, 1e-12);
}
