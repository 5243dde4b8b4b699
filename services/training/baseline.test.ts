import { describe, expect, it } from 'vitest';
import { prAuc } from '../scoring/model/metrics.ts';
import { runGbmBaseline } from './baseline.ts';

describe('gradient-boosted baseline (LightGBM in a venv under .local/)', () => {
  it('learns an interaction from the training rows and scores the test rows in order', async () => {
    // Label = (f0 AND f1) OR f2 > 0.8: trees find it; the scores of the test rows must rank it.
    const d = 4;
    const rows = (n: number, offset: number) => {
      const x = new Float32Array(n * d);
      const y = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const k = i + offset;
        const f = [k % 2, (k >> 1) % 2, ((k * 7919) % 1000) / 1000, ((k * 104_729) % 997) / 997];
        x.set(f, i * d);
        y[i] = (f[0] === 1 && f[1] === 1) || f[2]! > 0.8 ? 1 : 0;
      }
      return { x, y };
    };
    const train = rows(3000, 0);
    const test = rows(1000, 50_000);
    const validation = Uint8Array.from({ length: 3000 }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const r = await runGbmBaseline({
      trainX: train.x,
      trainY: train.y,
      validation,
      testX: test.x,
      features: d,
      seed: 1,
    });
    expect(r.scores).toHaveLength(1000);
    expect(r.trainRows).toBe(2400);
    expect(r.validationRows).toBe(600);
    expect(r.library).toMatch(/^lightgbm 4\./);
    expect(prAuc(r.scores, test.y)).toBeGreaterThan(0.95);
  }, 600_000);

  it('refuses matrices that do not match their row counts', async () => {
    await expect(
      runGbmBaseline({
        trainX: new Float32Array(10),
        trainY: [1, 0],
        validation: [0, 1],
        testX: new Float32Array(4),
        features: 4,
        seed: 1,
      }),
    ).rejects.toThrow(RangeError);
  });
});
