import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Report, reportSchema } from '../../schemas/report.ts';
import { createRootLogger } from '../common/logger.ts';
import { generateReports } from '../generator/index.ts';
import { removePointer, writePointer } from '../registry/registry.ts';
import { CHAMPION, perturbWeights, scratchRegistry } from '../registry/test-registry.ts';
import { loadLanePolicy } from '../scoring/lane-policy.ts';
import { driftStatus, type LoadedScorer, loadScorer } from './load-scorer.ts';

const logger = createRootLogger('silent');
const reports = generateReports({ count: 1500, seed: 11 }).reports.map((r) => reportSchema.parse(r));
const at = new Date('2026-11-22T00:00:00Z');

describe('loadScorer', () => {
  let dir: string;
  let copy: string;
  const open: LoadedScorer[] = [];
  const load = async (extra: Partial<Parameters<typeof loadScorer>[0]> = {}) => {
    const s = await loadScorer({ logger, modelsDir: dir, ...extra });
    open.push(s);
    return s;
  };
  beforeEach(async () => {
    ({ dir, copy } = await scratchRegistry());
    await perturbWeights(dir, copy, 1.4);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('passes reconciliation counterparts through to the scoring core, and exposes the lane policy', async () => {
    const s = await load({ drift: false });
    const manifest: Report = { ...reports[0]!, documentType: 'MANIFEST' };
    const declaration = structuredClone(manifest);
    declaration.messageId = `${manifest.messageId}-decl`;
    declaration.documentType = 'DECLARATION';
    declaration.consignment.goods[0]!.description = 'Laboratory reagents, assorted';
    declaration.consignment.goods[0]!.hsCode = '382200';
    const counterparts = new Map([
      [manifest.messageId, declaration],
      [declaration.messageId, manifest],
    ]);
    const [m] = s.scoreBatch([manifest, declaration], at, { counterparts });
    expect(m!.ruleHits.map((h) => h.ruleId)).toContain('manifest-declaration-mismatch');
    expect(s.lanePolicy?.thresholds).toEqual(loadLanePolicy().thresholds);
  });

  it('scores with the champion, and with rules only (modelVersion none) when it cannot load', async () => {
    const s = await load();
    expect(s.modelVersion).toBe(CHAMPION);
    expect(s.scoreBatch(reports.slice(0, 5), at).every((d) => d.modelVersion === CHAMPION)).toBe(true);
    await writeFile(path.join(dir, CHAMPION, 'weights.bin'), 'broken');
    const fallback = await load({ drift: false });
    expect(fallback.modelVersion).toBe('none');
    const d = fallback.scoreBatch(reports.slice(0, 5), at);
    expect(d.every((x) => x.modelVersion === 'none' && x.modelScore === 0)).toBe(true);
  });

  it('runs a challenger in shadow without changing any decision', async () => {
    const plain = await load({ drift: false });
    await writePointer(dir, 'challenger', copy);
    const withShadow = await load({ drift: false });
    expect(withShadow.challengerVersion).toBe(copy);
    const a = plain.scoreBatch(reports, at);
    const b = withShadow.scoreBatch(reports, at);
    expect(b).toEqual(a);
    expect(plain.shadowBatch?.(reports, a, at)).toEqual([]);
    const shadow = withShadow.shadowBatch!(reports, b, at);
    expect(shadow).toHaveLength(reports.length);
    shadow.forEach((s, i) => {
      expect(s.messageId).toBe(b[i]!.messageId);
      expect(s.modelVersion).toBe(copy);
      expect(s.championModelVersion).toBe(CHAMPION);
      expect(s.championLane).toBe(b[i]!.lane);
    });
    // A different model: some scores differ (so the shadow is really the challenger's).
    expect(shadow.some((s, i) => Math.abs(s.modelScore - b[i]!.modelScore) > 1e-3)).toBe(true);
  });

  it('swaps champion and stops the challenger when the pointers change', async () => {
    const s = await load({ watch: true, pollMs: 100 });
    await writePointer(dir, 'challenger', copy);
    await s.refreshModels();
    expect(s.challengerVersion).toBe(copy);
    await writePointer(dir, 'champion', copy);
    await removePointer(dir, 'challenger');
    await s.refreshModels();
    expect(s.modelVersion).toBe(copy);
    expect(s.challengerVersion).toBeNull();
    expect(s.scoreBatch(reports.slice(0, 3), at).every((d) => d.modelVersion === copy)).toBe(true);
  });

  it('feeds every scored batch to the drift monitor and exports its gauges', async () => {
    const registry = new Registry();
    const s = await load({ registry, drift: { windowSize: 1000, minReports: 200 } });
    for (let i = 0; i < reports.length; i += 250) s.scoreBatch(reports.slice(i, i + 250), at);
    const snap = s.drift!.snapshot();
    expect(snap.reports).toBe(1000);
    expect(snap.scorePsi).not.toBeNull();
    expect(snap.alert).toBe(false);
    const text = await registry.metrics();
    expect(text).toMatch(/precursor_risk_drift_alert 0/);
    expect(text).toMatch(/precursor_risk_drift_score_psi \d/);
    expect(text).toMatch(/precursor_risk_drift_psi\{feature="/);
    expect(driftStatus()?.status).toMatch(/ok|warning/);
  });
});
