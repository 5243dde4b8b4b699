// Reads: nothing. Writes: the building blocks of the labelled corpus: a seeded random source, fictitious
// parties by country, ports, carriers, and a report builder with the contract's shape (CONTRACT.md §1).
// Guarantees: deterministic (same seed, same corpus); every name is invented, none matches a real firm.
import type { ReportInput } from '../../schemas/report.ts';

/** mulberry32: tiny, seedable, good enough for picking test data. */
export function createRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
    /** k distinct items, order preserved from a shuffle. */
    sample: <T>(xs: readonly T[], k: number): T[] => {
      const copy = [...xs];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy.slice(0, k);
    },
  };
}
export type Random = ReturnType<typeof createRandom>;

export interface PartyInput {
  name: string;
  address: { street: string | null; city: string | null; postalCode: string | null; country: string };
  identifier: string | null;
  phone: string | null;
  email: string | null;
}

const party = (
  name: string,
  street: string,
  city: string,
  country: string,
  identifier: string | null,
  phone: string | null = null,
): PartyInput => ({
  name,
  address: { street, city, postalCode: null, country },
  identifier,
  phone,
  email: null,
});

/** Chemical suppliers and traders (fictitious). */
export const CHEMICAL_SHIPPERS: Record<string, PartyInput[]> = {
  CN: [
    party(
      'Hangzhou Lianyi Fine Chemical Co., Ltd.',
      'No. 88 Binjiang Road',
      'Hangzhou',
      'CN',
      '91330100MA2XXXXX1',
      '+86 571 0000 1111',
    ),
    party(
      'Wuhan Ruisen Biotech Co., Ltd.',
      'Building 3, Optics Valley Park',
      'Wuhan',
      'CN',
      null,
      '+86 27 0000 2222',
    ),
    party(
      'Shijiazhuang Hengda Chemical Trading Co.',
      'Room 605, Zhongshan Tower',
      'Shijiazhuang',
      'CN',
      null,
      '+86 311 0000 3333',
    ),
    party(
      'Jinan Taiyue Pharmaceutical Intermediates Co., Ltd.',
      'Industrial Zone 2',
      'Jinan',
      'CN',
      '91370100MA3XXXXX2',
    ),
    party(
      'Shanghai Mingrui New Materials Co., Ltd.',
      'Lane 1200 Zhangjiang Road',
      'Shanghai',
      'CN',
      '91310115MA1XXXXX3',
    ),
  ],
  HK: [
    party(
      'Everbright Link Trading Limited',
      'Unit 12, 9/F, Kowloon Bay Centre',
      'Hong Kong',
      'HK',
      null,
      '+852 0000 4444',
    ),
  ],
  IN: [
    party(
      'Sahyadri Organics Pvt. Ltd.',
      'Plot 44, MIDC Tarapur',
      'Boisar',
      'IN',
      '27AABCS1234F1Z2',
      '+91 22 0000 5555',
    ),
    party('Godavari Fine Chem LLP', 'Survey 118, Pashamylaram', 'Hyderabad', 'IN', '36AAHFG5678K1Z9'),
    party('Narmada Intermediates Pvt Ltd', 'GIDC Estate, Phase II', 'Ankleshwar', 'IN', '24AAACN9012L1Z4'),
  ],
  DE: [
    party('Rheintal Synthesechemie GmbH', 'Werkstrasse 7', 'Ludwigshafen', 'DE', 'DE298700001'),
    party('Elbe Feinchemie AG', 'Chemiepark 2', 'Leverkusen', 'DE', 'DE811300002'),
  ],
  CH: [party('Juraplex Pharma SA', 'Route de Bale 40', 'Basel', 'CH', 'CHE-100.000.001')],
  BE: [party('Scheldt Chemicals NV', 'Haven 1020', 'Antwerp', 'BE', 'BE0400000001')],
  US: [party('Great Lakes Fine Organics Inc.', '2200 Industrial Pkwy', 'Cleveland', 'US', '34-0000001')],
};

/** Importers of chemicals with a plausible profile (fictitious). */
export const CHEMICAL_CONSIGNEES: Record<string, PartyInput[]> = {
  US: [
    party(
      'Appalachian Pharma Services LLC',
      '400 Research Blvd',
      'Morgantown',
      'US',
      '55-0000011',
      '+1 304 000 0011',
    ),
    party('Cascade Analytical Standards Inc.', '1800 Harbor Ave SW', 'Seattle', 'US', '91-0000012'),
    party('Sun Belt Generics Corp.', '9000 Industrial Dr', 'Houston', 'US', '76-0000013'),
  ],
  CA: [
    party('Laurentian Chemical Supply Ltd.', '2500 Boul. Industriel', 'Laval', 'CA', '123450001RM0001'),
    party('Fraser Valley Pharma Inc.', '7700 Production Way', 'Burnaby', 'CA', '123450002RM0001'),
  ],
  MX: [
    party('Quimica Industrial del Bajio S.A. de C.V.', 'Av. Industrial 1500', 'Leon', 'MX', 'QIB010101AB1'),
    party(
      'Laboratorios Sierra Madre S.A. de C.V.',
      'Calle Norte 35 No. 800',
      'Monterrey',
      'MX',
      'LSM020202CD2',
    ),
  ],
  IN: [
    party('Deccan Bulk Actives Pvt. Ltd.', 'Plot 21, IDA Bollaram', 'Hyderabad', 'IN', '36AABCD1234E1Z5'),
    party('Konark Formulations Ltd.', 'Sector 5, IMT Manesar', 'Gurugram', 'IN', '06AAACK4321M1Z7'),
  ],
};

/** Importers of ordinary goods (fictitious). */
export const GOODS_CONSIGNEES: Record<string, PartyInput[]> = {
  US: [
    party('Prairie Home Outfitters Inc.', '1200 Commerce St', 'Omaha', 'US', '47-0000021'),
    party('Bayview Electronics Distribution LLC', '55 Harbor Rd', 'Oakland', 'US', '94-0000022'),
    party('Keystone Auto Components Corp.', '300 Mill Rd', 'Allentown', 'US', '23-0000023'),
  ],
  CA: [
    party('Maplewood Home Furnishings Inc.', '400 Rue Saint-Paul', 'Montreal', 'CA', '123456789RM0001'),
    party('Northern Lights Apparel Ltd.', '88 Spadina Ave', 'Toronto', 'CA', '123456790RM0001'),
  ],
  MX: [
    party(
      'Comercializadora Textil del Norte S.A. de C.V.',
      'Blvd. Industrial 200',
      'Monterrey',
      'MX',
      'CTN030303EF3',
    ),
    party(
      'Distribuidora Electrica del Pacifico S.A. de C.V.',
      'Av. Vallarta 3000',
      'Guadalajara',
      'MX',
      'DEP040404GH4',
    ),
  ],
  IN: [party('Coromandel Retail Ventures Pvt. Ltd.', 'Anna Salai 500', 'Chennai', 'IN', '33AABCC5678P1Z2')],
};

export const GOODS_SHIPPERS: Record<string, PartyInput[]> = {
  CN: [
    party('Ningbo Haoyang Household Products Co., Ltd.', 'No. 15 Jiangnan Road', 'Ningbo', 'CN', null),
    party('Shenzhen Kaida Electronics Co., Ltd.', 'Bao An District, Block C', 'Shenzhen', 'CN', null),
    party('Yiwu Jinhua Crafts Factory', 'Futian Market Area 3', 'Yiwu', 'CN', null),
  ],
  DE: [party('Nordhafen Moebel GmbH', 'Hafenstrasse 12', 'Hamburg', 'DE', 'DE811234567')],
  IN: [party('Tiruppur Knitwear Exports Pvt. Ltd.', 'SIDCO Estate', 'Tiruppur', 'IN', '33AAACT1111K1Z1')],
  VN: [party('Saigon Bamboo Furniture JSC', 'Tan Thuan EPZ', 'Ho Chi Minh City', 'VN', '0300000001')],
  US: [party('Midwest Machine Tools Inc.', '700 Factory Ln', 'Dayton', 'US', '31-0000031')],
};

/** Private persons at home addresses (fictitious). */
export const PERSONS: Record<string, PartyInput[]> = {
  US: [
    party('J. Moreno', 'Apt 4B, 1300 Elm St', 'Phoenix', 'US', null),
    party('Tyler Briggs', '15 Oak Hollow Dr', 'Dayton', 'US', null),
  ],
  CA: [
    party('K. Dhillon', '88 Residential Crescent', 'Brampton', 'CA', null),
    party('Marc Gagnon', 'Apt 12, 300 Rue Ontario', 'Montreal', 'CA', null),
  ],
  MX: [
    party('Luis Ortega Ramos', 'Calle Pino 14, Col. Centro', 'Culiacan', 'MX', null),
    party('Ana Beltran', 'Depto 3, Av. Juarez 55', 'Tijuana', 'MX', null),
  ],
  IN: [party('R. Kumar', 'Flat 203, Green Residency', 'Pune', 'IN', null)],
};

export const FORWARDERS: Record<string, PartyInput[]> = {
  MX: [
    party(
      'Transportes y Logistica Rapida S.A. de C.V.',
      'Bodega 7, Puerto Interior',
      'Manzanillo',
      'MX',
      null,
    ),
  ],
  US: [party('Pacific Gateway Freight Forwarding LLC', '2100 Cargo Rd', 'Los Angeles', 'US', null)],
  CA: [party('Northbound Logistics Inc.', '6500 Airport Rd', 'Mississauga', 'CA', null)],
};

export const PORTS = {
  sea: {
    CN: ['CNSHA', 'CNNGB', 'CNSZX'],
    HK: ['HKHKG'],
    IN: ['INNSA', 'INMAA'],
    DE: ['DEHAM'],
    BE: ['BEANR'],
    VN: ['VNSGN'],
    US: ['USLAX', 'USNYC'],
    CA: ['CAVAN', 'CAMTR'],
    MX: ['MXZLO', 'MXLZC'],
  },
  air: {
    CN: ['CNPVG', 'CNPEK', 'CNCAN'],
    HK: ['HKHKG'],
    IN: ['INBOM', 'INHYD', 'INDEL'],
    DE: ['DEFRA'],
    BE: ['BEBRU'],
    CH: ['CHBSL'],
    VN: ['VNSGN'],
    US: ['USJFK', 'USORD', 'USLAX'],
    CA: ['CAYYZ', 'CAYVR'],
    MX: ['MXMEX', 'MXGDL'],
  },
} as const;

export const CARRIERS = {
  SEA: [
    { code: 'MSCU', name: 'MSC' },
    { code: 'COSU', name: 'COSCO Shipping' },
    { code: 'HLCU', name: 'Hapag-Lloyd' },
    { code: 'ONEY', name: 'Ocean Network Express' },
  ],
  AIR: [
    { code: 'CX', name: 'Cathay Cargo' },
    { code: 'LH', name: 'Lufthansa Cargo' },
    { code: 'CA', name: 'Air China Cargo' },
    { code: 'AI', name: 'Air India' },
  ],
  EXPRESS: [
    { code: 'DHL', name: 'DHL Express' },
    { code: 'FDX', name: 'FedEx Express' },
    { code: 'UPS', name: 'UPS' },
    { code: 'SF', name: 'SF Express' },
  ],
  POST: [
    { code: 'CP', name: 'China Post' },
    { code: 'IP', name: 'India Post' },
    { code: 'DP', name: 'Deutsche Post' },
  ],
} as const;

export type Mode = 'SEA' | 'AIR' | 'EXPRESS' | 'POST';

export interface LineInput {
  description: string;
  hsCode?: string | null;
  casNumbers?: string[];
  quantity?: { value: number; unit: 'KG' | 'G' | 'L' | 'ML' | 'PCS' } | null;
  packages?: { count: number; type: string } | null;
  grossWeightKg?: number | null;
  value?: { amount: number; currency: string } | null;
}

export interface ReportSpec {
  id: string;
  documentType?: 'MANIFEST' | 'DECLARATION';
  reportingCountry?: string;
  filedAt: string;
  mode: Mode;
  origin: string;
  destination: string;
  transship?: string[];
  masterId?: string | null;
  shipper: PartyInput;
  consignee: PartyInput;
  forwarder?: PartyInput | null;
  notify?: PartyInput | null;
  placeOfDelivery?: string | null;
  lines: LineInput[];
  payment?: { method: string; payerIsThirdParty: boolean } | null;
  permits?: { type: string; reference: string }[];
}

export function buildReport(spec: ReportSpec, rnd: Random): ReportInput {
  const portKind = spec.mode === 'SEA' ? 'sea' : 'air';
  const ports = PORTS[portKind] as Record<string, readonly string[]>;
  const pol = rnd.pick(ports[spec.origin] ?? PORTS.air.CN);
  const pod = rnd.pick(ports[spec.destination] ?? PORTS.air.US);
  const carrier = rnd.pick<{ code: string; name: string }>(CARRIERS[spec.mode]);
  const filed = new Date(spec.filedAt);
  const day = (offset: number) => new Date(filed.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  return {
    schemaVersion: 1,
    messageId: spec.id,
    documentType: spec.documentType ?? 'MANIFEST',
    source: {
      system: `CORPUS-${spec.reportingCountry ?? spec.destination}`,
      reportingCountry: spec.reportingCountry ?? spec.destination,
    },
    filedAt: spec.filedAt,
    consignment: {
      consignmentId: `${carrier.code}${String(rnd.int(10_000_000, 99_999_999))}`,
      masterId: spec.masterId ?? null,
      mode: spec.mode,
      carrier,
      route: {
        portOfLoading: pol,
        portOfDischarge: pod,
        placeOfDelivery: spec.placeOfDelivery ?? null,
        transshipmentPorts: spec.transship ?? [],
        originCountry: spec.origin,
        destinationCountry: spec.destination,
      },
      departureDate: day(1),
      arrivalDate: day(spec.mode === 'SEA' ? 25 : 3),
      parties: {
        shipper: spec.shipper,
        consignee: spec.consignee,
        notifyParty: spec.notify ?? null,
        forwarder: spec.forwarder ?? null,
        declarant: null,
      },
      goods: spec.lines.map((l, i) => ({
        lineNumber: i + 1,
        description: l.description,
        hsCode: l.hsCode ?? null,
        casNumbers: l.casNumbers ?? [],
        quantity: l.quantity ?? null,
        packages: l.packages ?? null,
        grossWeightKg: l.grossWeightKg ?? null,
        declaredValue: l.value ?? null,
        originCountry: spec.origin,
      })),
      containers:
        spec.mode === 'SEA' ? [`${carrier.code.slice(0, 3)}U${String(rnd.int(1_000_000, 9_999_999))}`] : [],
      payment: spec.payment === undefined ? { method: 'WIRE', payerIsThirdParty: false } : spec.payment,
      permits: spec.permits ?? [],
    },
  } as ReportInput;
}

/** A chemical line: kg in drums or bags, value per kg within a plausible fine-chemical band. */
/** A filing time between 2025-03-01 and 2026-10-31. */
export function filedAt(rnd: Random): string {
  const start = Date.UTC(2025, 2, 1);
  const end = Date.UTC(2026, 9, 31);
  const t = start + Math.floor(rnd.next() * (end - start));
  return new Date(Math.floor(t / 60_000) * 60_000).toISOString().replace('.000Z', 'Z');
}

export function pickParty(rnd: Random, table: Record<string, PartyInput[]>, country: string): PartyInput {
  return rnd.pick(table[country] ?? Object.values(table).flat());
}

export function chemicalLine(
  rnd: Random,
  description: string,
  hsCode: string | null,
  opts: { cas?: string[]; usdPerKg?: [number, number]; kg?: [number, number] } = {},
): LineInput {
  const [lo, hi] = opts.kg ?? [5, 500];
  const kg = rnd.int(lo, hi);
  const drums = Math.max(1, Math.ceil(kg / 25));
  const [vlo, vhi] = opts.usdPerKg ?? [40, 400];
  return {
    description,
    hsCode,
    casNumbers: opts.cas ?? [],
    quantity: { value: kg, unit: 'KG' },
    packages: { count: drums, type: kg <= 25 ? 'BOX' : 'DRUM' },
    grossWeightKg: Math.round(kg * 1.1 * 10) / 10,
    value: { amount: Math.round(kg * rnd.int(vlo, vhi)), currency: 'USD' },
  };
}
