import { describe, expect, it } from 'vitest';
import { Rng } from '../generator/prng.ts';
import { calibrationBins, histogram, laneSummary, prCurve, recallAtCapacity } from './evaluation.ts';

describe('evaluation measures', () => {
  it('recall at capacity counts the top share of reports', () => {
    const scores = [0.9, 0.8, 0.7, 0.1, 0.05, 0.04, 0.03, 0.02, 0.01, 0];
    const labels = [true, false, true, false, false, false, false, false, false, true];
    expect(recallAtCapacity(scores, labels, 0.1)).toBeCloseTo(1 / 3);
    expect(recallAtCapacity(scores, labels, 0.3)).toBeCloseTo(2 / 3);
    expect(recallAtCapacity(scores, labels, 1)).toBeCloseTo(1);
  });

  it('splits a tie group at the capacity line pro rata, whatever the input order', () => {
    const scores = [0.5, 0.5, 0.5, 0.5, 0];
    const labels = [true, false, false, false, false];
    expect(recallAtCapacity(scores, labels, 0.4)).toBeCloseTo(0.5);
    expect(recallAtCapacity([...scores].reverse(), [...labels].reverse(), 0.4)).toBeCloseTo(0.5);
  });

  it('restricts recall to a mask of positives', () => {
    const scores = [0.9, 0.8, 0.1, 0.05];
    const labels = [true, false, true, false];
    expect(recallAtCapacity(scores, labels, 0.25, [false, false, true, false])).toBe(0);
    expect(Number.isNaN(recallAtCapacity(scores, labels, 0.25, [false, false, false, false]))).toBe(true);
  });

  it('calibration bins of a calibrated score show equal predicted and observed rates', () => {
    const rng = new Rng(3);
    const scores: number[] = [];
    const labels: boolean[] = [];
    for (let i = 0; i < 20_000; i++) {
      const p = rng.next();
      scores.push(p);
      labels.push(rng.next() < p);
    }
    const { bins, ece } = calibrationBins(scores, labels);
    expect(bins).toHaveLength(10);
    expect(ece).toBeLessThan(0.02);
  });

  it('PR curve ends at recall 1; histogram shares sum to 1; lanes summarise', () => {
    const pts = prCurve([0.9, 0.2, 0.8, 0.1], [true, false, true, false]);
    expect(pts[pts.length - 1]!.recall).toBe(1);
    expect(pts[0]).toEqual({ recall: 0.5, precision: 1 });
    expect(histogram([0, 0.5, 1, 0.99], 4).reduce((s, v) => s + v, 0)).toBeCloseTo(1);
    const l = laneSummary(['RED', 'GREEN', 'YELLOW', 'GREEN'], [true, true, false, false]);
    expect(l).toMatchObject({ flagRate: 0.5, redRate: 0.25, recall: 0.5, redRecall: 0.5, precision: 0.5 });
  });
});
