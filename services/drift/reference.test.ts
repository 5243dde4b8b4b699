import { describe, expect, it } from 'vitest';
import { binIndex, binsFor, psi } from './reference.ts';

describe('drift bins and PSI', () => {
  it('puts a value in the first bin whose upper bound holds it, overflow last', () => {
    expect(binIndex([0, 1], -1)).toBe(0);
    expect(binIndex([0, 1], 0)).toBe(0);
    expect(binIndex([0, 1], 0.5)).toBe(1);
    expect(binIndex([0, 1], 1)).toBe(1);
    expect(binIndex([0, 1], 2)).toBe(2);
    expect(binIndex([], 5)).toBe(0);
  });

  it('gives a flag one bin per value and an empty overflow bin', () => {
    const b = binsFor(Float32Array.from([0, 0, 0, 1]));
    expect(b.edges).toEqual([0, 1]);
    expect(b.expected).toEqual([0.75, 0.25, 0]);
  });

  it('keeps a constant feature able to drift', () => {
    const b = binsFor(new Float32Array(100));
    expect(b.edges).toEqual([0]);
    expect(psi(b.expected, [50, 50], 100)).toBeGreaterThan(0.2);
  });

  it('uses quantile bins for continuous values', () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => i / 1000);
    const b = binsFor(values);
    expect(b.edges.length).toBe(9);
    for (const e of b.expected) expect(e).toBeCloseTo(0.1, 2);
  });

  it('is 0 for the same distribution and large for a shifted one', () => {
    const expected = [0.5, 0.3, 0.2];
    expect(psi(expected, [500, 300, 200], 1000)).toBeCloseTo(0, 10);
    expect(psi(expected, [200, 300, 500], 1000)).toBeGreaterThan(0.2);
    expect(psi(expected, [0, 0, 0], 0)).toBe(0);
  });
});
