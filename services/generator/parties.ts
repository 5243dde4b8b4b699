// Parties for the generator: a fixed pool of established firms (same names and identifiers in every
// run, drawn from a constant seed), per-run new consignees, residential shells and fictitious
// watchlisted entities with spelling variants. Writes nothing. All names are invented.
import { PHONE_PREFIX } from './catalog.ts';
import { Rng } from './prng.ts';
import type { PartyInput } from './types.ts';

export type Sector = 'CHEM' | 'PHARMA' | 'GENERAL' | 'RETAIL' | 'FORWARDER' | 'BROKER';

export interface Firm {
  party: PartyInput;
  country: string;
  sector: Sector;
  /** Holds the licences for scheduled precursors (DEA registration, Health Canada, COFEPRIS, NCB). */
  licensed: boolean;
}

const CITIES: Readonly<Record<string, readonly string[]>> = {
  CN: [
    'Shanghai',
    'Ningbo',
    'Shenzhen',
    'Guangzhou',
    'Wuhan',
    'Hangzhou',
    'Jinan',
    'Shijiazhuang',
    'Zhengzhou',
    'Nanjing',
    'Suzhou',
    'Qingdao',
    'Tianjin',
    'Changzhou',
    'Taizhou',
  ],
  HK: ['Hong Kong', 'Kowloon', 'Kwai Chung', 'Tsuen Wan'],
  IN: [
    'Mumbai',
    'Ahmedabad',
    'Hyderabad',
    'Vadodara',
    'Surat',
    'Ankleshwar',
    'Vapi',
    'Pune',
    'Chennai',
    'New Delhi',
  ],
  DE: ['Hamburg', 'Frankfurt', 'Ludwigshafen', 'Leverkusen', 'Darmstadt', 'Cologne', 'Munich'],
  NL: ['Rotterdam', 'Amsterdam', 'Geleen'],
  KR: ['Busan', 'Incheon', 'Seoul', 'Ulsan'],
  JP: ['Tokyo', 'Osaka', 'Yokohama'],
  US: [
    'Los Angeles',
    'Houston',
    'Newark',
    'Chicago',
    'Miami',
    'Edison',
    'Dallas',
    'Atlanta',
    'Phoenix',
    'San Diego',
  ],
  MX: [
    'Guadalajara',
    'Monterrey',
    'Ciudad de Mexico',
    'Puebla',
    'Leon',
    'Queretaro',
    'Toluca',
    'Tijuana',
    'Culiacan',
    'Manzanillo',
    'Zapopan',
    'Mexicali',
  ],
  CA: [
    'Toronto',
    'Mississauga',
    'Vancouver',
    'Montreal',
    'Calgary',
    'Richmond',
    'Brampton',
    'Surrey',
    'Markham',
  ],
};

const FIRM_WORDS: Readonly<Record<string, readonly string[]>> = {
  CN: [
    'Huaxin',
    'Tianrui',
    'Hongda',
    'Xinyu',
    'Jiahe',
    'Boyuan',
    'Ruixiang',
    'Kangtai',
    'Haoyuan',
    'Yongsheng',
    'Jinfeng',
    'Lianyi',
    'Dexin',
    'Shengda',
    'Fuyuan',
    'Anping',
    'Taihe',
    'Mingrui',
    'Chuangxin',
    'Baofeng',
  ],
  HK: [
    'Harbour',
    'Victoria',
    'Golden Bridge',
    'Pacific Gate',
    'Lionrock',
    'Kowloon Star',
    'Jade Crest',
    'Bauhinia',
  ],
  IN: [
    'Deccan',
    'Sahyadri',
    'Narmada',
    'Shivam',
    'Aarav',
    'Sunrise',
    'Vardhman',
    'Kaveri',
    'Ganga',
    'Shree Balaji',
    'Trimurti',
    'Anvika',
  ],
  DE: ['Rheinchem', 'Nordhafen', 'Elbtal', 'Taunus', 'Mainwerk', 'Spessart', 'Weser', 'Odenwald'],
  NL: ['Maasvlakte', 'Delta', 'Polder'],
  KR: ['Hanbit', 'Daesung', 'Saehan', 'Mirae', 'Seoyoung', 'Dongbang'],
  JP: ['Sakura', 'Fujimi', 'Kisarazu', 'Hokuto'],
  US: [
    'Pinecrest',
    'Lakeshore',
    'Summit',
    'Bayview',
    'Redwood',
    'Keystone',
    'Heartland',
    'Allied',
    'Bluewater',
    'Granite',
  ],
  MX: [
    'Del Bajio',
    'Azteca',
    'Del Pacifico',
    'Occidente',
    'Sol de Jalisco',
    'Nortena',
    'Tapatia',
    'Del Golfo',
    'Anahuac',
  ],
  CA: ['Maplewood', 'Northern', 'Laurentian', 'Pacific Rim', 'Fraser', 'Cascade', 'Muskoka', 'Boreal'],
};

const SECTOR_WORDS: Readonly<Record<string, Readonly<Record<Sector, readonly string[]>>>> = {
  default: {
    CHEM: ['Chemical', 'Fine Chemical', 'Chemicals', 'New Material Technology'],
    PHARMA: ['Pharmaceutical', 'Biotechnology', 'Pharma', 'Life Sciences'],
    GENERAL: [
      'Furniture',
      'Electronics',
      'Textile',
      'Lighting',
      'Hardware',
      'Industrial',
      'Home Goods',
      'Auto Parts',
    ],
    RETAIL: ['E-commerce', 'Trading', 'Online Store', 'Import & Export'],
    FORWARDER: ['Logistics', 'Freight', 'Shipping', 'Supply Chain'],
    BROKER: ['Customs Brokers', 'Customs Services', 'Trade Compliance'],
  },
  MX: {
    CHEM: ['Quimica', 'Quimicos Industriales', 'Distribuidora Quimica'],
    PHARMA: ['Laboratorios', 'Farmaceutica'],
    GENERAL: ['Comercializadora', 'Muebles', 'Electronica', 'Textiles', 'Autopartes'],
    RETAIL: ['Importadora', 'Comercializadora'],
    FORWARDER: ['Logistica', 'Transportes y Carga'],
    BROKER: ['Agencia Aduanal'],
  },
  DE: {
    CHEM: ['Feinchemikalien', 'Chemie'],
    PHARMA: ['Pharma'],
    GENERAL: ['Moebel', 'Maschinenbau', 'Elektrotechnik'],
    RETAIL: ['Handel'],
    FORWARDER: ['Spedition', 'Logistik'],
    BROKER: ['Zollagentur'],
  },
};

const SUFFIX: Readonly<Record<string, readonly string[]>> = {
  CN: ['Co., Ltd.', 'Co., Ltd', 'Company Limited'],
  HK: ['(HK) Limited', 'Limited', 'Co., Limited'],
  IN: ['Pvt. Ltd.', 'Private Limited', 'Limited', 'LLP'],
  DE: ['GmbH', 'AG', 'GmbH & Co. KG'],
  NL: ['B.V.'],
  KR: ['Co., Ltd.'],
  JP: ['K.K.', 'Co., Ltd.'],
  US: ['Inc.', 'LLC', 'Corp.'],
  MX: ['S.A. de C.V.', 'SA de CV', 'S. de R.L. de C.V.'],
  CA: ['Inc.', 'Ltd.', 'Corp.'],
};

const STREETS: Readonly<Record<string, readonly string[]>> = {
  CN: ['Huaxia Road', 'Jianshe Avenue', 'Keji Road', 'Gongye Avenue', 'Xinhua Road', 'Binhai Road'],
  HK: ['Kwai Fung Crescent', 'Castle Peak Road', 'Nathan Road', 'Wing Hong Street'],
  IN: ['GIDC Estate', 'MIDC Industrial Area', 'IDA Bollaram', 'Phase II, Naroda', 'Sector 5'],
  DE: ['Industriepark', 'Hafenstrasse', 'Chemiestrasse', 'Am Kanal'],
  NL: ['Europaweg', 'Havenstraat'],
  KR: ['Sinseon-ro', 'Gukhoe-daero', 'Sandan-ro'],
  JP: ['Minato-mirai', 'Chuo-dori'],
  US: ['Commerce Dr', 'Industrial Pkwy', 'Enterprise Blvd', 'Harbor Way', 'Distribution Ave'],
  MX: ['Av. Industria', 'Blvd. Aeropuerto', 'Av. Vallarta', 'Calle Norte 45', 'Av. de las Americas'],
  CA: ['Industrial Pkwy', 'Commerce Cres', 'Airport Rd', 'Boul. Saint-Laurent'],
};

const FIRST_NAMES: Readonly<Record<string, readonly string[]>> = {
  MX: [
    'Juan Carlos',
    'Jose Luis',
    'Miguel Angel',
    'Jorge',
    'Alejandro',
    'Fernando',
    'Maria Guadalupe',
    'Ana Laura',
    'Rosa Elena',
    'Luis',
    'Ricardo',
    'Brenda',
  ],
  US: [
    'Michael',
    'David',
    'James',
    'Kevin',
    'Jason',
    'Maria',
    'Jennifer',
    'Wei',
    'Tony',
    'Ashley',
    'Daniel',
    'Linh',
  ],
  CA: ['Harpreet', 'Jason', 'Emily', 'Wei', 'Gurpreet', 'Sarah', 'Mohammed', 'Kevin', 'Amrit', 'Olivia'],
  IN: ['Rahul', 'Amit', 'Priya', 'Suresh', 'Vikram', 'Neha', 'Sanjay'],
  CN: ['Wei', 'Li Na', 'Zhang Min', 'Chen Jie', 'Liu Yang', 'Wang Fang', 'Huang Lei'],
};

const LAST_NAMES: Readonly<Record<string, readonly string[]>> = {
  MX: [
    'Garcia',
    'Hernandez',
    'Martinez',
    'Lopez',
    'Gonzalez',
    'Rodriguez',
    'Perez',
    'Sanchez',
    'Ramirez',
    'Flores',
    'Torres',
    'Vazquez',
  ],
  US: ['Smith', 'Nguyen', 'Garcia', 'Lee', 'Johnson', 'Chen', 'Williams', 'Brown', 'Tran', 'Martinez'],
  CA: ['Dhillon', 'Singh', 'Chen', 'Tremblay', 'Gill', 'Wong', 'Sandhu', 'Roy', 'Brar', 'Li'],
  IN: ['Patel', 'Shah', 'Sharma', 'Reddy', 'Mehta', 'Iyer', 'Desai'],
  CN: ['Zhang', 'Wang', 'Li', 'Chen', 'Liu', 'Huang', 'Zhou'],
};

const HOME_STREETS: Readonly<Record<string, readonly string[]>> = {
  MX: [
    'Calle Girasol',
    'Privada Los Pinos',
    'Calle Jacarandas',
    'Calle Rio Bravo',
    'Andador Las Palmas',
    'Calle Hidalgo',
  ],
  US: ['Maple Ave', 'Oak St', 'Cedar Ln', 'Sunset Blvd', 'Elm St', 'Willow Ct'],
  CA: ['Residential Crescent', 'Birchwood Cres', 'Elm St', 'Maple Ridge Dr', 'Sandalwood Pkwy'],
  IN: ['MG Road', 'Nehru Nagar', 'Shanti Colony'],
  CN: ['Jiefang Road', 'Renmin Road'],
};

const COLONIAS = [
  'Las Flores',
  'Jardines del Valle',
  'Villa Real',
  'Lomas del Sol',
  'Centro',
  'Infonavit Humaya',
  'El Fresno',
];

function postalCode(rng: Rng, country: string): string | null {
  switch (country) {
    case 'US':
    case 'MX':
    case 'DE':
    case 'KR':
      return rng.digits(5);
    case 'CN':
    case 'IN':
      return rng.digits(6);
    case 'CA':
      return `${rng.letters(1)}${rng.int(1, 9)}${rng.letters(1)} ${rng.int(0, 9)}${rng.letters(1)}${rng.int(0, 9)}`;
    case 'JP':
      return `${rng.digits(3)}-${rng.digits(4)}`;
    case 'NL':
      return `${rng.int(1000, 9999)} ${rng.letters(2)}`;
    default:
      return null;
  }
}

/** National business identifier shaped as each registry writes it. */
export function businessIdentifier(rng: Rng, country: string): string {
  const alnum = () => (rng.chance(0.5) ? rng.letters(1) : rng.digits(1));
  switch (country) {
    case 'CN': {
      let tail = '';
      for (let i = 0; i < 8; i++) tail += alnum();
      return `91${rng.digits(6)}MA${tail}`;
    }
    case 'IN':
      return `${rng.int(10, 37)}${rng.letters(5)}${rng.digits(4)}${rng.letters(1)}${rng.int(1, 9)}Z${alnum()}`;
    case 'DE':
      return `DE${rng.digits(9)}`;
    case 'NL':
      return `NL${rng.digits(9)}B01`;
    case 'KR':
      return `${rng.digits(3)}-${rng.digits(2)}-${rng.digits(5)}`;
    case 'JP':
      return rng.digits(13);
    case 'HK':
      return rng.digits(8);
    case 'US':
      return `${rng.digits(2)}-${rng.digits(7)}`;
    case 'MX':
      return `${rng.letters(3)}${rng.digits(6)}${alnum()}${alnum()}${rng.digits(1)}`;
    case 'CA':
      return `${rng.digits(9)}RM0001`;
    default:
      return rng.digits(10);
  }
}

export function phoneFor(rng: Rng, country: string): string {
  const prefix = PHONE_PREFIX[country] ?? '+1';
  if (country === 'US' || country === 'CA') return `${prefix} ${rng.int(201, 989)} 555 01${rng.digits(2)}`;
  if (country === 'CN') return `${prefix} 1${rng.int(30, 99)} ${rng.digits(4)} ${rng.digits(4)}`;
  if (country === 'MX') return `${prefix} ${rng.int(33, 99)} ${rng.digits(4)} ${rng.digits(4)}`;
  return `${prefix} ${rng.digits(2)} ${rng.digits(4)} ${rng.digits(4)}`;
}

const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org'];

function emailFor(rng: Rng, name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z]+/g, '.')
    .replace(/^\.+|\.+$/g, '')
    .slice(0, 24);
  return `${rng.pick(['sales', 'info', 'export', 'trade'])}.${slug}@${rng.pick(EMAIL_DOMAINS)}`;
}

function sectorWords(country: string, sector: Sector): readonly string[] {
  return (SECTOR_WORDS[country] ?? SECTOR_WORDS.default!)[sector];
}

/** A company with a commercial address; established firms carry their registry identifier. */
export function makeCompany(
  rng: Rng,
  country: string,
  sector: Sector,
  opts: { identifier: boolean },
): PartyInput {
  const words = FIRM_WORDS[country] ?? FIRM_WORDS.US!;
  const city = rng.pick(CITIES[country] ?? ['Capital City']);
  const core = rng.chance(0.3) ? `${rng.pick(words)} ${rng.pick(words)}` : rng.pick(words);
  const sectorWord = rng.pick(sectorWords(country, sector));
  const suffix = rng.pick(SUFFIX[country] ?? ['Ltd.']);
  let name: string;
  if (country === 'CN' && rng.chance(0.5)) name = `${city} ${core} ${sectorWord} ${suffix}`;
  else if (country === 'MX') name = `${sectorWord} ${core} ${suffix}`;
  else name = `${core} ${sectorWord} ${suffix}`;
  const street =
    country === 'CN'
      ? rng.chance(0.5)
        ? `No. ${rng.int(1, 999)} ${rng.pick(STREETS.CN!)}`
        : `Room ${rng.int(2, 28)}0${rng.int(1, 9)}, Block ${rng.letters(1)}, ${rng.pick(STREETS.CN!)}`
      : country === 'IN'
        ? `Plot ${rng.int(1, 400)}, ${rng.pick(STREETS.IN!)}`
        : country === 'DE' || country === 'NL'
          ? `${rng.pick(STREETS[country]!)} ${rng.int(1, 120)}`
          : `${rng.int(1, 9999)} ${rng.pick(STREETS[country] ?? STREETS.US!)}`;
  return {
    name,
    address: { street, city, postalCode: postalCode(rng, country), country },
    identifier: opts.identifier ? businessIdentifier(rng, country) : null,
    phone: rng.chance(0.6) ? phoneFor(rng, country) : null,
    email: rng.chance(0.4) ? emailFor(rng, name) : null,
  };
}

/** A natural person at a home address (private buyers, nominee consignees). */
export function makePerson(rng: Rng, country: string): PartyInput {
  const first = rng.pick(FIRST_NAMES[country] ?? FIRST_NAMES.US!);
  const last = rng.pick(LAST_NAMES[country] ?? LAST_NAMES.US!);
  const name = rng.chance(0.2) ? `${first[0]}. ${last}` : `${first} ${last}`;
  return {
    name,
    address: {
      street: homeStreet(rng, country),
      city: rng.pick(CITIES[country] ?? ['Capital City']),
      postalCode: postalCode(rng, country),
      country,
    },
    identifier: null,
    phone: rng.chance(0.7) ? phoneFor(rng, country) : null,
    email: rng.chance(0.3) ? emailFor(rng, name) : null,
  };
}

/** Residential street lines; the unit/house words are what a residential-address check looks for. */
export function homeStreet(rng: Rng, country: string): string {
  const street = rng.pick(HOME_STREETS[country] ?? HOME_STREETS.US!);
  const n = rng.int(1, 2999);
  switch (country) {
    case 'MX':
      return rng.pick([
        `${street} ${n}, Col. ${rng.pick(COLONIAS)}`,
        `${street} ${n} Int. ${rng.int(1, 12)}, Col. ${rng.pick(COLONIAS)}`,
        `Fracc. ${rng.pick(COLONIAS)}, Casa ${rng.int(1, 80)}`,
        `${street} ${n}, Depto ${rng.int(1, 40)}`,
      ]);
    case 'CA':
      return rng.pick([
        `${n} ${street}`,
        `Unit ${rng.int(100, 2800)}, ${n} ${street}`,
        `Apt ${rng.int(1, 30)}0${rng.int(1, 9)}, ${n} ${street}`,
      ]);
    default:
      return rng.pick([
        `${n} ${street}`,
        `${n} ${street} Apt ${rng.int(1, 30)}${rng.letters(1)}`,
        `${n} ${street}, Apartment ${rng.int(1, 400)}`,
      ]);
  }
}

/** A newly created trading company with no history: commercial-sounding, often at a home address. */
export function makeShell(rng: Rng, country: string): PartyInput {
  const company = makeCompany(rng, country, rng.chance(0.5) ? 'RETAIL' : 'GENERAL', { identifier: false });
  const generic = rng.pick([
    'Global Trade Solutions',
    'Prime Supply Group',
    'Nova Commerce',
    'Vertex Import',
    'Alianza Comercial',
    'Eagle Distribution',
  ]);
  const suffix = rng.pick(SUFFIX[country] ?? ['Ltd.']);
  return {
    ...company,
    name: rng.chance(0.5) ? `${generic} ${suffix}` : company.name,
    address: {
      ...company.address!,
      street: rng.chance(0.7) ? homeStreet(rng, country) : company.address!.street,
    },
    identifier: rng.chance(0.15) ? businessIdentifier(rng, country) : null,
  };
}

// ---------------------------------------------------------------- fixed pool

export interface PartyPool {
  chemSuppliers: readonly Firm[];
  chemBuyers: readonly Firm[];
  generalShippers: readonly Firm[];
  generalBuyers: readonly Firm[];
  retailers: readonly Firm[];
  forwarders: readonly Firm[];
  brokers: readonly Firm[];
}

const POOL_SEED = 0x5eed0001;
let cachedPool: PartyPool | null = null;

/** The established firms. Built once from a constant seed, so identifiers recur across runs and seeds. */
export function partyPool(): PartyPool {
  if (cachedPool) return cachedPool;
  const rng = new Rng(POOL_SEED);
  const build = (sector: Sector, counts: Record<string, number>, licensedShare = 0): Firm[] => {
    const out: Firm[] = [];
    for (const [country, n] of Object.entries(counts)) {
      for (let i = 0; i < n; i++) {
        const party = makeCompany(rng, country, sector, { identifier: true });
        out.push({ party, country, sector, licensed: rng.chance(licensedShare) });
      }
    }
    return out;
  };
  cachedPool = {
    chemSuppliers: [
      ...build('CHEM', { CN: 22, IN: 12, DE: 6, KR: 4, NL: 3, JP: 3 }),
      ...build('PHARMA', { CN: 8, IN: 6, DE: 3 }),
    ],
    chemBuyers: [
      ...build('CHEM', { MX: 10, US: 10, CA: 6, IN: 5, DE: 3 }, 0.4),
      ...build('PHARMA', { MX: 8, US: 8, CA: 4, IN: 4 }, 0.6),
    ],
    generalShippers: build('GENERAL', { CN: 40, IN: 12, DE: 8, KR: 8, JP: 5, HK: 6, US: 6, NL: 3 }),
    generalBuyers: build('GENERAL', { US: 35, MX: 20, CA: 15, IN: 8, DE: 5 }),
    retailers: build('RETAIL', { CN: 20, HK: 5, IN: 3 }),
    forwarders: build('FORWARDER', { CN: 6, HK: 6, MX: 4, US: 4, CA: 3, KR: 2, IN: 2 }),
    brokers: build('BROKER', { MX: 4, US: 4, CA: 4, IN: 3, DE: 2 }),
  };
  return cachedPool;
}

// ---------------------------------------------------------------- watchlist (fictitious)

export interface WatchlistEntity {
  name: string;
  aliases: readonly string[];
  program: string;
  country: string;
  city: string;
  kind: 'entity' | 'individual';
}

/** Invented entities for tests of watchlist screening; not real designations. */
export const WATCHLIST_ENTITIES: readonly WatchlistEntity[] = [
  {
    name: 'Jinhuang Meridian Biotech Co., Ltd.',
    aliases: ['JHM Biotech', 'Jinhuang Pharma Tech'],
    program: 'ILLICIT-DRUGS-EO14059',
    country: 'CN',
    city: 'Wuhan',
    kind: 'entity',
  },
  {
    name: 'Qiaolong Fine Chemical (Hubei) Co., Ltd.',
    aliases: ['Qiao Long Chem', 'Hubei Qiaolong Trading Co.'],
    program: 'ILLICIT-DRUGS-EO14059',
    country: 'CN',
    city: 'Wuhan',
    kind: 'entity',
  },
  {
    name: 'Sanmeng Pharmatech Co., Limited',
    aliases: ['San Meng Pharma', 'SMPT Chemicals'],
    program: 'SDNTK',
    country: 'CN',
    city: 'Shijiazhuang',
    kind: 'entity',
  },
  {
    name: 'Veltrax Global Trading Limited',
    aliases: ['Veltraks Global Trade', 'Veltrax HK'],
    program: 'ILLICIT-DRUGS-EO14059',
    country: 'HK',
    city: 'Hong Kong',
    kind: 'entity',
  },
  {
    name: 'Tervana Aromachem Exports',
    aliases: ['Tervana Aroma Chem', 'Tervana Exim'],
    program: 'ILLICIT-DRUGS-EO14059',
    country: 'IN',
    city: 'Vadodara',
    kind: 'entity',
  },
  {
    name: 'Lumbre Roja Comercializadora S.A. de C.V.',
    aliases: ['Comercializadora Lumbre Roja', 'Lumbre Roja Import'],
    program: 'SDNTK',
    country: 'MX',
    city: 'Culiacan',
    kind: 'entity',
  },
  {
    name: 'ZHAO, Minghui',
    aliases: ['Chao Ming Hui', 'Minghui Zhao'],
    program: 'ILLICIT-DRUGS-EO14059',
    country: 'CN',
    city: 'Wuhan',
    kind: 'individual',
  },
];

/** Ordinary spelling variants filers produce: case, punctuation, dropped suffixes, split words, typos, transliteration. */
export function spellingVariant(rng: Rng, entity: WatchlistEntity): string {
  const base = rng.chance(0.3) ? rng.pick(entity.aliases) : entity.name;
  switch (rng.int(0, 6)) {
    case 0:
      return base;
    case 1:
      return base
        .toUpperCase()
        .replace(/[.,()]/g, '')
        .replace(/\s+/g, ' ');
    case 2:
      return (
        base.replace(/\s*(Co\.,? Ltd\.?|Co\.,? Limited|Limited|S\.A\. de C\.V\.|Exports)$/i, '').trim() ||
        base
      );
    case 3: {
      // Split a compound word at a syllable boundary ("Jinhuang" -> "Jin Huang").
      const m = /\b([A-Z][a-z]{2,3})([a-z]{3,})\b/.exec(base);
      return m ? base.replace(m[0], `${m[1]} ${m[2]!.charAt(0).toUpperCase()}${m[2]!.slice(1)}`) : base;
    }
    case 4: {
      const i = rng.int(1, Math.max(1, base.length - 3));
      return rng.chance(0.5)
        ? base.slice(0, i) + base.charAt(i) + base.slice(i)
        : base.slice(0, i) + base.slice(i + 1);
    }
    case 5:
      return base.replace(/Zh/g, 'Ch').replace(/Q/g, 'Ch').replace(/X/g, 'Hs');
    default:
      return base.replace(/ /g, rng.chance(0.5) ? '  ' : ' ').replace(/,/g, '');
  }
}
