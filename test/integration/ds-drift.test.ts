// Drift on the live path: an undrifted feed keeps precursor_risk_drift_alert at 0; a feed whose pattern mix
// (and so modes, values, parties) has shifted raises it, with one warn log at the transition.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRootLogger } from '../../services/common/logger.ts';
import { driftStatus } from '../../services/runtime/load-scorer.ts';
import {
  createTestDatabase,
  createTestTopics,
  type TestDatabase,
  type TestTopics,
  waitFor,
} from '../support/env.ts';
import { publish } from '../support/processes.ts';
import {
  gaugeValue,
  generatedMessages,
  type RunningTestPipeline,
  startTestPipeline,
  storedDecisions,
} from './ds-support.ts';

describe('drift alert on live traffic (real Kafka and ClickHouse)', () => {
  let db: TestDatabase;
  let topics: TestTopics;
  let running: RunningTestPipeline;
  const logs: { level: number; msg: string }[] = [];
  const undrifted = generatedMessages({ count: 2500, seed: 31, shuffle: true });
  const drifted = generatedMessages({
    count: 2500,
    seed: 32,
    shuffle: true,
    ratios: { 'licit-consumer-parcel': 0.6, 'licit-general-cargo': 0.15, 'licit-chemical-trade': 0.05 },
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    topics = await createTestTopics(1);
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
        done();
      },
    });
    running = await startTestPipeline({
      db,
      topics,
      scorer: { logger: createRootLogger('warn', sink), drift: { windowSize: 2000, minReports: 500 } },
    });
  });

  afterAll(async () => {
    await running?.stop();
    await db?.drop();
  });

  const driftWarnings = () => logs.filter((l) => l.level === 40 && /drift alert/.test(l.msg));

  it('stays quiet on traffic like the training data', async () => {
    await publish(topics.topic, undrifted);
    await waitFor(
      'undrifted feed stored',
      () => storedDecisions(db),
      (d) => d.length >= undrifted.length,
      120_000,
    );
    expect(await gaugeValue(running.metrics, 'precursor_risk_drift_alert')).toBe(0);
    expect(await gaugeValue(running.metrics, 'precursor_risk_drift_score_psi')).toBeLessThan(0.1);
    expect(running.scorer.drift?.snapshot().drifted).toEqual([]);
    expect(driftStatus()?.status).toMatch(/ok|warning/);
    expect(driftWarnings()).toEqual([]);
  });

  it('raises the alert when the traffic mix shifts, and warns once', async () => {
    await publish(topics.topic, drifted);
    const total = undrifted.length + drifted.length;
    await waitFor(
      'drifted feed stored',
      () => storedDecisions(db),
      (d) => d.length >= total,
      120_000,
    );
    expect(await gaugeValue(running.metrics, 'precursor_risk_drift_alert')).toBe(1);
    const snap = running.scorer.drift!.snapshot();
    expect(snap.alert).toBe(true);
    expect(snap.drifted.length).toBeGreaterThan(0);
    expect(driftStatus()?.status).toBe('drift');
    expect(driftWarnings()).toHaveLength(1);
    const text = await running.metrics.registry.metrics();
    expect(text).toMatch(/precursor_risk_drift_psi\{feature="[a-z_0-9]+"\} /);
  });
});
