import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FEATURE_COUNT, FEATURE_NAMES, featureSchemaHash } from '../scoring/features.ts';
import { createDriftMonitor, driftStatus } from './monitor.ts';
import { binsFor, type DriftReference } from './reference.ts';

// Reference: every feature 0 or 1 with p(1) = 0.2; score uniform on [0, 1).
function reference(): DriftReference {
  const flag = Float32Array.from({ length: 1000 }, (_, i) => (i % 5 === 0 ? 1 : 0));
  const score = Float32Array.from({ length: 1000 }, (_, i) => i / 1000);
  return {
    schema: 1,
    featureSchemaHash: featureSchemaHash(),
    modelVersion: 'm-test',
    createdAt: '2026-01-01T00:00:00Z',
    source: { kind: 'generator', reports: 1000, description: 'test' },
    features: FEATURE_NAMES.map((name) => ({ name, ...binsFor(flag) })),
    score: binsFor(score, [0.25, 0.5, 0.75]),
    topFeatures: FEATURE_NAMES.slice(0, 3),
  };
}

function batch(n: number, share: number, offset = 0) {
  const x = new Float32Array(n * FEATURE_COUNT);
  const scores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const on = (i + offset) % 100 < share * 100 ? 1 : 0;
    for (let j = 0; j < FEATURE_COUNT; j++) x[i * FEATURE_COUNT + j] = on;
    scores[i] = ((i * 37) % 1000) / 1000;
  }
  return { x, scores };
}

describe('DriftMonitor', () => {
  it('stays quiet on the reference mix, alerts on a shift, warns once per transition', () => {
    const warnings: string[] = [];
    const registry = new Registry();
    const m = createDriftMonitor({
      reference: reference(),
      options: { windowSize: 1000, minReports: 200 },
      registry,
      logger: { warn: (_o, msg) => warnings.push(msg) },
    });
    const same = batch(500, 0.2);
    m.observe(same.x, same.scores, 500);
    m.observe(same.x, same.scores, 500);
    expect(m.snapshot()).toMatchObject({ reports: 1000, alert: false, warming: false });
    expect(driftStatus()?.status).toBe('ok');

    const shifted = batch(500, 0.6);
    m.observe(shifted.x, shifted.scores, 500);
    m.observe(shifted.x, shifted.scores, 500);
    const snap = m.snapshot();
    expect(snap.reports).toBe(1000); // the window slid: only shifted rows remain
    expect(snap.alert).toBe(true);
    expect(snap.drifted.length).toBe(FEATURE_COUNT);
    expect(snap.scorePsi).toBeLessThan(0.1);
    m.observe(shifted.x, shifted.scores, 500);
    expect(warnings).toEqual(['drift alert raised: live traffic differs from the model training data']);

    m.observe(same.x, same.scores, 500);
    m.observe(same.x, same.scores, 500);
    expect(m.snapshot().alert).toBe(false);
    expect(warnings).toHaveLength(2);
    m.close();
    expect(driftStatus()).toBeNull();
  });

  it('says nothing while warming up, and exports gauges for the top features only', async () => {
    const registry = new Registry();
    const m = createDriftMonitor({ reference: reference(), options: { minReports: 100 }, registry });
    const b = batch(50, 0.9);
    m.observe(b.x, b.scores, 50);
    expect(m.snapshot().warming).toBe(true);
    expect(m.status()).toBeNull();
    m.observe(b.x, b.scores, 50);
    expect(m.status()?.status).toBe('drift');
    const text = await registry.metrics();
    expect(text.match(/precursor_risk_drift_psi\{/g)).toHaveLength(3);
    expect(text).toMatch(/precursor_risk_drift_alert 1/);
    m.close();
  });

  it('re-bins the window for a new reference and drops the old model scores', () => {
    const m = createDriftMonitor({
      reference: reference(),
      options: { minReports: 10, windowSize: 100 },
      live: false,
    });
    const b = batch(100, 0.2);
    m.observe(b.x, b.scores, 100);
    expect(m.snapshot().scoreReports).toBe(100);
    m.setReference({ ...reference(), modelVersion: 'm-next' });
    expect(m.snapshot()).toMatchObject({
      reports: 100,
      scoreReports: 0,
      scorePsi: null,
      modelVersion: 'm-next',
    });
    expect(m.snapshot().alert).toBe(false);
  });
});

describe('DriftMonitor hysteresis', () => {
  it('keeps an alert while PSI sits between the warning level and the threshold, clears below it', () => {
    const warnings: string[] = [];
    const m = createDriftMonitor({
      reference: reference(),
      options: { windowSize: 1000, minReports: 200 },
      logger: { warn: (_o, msg) => warnings.push(msg) },
    });
    const feed = (share: number) => {
      const b = batch(500, share);
      m.observe(b.x, b.scores, 500);
      m.observe(b.x, b.scores, 500);
      return m.snapshot();
    };
    expect(feed(0.6).alert).toBe(true);
    const between = feed(0.35); // PSI about 0.115 per feature: above 0.1, below 0.2
    expect(between.maxFeature!.psi).toBeGreaterThan(0.1);
    expect(between.maxFeature!.psi).toBeLessThan(0.2);
    expect(between.alert).toBe(true);
    expect(feed(0.2).alert).toBe(false);
    expect(warnings).toEqual([
      'drift alert raised: live traffic differs from the model training data',
      'drift alert cleared',
    ]);
  });
});
