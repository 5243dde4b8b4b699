// Reads: corpus fixtures and trade helpers. Writes: reports that may go YELLOW but must never go RED: one
// weak indicator on clean trade, and licensed precursor trade with PEN, permits or registration.
// Guarantees: DOMAIN.md §7 fact 9 (licit Table I trade carries paperwork) is represented on real lanes.
import {
  buildReport,
  CHEMICAL_CONSIGNEES,
  CHEMICAL_SHIPPERS,
  chemicalLine,
  GOODS_CONSIGNEES,
  GOODS_SHIPPERS,
  type LineInput,
  type Mode,
  pickParty,
  type Random,
  type ReportSpec,
} from './corpus-fixtures.ts';
import { b2b, type CorpusRecord, GENERAL, goodsLine } from './corpus-trade.ts';

/** One weak indicator each on otherwise clean trade: may go YELLOW, must not go RED. */
export function weakSingles(rnd: Random, id: (c: string) => string): CorpusRecord[] {
  type Tweak = [string, (s: ReportSpec) => void];
  const tweaks: Tweak[] = [
    [
      'vague description',
      (s) => (s.lines[0]!.description = rnd.pick(['Spare parts', 'General merchandise', 'Samples'])),
    ],
    [
      'corridor only',
      (s) =>
        Object.assign(s, {
          origin: 'CN',
          destination: 'US',
          mode: 'AIR',
          shipper: pickParty(rnd, GOODS_SHIPPERS, 'CN'),
          consignee: pickParty(rnd, GOODS_CONSIGNEES, 'US'),
        }),
    ],
    ['transshipment', (s) => (s.transship = ['SGSIN'])],
    ['cash payment', (s) => (s.payment = { method: 'CASH', payerIsThirdParty: false })],
    ['third-party payer', (s) => (s.payment = { method: 'WIRE', payerIsThirdParty: true })],
    ['contact mismatch', (s) => (s.consignee = { ...s.consignee, phone: '+86 21 0000 0000' })],
    [
      'to order',
      (s) => (s.consignee = { ...s.consignee, name: 'To order of the shipper', identifier: null }),
    ],
    [
      'consolidated house bill',
      (s) =>
        Object.assign(
          s,
          { masterId: `M${rnd.int(100000, 999999)}` },
          { lines: [{ ...s.lines[0]!, description: 'Consolidated cargo' }] },
        ),
    ],
    [
      'weight per package',
      (s) => Object.assign(s.lines[0]!, { packages: { count: 1, type: 'CARTON' }, grossWeightKg: 260 }),
    ],
    [
      'residual HS, no chemical named',
      (s) => Object.assign(s.lines[0]!, { description: 'Pharmaceutical intermediate', hsCode: '293339' }),
    ],
    ['delivery elsewhere', (s) => (s.placeOfDelivery = 'USLRD')],
    [
      'bare CAS of a benign chemical',
      (s) => Object.assign(s.lines[0]!, { description: 'CAS 110-85-0', hsCode: '293359' }),
    ],
  ];
  return Array.from({ length: 36 }, (_, i) => {
    const [note, tweak] = tweaks[i % tweaks.length]!;
    const lane = rnd.pick([
      { origin: 'DE', destination: 'CA', mode: 'SEA' as Mode },
      { origin: 'VN', destination: 'US', mode: 'SEA' as Mode },
      { origin: 'IN', destination: 'US', mode: 'SEA' as Mode },
    ]);
    const spec = b2b(
      rnd,
      id('weak'),
      lane,
      goodsLine(rnd.pick(GENERAL), rnd.int(20, 300)),
      GOODS_SHIPPERS,
      GOODS_CONSIGNEES,
    );
    spec.shipper = pickParty(rnd, GOODS_SHIPPERS, spec.origin);
    tweak(spec);
    if (spec.placeOfDelivery === 'USLRD' && spec.destination === 'US') spec.placeOfDelivery = 'CAMTR';
    return {
      id: spec.id,
      category: 'weak-single',
      expected: 'NOT_RED' as const,
      note,
      report: buildReport(spec, rnd),
    };
  });
}

/** DOMAIN.md §7 fact 9: controlled precursors with PEN, permits or registration between known firms. */
export function licensed(rnd: Random, id: (c: string) => string): CorpusRecord[] {
  const trades: [
    string,
    string | null,
    string,
    string,
    string,
    Mode,
    { type: string; reference: string }[],
  ][] = [
    [
      '4-Piperidone hydrochloride monohydrate, GMP grade',
      '40064-34-4',
      '29333999',
      'DE',
      'IN',
      'AIR',
      [
        { type: 'PEN', reference: 'PEN-DE-2026-0044' },
        { type: 'IMPORT_PERMIT', reference: 'NCB-RCS-IMP-2026-0193' },
      ],
    ],
    [
      '1-Boc-4-piperidone',
      '79099-07-3',
      '29333999',
      'CH',
      'IN',
      'AIR',
      [
        { type: 'PEN', reference: 'PEN-CH-2026-0102' },
        { type: 'IMPORT_PERMIT', reference: 'NCB-RCS-IMP-2026-0311' },
      ],
    ],
    [
      '1-Phenethyl-4-piperidone (NPP), API starting material',
      '39742-60-4',
      '2933370000',
      'IN',
      'US',
      'AIR',
      [
        { type: 'PEN', reference: 'PEN-IN-2026-0871' },
        { type: 'REGISTRATION', reference: 'DEA-RG-0000001' },
      ],
    ],
    [
      '4-Anilino-N-phenethylpiperidine (ANPP) for fentanyl citrate API manufacture',
      '21409-26-7',
      '2933360000',
      'CH',
      'US',
      'AIR',
      [
        { type: 'REGISTRATION', reference: 'DEA-RG-0000002' },
        { type: 'PEN', reference: 'PEN-CH-2026-0210' },
      ],
    ],
    [
      'Norfentanyl reference standard, 100 mg',
      '1609-66-1',
      '293339',
      'US',
      'CA',
      'AIR',
      [
        { type: 'IMPORT_PERMIT', reference: 'HC-PCR-2026-00123' },
        { type: 'EXPORT_PERMIT', reference: 'DEA-EXP-2026-0042' },
      ],
    ],
    [
      '4-Anilinopiperidine',
      '23056-29-3',
      '293339',
      'DE',
      'CA',
      'AIR',
      [
        { type: 'IMPORT_PERMIT', reference: 'HC-PCR-2026-00456' },
        { type: 'PEN', reference: 'PEN-DE-2026-0301' },
      ],
    ],
    [
      'Propionyl chloride 99%',
      '79-03-8',
      '291590',
      'DE',
      'CA',
      'SEA',
      [{ type: 'IMPORT_PERMIT', reference: 'HC-PCR-2026-00789' }],
    ],
    [
      'Piperidine 99%',
      '110-89-4',
      '293332',
      'BE',
      'US',
      'SEA',
      [{ type: 'REGISTRATION', reference: 'DEA-RG-0000003' }],
    ],
    [
      '4-Piperidone monohydrate hydrochloride',
      '40064-34-4',
      '293339',
      'BE',
      'MX',
      'SEA',
      [
        { type: 'PEN', reference: 'PEN-BE-2026-0077' },
        { type: 'IMPORT_PERMIT', reference: 'COFEPRIS-2026-1234' },
      ],
    ],
    [
      'tert-Butyl 4-(phenylamino)piperidine-1-carboxylate',
      '125541-22-2',
      '293339',
      'CN',
      'US',
      'AIR',
      [
        { type: 'REGISTRATION', reference: 'DEA-RG-0000004' },
        { type: 'PEN', reference: 'PEN-CN-2026-1190' },
      ],
    ],
  ];
  return Array.from({ length: 25 }, (_, i) => {
    const [desc, cas, hs, origin, destination, mode, permits] = trades[i % trades.length]!;
    const small = desc.includes('mg');
    const line: LineInput = small
      ? {
          description: desc,
          hsCode: hs,
          casNumbers: cas === null ? [] : [cas],
          quantity: { value: 0.1, unit: 'G' },
          packages: { count: 1, type: 'BOX' },
          grossWeightKg: 0.4,
          value: { amount: 450, currency: 'USD' },
        }
      : chemicalLine(rnd, desc, hs, {
          cas: cas === null ? [] : [cas],
          kg: [25, 400],
          usdPerKg: hs.startsWith('2915') || hs.startsWith('293332') ? [3, 9] : [60, 600],
        });
    const spec = b2b(
      rnd,
      id('lic'),
      { origin, destination, mode },
      line,
      CHEMICAL_SHIPPERS,
      CHEMICAL_CONSIGNEES,
    );
    spec.documentType = 'DECLARATION';
    spec.permits = permits;
    return {
      id: spec.id,
      category: 'licensed-trade',
      expected: 'NOT_RED' as const,
      note: desc,
      report: buildReport(spec, rnd),
    };
  });
}
