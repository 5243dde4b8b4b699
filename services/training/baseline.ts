// Gradient-boosted baseline for `evaluate --baseline`: LightGBM (PyPI) trained on the project's feature
// vectors and the model's own train/validation split, scored on the evaluation rows. Reads feature
// matrices; writes them, and a Python virtual environment (created on first use), under .local/; runs
// services/training/gbm-baseline.py there. Guarantees: the baseline sees exactly the rows and features
// the network saw, never the evaluation labels; a missing Python or a failed install is one INFRA_FAILED.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PrecursorRiskError } from '../common/errors.ts';

const run = promisify(execFile);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_VENV_DIR = path.join(ROOT, '.local', 'gbm-venv');
const SCRIPT = fileURLToPath(new URL('./gbm-baseline.py', import.meta.url));
/** Pinned so a baseline figure can be reproduced; numpy comes with it. */
export const LIGHTGBM_REQUIREMENT = 'lightgbm==4.6.0';

export interface BaselineInput {
  /** Row-major training features (n x d), the validation rows among them marked in `validation`. */
  trainX: Float32Array;
  trainY: ArrayLike<boolean | number>;
  /** 1 for the rows the network used for early stopping: the baseline stops early on the same rows. */
  validation: ArrayLike<boolean | number>;
  testX: Float32Array;
  features: number;
  seed: number;
  venvDir?: string;
  onStage?: (message: string) => void;
}

export interface BaselineResult {
  scores: Float64Array;
  library: string;
  bestIteration: number;
  validationAveragePrecision: number;
  trainSeconds: number;
  trainRows: number;
  validationRows: number;
  params: Record<string, unknown>;
}

const failed = (message: string, cause?: unknown) =>
  new PrecursorRiskError('INFRA_FAILED', message, cause === undefined ? undefined : { cause });

const python = (venv: string) => path.join(venv, process.platform === 'win32' ? 'Scripts' : 'bin', 'python');

/** The venv's python, creating the venv and installing LightGBM when it is not there yet. */
export async function ensureBaselineVenv(venv = DEFAULT_VENV_DIR, onStage?: (m: string) => void) {
  const py = python(venv);
  if (existsSync(py)) {
    try {
      await run(py, ['-c', 'import lightgbm']);
      return py;
    } catch {
      // half-installed: install again below
    }
  }
  onStage?.(`creating a Python environment for the baseline in ${venv} (${LIGHTGBM_REQUIREMENT} from PyPI)`);
  try {
    await mkdir(path.dirname(venv), { recursive: true });
    await run('python3', ['-m', 'venv', venv]);
    await run(py, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', LIGHTGBM_REQUIREMENT], {
      maxBuffer: 16 << 20,
    });
  } catch (err) {
    const detail = (err as { stderr?: string }).stderr?.trim().split('\n').at(-1) ?? (err as Error).message;
    throw failed(`could not set up the baseline's Python environment in ${venv}: ${detail}`, err);
  }
  return py;
}

const bytes = (a: ArrayLike<boolean | number>) => Uint8Array.from(a as ArrayLike<number>, (v) => (v ? 1 : 0));

export async function runGbmBaseline(input: BaselineInput): Promise<BaselineResult> {
  const { features: d } = input;
  const n = input.trainY.length;
  if (input.trainX.length !== n * d || input.validation.length !== n || input.testX.length % d !== 0)
    throw new RangeError('baseline matrices do not match their row counts');
  const py = await ensureBaselineVenv(input.venvDir, input.onStage);
  await mkdir(path.join(ROOT, '.local'), { recursive: true });
  const dir = await mkdtemp(path.join(ROOT, '.local', 'baseline-'));
  try {
    await writeFile(
      path.join(dir, 'train_x.f32'),
      new Uint8Array(input.trainX.buffer, input.trainX.byteOffset, input.trainX.byteLength),
    );
    await writeFile(path.join(dir, 'train_y.u8'), bytes(input.trainY));
    await writeFile(path.join(dir, 'valid.u8'), bytes(input.validation));
    await writeFile(
      path.join(dir, 'test_x.f32'),
      new Uint8Array(input.testX.buffer, input.testX.byteOffset, input.testX.byteLength),
    );
    await writeFile(path.join(dir, 'meta.json'), JSON.stringify({ features: d, seed: input.seed }));
    input.onStage?.(`training the gradient-boosted baseline on ${n} rows`);
    try {
      await run(py, [SCRIPT, dir], { maxBuffer: 16 << 20 });
    } catch (err) {
      const detail = (err as { stderr?: string }).stderr?.trim().split('\n').at(-1) ?? (err as Error).message;
      throw failed(`the gradient-boosted baseline failed: ${detail}`, err);
    }
    const raw = await readFile(path.join(dir, 'test_scores.f64'));
    const scores = new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    const meta = JSON.parse(await readFile(path.join(dir, 'result.json'), 'utf8')) as Omit<
      BaselineResult,
      'scores'
    >;
    if (scores.length !== input.testX.length / d)
      throw failed('the baseline returned the wrong number of scores');
    return { scores, ...meta };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
