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
  /**
   * Networks trained on the same split from different initial weights and batch orders (default 1). Without
   * `distill`, the served network is their mean logit, merged into one wider network (block-diagonal
   * second layer), so scoring and contributions run unchanged; with it, they are the teachers.
   */
  members?: number;
  /**
   * Distillation: after the members, train one network of the served size on targets mixing the label and
   * the members' mean probability, `(1 - distill) * y + distill * p`. 0 (default): no distillation.
   */
  distill?: number;
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

  const valX = gather(z, valIdx, d);
  const valY = valIdx.map((i) => y[i]!);
  const valW = valIdx.map(weight);
  const fitArgs = { z, d, trainIdx, valIdx, valX, valY, valW, weight, hidden, epochs, batchSize, patience };
  const fitRest = { halveEvery, learningRate, l2, onEpoch: opts.onEpoch };

  const memberCount = Math.max(1, Math.floor(opts.members ?? 1));
  const distill = opts.distill ?? 0;
  if (!(distill >= 0 && distill <= 1)) throw new RangeError('distill must be a share from 0 to 1');
  // Member 0 continues the split's generator, so one member trains exactly as before.
  const fits: Fit[] = [];
  for (let k = 0; k < memberCount; k++)
    fits.push(
      fitNetwork({
        ...fitArgs,
        ...fitRest,
        targets: y,
        initSeed: seed + 1000 * k,
        rng: k === 0 ? rng : new Rng((seed + 1000 * k) ^ 0x6d656d62),
      }),
    );
  let final: Fit;
  let net: tf.LayersModel;
  let servedHidden: readonly [number, number] = hidden;
  if (distill > 0) {
    // Soft targets: the members' mean probability (sigmoid of the mean logit) on every row.
    const mean = meanLogits(
      fits.map((f) => f.net),
      z,
      n,
      d,
    );
    const targets = new Float32Array(n);
    for (let i = 0; i < n; i++) targets[i] = (1 - distill) * y[i]! + distill / (1 + Math.exp(-mean[i]!));
    final = fitNetwork({
      ...fitArgs,
      ...fitRest,
      targets,
      initSeed: seed + 1000 * memberCount,
      rng: new Rng((seed + 1000 * memberCount) ^ 0x64697374),
    });
    net = final.net;
    for (const f of fits) f.net.dispose();
  } else if (memberCount > 1) {
    net = mergeNetworks(
      fits.map((f) => f.net),
      d,
      seed,
      hidden,
    );
    servedHidden = [hidden[0] * memberCount, hidden[1] * memberCount];
    for (const f of fits) f.net.dispose();
    final = fits[0]!;
  } else {
    final = fits[0]!;
    net = final.net;
  }
  const { history, best } = final;

  // Class weighting shifts the logit by log(wPos / wNeg); undo it so scores estimate the real rate.
  const logitShift = balanced ? -Math.log(wPos / wNeg) : 0;
  const logitLayer = net.getLayer(LAYERS.logit);
  const [kernel, bias] = logitLayer.getWeights() as [tf.Tensor, tf.Tensor];
  const shifted = bias.add(logitShift);
  logitLayer.setWeights([kernel, shifted]);
  shifted.dispose();

  const bestLog = history.find((h) => h.epoch === best.epoch);
  const valScores = predictScores(net, valX, valIdx.length, d);
  const createdAt = (opts.now ?? (() => new Date()))().toISOString();
  const model = await createRiskModel(net, {
    createdAt,
    architecture: {
      layers: [d, servedHidden[0], servedHidden[1], 1],
      activations: ['relu', 'relu', 'sigmoid'],
    },
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
        prAuc: memberCount > 1 && distill === 0 ? prAuc(valScores, valY) : (bestLog?.valPrAuc ?? null),
        rocAuc: memberCount > 1 && distill === 0 ? rocAuc(valScores, valY) : (bestLog?.valRocAuc ?? null),
      },
      epochsRun: history.length,
      bestEpoch: best.epoch,
      ...(memberCount > 1 || distill > 0
        ? {
            ensemble: {
              members: fits.map((f) => ({
                initSeed: f.initSeed,
                epochsRun: f.history.length,
                bestEpoch: f.best.epoch,
                valPrAuc: f.best.prAuc,
              })),
              served:
                distill > 0
                  ? `one network distilled on (1 - ${distill}) * label + ${distill} * the members' mean probability`
                  : "the members' mean logit, merged into one network (block-diagonal second layer)",
            },
          }
        : {}),
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
    validation: { indices: valIdx, scores: valScores },
  };
}

interface Fit {
  net: tf.LayersModel;
  /** The seed its initial weights were drawn from. */
  initSeed: number;
  history: EpochLog[];
  best: { epoch: number; prAuc: number; loss: number };
}

interface FitArgs {
  z: Float32Array;
  d: number;
  /** Training targets per row: 0/1 labels, or soft targets in [0, 1] when distilling. */
  targets: Float32Array;
  trainIdx: readonly number[];
  valIdx: readonly number[];
  valX: Float32Array;
  valY: number[];
  valW: number[];
  weight: (i: number) => number;
  hidden: readonly [number, number];
  initSeed: number;
  rng: Rng;
  epochs: number;
  batchSize: number;
  patience: number;
  halveEvery: number;
  learningRate: number;
  l2: number;
  onEpoch: ((log: EpochLog) => void) | undefined;
}

/** One network: Adam on the (weighted) log-loss, early stopping on validation PR-AUC; the best epoch's weights. */
function fitNetwork(a: FitArgs): Fit {
  const { z, d, trainIdx, valIdx, valX, valY, valW, batchSize, rng } = a;
  const net = buildNetwork(d, a.initSeed, a.hidden);
  const logits = logitView(net);
  const variables = net.trainableWeights.map((w) => w.read() as tf.Variable);
  const kernelVars = [LAYERS.hidden1, LAYERS.hidden2, LAYERS.logit].map((name) =>
    net.getLayer(name).trainableWeights[0]!.read(),
  );
  const optimizer = tf.train.adam(a.learningRate);

  const history: EpochLog[] = [];
  let best = { epoch: -1, prAuc: -1, loss: Number.POSITIVE_INFINITY };
  let bestWeights: tf.Tensor[] | null = null;

  const xb = new Float32Array(batchSize * d);
  const yb = new Float32Array(batchSize);
  const wb = new Float32Array(batchSize);
  for (let epoch = 1; epoch <= a.epochs; epoch++) {
    const t0 = Date.now();
    const order = rng.shuffle(trainIdx);
    let lossSum = 0;
    let batches = 0;
    for (let b = 0; b < order.length; b += batchSize) {
      const m = Math.min(batchSize, order.length - b);
      for (let k = 0; k < m; k++) {
        const i = order[b + k]!;
        xb.set(z.subarray(i * d, (i + 1) * d), k * d);
        yb[k] = a.targets[i]!;
        wb[k] = a.weight(i);
      }
      const cost: tf.Scalar | null = tf.tidy(() => {
        const xt = tf.tensor2d(xb.subarray(0, m * d), [m, d]);
        const yt = tf.tensor2d(yb.subarray(0, m), [m, 1]);
        const wt = tf.tensor2d(wb.subarray(0, m), [m, 1]);
        return optimizer.minimize(
          () => {
            const out = logits.apply(xt, { training: true }) as tf.Tensor;
            const bce = tf.losses.sigmoidCrossEntropy(yt, out, wt, 0, tf.Reduction.NONE).mean();
            const penalty = tf.addN(kernelVars.map((k) => k.square().sum())).mul(a.l2);
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

    if (a.halveEvery > 0 && epoch % a.halveEvery === 0)
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
    a.onEpoch?.(log);
    const better =
      log.valPrAuc > best.prAuc + 1e-6 ||
      (Math.abs(log.valPrAuc - best.prAuc) <= 1e-6 && log.valLoss < best.loss);
    if (better || Number.isNaN(log.valPrAuc)) {
      best = { epoch, prAuc: log.valPrAuc, loss: log.valLoss };
      tf.dispose(bestWeights ?? []);
      bestWeights = net.getWeights().map((t) => t.clone());
    } else if (epoch - best.epoch >= a.patience) break;
  }
  optimizer.dispose();
  if (bestWeights) {
    net.setWeights(bestWeights);
    tf.dispose(bestWeights);
  }

  return { net, history, best, initSeed: a.initSeed };
}

/** Mean logit of the networks on the n rows of z (standardised inputs). */
function meanLogits(nets: readonly tf.LayersModel[], z: Float32Array, n: number, d: number): Float32Array {
  const out = new Float32Array(n);
  for (const net of nets) {
    const view = logitView(net);
    for (let start = 0; start < n; start += 8192) {
      const rows = Math.min(8192, n - start);
      const t = tf.tidy(
        () =>
          view.predictOnBatch(tf.tensor2d(z.subarray(start * d, (start + rows) * d), [rows, d])) as tf.Tensor,
      );
      const v = t.dataSync();
      t.dispose();
      for (let i = 0; i < rows; i++) out[start + i] = out[start + i]! + v[i]! / nets.length;
    }
  }
  return out;
}

/**
 * The members' mean logit as one network of the same shape, K times wider: first layers side by side,
 * second layers block-diagonal, logit kernels stacked and divided by K. Exactly the mean logit (float
 * rounding aside), so the folded forward pass and its contributions (the mean of the members') apply unchanged.
 */
export function mergeNetworks(
  nets: readonly tf.LayersModel[],
  d: number,
  seed: number,
  hidden: readonly [number, number],
): tf.LayersModel {
  const k = nets.length;
  const [h1, h2] = hidden;
  const w1 = new Float32Array(d * h1 * k);
  const b1 = new Float32Array(h1 * k);
  const w2 = new Float32Array(h1 * k * h2 * k);
  const b2 = new Float32Array(h2 * k);
  const w3 = new Float32Array(h2 * k);
  let b3 = 0;
  nets.forEach((net, m) => {
    const [k1, c1] = net
      .getLayer(LAYERS.hidden1)
      .getWeights()
      .map((t) => t.dataSync());
    const [k2, c2] = net
      .getLayer(LAYERS.hidden2)
      .getWeights()
      .map((t) => t.dataSync());
    const [k3, c3] = net
      .getLayer(LAYERS.logit)
      .getWeights()
      .map((t) => t.dataSync());
    for (let j = 0; j < d; j++) for (let h = 0; h < h1; h++) w1[j * h1 * k + m * h1 + h] = k1![j * h1 + h]!;
    for (let h = 0; h < h1; h++) b1[m * h1 + h] = c1![h]!;
    for (let h = 0; h < h1; h++)
      for (let g = 0; g < h2; g++) w2[(m * h1 + h) * h2 * k + m * h2 + g] = k2![h * h2 + g]!;
    for (let g = 0; g < h2; g++) {
      b2[m * h2 + g] = c2![g]!;
      w3[m * h2 + g] = k3![g]! / k;
    }
    b3 += c3![0]! / k;
  });
  const merged = buildNetwork(d, seed, [h1 * k, h2 * k]);
  const tensors = [
    tf.tensor2d(w1, [d, h1 * k]),
    tf.tensor1d(b1),
    tf.tensor2d(w2, [h1 * k, h2 * k]),
    tf.tensor1d(b2),
    tf.tensor2d(w3, [h2 * k, 1]),
    tf.tensor1d([b3]),
  ];
  merged.getLayer(LAYERS.hidden1).setWeights(tensors.slice(0, 2));
  merged.getLayer(LAYERS.hidden2).setWeights(tensors.slice(2, 4));
  merged.getLayer(LAYERS.logit).setWeights(tensors.slice(4, 6));
  tf.dispose(tensors);
  return merged;
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
