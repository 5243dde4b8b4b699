import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Report, reportSchema } from '../../schemas/report.ts';
import { PrecursorRiskError } from '../common/errors.ts';
import { generateReports } from '../generator/index.ts';
import { extractBatch, FEATURE_COUNT, FEATURE_NAMES, featureSchemaHash } from './features.ts';
import { encodedWidth } from './model/encoding.ts';
import { trainModel } from './model/train.ts';
import { loadChampion, loadModel, saveModel, type TfRiskModel } from './model.ts';

const data = (seed: number, count: number) => {
  const { reports, labels } = generateReports({ count, seed });
  return { reports: reports.map((r) => reportSchema.parse(r)) as Report[], labels };
};

let dir: string;
let model: TfRiskModel;
const probe = data(99, 300).reports;

/** Largest |actual - expected| / max(1, |expected|): absolute near 0, relative for large contributions. */
function worstError(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++)
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!)));
  return worst;
}

/** The folded forward pass against net.predictOnBatch (scores) and autodiff (contributions). */
function expectMatchesReference(m: TfRiskModel, features: Float32Array, n: number): void {
  const raw = features.slice();
  const fast = m.explainFeatures(features, n);
  expect(features.findIndex((v, i) => !Object.is(v, raw[i]))).toBe(-1); // not standardised in place
  const ref = m.referenceFeatures(features, n);
  expect(worstError(fast.scores, ref.scores)).toBeLessThan(1e-5);
  expect(worstError(fast.contributions, ref.contributions)).toBeLessThan(1e-5);
  expect(m.scoreFeatures(features, n)).toEqual(fast.scores);
  // The top-5 lists carry the same scores and the reference contributions.
  const column = new Map<string, number>(FEATURE_NAMES.map((name, j) => [name, j]));
  let worstListed = 0;
  m.predictFeatures(features, n).forEach((p, i) => {
    worstListed = Math.max(worstListed, Math.abs(p.score - fast.scores[i]!));
    for (const c of p.contributions) {
      const expected = ref.contributions[i * FEATURE_COUNT + column.get(c.feature)!]!;
      worstListed = Math.max(
        worstListed,
        Math.abs(c.contribution - expected) / Math.max(1, Math.abs(expected)),
      );
    }
  });
  expect(worstListed).toBeLessThan(1e-5);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'precursor-model-'));
  const train = data(5, 3000);
  ({ model } = await trainModel({
    ...train,
    epochs: 4,
    seed: 3,
    now: () => new Date('2026-11-22T00:00:00Z'),
  }));
  await saveModel(model, dir);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('TfRiskModel', () => {
  it('returns one probability per report, in order, with the top 5 contributions by magnitude', () => {
    const out = model.predictBatch(probe);
    expect(out).toHaveLength(probe.length);
    for (const p of out) {
      expect(p.score).toBeGreaterThanOrEqual(0);
      expect(p.score).toBeLessThanOrEqual(1);
      expect(p.contributions.length).toBeLessThanOrEqual(5);
      const mags = p.contributions.map((c) => Math.abs(c.contribution));
      expect(mags).toEqual([...mags].sort((a, b) => b - a));
      for (const c of p.contributions) expect(FEATURE_NAMES).toContain(c.feature);
    }
    expect(model.predictBatch([])).toEqual([]);
  });

  it('gives the same scores with and without explanations, and per report as in a batch', () => {
    const a = model.predictBatch(probe).map((p) => p.score);
    const b = model.predictBatch(probe, { explain: false }).map((p) => p.score);
    expect(b).toEqual(a);
    const single = probe.slice(0, 20).map((r) => model.predictBatch([r])[0]!.score);
    single.forEach((s, i) => {
      expect(s).toBeCloseTo(a[i]!, 5);
    });
  });

  it('scores and explains like net.predictOnBatch and autodiff gradient x standardised input', () => {
    expectMatchesReference(model, extractBatch(probe), probe.length);
  });

  it('splits batches above the per-call row limit without changing results', () => {
    const one = extractBatch(probe);
    const n = 8192 + 300; // MAX_ROWS_PER_CALL + 300
    const features = new Float32Array(n * FEATURE_COUNT);
    for (let i = 0; i < n; i++)
      features.set(
        one.subarray((i % 300) * FEATURE_COUNT, ((i % 300) + 1) * FEATURE_COUNT),
        i * FEATURE_COUNT,
      );
    const whole = model.explainFeatures(features, n);
    const small = model.explainFeatures(one, 300);
    const expected = (of: Float32Array, width: number) =>
      Float32Array.from(
        { length: n * width },
        (_, k) => of[(Math.floor(k / width) % 300) * width + (k % width)]!,
      );
    expect(worstError(whole.scores, expected(small.scores, 1))).toBeLessThan(1e-6);
    expect(worstError(whole.contributions, expected(small.contributions, FEATURE_COUNT))).toBeLessThan(1e-6);
    expect(model.scoreFeatures(features, n)).toEqual(whole.scores);
    expect(() => model.scoreFeatures(features, n - 1)).toThrow(RangeError);
  });

  it('records version, schema hash and normalisation in the manifest', () => {
    expect(model.version).toMatch(/^m-20261122-[0-9a-f]{8}$/);
    expect(model.manifest.featureSchemaHash).toBe(featureSchemaHash());
    // Raw features, then the piecewise-linear encoding of the continuous ones (model/encoding.ts).
    expect(model.manifest.encoding?.continuous.length).toBeGreaterThan(0);
    expect(model.manifest.normalisation.means).toHaveLength(
      encodedWidth(model.manifest.encoding, FEATURE_NAMES.length),
    );
  });
});

describe('saveModel / loadModel', () => {
  it('round-trips to identical predictions and contributions', async () => {
    const loaded = await loadModel(dir);
    expect(loaded.version).toBe(model.version);
    expect(loaded.predictBatch(probe)).toEqual(model.predictBatch(probe));
    loaded.dispose();
  });

  it('writes the standard model.json + weights.bin layout', async () => {
    const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
  });

  it('rejects a model trained on another feature schema', async () => {
    const other = await mkdtemp(path.join(tmpdir(), 'precursor-model-'));
    try {
      await saveModel(model, other);
      const manifestPath = path.join(other, 'manifest.json');
      const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
      manifest.featureSchemaHash = '0123456789abcdef';
      await writeFile(manifestPath, JSON.stringify(manifest));
      const err = await loadModel(other).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PrecursorRiskError);
      expect((err as PrecursorRiskError).code).toBe('MODEL_INVALID');
      expect((err as Error).message).toMatch(/feature schema 0123456789abcdef/);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('rejects weights that do not match their checksum', async () => {
    const other = await mkdtemp(path.join(tmpdir(), 'precursor-model-'));
    try {
      await saveModel(model, other);
      const weights = await readFile(path.join(other, 'weights.bin'));
      weights[0] = weights[0]! ^ 0xff;
      await writeFile(path.join(other, 'weights.bin'), weights);
      await expect(loadModel(other)).rejects.toThrow(/checksum/);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});

describe('trainModel', () => {
  it('is deterministic for a seed', async () => {
    const train = data(8, 1500);
    const opts = { ...train, epochs: 2, seed: 4, now: () => new Date('2026-11-22T00:00:00Z') };
    const a = await trainModel(opts);
    const b = await trainModel(opts);
    expect(b.model.version).toBe(a.model.version);
    a.model.dispose();
    b.model.dispose();
  }, 120_000);
});

describe('the committed champion', () => {
  it('loads with this build and ranks held-out positives high', async () => {
    const champion = await loadChampion();
    const { reports, labels } = data(4242, 2000);
    const scores = champion.predictBatch(reports, { explain: false }).map((p) => p.score);
    const pos = scores.filter((_, i) => labels[i]!.positive);
    const neg = scores.filter((_, i) => !labels[i]!.positive);
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    expect(mean(pos)).toBeGreaterThan(mean(neg) + 0.3);
    // Its scoring path matches the LayersModel (it has subnormal first-layer weights, flushed at load).
    expectMatchesReference(champion, extractBatch(reports), reports.length);
    // It carries the learned combination of rule hits and its score (issue #15 item 6).
    expect(champion.combination?.method).toBe('logistic');
    expect(champion.combination?.network).toBeGreaterThan(0);
    expect(champion.combination?.evidence).toBeGreaterThan(0);
    champion.dispose();
  });
});
