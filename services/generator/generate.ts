// generateReports: a seeded stream of synthetic consignment reports with ground-truth labels.
// Reads only its options; writes nothing. Guarantees: pure and deterministic (same options give
// byte-identical JSON), every report passes reportSchema, reports are ordered by filedAt.
import type { ReportInput } from '../../schemas/report.ts';
import { declarationFiledMs, renderDeclaration, renderManifest } from './documents.ts';
import type { Ctx } from './draft.ts';
import { partyPool } from './parties.ts';
import { BUILDERS } from './patterns.ts';
import { Rng } from './prng.ts';
import {
  type GeneratedReports,
  type GenerateOptions,
  type Label,
  PATTERNS,
  type PatternName,
} from './types.ts';

export const DEFAULT_START = '2026-01-05T00:00:00Z';
/** Mean gap between consignments on the stream clock. */
const MEAN_GAP_MS = 60_000;

/** Pattern weights after applying `ratios` overrides, in PATTERNS order. */
export function patternWeights(ratios: GenerateOptions['ratios'] = {}): [PatternName, number][] {
  return (Object.keys(PATTERNS) as PatternName[]).map((name) => {
    const w = ratios[name] ?? PATTERNS[name].weight;
    if (!(w >= 0) || !Number.isFinite(w))
      throw new RangeError(`ratio for ${name} must be a finite number >= 0`);
    return [name, w];
  });
}

export function generateReports(options: GenerateOptions): GeneratedReports {
  const { count, seed } = options;
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be an integer >= 0');
  if (!Number.isInteger(seed)) throw new RangeError('seed must be an integer');
  const startMs = Date.parse(options.startDate ?? DEFAULT_START);
  if (Number.isNaN(startMs)) throw new RangeError(`startDate is not a date: ${options.startDate}`);
  const weights = patternWeights(options.ratios);
  if (weights.every(([, w]) => w === 0)) throw new RangeError('at least one pattern needs a weight > 0');

  const rng = new Rng(seed >>> 0);
  const ctx: Ctx = { rng, pool: partyPool(), nowMs: startMs };
  const items: { ms: number; report: ReportInput; label: Label }[] = [];
  const push = (ms: number, report: ReportInput, pattern: PatternName, positive: boolean) => {
    items.push({
      ms,
      report,
      label: {
        messageId: report.messageId,
        consignmentId: report.consignment.consignmentId,
        pattern,
        positive,
      },
    });
  };

  while (items.length < count) {
    ctx.nowMs += Math.round((-Math.log(1 - rng.next()) * MEAN_GAP_MS) / 1000) * 1000;
    const pattern = rng.weighted(weights);
    const draft = BUILDERS[pattern](ctx);
    push(draft.manifestFiledMs, renderManifest(rng, draft, rng.uuid()), pattern, draft.positive);
    if (items.length < count && rng.chance(draft.declarationRate)) {
      const filedMs = declarationFiledMs(rng, draft);
      push(filedMs, renderDeclaration(rng, draft, rng.uuid(), filedMs), pattern, draft.positive);
    }
  }

  // Stable: ties keep generation order.
  const order = items.map((_, i) => i).sort((a, b) => items[a]!.ms - items[b]!.ms || a - b);
  return { reports: order.map((i) => items[i]!.report), labels: order.map((i) => items[i]!.label) };
}
