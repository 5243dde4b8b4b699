// Chooses the TensorFlow.js backend once per process: tfjs-node (native TensorFlow) when it is
// installed, else WASM (SIMD on, threads off), else the pure-JS cpu backend. Reads the installed
// packages; writes the tf global backend; reports which one it picked.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendLogger {
  info(obj: object, msg: string): void;
}

let chosen: Promise<BackendName> | null = null;

/** Idempotent: the first call decides, later calls return the same answer. */
export function initBackend(
  opts: { logger?: BackendLogger; prefer?: readonly BackendName[] } = {},
): Promise<BackendName> {
  chosen ??= choose(opts.prefer ?? ['tensorflow', 'wasm', 'cpu']).then((name) => {
    opts.logger?.info({ backend: name, tfjs: tf.version.tfjs }, `tensorflow.js backend: ${name}`);
    return name;
  });
  return chosen;
}

async function choose(prefer: readonly BackendName[]): Promise<BackendName> {
  const reasons: string[] = [];
  for (const name of prefer) {
    try {
      if (name === 'tensorflow' && (await tryNode())) return name;
      if (name === 'wasm' && (await tryWasm())) return name;
      if (name === 'cpu' && (await tf.setBackend('cpu'))) return name;
    } catch (err) {
      reasons.push(`${name}: ${(err as Error).message}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could be initialised (${reasons.join('; ')})`);
}

async function tryNode(): Promise<boolean> {
  // A variable specifier: the package is optional and not a dependency (its installer needs to
  // download libtensorflow), so neither tsc nor the bundler should insist on it.
  const specifier = '@tensorflow/tfjs-node';
  try {
    await import(specifier);
  } catch {
    return false;
  }
  return tf.setBackend('tensorflow');
}

async function tryWasm(): Promise<boolean> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // In Node the .wasm binaries are read from the package's dist folder, not fetched.
  const require = createRequire(import.meta.url);
  const dist = path.dirname(
    require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'),
  );
  wasm.setWasmPaths(`${dist}${path.sep}`);
  tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  return tf.setBackend('wasm');
}
