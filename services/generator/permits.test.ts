import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../schemas/report.ts';
import { createScorer } from '../scoring/decide.ts';
import { loadPermitRegister } from '../scoring/permit-register.ts';
import { NullModel } from '../scoring/risk-model.ts';
import { loadRulesSnapshot } from '../scoring/rules-store.ts';
import { generateReports, PATTERNS, type PatternName } from './index.ts';
import { GENERATED_REGISTER_PATH, generatedPermitRegister, generatedRegisterCsv } from './permits.ts';

const PERMIT_FINDINGS = new Set([
  'permit-unknown-reference',
  'permit-expired',
  'permit-wrong-substance',
  'permit-wrong-holder',
  'permit-wrong-issuing-country',
  'permit-quantity-exceeded',
  'controlled-substance-no-permit',
  'controlled-substance-permit-unverified',
]);

describe('the generated permit register', () => {
  it('is committed up to date (scripts/build-permit-register.ts) with unique references', () => {
    expect(readFileSync(GENERATED_REGISTER_PATH, 'utf8')).toBe(generatedRegisterCsv());
    const refs = generatedPermitRegister().map((r) => r.reference);
    expect(new Set(refs).size).toBe(refs.length);
  });

  it('covers the licensed trade the generator cites, and not the forged numbers smugglers cite', () => {
    const scorer = createScorer({
      rules: loadRulesSnapshot(),
      model: NullModel,
      policy: { randomSelectionRate: 0 },
      permits: loadPermitRegister(new URL('../../models/permits/', import.meta.url).pathname),
    });
    const licensed = generateReports({
      count: 300,
      seed: 7,
      ratios: onlyPattern('licit-controlled-licensed'),
    });
    const decisions = scorer.scoreBatch(
      licensed.reports.map((r) => reportSchema.parse(r)),
      new Date('2026-11-22T00:00:00Z'),
    );
    let covered = 0;
    decisions.forEach((d, i) => {
      if ((licensed.reports[i]!.consignment.permits ?? []).length === 0) return;
      expect(d.ruleHits.filter((h) => PERMIT_FINDINGS.has(h.ruleId))).toEqual([]);
      if (d.permitUse !== undefined) covered++;
    });
    expect(covered).toBeGreaterThan(200);

    const forged = generateReports({ count: 400, seed: 8, ratios: onlyPattern('smuggle-named-no-permit') });
    const withPen = forged.reports.filter((r) => (r.consignment.permits ?? []).length > 0);
    let checked = 0;
    for (const d of scorer.scoreBatch(
      withPen.map((r) => reportSchema.parse(r)),
      new Date('2026-11-22T00:00:00Z'),
    )) {
      // Only lines holding a substance controlled here need a permit (phenethyl bromide is not listed).
      if (!d.substances.some((s) => s.controlled)) continue;
      expect(d.ruleHits.map((h) => h.ruleId)).toContain('permit-unknown-reference');
      expect(d.lane).toBe('RED');
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });
});

function onlyPattern(name: PatternName): Partial<Record<PatternName, number>> {
  return { ...Object.fromEntries(Object.keys(PATTERNS).map((k) => [k, 0])), [name]: 1 };
}
