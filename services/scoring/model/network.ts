// The network: a small MLP (features -> 32 -> 16 -> 1) with named layers, and the logit view training
// needs (scoring reads the weights by layer name: forward.ts). Reads nothing; writes nothing.
// Guarantees: the same seed gives the same initial weights (seeded initialisers).
import * as tf from '@tensorflow/tfjs';

export const LAYERS = {
  input: 'features',
  hidden1: 'hidden1',
  hidden2: 'hidden2',
  logit: 'logit',
  score: 'score',
} as const;
export const DEFAULT_HIDDEN: readonly [number, number] = [32, 16];

export function buildNetwork(
  inputDim: number,
  seed: number,
  hidden: readonly [number, number] = DEFAULT_HIDDEN,
): tf.LayersModel {
  const input = tf.input({ shape: [inputDim], name: LAYERS.input });
  const h1 = tf.layers
    .dense({
      units: hidden[0],
      activation: 'relu',
      name: LAYERS.hidden1,
      kernelInitializer: tf.initializers.heNormal({ seed }),
    })
    .apply(input) as tf.SymbolicTensor;
  const h2 = tf.layers
    .dense({
      units: hidden[1],
      activation: 'relu',
      name: LAYERS.hidden2,
      kernelInitializer: tf.initializers.heNormal({ seed: seed + 1 }),
    })
    .apply(h1) as tf.SymbolicTensor;
  const logit = tf.layers
    .dense({
      units: 1,
      activation: 'linear',
      name: LAYERS.logit,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }),
    })
    .apply(h2) as tf.SymbolicTensor;
  const score = tf.layers
    .activation({ activation: 'sigmoid', name: LAYERS.score })
    .apply(logit) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: score, name: 'precursor_risk_mlp' });
}

const output = (net: tf.LayersModel, name: string) => net.getLayer(name).output as tf.SymbolicTensor;

/** Same weights, logit output: training uses it for a numerically stable loss. */
export function logitView(net: tf.LayersModel): tf.LayersModel {
  return tf.model({ inputs: net.inputs, outputs: output(net, LAYERS.logit) });
}
