import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Decision, decisionSchema } from '../../schemas/decision.ts';
import { type Report, type ReportInput, reportSchema } from '../../schemas/report.ts';
import { createScorer } from './decide.ts';
import { createPermitLedger } from './permit-ledger.ts';
import {
  createPermitRegister,
  loadPermitRegister,
  PERMIT_CSV_HEADER,
  type PermitRecord,
  parsePermitCsv,
  permitCsvLine,
} from './permit-register.ts';
import { NullModel } from './risk-model.ts';
import { loadRulesSnapshot } from './rules-store.ts';

const rules = loadRulesSnapshot();
const at = new Date('2026-11-22T10:00:00Z');

// The licensed 4-piperidone declaration of examples/: DE exporter, IN importer, 200 kg, filed 2026-04-11.
const licensed = (): ReportInput => ({
  schemaVersion: 1,
  messageId: 'msg-1',
  documentType: 'DECLARATION',
  source: { system: 'ICEGATE', reportingCountry: 'IN' },
  filedAt: '2026-04-11T06:05:00Z',
  consignment: {
    consignmentId: 'CONS-1',
    mode: 'AIR',
    route: {
      portOfLoading: 'DEFRA',
      portOfDischarge: 'INHYD',
      originCountry: 'DE',
      destinationCountry: 'IN',
    },
    parties: {
      shipper: {
        name: 'Rheinchem Feinchemikalien AG',
        address: { city: 'Frankfurt', country: 'DE' },
        identifier: 'DE298765432',
      },
      consignee: {
        name: 'Deccan Generics Pvt. Ltd.',
        address: { city: 'Hyderabad', country: 'IN' },
        identifier: '36AABCD1234E1Z5',
      },
    },
    goods: [
      {
        lineNumber: 1,
        description: '4-Piperidone hydrochloride monohydrate, GMP grade, for API synthesis',
        hsCode: '29333999',
        casNumbers: ['40064-34-4'],
        quantity: { value: 200, unit: 'KG' },
        grossWeightKg: 224,
      },
    ],
    containers: [],
    payment: { method: 'WIRE', payerIsThirdParty: false },
    permits: [
      { type: 'PEN', reference: 'PEN-DE-2026-004417' },
      { type: 'IMPORT_PERMIT', reference: 'NCB-RCS-IMP-2026-0193' },
    ],
  },
});

const permit = (p: Partial<PermitRecord> = {}): PermitRecord => ({
  reference: 'NCB-RCS-IMP-2026-0193',
  type: 'IMPORT_PERMIT',
  issuingCountry: 'IN',
  holderName: 'Deccan Generics Private Limited',
  holderIdentifier: null,
  // The base CAS: the salt filed on the line is the same substance.
  casNumber: '41661-47-6',
  maxQuantityKg: 500,
  validFrom: '2026-01-01',
  validUntil: '2026-12-31',
  ...p,
});

const pen = (p: Partial<PermitRecord> = {}) =>
  permit({
    reference: 'PEN-DE-2026-004417',
    type: 'PEN',
    issuingCountry: 'DE',
    holderName: 'Rheinchem Feinchemikalien AG',
    holderIdentifier: 'DE 298 765 432',
    ...p,
  });

const parse = (r: ReportInput): Report => reportSchema.parse(r);
const scorerWith = (rows: PermitRecord[] | null) =>
  createScorer({
    rules,
    model: NullModel,
    policy: { randomSelectionRate: 0 },
    permits: rows === null ? null : createPermitRegister(rows),
    ledger: createPermitLedger(),
  });
const hitsOn = (d: Decision, line: number) =>
  d.ruleHits.filter((h) => h.goodsLine === line).map((h) => h.ruleId);
const hit = (d: Decision, id: string) => d.ruleHits.find((h) => h.ruleId === id);

describe('permit checks per goods line', () => {
  it('covers the line when a cited permit passes every check, and records what it draws', () => {
    const d = scorerWith([permit(), pen()]).scoreBatch([parse(licensed())], at)[0]!;
    expect(decisionSchema.parse(d)).toEqual(d);
    expect(hitsOn(d, 1)).toEqual(['controlled-substance-permit']);
    expect(hit(d, 'controlled-substance-permit')!.explanation).toContain(
      'covered by PEN PEN-DE-2026-004417, IMPORT_PERMIT NCB-RCS-IMP-2026-0193 (checked against the permit register)',
    );
    expect(d.lane).toBe('GREEN');
    expect(d.permitUse).toEqual([
      { reference: 'PEN-DE-2026-004417', casNumber: '41661-47-6', quantityKg: 200, goodsLine: 1 },
      { reference: 'NCB-RCS-IMP-2026-0193', casNumber: '41661-47-6', quantityKg: 200, goodsLine: 1 },
    ]);
  });

  it('missing: a controlled line with no permit filed is unpermitted', () => {
    const r = licensed();
    r.consignment.permits = [];
    const d = scorerWith([permit()]).scoreBatch([parse(r)], at)[0]!;
    expect(hitsOn(d, 1)).toContain('controlled-substance-no-permit');
    expect(hit(d, 'controlled-substance-no-permit')!.explanation).toContain(
      'no PEN, import permit or registration was filed',
    );
    expect(d.lane).toBe('RED');
  });

  it('without a register a cited permit is "not verified", never proof', () => {
    const d = scorerWith(null).scoreBatch([parse(licensed())], at)[0]!;
    expect(hitsOn(d, 1)).toEqual(['controlled-substance-permit-unverified']);
    expect(hit(d, 'controlled-substance-permit-unverified')!.explanation).toContain(
      'cites PEN PEN-DE-2026-004417, IMPORT_PERMIT NCB-RCS-IMP-2026-0193, not verified: no permit register is loaded',
    );
    expect(d.permitUse).toBeUndefined();
  });

  it('unknown reference: a made-up number is a finding and leaves the line unpermitted', () => {
    const d = scorerWith([permit({ reference: 'NCB-RCS-IMP-2026-9999' })]).scoreBatch(
      [parse(licensed())],
      at,
    )[0]!;
    expect(hitsOn(d, 1)).toEqual(
      expect.arrayContaining(['permit-unknown-reference', 'controlled-substance-no-permit']),
    );
    expect(hit(d, 'permit-unknown-reference')!.explanation).toBe(
      'Goods line 1: PEN PEN-DE-2026-004417 is not in the permit register; IMPORT_PERMIT NCB-RCS-IMP-2026-0193 is not in the permit register',
    );
    expect(hit(d, 'controlled-substance-no-permit')!.explanation).toContain(
      'none of the cited permits (PEN PEN-DE-2026-004417, IMPORT_PERMIT NCB-RCS-IMP-2026-0193) covers it',
    );
    expect(d.lane).toBe('RED');
  });

  it('expired: a permit not valid on the filing date', () => {
    const rows = [permit({ validFrom: '2025-01-01', validUntil: '2025-12-31' })];
    const d = scorerWith(rows).scoreBatch([parse(licensed())], at)[0]!;
    expect(hitsOn(d, 1)).toEqual(
      expect.arrayContaining(['permit-expired', 'controlled-substance-no-permit']),
    );
    expect(hit(d, 'permit-expired')!.explanation).toContain(
      'NCB-RCS-IMP-2026-0193 is valid 2025-01-01 to 2025-12-31, not on the filing date 2026-04-11',
    );
  });

  it('wrong substance: a permit for ANPP does not cover 4-piperidone', () => {
    const rows = [permit({ casNumber: '21409-26-7' })];
    const d = scorerWith(rows).scoreBatch([parse(licensed())], at)[0]!;
    expect(hitsOn(d, 1)).toEqual(
      expect.arrayContaining(['permit-wrong-substance', 'controlled-substance-no-permit']),
    );
    expect(hit(d, 'permit-wrong-substance')!.explanation).toContain(
      'NCB-RCS-IMP-2026-0193 covers CAS 21409-26-7, not 4-piperidone',
    );
    expect(hitsOn(d, 1)).not.toContain('permit-expired');
  });

  it('wrong holder: an import permit issued to another importer', () => {
    const rows = [permit({ holderName: 'Godavari Pharma Ltd', holderIdentifier: '36AAACG0000A1Z9' })];
    const d = scorerWith(rows).scoreBatch([parse(licensed())], at)[0]!;
    expect(hitsOn(d, 1)).toEqual(
      expect.arrayContaining(['permit-wrong-holder', 'controlled-substance-no-permit']),
    );
    expect(hit(d, 'permit-wrong-holder')!.explanation).toContain(
      'held by Godavari Pharma Ltd (36AAACG0000A1Z9), not the consignee Deccan Generics Pvt. Ltd.',
    );
  });

  it('the holder is recognised by identifier even when the name is written differently', () => {
    const rows = [permit(), pen({ holderName: 'RHEINCHEM FEINCHEMIKALIEN GMBH & CO' })];
    const d = scorerWith(rows).scoreBatch([parse(licensed())], at)[0]!;
    expect(hitsOn(d, 1)).toEqual(['controlled-substance-permit']);
  });

  it('wrong issuing country: an "import permit" issued by the exporting country', () => {
    const rows = [permit({ issuingCountry: 'CN' })];
    const d = scorerWith(rows).scoreBatch([parse(licensed())], at)[0]!;
    expect(hitsOn(d, 1)).toEqual(
      expect.arrayContaining(['permit-wrong-issuing-country', 'controlled-substance-no-permit']),
    );
    expect(hit(d, 'permit-wrong-issuing-country')!.explanation).toContain(
      'NCB-RCS-IMP-2026-0193 (IMPORT_PERMIT) was issued by CN',
    );
  });

  it('a failed check is a finding even when another cited permit covers the line', () => {
    const rows = [permit(), pen({ maxQuantityKg: 150 })];
    const d = scorerWith(rows).scoreBatch([parse(licensed())], at)[0]!;
    expect(hitsOn(d, 1).sort()).toEqual(['controlled-substance-permit', 'permit-quantity-exceeded']);
    expect(hit(d, 'controlled-substance-permit')!.explanation).toContain(
      'covered by IMPORT_PERMIT NCB-RCS-IMP-2026-0193',
    );
    expect(d.lane).toBe('YELLOW');
  });

  it('quantity exceeded across two consignments; a re-delivery does not count twice', () => {
    const scorer = scorerWith([permit({ maxQuantityKg: 300 })]);
    const onlyImportPermit = (r: ReportInput) => {
      r.consignment.permits = [{ type: 'IMPORT_PERMIT', reference: 'NCB-RCS-IMP-2026-0193' }];
      return r;
    };
    const first = parse(onlyImportPermit(licensed()));
    const secondInput = onlyImportPermit(licensed());
    secondInput.messageId = 'msg-2';
    secondInput.consignment.consignmentId = 'CONS-2';
    secondInput.filedAt = '2026-05-02T08:00:00Z';
    const second = parse(secondInput);
    const [a, b] = scorer.scoreBatch([first, second], at);
    expect(hitsOn(a!, 1)).toEqual(['controlled-substance-permit']);
    expect(hitsOn(b!, 1)).toEqual(
      expect.arrayContaining(['permit-quantity-exceeded', 'controlled-substance-no-permit']),
    );
    expect(hit(b!, 'permit-quantity-exceeded')!.explanation).toBe(
      'Goods line 1: NCB-RCS-IMP-2026-0193 allows 300 kg of CAS 41661-47-6; 200 kg already drawn leaves 100 kg against 200 kg declared',
    );
    // The first consignment delivered again, in a later batch: its own draw is not held against it.
    const again = scorer.scoreBatch([first], at)[0]!;
    expect(hitsOn(again, 1)).toEqual(['controlled-substance-permit']);
  });

  it('multi-line declaration: the permit covers line 1 only, the ANPP on line 2 is unpermitted', () => {
    const r = licensed();
    r.consignment.goods.push({
      lineNumber: 2,
      description: '4-Anilino-N-phenethylpiperidine (ANPP)',
      hsCode: '29333990',
      casNumbers: ['21409-26-7'],
      quantity: { value: 5, unit: 'KG' },
      grossWeightKg: 6,
    });
    const d = scorerWith([permit(), pen()]).scoreBatch([parse(r)], at)[0]!;
    expect(hitsOn(d, 1)).toEqual(['controlled-substance-permit']);
    expect(hitsOn(d, 2)).toEqual(
      expect.arrayContaining(['controlled-substance-no-permit', 'permit-wrong-substance']),
    );
    expect(hit(d, 'permit-wrong-substance')!.goodsLine).toBe(2);
    expect(d.lane).toBe('RED');
    expect(d.permitUse?.every((u) => u.goodsLine === 1)).toBe(true);
  });
});

describe('permit register files', () => {
  it('reads the CSV of CONTRACT.md §4, a file or a folder of files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'permits-'));
    writeFileSync(join(dir, 'a.csv'), `${PERMIT_CSV_HEADER}\n${permitCsvLine(permit())}\n`);
    writeFileSync(join(dir, 'b.csv'), `${PERMIT_CSV_HEADER}\n${permitCsvLine(pen())}\n`);
    const reg = loadPermitRegister(dir);
    expect(reg.size).toBe(2);
    expect(reg.lookup(' pen-de-2026-004417 ')[0]!.holderIdentifier).toBe('DE 298 765 432');
    expect(loadPermitRegister(join(dir, 'a.csv')).lookup('PEN-DE-2026-004417')).toEqual([]);
    expect(reg.version).not.toBe(loadPermitRegister(join(dir, 'a.csv')).version);
  });

  it('rejects a bad row with file, line and field, and a header without the columns', () => {
    const bad = `${PERMIT_CSV_HEADER}\n${permitCsvLine(permit())}\nX-1,PEN,DE,Acme,,50-00-0,-5,2026-01-01,2026-12-31\n`;
    expect(() => parsePermitCsv(bad, 'reg.csv')).toThrow(/reg\.csv: line 3: maxQuantityKg:/);
    const badCas = `${PERMIT_CSV_HEADER}\nX-1,PEN,DE,Acme,,50-00-1,5,2026-01-01,2026-12-31\n`;
    expect(() => parsePermitCsv(badCas, 'reg.csv')).toThrow(/line 2: casNumber: not a valid CAS number/);
    expect(() => parsePermitCsv('reference,type\nA,PEN\n', 'reg.csv')).toThrow(
      /header row lacks issuingCountry/,
    );
    const backwards = `${PERMIT_CSV_HEADER}\nX-1,PEN,DE,Acme,,50-00-0,5,2026-12-01,2026-01-31\n`;
    expect(() => parsePermitCsv(backwards, 'reg.csv')).toThrow(/validFrom is after validUntil/);
  });
});
