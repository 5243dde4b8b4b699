// Reads: corpus fixtures and trade helpers. Writes: positive reports whose evidence is not a chemical name:
// misdeclared HS codes, watchlist spelling variants, multi-indicator parcels, pill presses (DOMAIN.md §3).
// Guarantees: each pattern follows a DOMAIN.md §3 indicator, with parties and routes drawn independently.
import {
  buildReport,
  chemicalLine,
  FORWARDERS,
  filedAt,
  GOODS_CONSIGNEES,
  GOODS_SHIPPERS,
  type LineInput,
  type PartyInput,
  PERSONS,
  pickParty,
  type Random,
  type ReportSpec,
} from './corpus-fixtures.ts';
import { CHEMICAL_ROUTES, type CorpusRecord, chemicalSpec, type Route } from './corpus-trade.ts';

function smallParcel(rnd: Random, description: string, hsCode: string | null): LineInput {
  const kg = rnd.int(1, 20);
  return {
    description,
    hsCode,
    quantity: { value: kg, unit: 'KG' },
    packages: { count: 1, type: 'BOX' },
    grossWeightKg: kg + 0.5,
    value: { amount: rnd.int(10, 80), currency: 'USD' },
  };
}

/** DOMAIN.md §3 #2: precursor HS with consumer wording, or a chemical under a non-chemical heading. */
export function misdeclaredHs(rnd: Random, id: (c: string) => string): CorpusRecord[] {
  const out: CorpusRecord[] = [];
  const consumer = [
    'Plastic cups and mats',
    'Door stops',
    'Phone accessories',
    'Kitchen utensils',
    'Gift',
    'Cosmetics samples',
    'Fans, door stops, cups, mats',
    'Daily necessities',
    'Household decorations',
    'LED lights',
  ];
  const cases: [string, string][] = [
    ['293337', 'NPP heading'],
    ['293336', 'ANPP heading'],
    ['2933370000', 'NPP heading, national code'],
    ['293339', 'residual heading with consumer goods'],
    ['293334', 'other fentanyls heading'],
  ];
  for (let i = 0; i < 20; i++) {
    const [hs, note] = cases[i % cases.length]!;
    const route = rnd.pick(CHEMICAL_ROUTES.filter((r) => r.mode !== 'SEA'));
    const spec = chemicalSpec(rnd, id('hs'), smallParcel(rnd, rnd.pick(consumer), hs), route);
    spec.consignee = rnd.chance(0.5) ? pickParty(rnd, GOODS_CONSIGNEES, route.destination) : spec.consignee;
    out.push({
      id: spec.id,
      category: 'misdeclared-hs',
      expected: 'FLAG',
      note,
      report: buildReport(spec, rnd),
    });
  }
  for (const [desc, hs] of [
    ['4-Piperidone hydrochloride', '392690'],
    ['NPP', '960390'],
    ['1-Boc-4-piperidone', '330499'],
    ['Industrial chemical', '293337'],
    ['Fine chemical', '2933360000'],
  ] as const) {
    const spec = chemicalSpec(rnd, id('hs'), chemicalLine(rnd, desc, hs, { kg: [1, 30] }));
    out.push({
      id: spec.id,
      category: 'misdeclared-hs',
      expected: 'FLAG',
      note: 'HS does not fit the chemical',
      report: buildReport(spec, rnd),
    });
  }
  return out;
}

/** DOMAIN.md §6-7: names and aliases of drug-program entries in the sample list, as filers spell them. */
export function watchlistVariants(rnd: Random, id: (c: string) => string): CorpusRecord[] {
  const variants: [string, string][] = [
    ['Qilin Fictive Chemical Technology Co., Ltd', 'CN'],
    ['QILIN FICTIVE CHEM. TECH. CO LTD', 'CN'],
    ['Qilin Fictiv Chemical Technology Company Limited', 'CN'],
    ['Quilin Fictive Chemical Tech Co.', 'CN'],
    ['Hubei Qilin Fictive New Materials Co., Ltd.', 'CN'],
    ['Ramon Fictio Morales Synthetico', 'MX'],
    ['Ramón Morales Sintético', 'MX'],
    ['El Ficticio', 'MX'],
    ['Los Ficticios Importadora, S.A. de C.V.', 'MX'],
    ['Importadora Ficticios S. de R.L. de C.V.', 'MX'],
    ['Zentra Ficta Pharma Private Limited', 'IN'],
    ['ZentraFicta Labs Pvt Ltd', 'IN'],
    ['Zentra-Ficta Pharmaceuticals Pvt. Ltd.', 'IN'],
    ['Sinofict Biopharm Trading (H.K.) Ltd.', 'HK'],
    ['Sino Fict Bio-Pharm Co.', 'HK'],
    ['SINOFICT BIO PHARMA CO., LIMITED', 'HK'],
    ['Precursora Ficticia del Pacífico', 'MX'],
    ['PREFIPAC', 'MX'],
    ['Wang Fictus', 'CN'],
    ['ООО "Фиктив Химия"', 'RU'],
    ['Heliofict New Material Co., Ltd.', 'CN'],
    ['Helio Fict Chemical Co.', 'CN'],
    ['Shanghai Heliofict Bio-tech Co., Ltd.', 'CN'],
    ['Konkan Fictive Laboratories Pvt Ltd', 'IN'],
    ['KFL Fictive Chem', 'IN'],
  ];
  return variants.map(([name, country], i) => {
    const party: PartyInput = {
      name,
      address: { street: null, city: null, postalCode: null, country },
      identifier: null,
      phone: null,
      email: null,
    };
    const buyerSide = country === 'MX';
    const destination = buyerSide ? 'MX' : rnd.pick(['US', 'CA', 'MX']);
    const origin = buyerSide ? rnd.pick(['CN', 'IN', 'DE']) : country === 'RU' ? 'DE' : country;
    const goods = i % 2 === 0;
    const line = goods
      ? {
          description: rnd.pick(['Polyester yarn', 'Ceramic floor tiles', 'Stainless steel kitchen sinks']),
          hsCode: '690721',
          quantity: { value: 800, unit: 'KG' as const },
          packages: { count: 20, type: 'CARTON' },
          grossWeightKg: 820,
          value: { amount: 2400, currency: 'USD' },
        }
      : chemicalLine(rnd, rnd.pick(['Pyridine 99.5%', 'Propionic acid', 'Piperazine anhydrous']), '293359', {
          usdPerKg: [2, 20],
        });
    const spec: ReportSpec = {
      id: id('wl'),
      filedAt: filedAt(rnd),
      mode: rnd.pick(['SEA', 'AIR'] as const),
      origin,
      destination,
      shipper: buyerSide ? pickParty(rnd, GOODS_SHIPPERS, origin) : party,
      consignee: buyerSide ? party : pickParty(rnd, GOODS_CONSIGNEES, destination),
      lines: [line],
    };
    if (rnd.chance(0.2)) {
      spec.notify = party;
      spec.shipper = pickParty(rnd, GOODS_SHIPPERS, 'CN');
      spec.origin = 'CN';
    }
    return {
      id: spec.id,
      category: 'watchlist-variant',
      expected: 'FLAG',
      note: `party "${name}"`,
      report: buildReport(spec, rnd),
    };
  });
}

/** DOMAIN.md §7 fact 5 and §3: no chemical named, three or more independent indicators together. */
export function multiIndicator(rnd: Random, id: (c: string) => string): CorpusRecord[] {
  const out: CorpusRecord[] = [];
  const descriptions = [
    'Daily necessities',
    'Gift',
    'Accessories',
    'Parts',
    'Samples',
    'Household items',
    'General merchandise',
    'Chemicals',
    'Raw material',
  ];
  const indicators = [
    'corridor',
    'person-home',
    'payment',
    'third-party',
    'contact',
    'to-order',
    'forwarder',
    'house-consolidated',
    'envelope-weight',
  ] as const;
  for (let i = 0; i < 30; i++) {
    const chosen = new Set(rnd.sample(indicators, rnd.int(3, 4)));
    const corridor = chosen.has('corridor');
    const destination = rnd.pick(['US', 'CA', 'MX']);
    const route: Route = corridor
      ? rnd.pick(
          CHEMICAL_ROUTES.filter(
            (r) => r.origin !== 'DE' && r.reportingCountry === undefined && r.mode !== 'SEA',
          ),
        )
      : { origin: rnd.pick(['DE', 'VN']), destination, mode: rnd.pick(['EXPRESS', 'AIR'] as const) };
    const origin = route.origin;
    const kg = rnd.int(1, 15);
    const line: LineInput = {
      description: rnd.pick(descriptions),
      hsCode: rnd.chance(0.5) ? null : rnd.pick(['392410', '420292', '950300']),
      quantity: { value: kg, unit: 'KG' },
      packages: chosen.has('envelope-weight') ? { count: 1, type: 'ENVELOPE' } : { count: 1, type: 'BOX' },
      grossWeightKg: chosen.has('envelope-weight') ? Math.max(kg, 3) + 0.4 : kg + 0.6,
      value: { amount: rnd.int(5, 60), currency: 'USD' },
    };
    const home = pickParty(rnd, PERSONS, route.destination);
    let consignee: PartyInput = chosen.has('person-home')
      ? home
      : pickParty(rnd, GOODS_CONSIGNEES, route.destination);
    if (chosen.has('to-order')) consignee = { ...consignee, name: 'TO ORDER', identifier: null };
    if (chosen.has('forwarder')) consignee = pickParty(rnd, FORWARDERS, route.destination);
    if (chosen.has('contact')) {
      const phones: [string, string][] = [
        ['CN', '+86 138 0000 0000'],
        ['MX', '+52 33 0000 0000'],
        ['IN', '+91 98 0000 0000'],
        ['GB', '+44 7700 000000'],
      ];
      consignee = { ...consignee, phone: rnd.pick(phones.filter(([c]) => c !== route.destination))[1] };
    }
    const spec: ReportSpec = {
      id: id('multi'),
      filedAt: filedAt(rnd),
      mode: route.mode,
      origin,
      destination: route.destination,
      transship: rnd.chance(0.3) ? ['HKHKG'] : [],
      masterId: chosen.has('house-consolidated') ? `M${rnd.int(100000, 999999)}` : null,
      shipper: pickParty(rnd, GOODS_SHIPPERS, origin),
      consignee,
      lines: chosen.has('house-consolidated')
        ? [
            {
              ...line,
              description: rnd.pick(['Consolidated cargo', 'FAK', 'SLC - said to contain general cargo']),
            },
          ]
        : [line],
      payment: {
        method: chosen.has('payment') ? rnd.pick(['CASH', 'CRYPTO', 'P2P']) : 'CARD',
        payerIsThirdParty: chosen.has('third-party'),
      },
    };
    out.push({
      id: spec.id,
      category: 'multi-indicator',
      expected: 'FLAG',
      note: [...chosen].join('+'),
      report: buildReport(spec, rnd),
    });
  }
  return out;
}

/** DOMAIN.md §2 Equipment and §3 #14: presses, dies, encapsulators, alone or with powders. */
export function equipment(rnd: Random, id: (c: string) => string): CorpusRecord[] {
  const machines = [
    'TDP-5 tablet press machine',
    'Rotary tablet press ZP-9',
    'Punch and die set for tablet press',
    'Semi-automatic capsule filling machine',
    'Die mold with custom logo',
    'Single punch pill press',
  ];
  const powders = [
    'White powder',
    'Microcrystalline cellulose powder',
    'Chemical raw material',
    'Binder powder for tablets',
  ];
  return Array.from({ length: 10 }, (_, i) => {
    const route = rnd.pick(CHEMICAL_ROUTES.filter((r) => r.origin === 'CN' || r.origin === 'HK'));
    const lines: LineInput[] = [
      {
        description: rnd.pick(machines),
        hsCode: '847930',
        quantity: { value: 1, unit: 'PCS' },
        packages: { count: 1, type: 'CRATE' },
        grossWeightKg: rnd.int(40, 400),
        value: { amount: rnd.int(800, 6000), currency: 'USD' },
      },
    ];
    if (i % 2 === 0)
      lines.push(
        chemicalLine(rnd, rnd.pick(powders), rnd.pick(['391231', null]), { kg: [5, 50], usdPerKg: [2, 10] }),
      );
    const spec = chemicalSpec(rnd, id('equip'), lines[0]!, route);
    spec.lines = lines;
    return {
      id: spec.id,
      category: 'equipment',
      expected: 'FLAG' as const,
      note: lines.length > 1 ? 'press with powder' : 'press alone',
      report: buildReport(spec, rnd),
    };
  });
}
