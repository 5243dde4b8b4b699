import { describe, expect, it } from 'vitest';
import { Rng } from '../generator/prng.ts';
import {
  DEFAULT_INSPECTION,
  effectiveSampleSize,
  estimatePropensity,
  ipwWeights,
  simulateInspection,
} from './propensity.ts';

describe('inverse-propensity weights', () => {
  it('estimates propensity per stratum and flags strata without labels', () => {
    const m = estimatePropensity(
      new Map([
        ['GREEN', 9000],
        ['YELLOW', 800],
        ['RED', 200],
        ['X', 10],
      ]),
      new Map([
        ['GREEN', 90],
        ['YELLOW', 400],
        ['RED', 200],
      ]),
    );
    const by = Object.fromEntries(m.strata.map((s) => [s.stratum, s]));
    expect(by.GREEN!.propensity).toBeCloseTo(0.01);
    expect(by.RED!.rawWeight).toBe(1);
    expect(by.X!.rawWeight).toBeNull();
    expect(m.unrepresented).toBe(10);
    const w = ipwWeights(['GREEN', 'RED', 'YELLOW'], m);
    expect((w[0]! + w[1]! + w[2]!) / 3).toBeCloseTo(1);
    expect(w[0]! / w[1]!).toBeCloseTo(100);
  });

  it('clips extreme weights', () => {
    const m = estimatePropensity(new Map([['A', 1_000_000]]), new Map([['A', 1]]), 50);
    const w = ipwWeights(['A'], m);
    expect(w[0]).toBeCloseTo(1);
    expect(m.strata[0]!.rawWeight).toBe(1_000_000);
  });

  it('recovers the population positive rate from lane-selected labels', () => {
    // Population: positives concentrate in RED; officers label RED always, YELLOW half, GREEN 5 % (QC).
    const rng = new Rng(7);
    const rates = { GREEN: 0.005, YELLOW: 0.05, RED: 0.4 } as const;
    const inspect = { GREEN: 0.05, YELLOW: 0.5, RED: 1 } as const;
    const decisions = new Map<string, number>();
    const labelledCounts = new Map<string, number>();
    const labelled: { stratum: string; positive: boolean }[] = [];
    let popPositives = 0;
    const n = 300_000;
    for (let i = 0; i < n; i++) {
      const stratum = rng.weighted<keyof typeof rates>([
        ['GREEN', 0.9],
        ['YELLOW', 0.08],
        ['RED', 0.02],
      ]);
      const positive = rng.chance(rates[stratum]);
      if (positive) popPositives++;
      decisions.set(stratum, (decisions.get(stratum) ?? 0) + 1);
      if (rng.chance(inspect[stratum])) {
        labelledCounts.set(stratum, (labelledCounts.get(stratum) ?? 0) + 1);
        labelled.push({ stratum, positive });
      }
    }
    const naive = labelled.filter((l) => l.positive).length / labelled.length;
    const w = ipwWeights(
      labelled.map((l) => l.stratum),
      estimatePropensity(decisions, labelledCounts),
    );
    let wp = 0;
    let ws = 0;
    labelled.forEach((l, i) => {
      ws += w[i]!;
      if (l.positive) wp += w[i]!;
    });
    const popRate = popPositives / n;
    expect(Math.abs(naive - popRate) / popRate).toBeGreaterThan(1); // the labelled set is badly biased
    expect(Math.abs(wp / ws - popRate) / popRate).toBeLessThan(0.15);
    expect(effectiveSampleSize(w)).toBeLessThan(labelled.length);
  });

  it('simulates inspection deterministically per messageId', () => {
    const ds = Array.from({ length: 2000 }, (_, i) => ({
      messageId: `m-${i}`,
      riskLane: (i % 3 === 0 ? 'RED' : i % 3 === 1 ? 'YELLOW' : 'GREEN') as 'RED' | 'YELLOW' | 'GREEN',
      randomSelection: i % 50 === 2,
    }));
    const a = simulateInspection(ds);
    expect(simulateInspection(ds)).toEqual(a);
    const share = (f: (d: (typeof ds)[number]) => boolean) => {
      const idx = ds.map((d, i) => (f(d) ? i : -1)).filter((i) => i >= 0);
      return idx.filter((i) => a[i]).length / idx.length;
    };
    expect(share((d) => d.riskLane === 'RED')).toBeGreaterThan(0.9);
    expect(share((d) => d.riskLane === 'GREEN' && !d.randomSelection)).toBe(DEFAULT_INSPECTION.GREEN);
    expect(share((d) => d.riskLane === 'GREEN' && d.randomSelection)).toBeGreaterThan(0.7);
  });
});
