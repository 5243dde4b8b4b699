// Permit findings reach the officer and the partner: on their goods line in the case view, and in the
// case document that sharing packages (each assessment rule hit becomes a STIX note with its line).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../schemas/report.ts';
import { createScorer } from '../scoring/decide.ts';
import { createPermitRegister } from '../scoring/permit-register.ts';
import { NullModel } from '../scoring/risk-model.ts';
import { loadRulesSnapshot } from '../scoring/rules-store.ts';
import { caseDocument, type JsonObject } from '../sharing/case-fields.ts';
import { goodsLines } from './case-view.ts';

const licensed = JSON.parse(
  readFileSync(new URL('../../examples/examples.jsonl', import.meta.url), 'utf8').split('\n')[1]!,
);
licensed.consignment.goods.push({
  lineNumber: 2,
  description: '4-Anilino-N-phenethylpiperidine (ANPP)',
  hsCode: '29333990',
  casNumbers: ['21409-26-7'],
  quantity: { value: 5, unit: 'KG' },
});
const report = reportSchema.parse(licensed);
const scorer = createScorer({
  rules: loadRulesSnapshot(),
  model: NullModel,
  policy: { randomSelectionRate: 0 },
  permits: createPermitRegister([
    {
      reference: 'NCB-RCS-IMP-2026-0193',
      type: 'IMPORT_PERMIT',
      issuingCountry: 'IN',
      holderName: 'Deccan Generics Pvt. Ltd.',
      holderIdentifier: null,
      casNumber: '41661-47-6',
      maxQuantityKg: 1000,
      validFrom: '2026-01-01',
      validUntil: '2026-12-31',
    },
  ]),
});
const decision = scorer.scoreBatch([report], new Date('2026-11-22T00:00:00Z'))[0]!;

describe('permit findings in the case view and the shared case', () => {
  it('shows each permit finding on the goods line it concerns', () => {
    const lines = goodsLines(licensed, decision);
    const ids = (n: number) => lines.find((l) => l.lineNumber === n)!.ruleHits.map((h) => h.ruleId);
    expect(ids(1)).toEqual(
      expect.arrayContaining(['controlled-substance-permit', 'permit-unknown-reference']),
    );
    expect(ids(2)).toEqual(
      expect.arrayContaining([
        'controlled-substance-no-permit',
        'permit-wrong-substance',
        'permit-unknown-reference',
      ]),
    );
    expect(ids(1)).not.toContain('permit-wrong-substance');
  });

  it('keeps them, with their line, in the case document that is shared', () => {
    const hits = (caseDocument(report, decision).assessment as JsonObject).ruleHits as JsonObject[];
    const wrong = hits.find((h) => h.ruleId === 'permit-wrong-substance')!;
    expect(wrong.goodsLine).toBe(2);
    expect(wrong.explanation).toContain('NCB-RCS-IMP-2026-0193 covers CAS 41661-47-6, not ANPP');
    expect(hits.find((h) => h.ruleId === 'permit-unknown-reference')?.explanation).toContain(
      'PEN PEN-DE-2026-004417 is not in the permit register',
    );
  });
});
