// Reads: corpus fixtures and DOMAIN.md §2 (legitimate trade is real) and §7 fact 9 (licensed trade).
// Writes: labelled reports that must stay GREEN (near-miss chemicals, general goods, party look-alikes),
// must not go RED (one weak indicator; licensed precursor trade with permits).
// Guarantees: realistic business paperwork on the same corridors as the positives, so corridor alone
// cannot separate the classes.

import {
  buildReport,
  CHEMICAL_CONSIGNEES,
  CHEMICAL_SHIPPERS,
  chemicalLine,
  filedAt,
  GOODS_CONSIGNEES,
  GOODS_SHIPPERS,
  type Mode,
  type PartyInput,
  PERSONS,
  pickParty,
  type Random,
  type ReportSpec,
} from './corpus-fixtures.ts';
import { b2b, type CorpusRecord, GENERAL, goodsLine, TRADE_LANES } from './corpus-trade.ts';
import { licensed, weakSingles } from './corpus-weak-licensed.ts';

/** Benign chemicals whose names resemble the controlled ones ([M] CAS and HS, see knowledge lookalikes). */
const NEAR_MISS: [string, string | null, string, [number, number]][] = [
  ['4-Hydroxypiperidine 98%', '5382-16-1', '293339', [30, 120]],
  ['4-Piperidinol', '5382-16-1', '293339', [30, 120]],
  ['4-Methylpiperidine, 99%', '626-58-4', '293339', [20, 90]],
  ['2-Piperidone (delta-valerolactam)', '675-20-7', '293379', [8, 30]],
  ['Valerolactam', '675-20-7', '293379', [8, 30]],
  ['Piperazine anhydrous flakes', '110-85-0', '293359', [4, 12]],
  ['Aniline hydrochloride', '142-04-1', '292141', [2, 6]],
  ['Aniline oil 99.9%', '62-53-3', '292141', [1, 3]],
  ['N-Phenylpiperazine', '92-54-6', '293359', [25, 80]],
  ['4-Aminopyridine (4-AP), 99%', '504-24-5', '293339', [30, 150]],
  ['4-Aminopyridine', null, '293339', [30, 150]],
  ['4-Aminopiperidine', '13035-19-3', '293339', [60, 250]],
  ['Isonipecotic acid (piperidine-4-carboxylic acid)', '498-94-2', '293339', [40, 150]],
  ['4-Benzylpiperidine', '31252-42-3', '293339', [60, 200]],
  ['Phenethyl alcohol (2-phenylethanol), fragrance grade', '60-12-8', '290629', [4, 15]],
  ['Propionic acid 99.5%', '79-09-4', '291550', [1, 3]],
  ['1-Boc-piperazine', '57260-71-6', '293359', [40, 160]],
  ['4-(Boc-amino)piperidine', '73874-95-0', '293339', [80, 300]],
  ['Pyridine, ACS reagent', '110-86-1', '293331', [3, 10]],
  ['4-Fluoroaniline', '371-40-4', '292142', [10, 40]],
  ['1-Methylpiperazine', '109-01-3', '293359', [8, 30]],
  ['4-Piperidinemethanol', '6457-49-4', '293339', [80, 300]],
  ['Sodium propionate, food grade', '137-40-6', '291550', [2, 5]],
  ['4-Hydroxypiperdine', null, '293339', [30, 120]],
  ['Piperazin (anhydrous)', null, '293359', [4, 12]],
  ['4-Amino pyridine 98%', null, '293339', [30, 150]],
];

export function negativeRecords(rnd: Random): CorpusRecord[] {
  const out: CorpusRecord[] = [];
  let n = 0;
  const id = (cat: string) => `corpus-${cat}-${String(++n).padStart(4, '0')}`;
  const push = (category: string, expected: CorpusRecord['expected'], note: string, spec: ReportSpec) =>
    out.push({ id: spec.id, category, expected, note, report: buildReport(spec, rnd) });

  for (let i = 0; i < 46; i++) {
    const [desc, cas, hs, price] = NEAR_MISS[i % NEAR_MISS.length]!;
    const line = chemicalLine(rnd, desc, rnd.chance(0.3) ? `${hs}00` : hs, {
      cas: cas === null || rnd.chance(0.3) ? [] : [cas],
      usdPerKg: price,
      kg: [25, 2000],
    });
    push(
      'near-miss',
      'GREEN',
      desc,
      b2b(rnd, id('near'), rnd.pick(TRADE_LANES), line, CHEMICAL_SHIPPERS, CHEMICAL_CONSIGNEES),
    );
  }

  for (let i = 0; i < 30; i++) {
    const entry = GENERAL[i % GENERAL.length]!;
    const lane = rnd.pick([...TRADE_LANES, { origin: 'VN', destination: 'US', mode: 'SEA' as Mode }]);
    push(
      'general-goods',
      'GREEN',
      entry[0],
      b2b(rnd, id('gen'), lane, goodsLine(entry, rnd.int(20, 400)), GOODS_SHIPPERS, GOODS_CONSIGNEES),
    );
  }
  // Ordinary e-commerce: a person at home, low value, by post or express, on the CN -> US/CA corridor.
  const parcels = [
    'Phone charger USB-C',
    "Women's summer dress",
    'Fishing lures, assorted',
    'Bluetooth earphones',
    'Silicone baking mats',
    'Phone case with card holder',
    'Yoga mat',
    'Kids rain boots',
    'LED strip lights 5 m',
    'Fentanyl test strips (harm reduction), 10 pcs',
  ];
  for (let i = 0; i < 15; i++) {
    const dest = rnd.pick(['US', 'CA']);
    const spec: ReportSpec = {
      id: id('gen'),
      filedAt: filedAt(rnd),
      mode: rnd.pick(['POST', 'EXPRESS'] as const),
      origin: 'CN',
      destination: dest,
      shipper: pickParty(rnd, GOODS_SHIPPERS, 'CN'),
      consignee: pickParty(rnd, PERSONS, dest),
      lines: [
        {
          description: parcels[i % parcels.length]!,
          hsCode: null,
          quantity: { value: rnd.int(1, 3), unit: 'PCS' },
          packages: { count: 1, type: 'PARCEL' },
          grossWeightKg: rnd.int(1, 15) / 10 + 0.2,
          value: { amount: rnd.int(6, 60), currency: 'USD' },
        },
      ],
      payment: { method: 'CARD', payerIsThirdParty: false },
    };
    push('general-goods', 'GREEN', 'e-commerce parcel', spec);
  }

  // Legitimate firms sharing a word with a listed name.
  const lookalikes: [string, string][] = [
    ['Qilin Furniture GmbH', 'DE'],
    ['Qilin Home Textiles Co., Ltd.', 'CN'],
    ['Morales Trucking LLC', 'US'],
    ['Ramon Electric S.A. de C.V.', 'MX'],
    ['Helios Lighting Co., Ltd.', 'CN'],
    ['Sino Pharm Holdings Ltd', 'HK'],
    ['Wang Electronics Trading Co.', 'CN'],
    ['Zentra Foods GmbH', 'DE'],
    ['Konkan Agro Exports', 'IN'],
    ['Importadora del Pacifico S.A. de C.V.', 'MX'],
    ['Pacific Precision Parts Inc.', 'US'],
    ['Fictional Worlds Books Ltd', 'CA'],
    ['Bright Helio Solar Co., Ltd.', 'CN'],
    ['Los Pinos Importadora S.A.', 'MX'],
    ['Sinotrans Bio Logistics Co.', 'CN'],
  ];
  for (const [name, country] of lookalikes) {
    const p: PartyInput = {
      name,
      address: { street: 'Main Street 1', city: null, postalCode: null, country },
      identifier: 'ID-0001',
      phone: null,
      email: null,
    };
    const entry = rnd.pick(GENERAL);
    const dest = ['US', 'CA', 'MX', 'IN'].includes(country) ? country : rnd.pick(['US', 'CA']);
    const origin = dest === country ? rnd.pick(['CN', 'DE', 'VN'].filter((c) => c !== dest)) : country;
    const spec = b2b(
      rnd,
      id('look'),
      { origin, destination: dest, mode: 'SEA' },
      goodsLine(entry, rnd.int(20, 200)),
      GOODS_SHIPPERS,
      GOODS_CONSIGNEES,
    );
    if (dest === country) spec.consignee = p;
    else spec.shipper = p;
    push('party-lookalike', 'GREEN', name, spec);
  }

  out.push(...weakSingles(rnd, id), ...licensed(rnd, id));
  return out;
}
