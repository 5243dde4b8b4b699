// Synthetic decided cases for the review app's benchmark, tests and demo: a report, the decision the
// scorer could have made on it, and the `decisions_raw` row the pipeline's own mapping makes of them.
// Writes nothing itself. Guarantees: deterministic for a seed; reports are valid under CONTRACT.md §1.
import type { Decision, Lane, RuleHit, SubstanceMatch } from '../../schemas/decision.ts';
import { type Report, type ReportInput, reportSchema } from '../../schemas/report.ts';
import { type CaseRows, caseRows } from '../storage/decision-rows.ts';

export interface SyntheticCase {
  report: ReportInput;
  decision: Decision;
}

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

function uuid(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

interface SubstanceDef {
  name: string;
  cas: string;
  hs: string;
  listing: string;
  description: string;
}

const SUBSTANCES: readonly SubstanceDef[] = [
  {
    name: '4-piperidone',
    cas: '40064-34-4',
    hs: '293339',
    listing: 'UN-1988-TABLE-I',
    description: '4-Piperidone monohydrate hydrochloride, 25 kg drum',
  },
  {
    name: 'NPP',
    cas: '39742-60-4',
    hs: '293337',
    listing: 'UN-1988-TABLE-I',
    description: '1-Phenethyl-4-piperidone (NPP), white powder',
  },
  {
    name: 'ANPP',
    cas: '21409-26-7',
    hs: '293336',
    listing: 'UN-1988-TABLE-I',
    description: '4-Anilino-N-phenethylpiperidine, research grade',
  },
  {
    name: '4-AP',
    cas: '23056-29-3',
    hs: '293339',
    listing: 'UN-1988-TABLE-I',
    description: '4-Anilinopiperidine dihydrochloride',
  },
  {
    name: '1-boc-4-piperidone',
    cas: '79099-07-3',
    hs: '293339',
    listing: 'UN-1988-TABLE-I',
    description: 'N-Boc-4-piperidone 99% pharmaceutical intermediate',
  },
  {
    name: 'propionyl chloride',
    cas: '79-03-8',
    hs: '291590',
    listing: 'CA-PCR-CLASS-A',
    description: 'Propionyl chloride, 200 L drum',
  },
];

const BENIGN_GOODS = [
  { description: 'Oak dining tables, knocked down', hs: '940360', unit: 'PCS' as const },
  { description: 'Cotton T-shirts, knitted', hs: '610910', unit: 'PCS' as const },
  { description: 'Daily necessities', hs: '392490', unit: 'KG' as const },
  { description: 'Stainless steel kitchen sinks', hs: '732410', unit: 'PCS' as const },
  { description: 'Aniline, technical grade', hs: '292141', unit: 'KG' as const },
  { description: 'LED light bulbs', hs: '853950', unit: 'PCS' as const },
];

interface Corridor {
  reporting: string;
  system: string;
  origin: string;
  destination: string;
  loading: readonly string[];
  discharge: readonly string[];
}

const CORRIDORS: readonly Corridor[] = [
  {
    reporting: 'CA',
    system: 'CBSA-ACI',
    origin: 'CN',
    destination: 'CA',
    loading: ['CNSHA', 'CNCAN', 'CNNGB'],
    discharge: ['CAYVR', 'CAYYZ', 'CAMTR'],
  },
  {
    reporting: 'CA',
    system: 'CBSA-ACI',
    origin: 'DE',
    destination: 'CA',
    loading: ['DEHAM', 'DEFRA'],
    discharge: ['CAMTR', 'CAHAL'],
  },
  {
    reporting: 'IN',
    system: 'ICEGATE',
    origin: 'CN',
    destination: 'IN',
    loading: ['CNSHA', 'CNNGB'],
    discharge: ['INNSA', 'INMAA', 'INBOM'],
  },
  {
    reporting: 'IN',
    system: 'ICEGATE',
    origin: 'IN',
    destination: 'MX',
    loading: ['INNSA', 'INHYD'],
    discharge: ['MXZLO', 'MXLZC'],
  },
  {
    reporting: 'US',
    system: 'CBP-AMS',
    origin: 'CN',
    destination: 'US',
    loading: ['CNSHA'],
    discharge: ['USLAX', 'USNYC'],
  },
];

const SHIPPERS = [
  'Guangzhou Bright Sun Trading Co.',
  'Hubei Rising Chemical Ltd',
  'Nordhafen Moebel GmbH',
  'Shanghai Everbright Import Export',
  'Rheinchem Feinchemikalien AG',
  'Wuhan Daily Goods Co.',
  'Jiangsu Fine Intermediates Co.',
];
const CONSIGNEES = [
  'Maplewood Home Furnishings Inc.',
  'K. Dhillon',
  'Deccan Generics Pvt. Ltd.',
  'Northern Lab Supplies Corp.',
  'Bharat Pharma Traders',
  'Global Freight Consolidators Ltd',
  'R. Singh',
];

const RULES: Record<string, { weight: number; explain: (s: SubstanceDef | null) => string }> = {
  'controlled-substance-no-permit': {
    weight: 0.85,
    explain: (s) =>
      `${s?.name ?? 'a controlled precursor'} identified by CAS (CAS ${s?.cas ?? '?'}): listed in ${s?.listing ?? '?'}; no PEN, import permit or registration was filed`,
  },
  'precursor-hs-unexplained': {
    weight: 0.5,
    explain: (s) => `HS ${s?.hs ?? '293337'} is a precursor heading but the description names no chemical`,
  },
  'vague-description': { weight: 0.3, explain: () => 'Description "Daily necessities" is vague' },
  'high-risk-corridor': { weight: 0.3, explain: () => 'Route is a documented precursor corridor' },
  'payment-cash-p2p-crypto': { weight: 0.35, explain: () => 'Paid by CRYPTO' },
  'consignee-person': { weight: 0.2, explain: () => 'Consignee is a natural person, not a business' },
  'watchlist-drug-hit': {
    weight: 0.55,
    explain: () =>
      'shipper "Hubei Rising Chemical Ltd" resembles OFAC SDN entry 41234 [ILLICIT-DRUGS-EO14059]',
  },
};

export interface SyntheticOptions {
  seed: number;
  /** Latest filing time; filings spread over the `days` before it. */
  now: Date;
  days?: number;
}

/** One synthetic case; index i makes ids unique within a seed. */
export function syntheticCase(rand: () => number, i: number, opts: SyntheticOptions): SyntheticCase {
  const corridor = pick(rand, CORRIDORS);
  const roll = rand();
  const lane: Lane = roll < 0.08 ? 'RED' : roll < 0.3 ? 'YELLOW' : 'GREEN';
  const substance = lane === 'GREEN' ? null : rand() < 0.7 ? pick(rand, SUBSTANCES) : null;
  const benign = pick(rand, BENIGN_GOODS);
  const filedAt = new Date(opts.now.getTime() - Math.floor(rand() * (opts.days ?? 60) * 86_400_000));
  const scoredAt = new Date(filedAt.getTime() + 500 + Math.floor(rand() * 5000));
  const documentType = rand() < 0.5 ? 'MANIFEST' : 'DECLARATION';
  const qty = Math.round(1 + rand() * 200);
  const report: ReportInput = {
    schemaVersion: 1,
    messageId: uuid(rand),
    documentType,
    source: { system: corridor.system, reportingCountry: corridor.reporting },
    filedAt: filedAt.toISOString(),
    consignment: {
      consignmentId: `SYN${String(opts.seed % 1000).padStart(3, '0')}${String(i).padStart(9, '0')}`,
      masterId: null,
      mode: pick(rand, ['SEA', 'AIR', 'EXPRESS', 'POST'] as const),
      carrier: { code: 'CX', name: 'Cathay Cargo' },
      route: {
        portOfLoading: pick(rand, corridor.loading),
        portOfDischarge: pick(rand, corridor.discharge),
        placeOfDelivery: null,
        transshipmentPorts: rand() < 0.3 ? ['HKHKG'] : [],
        originCountry: corridor.origin,
        destinationCountry: corridor.destination,
      },
      departureDate: null,
      arrivalDate: null,
      parties: {
        shipper: { name: pick(rand, SHIPPERS), address: { country: corridor.origin } },
        consignee: { name: pick(rand, CONSIGNEES), address: { country: corridor.destination } },
      },
      goods: [
        {
          lineNumber: 1,
          description: substance?.description ?? benign.description,
          hsCode: substance?.hs ?? benign.hs,
          casNumbers: substance && rand() < 0.7 ? [substance.cas] : [],
          quantity: { value: qty, unit: substance ? 'KG' : benign.unit },
          packages: { count: 1 + Math.floor(qty / 25), type: substance ? 'DRUM' : 'CARTON' },
          grossWeightKg: qty * 1.1,
          declaredValue: { amount: Math.round(qty * (5 + rand() * 50)), currency: 'USD' },
          originCountry: corridor.origin,
        },
      ],
      containers: [],
      payment: {
        method: pick(rand, ['WIRE', 'WIRE', 'WIRE', 'CRYPTO', 'CASH'] as const),
        payerIsThirdParty: false,
      },
      permits: [],
    },
  };
  const ruleIds =
    lane === 'GREEN'
      ? []
      : lane === 'RED'
        ? [substance ? 'controlled-substance-no-permit' : 'precursor-hs-unexplained', 'high-risk-corridor']
        : [
            pick(rand, [
              'vague-description',
              'payment-cash-p2p-crypto',
              'consignee-person',
              'high-risk-corridor',
            ]),
          ];
  if (lane !== 'GREEN' && rand() < 0.05) ruleIds.push('watchlist-drug-hit');
  const ruleHits: RuleHit[] = ruleIds.map((ruleId) => ({
    ruleId,
    weight: RULES[ruleId]!.weight,
    explanation: RULES[ruleId]!.explain(substance),
    goodsLine: ruleId.startsWith('controlled') ? 1 : null,
  }));
  const riskScore =
    lane === 'RED' ? 0.8 + rand() * 0.2 : lane === 'YELLOW' ? 0.4 + rand() * 0.4 : rand() * 0.4;
  const substances: SubstanceMatch[] = substance
    ? [
        {
          name: substance.name,
          cas: substance.cas,
          matchedBy: 'CAS',
          listing: substance.listing,
          goodsLine: 1,
        },
      ]
    : [];
  const decision: Decision = {
    messageId: report.messageId,
    consignmentId: report.consignment.consignmentId,
    documentType,
    scoredAt: scoredAt.toISOString(),
    riskScore: Math.round(riskScore * 10_000) / 10_000,
    lane,
    flagged: lane !== 'GREEN',
    ruleHits,
    modelScore: Math.round(Math.min(1, riskScore * (0.8 + rand() * 0.3)) * 10_000) / 10_000,
    modelVersion: 'syn-model-1',
    rulesVersion: 'syn-rules-1',
    substances,
    topFeatures: [
      { feature: 'hs_precursor_heading', contribution: Math.round(rand() * 300) / 1000 },
      { feature: 'corridor_risk', contribution: Math.round(rand() * 200) / 1000 },
      { feature: 'payment_anomaly', contribution: Math.round(rand() * 100) / 1000 },
    ],
  };
  return { report, decision };
}

/** The `decisions_raw` and `reports` rows of a case, through the pipeline's own mapping. */
export function caseRow(c: SyntheticCase, validate = true, offset = 0): CaseRows {
  const report = validate ? reportSchema.parse(c.report) : (c.report as unknown as Report);
  return caseRows(c.decision, report, JSON.stringify(c.report), {
    topic: 'synthetic',
    partition: 0,
    offset: String(offset),
  });
}

/** `count` rows; validation is skipped (the generator's shapes are covered by a unit test). */
export function* syntheticRows(count: number, opts: SyntheticOptions): Generator<CaseRows> {
  const rand = prng(opts.seed);
  for (let i = 0; i < count; i++) yield caseRow(syntheticCase(rand, i, opts), false, i);
}
