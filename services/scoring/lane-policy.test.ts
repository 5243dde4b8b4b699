import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../schemas/report.ts';
import { generateReports } from '../generator/index.ts';
import { createScorer } from './decide.ts';
import {
  calibrate,
  DEFAULT_LANE_POLICY_PATH,
  laneShares,
  loadLanePolicy,
  parseLanePolicy,
  thresholdForShare,
  writeLanePolicy,
} from './lane-policy.ts';
import { loadRulesSnapshot } from './rules-store.ts';

const shipped = readFileSync(DEFAULT_LANE_POLICY_PATH, 'utf8');
const bounds = { yellow: [0.3, 0.45] as [number, number], red: [0.6, 0.8] as [number, number] };

function tmpPolicy(text = shipped): string {
  const dir = mkdtempSync(join(tmpdir(), 'pr-lanes-'));
  const path = join(dir, 'lanes.yaml');
  writeFileSync(path, text);
  return path;
}

describe('lane policy file', () => {
  it('the shipped policy parses, with its thresholds inside its guard rails', () => {
    const p = loadLanePolicy();
    expect(p.thresholds.yellow).toBeGreaterThanOrEqual(p.bounds.yellow[0]);
    expect(p.thresholds.red).toBeLessThanOrEqual(p.bounds.red[1]);
    expect(p.expectedRates.RED + p.expectedRates.YELLOW).toBeLessThan(1);
  });

  // The calibrated thresholds are the two-space-indented `yellow:`/`red:` lines with a plain number.
  it.each([
    [/^ {2}red: [\d.]+$/m, '  red: 0.01', 'thresholds.red: 0.01 is outside bounds.red [0.05, 1]'],
    [/^ {2}yellow: [\d.]+$/m, '  yellow: 0.7', 'thresholds.yellow: 0.7 is outside bounds.yellow'],
    [/^ {4}red: 0\.75$/m, '    red: 0.95', 'rules-only thresholds above the guard rails'],
    [/RED: 0\.02/, 'RED: 0.95', 'expectedRates: RED + YELLOW exceeds 1'],
    [/randomSelectionRate: 0\.01/, 'randomSelectionRate: 2', 'randomSelectionRate'],
    [/version: 1/, 'version: 2', 'version'],
  ])('rejects %s -> %s with a message naming the field', (from, to, message) => {
    expect(shipped).toMatch(from);
    expect(() => parseLanePolicy(shipped.replace(from, to), 'lanes.yaml')).toThrow(message);
  });

  it('writes rates, thresholds and the calibration record, keeping the comments', () => {
    const path = tmpPolicy();
    const written = writeLanePolicy(path, {
      expectedRates: { RED: 0.03, YELLOW: 0.1 },
      randomSelectionRate: 0.02,
      thresholds: { yellow: 0.35, red: 0.7 },
      calibration: {
        at: '2026-11-22T00:00:00.000Z',
        source: 'test',
        reports: 10,
        modelVersion: 'm',
        rulesVersion: 'r',
        predictedRates: { GREEN: 0.87, YELLOW: 0.1, RED: 0.03 },
      },
    });
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('# Guard rails no score or calibration crosses');
    expect(loadLanePolicy(path)).toEqual(written);
    expect(written.thresholds).toEqual({ yellow: 0.35, red: 0.7 });
    expect(written.calibration?.source).toBe('test');
  });

  it('refuses to write thresholds outside the guard rails and leaves the file as it was', () => {
    const path = tmpPolicy();
    expect(() =>
      writeLanePolicy(path, {
        expectedRates: { RED: 0.02, YELLOW: 0.08 },
        randomSelectionRate: 0.01,
        thresholds: { yellow: 0.0001, red: 0.75 },
        calibration: null,
      }),
    ).toThrow('outside bounds.yellow');
    expect(readFileSync(path, 'utf8')).toBe(shipped);
  });
});

describe('calibration', () => {
  it('picks the lowest threshold whose share stays within the target', () => {
    const sorted = Float64Array.from([0.9, 0.9, 0.8, 0.5, 0.5, 0.5, 0.2, 0.1, 0, 0]);
    expect(thresholdForShare(sorted, 0.2)).toBe(0.9);
    expect(thresholdForShare(sorted, 0.3)).toBe(0.8);
    expect(thresholdForShare(sorted, 0.5)).toBe(0.8); // 0.5 would take 60 %
    expect(thresholdForShare(sorted, 0.1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('never exceeds the target shares unless a guard rail says so (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 50, maxLength: 400 }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        (scores, red, yellow) => {
          const c = calibrate(scores, {
            expectedRates: { RED: red, YELLOW: yellow },
            bounds,
            randomSelectionRate: 0,
          });
          expect(c.thresholds.yellow).toBeGreaterThanOrEqual(bounds.yellow[0]);
          expect(c.thresholds.red).toBeLessThanOrEqual(bounds.red[1]);
          expect(c.thresholds.yellow).toBeLessThanOrEqual(c.thresholds.red);
          if (c.bound.red === null) expect(c.predicted.RED).toBeLessThanOrEqual(red + 1e-12);
          if (c.bound.red === null && c.bound.yellow === null)
            expect(c.predicted.RED + c.predicted.YELLOW).toBeLessThanOrEqual(red + yellow + 1e-12);
        },
      ),
    );
  });

  it('says which rail decided when the rate cannot be met', () => {
    // Half the traffic scores 0.85: a 2 % RED rate would need a threshold above the rail's 0.8.
    const scores = [...Array(50).fill(0.85), ...Array(50).fill(0)];
    const c = calibrate(scores, {
      expectedRates: { RED: 0.02, YELLOW: 0.05 },
      bounds,
      randomSelectionRate: 0,
    });
    expect(c.thresholds.red).toBe(0.8);
    expect(c.bound.red).toBe('high');
    expect(c.predicted.RED).toBe(0.5);
  });

  it("counts the guard rails' lanes at any threshold, and calibrates the scores around them", () => {
    // Ten reports held RED by a strong indicator, twenty YELLOW by a medium one, scores spread below.
    const scores = Array.from({ length: 1000 }, (_, i) => i / 1000);
    const floors = scores.map((_, i) => (i < 10 ? 2 : i < 30 ? 1 : 0));
    const wide = { yellow: [0, 1] as [number, number], red: [0, 1] as [number, number] };
    const c = calibrate(
      scores,
      { expectedRates: { RED: 0.02, YELLOW: 0.08 }, bounds: wide, randomSelectionRate: 0 },
      floors,
    );
    expect(c.predicted.RED).toBeCloseTo(0.02);
    expect(c.predicted.YELLOW).toBeCloseTo(0.08);
    // Without the floors the same thresholds would send fewer to RED: the rails count in the share.
    expect(laneShares(scores, c.thresholds, 0).RED).toBeLessThan(0.02);
    expect(laneShares(scores, { yellow: 1, red: 1 }, 0, floors)).toEqual({
      RED: 0.01,
      YELLOW: 0.02,
      GREEN: 0.97,
    });
  });

  it('counts random selection toward YELLOW', () => {
    const shares = laneShares([0, 0, 0, 0, 0.5, 0.9], { yellow: 0.4, red: 0.75 }, 0.25);
    expect(shares.RED).toBeCloseTo(1 / 6);
    expect(shares.YELLOW).toBeCloseTo((1 + 4 * 0.25) / 6);
    expect(shares.GREEN + shares.YELLOW + shares.RED).toBeCloseTo(1);
  });
});

describe('lanes follow the policy file', () => {
  const reports = generateReports({ count: 600, seed: 5 }).reports.map((r) => reportSchema.parse(r));

  it('a calibrated file changes the lanes and the rulesVersion, not the riskScores', () => {
    const path = tmpPolicy();
    const before = loadRulesSnapshot(undefined, undefined, path);
    const tighter = shipped.replace('yellow: 0.4\n', 'yellow: 0.45\n').replace('red: 0.75', 'red: 0.8');
    writeFileSync(path, tighter);
    const after = loadRulesSnapshot(undefined, undefined, path);
    expect(after.version).not.toBe(before.version);
    const at = new Date('2026-11-22T00:00:00Z');
    const a = createScorer({ rules: before }).scoreBatch(reports, at);
    const b = createScorer({ rules: after }).scoreBatch(reports, at);
    expect(b.map((d) => d.riskScore)).toEqual(a.map((d) => d.riskScore));
    const red = (ds: typeof a) => ds.filter((d) => d.lane === 'RED').length;
    expect(red(b)).toBeLessThanOrEqual(red(a));
    const changed = a.filter((d, i) => d.lane !== b[i]!.lane);
    expect(changed.length).toBeGreaterThan(0);
    for (const d of changed) expect(d.riskScore).toBeGreaterThanOrEqual(0.4);
    expect(b.every((d) => d.rulesVersion === after.version)).toBe(true);
  });

  it('the calibration record alone does not change rulesVersion', () => {
    const path = tmpPolicy();
    const before = loadRulesSnapshot(undefined, undefined, path).version;
    writeFileSync(
      path,
      shipped.replace(
        'calibration: null',
        'calibration:\n  at: x\n  source: y\n  reports: 1\n  modelVersion: m\n  rulesVersion: r\n  predictedRates: { GREEN: 1, YELLOW: 0, RED: 0 }',
      ),
    );
    expect(loadRulesSnapshot(undefined, undefined, path).version).toBe(before);
  });

  it('the shipped policy is what the default rules snapshot reads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pr-lanes-'));
    copyFileSync(DEFAULT_LANE_POLICY_PATH, join(dir, 'lanes.yaml'));
    expect(loadRulesSnapshot(undefined, undefined, join(dir, 'lanes.yaml')).version).toBe(
      loadRulesSnapshot().version,
    );
    expect(loadRulesSnapshot().lanes).toEqual(loadLanePolicy());
  });
});
