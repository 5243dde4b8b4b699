// Observed share of reports per lane against the lane policy's expected rates. Reads the lanes of scored
// decisions and the expected rates in force. Writes two gauges per lane and a warning (once, then once on
// recovery) when the observed RED or flagged share leaves the tolerated band: officers are staffed for the
// expected rates, so a drifting share means overloaded examinations or a blind spot.
// Guarantees: O(1) per decision, fixed memory (a ring of the last `window` lanes).
import { Gauge, type Registry } from 'prom-client';
import type { Lane } from '../../schemas/decision.ts';
import type { Logger } from '../common/logger.ts';

export interface ExpectedRates {
  RED: number;
  YELLOW: number;
}

export interface LaneRateOptions {
  registry: Registry;
  logger: Logger;
  /** The rates in force now (they change when the lane policy file is reloaded). */
  expected: () => ExpectedRates | undefined;
  /** Decisions the observed shares are computed over. Default 10,000. */
  window?: number;
  /** Warn when observed / expected leaves [1 / factor, factor]. Default 2. */
  factor?: number;
}

const CODE: Record<Lane, number> = { GREEN: 0, YELLOW: 1, RED: 2 };
const LANE_NAMES: readonly Lane[] = ['GREEN', 'YELLOW', 'RED'];

export interface LaneRateMonitor {
  observe(lane: Lane): void;
  /** Observed shares over the window (NaN before any decision). */
  shares(): Record<Lane, number>;
  /** Lanes now out of their band ('RED', 'FLAGGED'). */
  alerts(): string[];
}

export function createLaneRateMonitor(opts: LaneRateOptions): LaneRateMonitor {
  const window = opts.window ?? 10_000;
  const factor = opts.factor ?? 2;
  const log = opts.logger.child({ component: 'lane-rates' });
  const ring = new Uint8Array(window);
  const counts = [0, 0, 0];
  let next = 0;
  let filled = 0;
  let sinceCheck = 0;
  const alerting = new Set<string>();

  const observed = new Gauge({
    name: 'precursor_risk_lane_share',
    help: 'share of the last decisions (window) in each lane',
    labelNames: ['lane'] as const,
    registers: [opts.registry],
  });
  const expectedGauge = new Gauge({
    name: 'precursor_risk_lane_share_expected',
    help: 'expected share per lane in the lane policy (YELLOW includes random selection)',
    labelNames: ['lane'] as const,
    registers: [opts.registry],
  });

  const shares = (): Record<Lane, number> => {
    const n = filled;
    return { GREEN: counts[0]! / n, YELLOW: counts[1]! / n, RED: counts[2]! / n };
  };

  // Checked every few hundred decisions, and only on a window at least half full: a handful of
  // decisions says nothing about a rate of 2 %.
  function check(): void {
    const s = shares();
    for (const lane of LANE_NAMES) observed.set({ lane }, s[lane]);
    const exp = opts.expected();
    if (exp === undefined) return;
    expectedGauge.set({ lane: 'RED' }, exp.RED);
    expectedGauge.set({ lane: 'YELLOW' }, exp.YELLOW);
    expectedGauge.set({ lane: 'GREEN' }, 1 - exp.RED - exp.YELLOW);
    if (filled < window / 2) return;
    const pairs: [string, number, number][] = [
      ['RED', s.RED, exp.RED],
      ['FLAGGED', s.RED + s.YELLOW, exp.RED + exp.YELLOW],
    ];
    for (const [what, seen, want] of pairs) {
      if (want <= 0) continue;
      const ratio = seen / want;
      // Hysteresis: alert outside [1/f, f], clear only back inside [1/sqrt f, sqrt f].
      const out = ratio > factor || ratio < 1 / factor;
      const back = ratio <= Math.sqrt(factor) && ratio >= 1 / Math.sqrt(factor);
      if (out && !alerting.has(what)) {
        alerting.add(what);
        log.warn(
          { lane: what, observed: round(seen), expected: want, decisions: filled },
          'lane share far from the lane policy: recalibrate (precursor-risk calibrate) or check the traffic',
        );
      } else if (back && alerting.has(what)) {
        alerting.delete(what);
        log.info(
          { lane: what, observed: round(seen), expected: want },
          'lane share back near the lane policy',
        );
      }
    }
  }

  return {
    observe(lane) {
      const code = CODE[lane];
      if (filled === window) counts[ring[next]!]!--;
      else filled++;
      ring[next] = code;
      counts[code]!++;
      next = (next + 1) % window;
      if (++sinceCheck >= 250) {
        sinceCheck = 0;
        check();
      }
    },
    shares,
    alerts: () => [...alerting],
  };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
