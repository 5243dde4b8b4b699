// Context before keywords and narcotics beside precursors (issue #15 items 3 and 4): each false flag an
// officer found becomes a test, with a positive control beside it so the fix cannot be "never fire".
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkCas } from '../../schemas/cas.ts';
import type { Decision } from '../../schemas/decision.ts';
import { type ReportInput, reportSchema } from '../../schemas/report.ts';
import { createScorer } from './decide.ts';
import { NARCOTICS } from './narcotics.ts';
import { createPermitRegister } from './permit-register.ts';
import { NullModel } from './risk-model.ts';
import { loadRulesSnapshot } from './rules-store.ts';

// The benign example: a CA importer, goods from DE by sea, no risk signs of its own.
const benign: ReportInput = JSON.parse(
  readFileSync(new URL('../../examples/examples.jsonl', import.meta.url), 'utf8').split('\n')[0]!,
);
const rules = loadRulesSnapshot();
const plain = createScorer({ rules, model: NullModel, policy: { randomSelectionRate: 0 } });

interface Line {
  description: string;
  hsCode?: string | null;
  casNumbers?: string[];
  quantity?: { value: number; unit: 'KG' | 'G' | 'L' | 'ML' | 'PCS' };
  packages?: { count: number; type: string };
  grossWeightKg?: number;
}

function reportWith(line: Line, permits: ReportInput['consignment']['permits'] = []) {
  const r = structuredClone(benign);
  r.consignment.goods = [
    {
      lineNumber: 1,
      hsCode: null,
      casNumbers: [],
      quantity: { value: 1000, unit: 'KG' },
      packages: { count: 40, type: 'BAG' },
      grossWeightKg: 1010,
      ...line,
    },
  ];
  r.consignment.permits = permits;
  return reportSchema.parse(r);
}

const score = (line: Line, scorer = plain, permits: ReportInput['consignment']['permits'] = []) =>
  scorer.scoreBatch([reportWith(line, permits)], new Date('2026-11-22T00:00:00Z'))[0]!;
const ids = (d: Decision) => d.ruleHits.map((h) => h.ruleId);

describe('abbreviations count only in a chemical context', () => {
  it('"spare parts for NPP" under HS 8401 is a nuclear power plant: GREEN', () => {
    for (const description of ['SPARE PARTS FOR NPP REACTOR COOLANT PUMP', 'Spare parts for NPP']) {
      const d = score({
        description,
        hsCode: '840140',
        quantity: { value: 20, unit: 'PCS' },
        packages: { count: 2, type: 'CRATE' },
      });
      expect(ids(d), description).not.toContain('possible-controlled-abbreviation');
      expect(d.substances).toEqual([]);
      expect(d.lane).toBe('GREEN');
    }
  });

  it('NPP with a chemical unit, a chemical word, a CAS number or a chemical HS code still counts', () => {
    for (const line of [
      { description: 'NPP 99%' },
      { description: 'NPP powder' },
      { description: 'NPP', hsCode: '293339' },
      { description: 'NPP', casNumbers: ['39742-60-4'] },
    ]) {
      expect(score(line).lane, line.description).not.toBe('GREEN');
    }
  });
});

describe('consumer words on bulk chemicals', () => {
  it('bulk chemicals "in bags" or "with tools" are not consumer goods under a chemical heading', () => {
    for (const description of ['SODA ASH LIGHT IN 25KG BAGS', 'CAUSTIC SODA FLAKES IN BAGS WITH TOOLS']) {
      const d = score({ description, hsCode: description.startsWith('SODA') ? '283620' : '281511' });
      expect(ids(d), description).not.toContain('hs-description-mismatch');
      expect(d.lane).toBe('GREEN');
    }
  });

  it('consumer goods under a chemical heading are still a mis-description', () => {
    const d = score({
      description: 'Phone cases and handbags',
      hsCode: '293339',
      packages: { count: 40, type: 'CARTON' },
    });
    expect(ids(d)).toContain('hs-description-mismatch');
  });
});

describe('bare CAS', () => {
  it('"METHANOL, 200 KG DRUM CAS#67-56-1" names its chemical', () => {
    const d = score({
      description: 'METHANOL, 200 KG DRUM CAS#67-56-1',
      hsCode: '290511',
      casNumbers: ['67-56-1'],
      packages: { count: 5, type: 'DRUM' },
    });
    expect(ids(d)).not.toContain('bare-cas');
    expect(d.lane).toBe('GREEN');
  });

  it('a description of only a CAS number (and units, packaging, vague words) is still bare', () => {
    for (const description of ['CAS 79099-07-3', 'Chemical CAS NO. 79099-07-3, 1 kg']) {
      expect(ids(score({ description, packages: { count: 1, type: 'DRUM' } })), description).toContain(
        'bare-cas',
      );
    }
  });
});

describe('narcotics beside precursors', () => {
  const authorisation = createPermitRegister([
    {
      reference: 'HC-ODP-2026-00017',
      type: 'IMPORT_PERMIT',
      issuingCountry: 'CA',
      holderName: 'Maplewood Home Furnishings Inc.',
      holderIdentifier: null,
      casNumber: '437-38-7',
      maxQuantityKg: 50,
      validFrom: '2026-01-01',
      validUntil: '2026-12-31',
    },
  ]);
  const withRegister = createScorer({
    rules,
    model: NullModel,
    policy: { randomSelectionRate: 0 },
    permits: authorisation,
  });
  const patches: Line = {
    description: 'FENTANYL TRANSDERMAL PATCHES 25 MCG/H',
    hsCode: '300490',
    quantity: { value: 2, unit: 'KG' },
    packages: { count: 4, type: 'CARTON' },
    grossWeightKg: 3,
  };

  it('licensed fentanyl patches under HS 3004 with a matching import authorisation are GREEN', () => {
    const d = score(patches, withRegister, [{ type: 'IMPORT_PERMIT', reference: 'HC-ODP-2026-00017' }]);
    const consignee = reportWith(patches).consignment.parties.consignee.name;
    expect(consignee).toBe('Maplewood Home Furnishings Inc.');
    expect(ids(d)).toEqual(['narcotic-import-authorised']);
    expect(d.lane).toBe('GREEN');
  });

  it('the same patches with no authorisation go through the narcotic-import rule, not a precursor rule', () => {
    const d = score(patches, withRegister);
    expect(ids(d)).toContain('narcotic-import-no-authorisation');
    expect(ids(d)).not.toContain('controlled-substance-no-permit');
    expect(d.ruleHits.find((h) => h.ruleId === 'narcotic-import-no-authorisation')!.explanation).toContain(
      'fentanyl ("fentanyl") is a narcotic drug (1961 Single Convention, Schedule I): its import needs an import authorisation',
    );
    expect(d.lane).toBe('RED');
  });

  it('pethidine injections are a narcotic import too; fentanyl test strips are not', () => {
    const pethidine = score({
      description: 'Pethidine hydrochloride injection 50 mg/ml',
      hsCode: '300441',
      quantity: { value: 5, unit: 'KG' },
      packages: { count: 1, type: 'CARTON' },
      grossWeightKg: 6,
    });
    expect(ids(pethidine)).toContain('narcotic-import-no-authorisation');
    const strips = score({
      description: 'Fentanyl test strips, 100 per pack',
      hsCode: '382219',
      quantity: { value: 1, unit: 'KG' },
      packages: { count: 1, type: 'CARTON' },
      grossWeightKg: 2,
    });
    expect(ids(strips)).toEqual([]);
  });

  it('HS 2933.33, 2933.34 and 2934.92 with no name are explained as narcotic headings, not precursor headings', () => {
    for (const hsCode of ['293333', '293334', '293492']) {
      const d = score({
        description: 'Pharmaceutical intermediate',
        hsCode,
        packages: { count: 4, type: 'DRUM' },
      });
      expect(ids(d), hsCode).toContain('narcotic-hs-unexplained');
      expect(ids(d), hsCode).not.toContain('precursor-hs-unexplained');
      const text = d.ruleHits.find((h) => h.ruleId === 'narcotic-hs-unexplained')!.explanation;
      expect(text).toContain('heading of finished opioids');
      expect(text).toContain('1961 Single Convention');
      expect(text).not.toMatch(/precursor heading/);
    }
    // The precursor headings keep their precursor rule.
    expect(
      ids(
        score({
          description: 'Pharmaceutical intermediate',
          hsCode: '293336',
          packages: { count: 4, type: 'DRUM' },
        }),
      ),
    ).toContain('precursor-hs-unexplained');
  });

  it('every narcotic CAS number passes its check digit', () => {
    for (const n of NARCOTICS) for (const c of n.cas) expect(checkCas(c).valid, `${n.name} ${c}`).toBe(true);
  });
});
