import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Lane } from '../../schemas/decision.ts';
import { createRootLogger } from '../common/logger.ts';
import { createLaneRateMonitor } from './lane-rates.ts';

function capture() {
  const lines: { level: number; msg: string; lane?: string }[] = [];
  const logger = createRootLogger('info', { write: (s: string) => lines.push(JSON.parse(s)) });
  return { logger, lines };
}

const feed = (observe: (l: Lane) => void, n: number, redShare: number, yellowShare: number) => {
  for (let i = 0; i < n; i++) {
    const x = (i % 100) / 100;
    observe(x < redShare ? 'RED' : x < redShare + yellowShare ? 'YELLOW' : 'GREEN');
  }
};

describe('lane rate monitor', () => {
  it('exports observed and expected shares per lane', async () => {
    const registry = new Registry();
    const { logger } = capture();
    const m = createLaneRateMonitor({
      registry,
      logger,
      expected: () => ({ RED: 0.02, YELLOW: 0.08 }),
      window: 1000,
    });
    feed(m.observe, 1000, 0.02, 0.08);
    expect(m.shares().RED).toBeCloseTo(0.02);
    const text = await registry.metrics();
    expect(text).toMatch(/precursor_risk_lane_share\{lane="RED"\} 0\.02/);
    expect(text).toMatch(/precursor_risk_lane_share_expected\{lane="GREEN"\} 0\.9/);
  });

  it('warns once when RED runs far above the policy, and once more when it is back', () => {
    const registry = new Registry();
    const { logger, lines } = capture();
    const m = createLaneRateMonitor({
      registry,
      logger,
      expected: () => ({ RED: 0.02, YELLOW: 0.08 }),
      window: 1000,
    });
    feed(m.observe, 1000, 0.02, 0.08);
    expect(m.alerts()).toEqual([]);
    feed(m.observe, 1000, 0.1, 0.0);
    expect(m.alerts()).toContain('RED');
    feed(m.observe, 3000, 0.1, 0.0);
    expect(lines.filter((l) => l.lane === 'RED' && l.level === 40)).toHaveLength(1);
    feed(m.observe, 1000, 0.02, 0.08);
    expect(m.alerts()).not.toContain('RED');
    expect(lines.filter((l) => l.lane === 'RED' && l.msg.includes('back near'))).toHaveLength(1);
  });

  it('says nothing before half a window and nothing without a policy', () => {
    const registry = new Registry();
    const { logger, lines } = capture();
    const m = createLaneRateMonitor({ registry, logger, expected: () => undefined, window: 1000 });
    feed(m.observe, 2000, 0.5, 0);
    expect(m.alerts()).toEqual([]);
    const early = createLaneRateMonitor({
      registry: new Registry(),
      logger,
      expected: () => ({ RED: 0.02, YELLOW: 0.08 }),
      window: 10_000,
    });
    feed(early.observe, 4000, 0.5, 0);
    expect(early.alerts()).toEqual([]);
    expect(lines).toHaveLength(0);
  });
});
