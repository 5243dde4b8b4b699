import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Report, reportSchema } from '../../schemas/report.ts';
import { generateReports } from '../generator/index.ts';
import {
  extractBatch,
  extractFeatures,
  FEATURE_COUNT,
  FEATURE_NAMES,
  FEATURE_SCHEMA,
  featureSchemaHash,
} from './features.ts';

const reports: Report[] = generateReports({ count: 400, seed: 17 }).reports.map((r) => reportSchema.parse(r));
const value = (row: Float32Array, name: string) =>
  row[FEATURE_NAMES.indexOf(name as (typeof FEATURE_NAMES)[number])]!;

// biome-ignore lint/suspicious/noExplicitAny: tests poke at raw JSON.
type Raw = Record<string, any>;

function example(patch: (r: Raw) => void): Report {
  const raw = structuredClone(generateReports({ count: 1, seed: 3 }).reports[0]!) as Raw;
  patch(raw);
  return reportSchema.parse(raw);
}

describe('feature schema', () => {
  it('has unique, documented names', () => {
    expect(new Set(FEATURE_NAMES).size).toBe(FEATURE_COUNT);
    for (const f of FEATURE_SCHEMA) expect(f.description.length).toBeGreaterThan(10);
  });

  it('has a stable hash (update this pin, and retrain, when features change)', () => {
    expect(featureSchemaHash()).toMatch(/^[0-9a-f]{16}$/);
    expect(featureSchemaHash()).toBe('ebb782bc7471c3cf');
  });

  it('varies on generated traffic: no feature is constant, which would teach the model nothing', () => {
    const { reports } = generateReports({ count: 5000, seed: 17 });
    const x = extractBatch(reports.map((r) => reportSchema.parse(r)));
    const constant = FEATURE_NAMES.filter((_, j) => {
      for (let i = 1; i < reports.length; i++) if (x[i * FEATURE_COUNT + j] !== x[j]) return false;
      return true;
    });
    expect(constant).toEqual([]);
  });

  it('is documented in docs/features.md, one row per feature', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../docs/features.md', import.meta.url), 'utf8');
    for (const name of FEATURE_NAMES) expect(doc, name).toContain(`\`${name}\``);
  });
});

describe('extractFeatures', () => {
  it('gives d finite values per report, batch rows equal single extraction', () => {
    const batch = extractBatch(reports);
    expect(batch.length).toBe(reports.length * FEATURE_COUNT);
    reports.forEach((r, i) => {
      const row = extractFeatures(r);
      expect(row.length).toBe(FEATURE_COUNT);
      expect(Array.from(row)).toEqual(Array.from(batch.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT)));
      for (const v of row) expect(Number.isFinite(v) && v >= 0 && v <= 1).toBe(true);
    });
  });

  it('is deterministic', () => {
    expect(Array.from(extractBatch(reports))).toEqual(Array.from(extractBatch(reports)));
  });

  it('reads the signals it documents', () => {
    const r = example((raw) => {
      const c = raw.consignment;
      c.mode = 'EXPRESS';
      c.masterId = 'MAWB123';
      c.route = {
        portOfLoading: 'CNCAN',
        portOfDischarge: 'MXMEX',
        transshipmentPorts: ['KRPUS', 'KRICN'],
        originCountry: 'CN',
        destinationCountry: 'MX',
      };
      c.goods = [
        {
          lineNumber: 1,
          description: 'Daily necessities',
          hsCode: '29333990',
          casNumbers: ['79099-07-4'],
          quantity: { value: 5, unit: 'KG' },
          grossWeightKg: 5.6,
          declaredValue: { amount: 18, currency: 'USD' },
        },
        {
          lineNumber: 2,
          description: 'tert-butyl 4-oxopiperidine-1-carboxylate CAS 79099-07-3',
          hsCode: null,
        },
      ];
      c.payment = { method: 'CRYPTO', payerIsThirdParty: true };
      c.permits = [];
      c.parties.consignee = {
        name: 'Juan Carlos Ramirez',
        address: { street: 'Calle Girasol 12 Int. 4', city: 'Culiacan', country: 'MX' },
        phone: '+86 135 0000 0000',
      };
    });
    const row = extractFeatures(r);
    for (const name of [
      'mode_express',
      'corridor_cn_hk_to_mx',
      'origin_cn_hk_in',
      'transshipment_risk_hub',
      'sea_air_hint',
      'hs_ch29',
      'hs_2933',
      'hs_293339',
      'hs_missing',
      'vague_description',
      'vague_under_chemical_hs',
      'fentanyl_core_word',
      'analogue_word',
      'cas_in_text',
      'cas_listed',
      'cas_invalid',
      'pay_crypto',
      'third_party_payer',
      'no_permits',
      'consignee_no_identifier',
      'consignee_person_name',
      'consignee_residential',
      'consignee_phone_mismatch',
      'house_bill',
      'low_value_parcel',
    ]) {
      expect(value(row, name), name).toBe(1);
    }
    expect(value(row, 'pay_wire')).toBe(0);
    expect(value(row, 'to_order_consignee')).toBe(0);
    expect(value(row, 'transshipment_count')).toBeCloseTo(2 / 3);
  });

  it('tells a registered company, to-order and a bare CAS apart', () => {
    const company = extractFeatures(
      example((raw) => {
        raw.consignment.parties.consignee = {
          name: 'Maplewood Home Furnishings Inc.',
          address: { street: '400 Rue Saint-Paul', country: 'CA' },
          identifier: '123456789RM0001',
          phone: '+1 514 555 0100',
        };
      }),
    );
    expect(value(company, 'consignee_person_name')).toBe(0);
    expect(value(company, 'consignee_phone_mismatch')).toBe(0);
    expect(value(company, 'consignee_no_identifier')).toBe(0);
    const toOrder = extractFeatures(
      example((raw) => {
        raw.consignment.parties.consignee = { name: 'TO ORDER', address: null };
      }),
    );
    expect(value(toOrder, 'to_order_consignee')).toBe(1);
    expect(value(toOrder, 'consignee_no_address')).toBe(1);
    const bareCas = extractFeatures(
      example((raw) => {
        raw.consignment.goods = [{ lineNumber: 1, description: 'CAS 125541-22-2', hsCode: '382499' }];
      }),
    );
    expect(value(bareCas, 'cas_without_name')).toBe(1);
    expect(value(bareCas, 'cas_invalid')).toBe(0);
  });
});

describe('description text features', () => {
  const withLines = (descriptions: string[]) =>
    extractFeatures(
      example((raw) => {
        raw.consignment.goods = descriptions.map((description, i) => ({
          lineNumber: i + 1,
          description,
          hsCode: '382499',
        }));
      }),
    );
  const TEXT = [
    'fentanyl_core_word',
    'analogue_word',
    'salt_word',
    'chemical_word',
    'consolidated_wording',
    'cas_in_text',
    'pill_press_word',
  ];
  const DESCRIPTIONS = [
    'tablet',
    'press',
    'N-Phenethyl-4-piperidone HCl',
    'Boc-4-piperidone',
    'said to contain',
    'CAS 125541-22-2',
    '40064-34-',
    '4',
    'Daily necessities',
    'punch and dies',
    '5 %',
    'methyl ester',
  ];

  it('are those of the lines joined by " | ": nothing matches across two lines (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...DESCRIPTIONS), { minLength: 1, maxLength: 3 }), (ds) => {
        const joined = withLines(ds);
        const single = ds.map((d) => withLines([d]));
        for (const f of TEXT) expect(value(joined, f)).toBe(Math.max(...single.map((row) => value(row, f))));
      }),
      { numRuns: 200 },
    );
    expect(value(withLines(['tablet', 'press']), 'pill_press_word')).toBe(0);
    expect(value(withLines(['tablet press']), 'pill_press_word')).toBe(1);
  });
});
