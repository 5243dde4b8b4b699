// The serving forward pass of the MLP (network.ts): the LayersModel's weights, read once at load and
// refolded into a handful of TF.js kernels, so a call costs a few kernel dispatches instead of the
// layer machinery of predictOnBatch. Reads a LayersModel and its manifest normalisation; writes nothing.
// Guarantees: the same scores and contributions as net.predictOnBatch on standardised features and
// autodiff gradient x standardised input (float tolerance; model.test.ts holds both side by side);
// never modifies its input; every intermediate tensor is disposed, also when a kernel throws.
// Why not predictOnBatch, tf.fused.matMul or tf.tidy on the hot path: docs/adr/0005-folded-forward-pass.md.
import * as tf from '@tensorflow/tfjs';
import { encode, encodedSources, encodedWidth, type InputEncoding } from './encoding.ts';
import { LAYERS, logitView } from './network.ts';

/** Standardisation of the network's (encoded) inputs. */
export interface Normalisation {
  means: readonly number[];
  stds: readonly number[];
}

/** Scores and the row-major n x d matrix of per-feature logit contributions. */
export interface Explanation {
  scores: Float32Array;
  contributions: Float32Array;
}

/** Smallest normal float32. Smaller magnitudes are subnormal, and x86 handles those in microcode. */
const FLT_MIN = 1.1754943508222875e-38;

type Activation = 'linear' | 'relu' | 'sigmoid';

const engine = tf.engine();

// Kernels are dispatched through engine.runKernel, the call every tf.* op ends in, minus the op
// wrappers' per-call work (tf.fused.matMul alone adds 3 reshapes and a customGrad scope).
function fusedMatMul(a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor, activation: Activation): tf.Tensor {
  const attrs: tf._FusedMatMulAttrs = { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0 };
  return engine.runKernel(tf._FusedMatMul, { a, b, bias }, attrs as unknown as tf.NamedAttrMap);
}
function matMul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const attrs: tf.BatchMatMulAttrs = { transposeA: false, transposeB: false };
  return engine.runKernel(tf.BatchMatMul, { a, b }, attrs as unknown as tf.NamedAttrMap);
}
function step(x: tf.Tensor): tf.Tensor {
  const attrs: tf.StepAttrs = { alpha: 0 };
  return engine.runKernel(tf.Step, { x }, attrs as unknown as tf.NamedAttrMap);
}
const mul = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => engine.runKernel(tf.Multiply, { a, b });
const sub = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => engine.runKernel(tf.Sub, { a, b });

/** A copy with subnormal values set to 0 (they change no result above 1e-37, but slow matmuls ~5x). */
function flushSubnormals(values: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(values);
  for (let i = 0; i < out.length; i++) if (Math.abs(out[i]!) < FLT_MIN) out[i] = 0;
  return out;
}

function dense(net: tf.LayersModel, name: string, activation: string) {
  const layer = net.getLayer(name);
  const config = layer.getConfig();
  const [kernel, bias] = layer.getWeights();
  if (layer.getClassName() !== 'Dense' || config.activation !== activation || !kernel || !bias)
    throw new Error(`layer ${name}: expected Dense with bias and ${activation}, got ${layer.getClassName()}`);
  const [rows, cols] = kernel.shape as [number, number];
  return { kernel: kernel.dataSync(), bias: bias.dataSync(), rows, cols };
}

/**
 * The network as weight tensors shaped for batch-1 matmuls (3-D, [1, rows, cols]), with the
 * standardisation folded into the first layer: for z = (x - mean) / std,
 * z W1 + b1 = x (diag(1/std) W1) + (b1 - (mean/std) W1).
 */
export class FoldedForward {
  /** Raw features per row. */
  readonly inputDim: number;
  /** Network inputs per row (raw features plus their encoding). */
  private readonly width: number;
  private readonly encoding: InputEncoding | null;
  private readonly gather: tf.Tensor | null; // [1, width, inputDim]: sums encoded columns per raw feature
  private readonly w1: tf.Tensor; // [1, d, h1]  diag(1/std) W1
  private readonly b1: tf.Tensor; // [h1]        b1 - (mean/std) W1
  private readonly w2: tf.Tensor; // [1, h1, h2]
  private readonly b2: tf.Tensor; // [h2]
  private readonly w3: tf.Tensor; // [1, h2, 1]
  private readonly b3: tf.Tensor; // [1]
  private readonly w2back: tf.Tensor; // [1, h2, h1] diag(w3) W2^T: the backward pass through layers 3 and 2
  private readonly w1back: tf.Tensor; // [1, h1, d]  (diag(1/std) W1)^T
  private readonly means: tf.Tensor; // [d]

  constructor(net: tf.LayersModel, normalisation: Normalisation, encoding: InputEncoding | null = null) {
    const l1 = dense(net, LAYERS.hidden1, 'relu');
    const l2 = dense(net, LAYERS.hidden2, 'relu');
    const l3 = dense(net, LAYERS.logit, 'linear');
    const out = net.getLayer(LAYERS.score);
    if (out.getClassName() !== 'Activation' || out.getConfig().activation !== 'sigmoid')
      throw new Error(`layer ${LAYERS.score}: expected a sigmoid Activation`);
    const d = l1.rows;
    const [h1, h2] = [l1.cols, l2.cols];
    if (l2.rows !== h1 || l3.rows !== h2 || l3.cols !== 1) throw new Error('unexpected layer shapes');
    if (normalisation.means.length !== d || normalisation.stds.length !== d)
      throw new Error(`normalisation has ${normalisation.means.length} features, the network ${d}`);
    const raw = d - encodedWidth(encoding, 0);
    if (encodedWidth(encoding, raw) !== d) throw new Error('the input encoding does not match the network');
    this.width = d;
    this.inputDim = raw;
    this.encoding = encoding;
    if (encoding === null) this.gather = null;
    else {
      const sources = encodedSources(encoding, raw);
      const g = new Float32Array(d * raw);
      sources.forEach((j, k) => {
        g[k * raw + j] = 1;
      });
      this.gather = tf.tensor(g, [1, d, raw]);
    }

    // Folded first layer, in float64 before the single rounding to float32.
    const invStd = normalisation.stds.map((s) => (s > 0 ? 1 / s : 1));
    const w1 = new Float64Array(d * h1);
    const w1t = new Float64Array(h1 * d);
    const b1 = Float64Array.from(l1.bias);
    for (let j = 0; j < d; j++) {
      for (let h = 0; h < h1; h++) {
        const w = l1.kernel[j * h1 + h]! * invStd[j]!;
        w1[j * h1 + h] = w;
        w1t[h * d + j] = w;
        b1[h] = b1[h]! - normalisation.means[j]! * w;
      }
    }
    const w2back = new Float64Array(h2 * h1);
    for (let k = 0; k < h2; k++)
      for (let h = 0; h < h1; h++) w2back[k * h1 + h] = l2.kernel[h * h2 + k]! * l3.kernel[k]!;

    const t = (values: ArrayLike<number>, shape: number[]) => tf.tensor(flushSubnormals(values), shape);
    this.w1 = t(w1, [1, d, h1]);
    this.b1 = t(b1, [h1]);
    this.w2 = t(l2.kernel, [1, h1, h2]);
    this.b2 = t(l2.bias, [h2]);
    this.w3 = t(l3.kernel, [1, h2, 1]);
    this.b3 = t(l3.bias, [1]);
    this.w2back = t(w2back, [1, h2, h1]);
    this.w1back = t(w1t, [1, h1, d]);
    this.means = tf.tensor1d(Float32Array.from(normalisation.means));
  }

  /** Scores of the n rows of a row-major n x d matrix of raw (unstandardised) features. */
  scores(features: Float32Array, n: number): Float32Array {
    this.check(features, n);
    if (n === 0) return new Float32Array(0);
    const live: tf.Tensor[] = [];
    try {
      return this.forward(features, n, live).score.dataSync() as Float32Array;
    } finally {
      for (const t of live) t.dispose();
    }
  }

  /**
   * Scores and contributions: gradient of the logit x standardised input, an exact split of the logit
   * (minus its value at the training means) for a ReLU network. The input gradient is
   * W1 diag(m1) W2 diag(m2) w3 with m the active units; in terms of raw features and the folded
   * kernels, contribution = (x - mean) * (((m2 (diag(w3) W2^T)) * m1) (diag(1/std) W1)^T).
   */
  explain(features: Float32Array, n: number): Explanation {
    this.check(features, n);
    if (n === 0) return { scores: new Float32Array(0), contributions: new Float32Array(0) };
    const live: tf.Tensor[] = [];
    const track = (t: tf.Tensor) => {
      live.push(t);
      return t;
    };
    try {
      const { x, h1, h2, score } = this.forward(features, n, live);
      const up2 = track(matMul(track(step(h2)), this.w2back));
      const up1 = track(mul(track(step(h1)), up2));
      const gradient = track(matMul(up1, this.w1back));
      const encoded = track(mul(track(sub(x, this.means)), gradient));
      // Encoded columns of one raw feature add up to its contribution.
      const contributions = this.gather === null ? encoded : track(matMul(encoded, this.gather));
      return {
        scores: score.dataSync() as Float32Array,
        contributions: contributions.dataSync() as Float32Array,
      };
    } finally {
      for (const t of live) t.dispose();
    }
  }

  dispose(): void {
    tf.dispose([this.w1, this.b1, this.w2, this.b2, this.w3, this.b3, this.w2back, this.w1back, this.means]);
    this.gather?.dispose();
  }

  /** Input [1, n, d], hidden activations and score [1, n, 1], each pushed onto `live` as it is made. */
  private forward(features: Float32Array, n: number, live: tf.Tensor[]) {
    const track = (t: tf.Tensor) => {
      live.push(t);
      return t;
    };
    const input = encode(this.encoding, features, n, this.inputDim);
    const x = track(tf.tensor3d(input, [1, n, this.width]));
    const h1 = track(fusedMatMul(x, this.w1, this.b1, 'relu'));
    const h2 = track(fusedMatMul(h1, this.w2, this.b2, 'relu'));
    const score = track(fusedMatMul(h2, this.w3, this.b3, 'sigmoid'));
    return { x, h1, h2, score };
  }

  private check(features: Float32Array, n: number): void {
    // Rows are raw features; the encoding widens them inside forward().
    if (features.length !== n * this.inputDim)
      throw new RangeError(`expected ${n} x ${this.inputDim} features, got ${features.length} values`);
  }
}

/**
 * The same two quantities the slow, obviously-correct way, for tests and benchmarks: standardisation
 * in JS, scores from net.predictOnBatch, contributions from autodiff (tf.grad of the logit view).
 */
export function referenceExplain(
  net: tf.LayersModel,
  normalisation: Normalisation,
  raw: Float32Array,
  n: number,
  encoding: InputEncoding | null = null,
): Explanation {
  const d = normalisation.means.length;
  const rawDim = raw.length / Math.max(1, n);
  const features = encode(encoding, raw, n, rawDim);
  if (features.length !== n * d) throw new RangeError(`expected ${n} x ${d} network inputs`);
  const z = new Float32Array(features.length);
  for (let i = 0; i < z.length; i++) {
    const s = normalisation.stds[i % d]!;
    z[i] = (features[i]! - normalisation.means[i % d]!) / (s > 0 ? s : 1);
  }
  const logits = logitView(net);
  return tf.tidy(() => {
    const zt = tf.tensor2d(z, [n, d]);
    const scores = (net.predictOnBatch(zt) as tf.Tensor).dataSync() as Float32Array;
    const gradient = tf.grad((t: tf.Tensor) => (logits.apply(t) as tf.Tensor).sum())(zt);
    const encoded = zt.mul(gradient).dataSync() as Float32Array;
    if (encoding === null) return { scores, contributions: encoded };
    const sources = encodedSources(encoding, rawDim);
    const contributions = new Float32Array(n * rawDim);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < d; k++) contributions[i * rawDim + sources[k]!]! += encoded[i * d + k]!;
    return { scores, contributions };
  });
}
