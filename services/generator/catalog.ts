// Static vocabulary of the generator: ports, carriers, chemicals, goods, vague wording.
// Reads nothing; writes nothing. Guarantees: every UN/LOCODE, currency and HS code here passes
// reportSchema, and every CAS number listed as valid has a correct check digit (a test checks).
import type { Mode } from './types.ts';

export interface Port {
  code: string;
  city: string;
  kind: 'SEA' | 'AIR';
}

const sea = (code: string, city: string): Port => ({ code, city, kind: 'SEA' });
const air = (code: string, city: string): Port => ({ code, city, kind: 'AIR' });

/** Ports by country. Air entries double as express and postal gateways. */
export const PORTS: Readonly<Record<string, readonly Port[]>> = {
  CN: [
    sea('CNSHA', 'Shanghai'),
    sea('CNNGB', 'Ningbo'),
    sea('CNYTN', 'Yantian'),
    sea('CNSHK', 'Shekou'),
    sea('CNTAO', 'Qingdao'),
    sea('CNTSN', 'Tianjin'),
    air('CNPVG', 'Shanghai'),
    air('CNCAN', 'Guangzhou'),
    air('CNSZX', 'Shenzhen'),
    air('CNWUH', 'Wuhan'),
    air('CNPEK', 'Beijing'),
    air('CNCGO', 'Zhengzhou'),
  ],
  HK: [sea('HKHKG', 'Hong Kong'), air('HKHKG', 'Hong Kong')],
  IN: [
    sea('INNSA', 'Nhava Sheva'),
    sea('INMUN', 'Mundra'),
    sea('INMAA', 'Chennai'),
    air('INBOM', 'Mumbai'),
    air('INDEL', 'Delhi'),
    air('INHYD', 'Hyderabad'),
    air('INAMD', 'Ahmedabad'),
  ],
  DE: [
    sea('DEHAM', 'Hamburg'),
    sea('DEBRV', 'Bremerhaven'),
    air('DEFRA', 'Frankfurt'),
    air('DELEJ', 'Leipzig'),
  ],
  KR: [sea('KRPUS', 'Busan'), air('KRICN', 'Incheon')],
  JP: [sea('JPYOK', 'Yokohama'), air('JPNRT', 'Tokyo Narita')],
  NL: [sea('NLRTM', 'Rotterdam'), air('NLAMS', 'Amsterdam')],
  US: [
    sea('USLAX', 'Los Angeles'),
    sea('USLGB', 'Long Beach'),
    sea('USNYC', 'New York'),
    sea('USHOU', 'Houston'),
    sea('USSAV', 'Savannah'),
    air('USJFK', 'New York'),
    air('USORD', 'Chicago'),
    air('USMIA', 'Miami'),
    air('USCVG', 'Cincinnati'),
    air('USMEM', 'Memphis'),
    air('USSDF', 'Louisville'),
    air('USLAX', 'Los Angeles'),
  ],
  MX: [
    sea('MXZLO', 'Manzanillo'),
    sea('MXLZC', 'Lazaro Cardenas'),
    sea('MXVER', 'Veracruz'),
    sea('MXATM', 'Altamira'),
    air('MXMEX', 'Mexico City'),
    air('MXGDL', 'Guadalajara'),
    air('MXTIJ', 'Tijuana'),
    air('MXNLU', 'Mexico City'),
    air('MXMTY', 'Monterrey'),
  ],
  CA: [
    sea('CAVAN', 'Vancouver'),
    sea('CAPRR', 'Prince Rupert'),
    sea('CAMTR', 'Montreal'),
    sea('CAHAL', 'Halifax'),
    air('CAYVR', 'Vancouver'),
    air('CAYYZ', 'Toronto'),
    air('CAYUL', 'Montreal'),
  ],
};

/** Hubs used for transshipment; the sea hubs also mark sea-air legs when the main mode is AIR. */
export const SEA_HUBS = ['HKHKG', 'KRPUS', 'AEJEA', 'SGSIN', 'PAMIT', 'LKCMB'] as const;
export const AIR_HUBS = ['HKHKG', 'KRICN', 'AEDXB', 'SGSIN', 'USLAX', 'DELEJ', 'QADOH'] as const;
export const HUB_CITY: Readonly<Record<string, string>> = {
  AEJEA: 'Jebel Ali',
  AEDXB: 'Dubai',
  SGSIN: 'Singapore',
  PAMIT: 'Manzanillo (PA)',
  LKCMB: 'Colombo',
  QADOH: 'Doha',
};

export interface Carrier {
  code: string;
  name: string;
  /** B/L prefix for SEA, IATA AWB prefix for AIR. */
  prefix: string;
  /** Container owner code (3 letters) for SEA. */
  owner?: string;
}

export const CARRIERS: Readonly<Record<Mode, readonly Carrier[]>> = {
  SEA: [
    { code: 'MAEU', name: 'Maersk', prefix: 'MAEU', owner: 'MSK' },
    { code: 'MSCU', name: 'MSC Mediterranean Shipping Company', prefix: 'MEDU', owner: 'MSC' },
    { code: 'COSU', name: 'COSCO Shipping Lines', prefix: 'COSU', owner: 'CSN' },
    { code: 'CMDU', name: 'CMA CGM', prefix: 'CMDU', owner: 'CMA' },
    { code: 'HLCU', name: 'Hapag-Lloyd', prefix: 'HLCU', owner: 'HLX' },
    { code: 'ONEY', name: 'Ocean Network Express', prefix: 'ONEY', owner: 'ONE' },
    { code: 'EGLV', name: 'Evergreen Line', prefix: 'EGLV', owner: 'EGH' },
    { code: 'OOLU', name: 'OOCL', prefix: 'OOLU', owner: 'OOL' },
    { code: 'HDMU', name: 'HMM', prefix: 'HDMU', owner: 'HDM' },
    { code: 'ZIMU', name: 'ZIM', prefix: 'ZIMU', owner: 'ZIM' },
  ],
  AIR: [
    { code: 'CX', name: 'Cathay Cargo', prefix: '160' },
    { code: 'CA', name: 'Air China Cargo', prefix: '999' },
    { code: 'CZ', name: 'China Southern Airlines Cargo', prefix: '784' },
    { code: 'MU', name: 'China Eastern Airlines Cargo', prefix: '781' },
    { code: 'KE', name: 'Korean Air Cargo', prefix: '180' },
    { code: 'EK', name: 'Emirates SkyCargo', prefix: '176' },
    { code: 'LH', name: 'Lufthansa Cargo', prefix: '020' },
    { code: 'AM', name: 'Aeromexico Cargo', prefix: '139' },
    { code: 'AC', name: 'Air Canada Cargo', prefix: '014' },
    { code: 'AI', name: 'Air India Cargo', prefix: '098' },
    { code: '5Y', name: 'Atlas Air', prefix: '369' },
    { code: 'QR', name: 'Qatar Airways Cargo', prefix: '157' },
  ],
  EXPRESS: [
    { code: 'DHL', name: 'DHL Express', prefix: '' },
    { code: 'FDX', name: 'FedEx Express', prefix: '' },
    { code: 'UPS', name: 'UPS', prefix: '1Z' },
    { code: 'SF', name: 'SF Express', prefix: 'SF' },
    { code: 'EMS', name: 'EMS China', prefix: 'E' },
  ],
  POST: [
    { code: 'CNPOST', name: 'China Post', prefix: 'L' },
    { code: 'HKPOST', name: 'Hongkong Post', prefix: 'R' },
    { code: 'INPOST', name: 'India Post', prefix: 'E' },
    { code: 'DPAG', name: 'Deutsche Post', prefix: 'R' },
  ],
  ROAD: [{ code: 'TRUCK', name: 'Transportes del Norte', prefix: 'TDN' }],
  RAIL: [{ code: 'CPKC', name: 'CPKC', prefix: 'CPKC' }],
};

export const CURRENCY_OF: Readonly<Record<string, string>> = {
  CN: 'CNY',
  HK: 'HKD',
  IN: 'INR',
  DE: 'EUR',
  NL: 'EUR',
  KR: 'KRW',
  JP: 'JPY',
  US: 'USD',
  MX: 'MXN',
  CA: 'CAD',
};

/** Approximate units of currency per USD; used to quote values in local currency. */
export const USD_RATE: Readonly<Record<string, number>> = {
  USD: 1,
  CNY: 7.2,
  HKD: 7.8,
  INR: 84,
  EUR: 0.92,
  KRW: 1380,
  JPY: 150,
  MXN: 18.5,
  CAD: 1.37,
};

export const PHONE_PREFIX: Readonly<Record<string, string>> = {
  CN: '+86',
  HK: '+852',
  IN: '+91',
  DE: '+49',
  NL: '+31',
  KR: '+82',
  JP: '+81',
  US: '+1',
  MX: '+52',
  CA: '+1',
};

// ---------------------------------------------------------------- chemicals

export interface Chemical {
  key: string;
  /** Names and synonyms as filers write them; the first is the common name. */
  names: readonly string[];
  /** CAS of the free base, then salts/hydrates; empty when not verified. */
  cas: readonly string[];
  hs6: string;
  unit: 'KG' | 'L' | 'G';
  /** Typical price, USD per kg, for licit trade. */
  usdPerKg: number;
}

/** Table I and national-list fentanyl precursors (DOMAIN.md §1.2). */
export const CONTROLLED: readonly Chemical[] = [
  {
    key: 'ANPP',
    names: [
      '4-ANPP',
      '4-anilino-N-phenethylpiperidine',
      'N-phenyl-1-(2-phenylethyl)piperidin-4-amine',
      'ANPP',
      'despropionyl fentanyl',
    ],
    cas: ['21409-26-7'],
    hs6: '293336',
    unit: 'KG',
    usdPerKg: 2500,
  },
  {
    key: 'NPP',
    names: [
      'NPP',
      '1-phenethyl-4-piperidone',
      'N-phenethyl-4-piperidinone',
      '1-(2-phenylethyl)piperidin-4-one',
    ],
    cas: ['39742-60-4'],
    hs6: '293337',
    unit: 'KG',
    usdPerKg: 1800,
  },
  {
    key: '4-AP',
    names: ['4-anilinopiperidine', 'N-phenylpiperidin-4-amine', 'N-phenyl-4-piperidinamine', '4-AP'],
    cas: ['23056-29-3', '99918-43-1'],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 900,
  },
  {
    key: '1-BOC-4-AP',
    names: [
      '1-Boc-4-AP',
      'tert-butyl 4-(phenylamino)piperidine-1-carboxylate',
      '4-anilino-1-boc-piperidine',
      'N-Boc-4-anilinopiperidine',
    ],
    cas: ['125541-22-2'],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 1100,
  },
  {
    key: 'NORFENTANYL',
    names: ['norfentanyl', 'N-phenyl-N-(piperidin-4-yl)propanamide', 'N-phenyl-N-4-piperidinylpropionamide'],
    cas: ['1609-66-1'],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 3000,
  },
  {
    key: '4-PIPERIDONE',
    names: ['4-piperidone', '4-piperidinone', 'piperidin-4-one', '4-piperidone hydrochloride monohydrate'],
    cas: ['41661-47-6', '40064-34-4', '41979-39-9'],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 150,
  },
  {
    key: '1-BOC-4-PIPERIDONE',
    names: ['1-Boc-4-piperidone', 'N-Boc-4-piperidone', 'tert-butyl 4-oxopiperidine-1-carboxylate'],
    cas: ['79099-07-3'],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 220,
  },
  {
    key: 'PROPIONYL-CHLORIDE',
    names: ['propionyl chloride', 'propanoyl chloride'],
    cas: ['79-03-8'],
    hs6: '291590',
    unit: 'L',
    usdPerKg: 6,
  },
  {
    key: 'PROPIONIC-ANHYDRIDE',
    names: ['propionic anhydride', 'propanoic anhydride'],
    cas: ['123-62-6'],
    hs6: '291590',
    unit: 'L',
    usdPerKg: 5,
  },
  {
    key: 'PHENETHYL-BROMIDE',
    names: ['phenethyl bromide', '(2-bromoethyl)benzene', '2-phenylethyl bromide'],
    cas: ['103-63-9'],
    hs6: '290399',
    unit: 'KG',
    usdPerKg: 40,
  },
];

/** Protected, halogenated and benzyl analogues that appear after each scheduling step (DOMAIN.md §2). */
export const ANALOGUES: readonly Chemical[] = [
  {
    key: 'F-BOC-4-AP',
    names: [
      'tert-butyl 4-((4-fluorophenyl)amino)piperidine-1-carboxylate',
      '4-fluoro anilino-1-boc-piperidine',
      '1-Boc-4-(4-fluoroanilino)piperidine',
    ],
    cas: [],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 1200,
  },
  {
    key: 'F-4-AP',
    names: ['N-(4-fluorophenyl)-4-piperidinamine', 'para-fluoro-4-anilinopiperidine', '4-FAP intermediate'],
    cas: [],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 1000,
  },
  {
    key: 'BR-BOC-4-AP',
    names: [
      '4-bromo anilino-1-boc-piperidine',
      'tert-butyl 4-((4-bromophenyl)amino)piperidine-1-carboxylate',
    ],
    cas: [],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 1200,
  },
  {
    key: 'BENZYL-4-PIPERIDONE',
    names: ['1-benzyl-4-piperidone', 'N-benzyl-4-piperidinone', '1-benzylpiperidin-4-one'],
    cas: ['3612-20-2'],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 90,
  },
  {
    key: '3-METHYL-4-PIPERIDONE',
    names: ['3-methyl-4-piperidone', '3-methylpiperidin-4-one hydrochloride'],
    cas: [],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 300,
  },
  {
    key: 'BENZYLFENTANYL',
    names: ['benzylfentanyl', 'N-(1-benzylpiperidin-4-yl)-N-phenylpropanamide'],
    cas: [],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 2000,
  },
];

/** Licit chemicals under the same headings; several share words (boc, piperid, fluoro, 4-AP) with precursors. */
export const BENIGN_CHEMICALS: readonly Chemical[] = [
  {
    key: 'ISONIPECOTIC',
    names: ['isonipecotic acid', 'piperidine-4-carboxylic acid'],
    cas: ['498-94-2'],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 60,
  },
  {
    key: 'ETHYL-ISONIPECOTATE',
    names: ['ethyl isonipecotate', 'ethyl piperidine-4-carboxylate'],
    cas: ['1126-09-6'],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 45,
  },
  {
    key: '4-HYDROXYPIPERIDINE',
    names: ['4-hydroxypiperidine', 'piperidin-4-ol'],
    cas: ['5382-16-1'],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 70,
  },
  {
    key: 'BOC-4-HYDROXYPIPERIDINE',
    names: ['N-Boc-4-hydroxypiperidine', 'tert-butyl 4-hydroxypiperidine-1-carboxylate'],
    cas: ['109384-19-2'],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 180,
  },
  {
    key: 'BOC-ISONIPECOTIC',
    names: ['1-Boc-piperidine-4-carboxylic acid', 'N-Boc-isonipecotic acid'],
    cas: ['84358-13-4'],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 160,
  },
  {
    key: '2-CHLOROPYRIDINE',
    names: ['2-chloropyridine'],
    cas: ['109-09-1'],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 12,
  },
  {
    key: 'DMAP',
    names: ['4-dimethylaminopyridine', 'DMAP'],
    cas: ['1122-58-3'],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 35,
  },
  {
    key: '4-AMINOPYRIDINE',
    names: ['4-aminopyridine', '4-AP (4-aminopyridine)', 'fampridine intermediate'],
    cas: ['504-24-5'],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 55,
  },
  {
    key: '2,6-LUTIDINE',
    names: ['2,6-lutidine', '2,6-dimethylpyridine'],
    cas: ['108-48-5'],
    hs6: '293339',
    unit: 'L',
    usdPerKg: 25,
  },
  {
    key: '4-CYANOPYRIDINE',
    names: ['4-cyanopyridine', 'isonicotinonitrile'],
    cas: ['100-48-1'],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 14,
  },
  {
    key: '3-PICOLINE',
    names: ['3-picoline', '3-methylpyridine'],
    cas: ['108-99-6'],
    hs6: '293339',
    unit: 'L',
    usdPerKg: 4,
  },
  {
    key: '4-PIPERIDINOPIPERIDINE',
    names: ['4-piperidinopiperidine', '1,4-bipiperidine'],
    cas: ['4897-50-1'],
    hs6: '293339',
    unit: 'KG',
    usdPerKg: 120,
  },
  {
    key: 'VALERIC-ACID',
    names: ['valeric acid', 'pentanoic acid'],
    cas: ['109-52-4'],
    hs6: '291590',
    unit: 'L',
    usdPerKg: 5,
  },
  {
    key: '2-EHA',
    names: ['2-ethylhexanoic acid', '2-EHA'],
    cas: ['149-57-5'],
    hs6: '291590',
    unit: 'L',
    usdPerKg: 2.5,
  },
  {
    key: 'BUTYRYL-CHLORIDE',
    names: ['butyryl chloride', 'butanoyl chloride'],
    cas: ['141-75-3'],
    hs6: '291590',
    unit: 'L',
    usdPerKg: 9,
  },
  {
    key: 'PIVALOYL-CHLORIDE',
    names: ['pivaloyl chloride', 'trimethylacetyl chloride'],
    cas: ['3282-30-2'],
    hs6: '291590',
    unit: 'L',
    usdPerKg: 7,
  },
  {
    key: 'OCTANOIC-ACID',
    names: ['octanoic acid', 'caprylic acid'],
    cas: ['124-07-2'],
    hs6: '291590',
    unit: 'L',
    usdPerKg: 3,
  },
  {
    key: 'ANILINE',
    names: ['aniline', 'aniline oil', 'aminobenzene'],
    cas: ['62-53-3'],
    hs6: '292141',
    unit: 'KG',
    usdPerKg: 1.6,
  },
  {
    key: 'ANILINE-HCL',
    names: ['aniline hydrochloride'],
    cas: ['142-04-1'],
    hs6: '292141',
    unit: 'KG',
    usdPerKg: 6,
  },
  {
    key: 'DIMETHYLANILINE',
    names: ['N,N-dimethylaniline'],
    cas: ['121-69-7'],
    hs6: '292142',
    unit: 'L',
    usdPerKg: 3,
  },
  {
    key: '4-FLUOROANILINE',
    names: ['4-fluoroaniline', 'p-fluoroaniline'],
    cas: ['371-40-4'],
    hs6: '292142',
    unit: 'KG',
    usdPerKg: 18,
  },
  {
    key: '4-CHLOROANILINE',
    names: ['4-chloroaniline'],
    cas: ['106-47-8'],
    hs6: '292142',
    unit: 'KG',
    usdPerKg: 8,
  },
  { key: 'PIPERIDINE', names: ['piperidine'], cas: ['110-89-4'], hs6: '293332', unit: 'L', usdPerKg: 10 },
  {
    key: 'BOC-PIPERAZINE',
    names: ['1-Boc-piperazine', 'tert-butyl piperazine-1-carboxylate'],
    cas: ['57260-71-6'],
    hs6: '293359',
    unit: 'KG',
    usdPerKg: 90,
  },
  {
    key: 'FORMIC-ACID',
    names: ['formic acid 85%'],
    cas: ['64-18-6'],
    hs6: '291511',
    unit: 'L',
    usdPerKg: 0.9,
  },
  { key: 'METHANOL', names: ['methanol'], cas: ['67-56-1'], hs6: '290511', unit: 'L', usdPerKg: 0.4 },
  {
    key: 'CAUSTIC-SODA',
    names: ['caustic soda flakes', 'sodium hydroxide'],
    cas: ['1310-73-2'],
    hs6: '281511',
    unit: 'KG',
    usdPerKg: 0.5,
  },
  {
    key: 'SODIUM-BENZOATE',
    names: ['sodium benzoate, food grade'],
    cas: ['532-32-1'],
    hs6: '291631',
    unit: 'KG',
    usdPerKg: 1.8,
  },
  {
    key: 'CITRIC-ACID',
    names: ['citric acid monohydrate'],
    cas: ['5949-29-1'],
    hs6: '291814',
    unit: 'KG',
    usdPerKg: 1.1,
  },
];

// ---------------------------------------------------------------- goods

export interface GoodsKind {
  description: string;
  hs6: string;
  /** Typical USD per kg. */
  usdPerKg: number;
  packageType: string;
}

/** Ordinary manufactured goods for general cargo (full and part loads). */
export const GENERAL_GOODS: readonly GoodsKind[] = [
  { description: 'Oak dining tables, knocked down', hs6: '940360', usdPerKg: 7, packageType: 'CARTON' },
  { description: 'Upholstered sofas', hs6: '940161', usdPerKg: 6, packageType: 'CARTON' },
  { description: 'Cotton knitted T-shirts', hs6: '610910', usdPerKg: 18, packageType: 'CARTON' },
  { description: 'Polyester jackets', hs6: '620193', usdPerKg: 22, packageType: 'CARTON' },
  { description: 'LED lamps and lighting fittings', hs6: '940540', usdPerKg: 20, packageType: 'CARTON' },
  { description: 'Lithium-ion batteries', hs6: '850760', usdPerKg: 30, packageType: 'PALLET' },
  { description: 'Laptop computers', hs6: '847130', usdPerKg: 180, packageType: 'CARTON' },
  {
    description: 'Smartphone accessories: cases and cables',
    hs6: '392690',
    usdPerKg: 15,
    packageType: 'CARTON',
  },
  { description: 'Steel bolts and nuts', hs6: '731815', usdPerKg: 2.5, packageType: 'PALLET' },
  { description: 'Auto parts: brake pads', hs6: '870830', usdPerKg: 9, packageType: 'PALLET' },
  { description: 'Ceramic floor tiles', hs6: '690790', usdPerKg: 0.6, packageType: 'PALLET' },
  { description: 'Plastic toys', hs6: '950300', usdPerKg: 8, packageType: 'CARTON' },
  { description: 'Kitchen utensils, stainless steel', hs6: '732393', usdPerKg: 6, packageType: 'CARTON' },
  { description: 'Bicycle parts', hs6: '871499', usdPerKg: 11, packageType: 'CARTON' },
  { description: 'Solar panels', hs6: '854143', usdPerKg: 5, packageType: 'PALLET' },
  { description: 'Cotton yarn', hs6: '520512', usdPerKg: 3.5, packageType: 'BALE' },
  { description: 'Basmati rice', hs6: '100630', usdPerKg: 1.2, packageType: 'BAG' },
  {
    description: 'Generic pharmaceutical tablets, metformin 500 mg',
    hs6: '300490',
    usdPerKg: 25,
    packageType: 'CARTON',
  },
  { description: 'Textile machinery spare parts', hs6: '844849', usdPerKg: 14, packageType: 'CRATE' },
  { description: 'Electric motors', hs6: '850152', usdPerKg: 12, packageType: 'CRATE' },
  { description: 'Polyethylene granules', hs6: '390110', usdPerKg: 1.3, packageType: 'BAG' },
  { description: 'Frozen shrimp', hs6: '030617', usdPerKg: 9, packageType: 'CARTON' },
  { description: 'Ball bearings', hs6: '848210', usdPerKg: 10, packageType: 'CARTON' },
  { description: 'Printed books', hs6: '490199', usdPerKg: 8, packageType: 'CARTON' },
];

/** Consumer goods in express and postal parcels. */
export const CONSUMER_GOODS: readonly GoodsKind[] = [
  { description: 'Phone cases', hs6: '392690', usdPerKg: 25, packageType: 'PARCEL' },
  { description: 'Cotton T-shirts', hs6: '610910', usdPerKg: 30, packageType: 'PARCEL' },
  { description: 'Bluetooth earphones', hs6: '851830', usdPerKg: 120, packageType: 'PARCEL' },
  { description: 'Hair accessories', hs6: '961511', usdPerKg: 35, packageType: 'PARCEL' },
  { description: 'Cosmetics samples', hs6: '330499', usdPerKg: 60, packageType: 'PARCEL' },
  { description: 'Toys', hs6: '950300', usdPerKg: 20, packageType: 'PARCEL' },
  { description: 'Handbag', hs6: '420222', usdPerKg: 40, packageType: 'PARCEL' },
  { description: 'Watch', hs6: '910211', usdPerKg: 150, packageType: 'PARCEL' },
  { description: 'Books', hs6: '490199', usdPerKg: 15, packageType: 'PARCEL' },
  { description: 'Gift', hs6: '950300', usdPerKg: 30, packageType: 'PARCEL' },
  { description: 'Accessories', hs6: '711719', usdPerKg: 50, packageType: 'PARCEL' },
  { description: 'Daily necessities', hs6: '392490', usdPerKg: 12, packageType: 'PARCEL' },
  { description: 'Sports shoes', hs6: '640411', usdPerKg: 35, packageType: 'PARCEL' },
  { description: 'Documents', hs6: '490700', usdPerKg: 5, packageType: 'ENVELOPE' },
  { description: 'Spare parts for drone', hs6: '880730', usdPerKg: 80, packageType: 'PARCEL' },
  { description: 'Tea', hs6: '090230', usdPerKg: 25, packageType: 'PARCEL' },
];

/** Vague wording that hides the commodity (DOMAIN.md §3, indicator 1). */
export const VAGUE_DESCRIPTIONS: readonly string[] = [
  'Daily necessities',
  'Gift',
  'Accessories',
  'Parts',
  'Chemicals',
  'Samples',
  'General merchandise',
  'Household items',
  'Plastic products',
  'Spare parts',
  'Personal effects',
  'Industrial raw material',
  'Cosmetic raw material',
  'Food additive',
  'Organic intermediate',
  'Pharmaceutical intermediate',
  'Sample for testing',
  'Powder',
];

/** Master-level wording that is acceptable only on master bills. */
export const CONSOLIDATED_DESCRIPTIONS: readonly string[] = [
  'Consolidated cargo',
  'FAK',
  'SLC: said to contain general cargo',
  'Consol as per attached list',
];

/** Innocent covers for chemicals declared as something else. */
export const MISDECLARED_COVERS: readonly GoodsKind[] = [
  { description: 'Sodium benzoate food grade', hs6: '291631', usdPerKg: 1.8, packageType: 'BAG' },
  { description: 'Citric acid monohydrate', hs6: '291814', usdPerKg: 1.1, packageType: 'BAG' },
  { description: 'Plastic accessories', hs6: '392690', usdPerKg: 6, packageType: 'CARTON' },
  { description: 'Pigment powder', hs6: '320412', usdPerKg: 4, packageType: 'DRUM' },
  { description: 'Cosmetic raw material', hs6: '330499', usdPerKg: 8, packageType: 'DRUM' },
  { description: 'Organic fertilizer', hs6: '310100', usdPerKg: 0.5, packageType: 'BAG' },
  { description: 'Detergent powder', hs6: '340220', usdPerKg: 1.5, packageType: 'BAG' },
  { description: 'Dog food', hs6: '230910', usdPerKg: 2, packageType: 'BAG' },
  { description: 'Machine parts', hs6: '847990', usdPerKg: 10, packageType: 'CARTON' },
  { description: 'Chemical preparation, n.e.s.', hs6: '382499', usdPerKg: 3, packageType: 'DRUM' },
];

/** Tablet presses, dies and encapsulators (DOMAIN.md §3, indicator 14). */
export const PILL_PRESS_GOODS: readonly GoodsKind[] = [
  { description: 'Tablet press machine TDP-5', hs6: '847930', usdPerKg: 12, packageType: 'CRATE' },
  { description: 'Single punch tablet press', hs6: '847930', usdPerKg: 10, packageType: 'CRATE' },
  { description: 'Rotary tablet press ZP-9', hs6: '847930', usdPerKg: 15, packageType: 'CRATE' },
  { description: 'Punch and die set for tablet press', hs6: '820730', usdPerKg: 60, packageType: 'BOX' },
  { description: 'Pill press die mold with logo', hs6: '820730', usdPerKg: 80, packageType: 'BOX' },
  { description: 'Capsule filling machine', hs6: '842240', usdPerKg: 14, packageType: 'CRATE' },
];

/** How smugglers relabel pill presses. */
export const PILL_PRESS_COVERS: readonly GoodsKind[] = [
  { description: 'Candy making machine', hs6: '843820', usdPerKg: 5, packageType: 'CRATE' },
  { description: 'Metal mold', hs6: '848071', usdPerKg: 8, packageType: 'BOX' },
  { description: 'Machine parts', hs6: '847990', usdPerKg: 6, packageType: 'CRATE' },
  { description: 'Stamping die', hs6: '820730', usdPerKg: 20, packageType: 'BOX' },
];

export const CHEM_PACKAGES = ['DRUM', 'BAG', 'CARTON', 'IBC', 'BOTTLE'] as const;
