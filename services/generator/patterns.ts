// One builder per generative pattern (see PATTERNS in types.ts and docs/generator.md): each turns the
// stream clock and the Rng into a consignment Draft. Licit builders carry occasional weak risk signs
// and smuggling builders sometimes look clean, so no single feature separates the classes.
import {
  AIR_HUBS,
  ANALOGUES,
  BENIGN_CHEMICALS,
  type Chemical,
  CONSOLIDATED_DESCRIPTIONS,
  CONSUMER_GOODS,
  CONTROLLED,
  GENERAL_GOODS,
  MISDECLARED_COVERS,
  PILL_PRESS_COVERS,
  PILL_PRESS_GOODS,
  SEA_HUBS,
  VAGUE_DESCRIPTIONS,
} from './catalog.ts';
import {
  type Ctx,
  chemDescription,
  chemLine,
  consignmentNumber,
  containerNumber,
  type Draft,
  type GoodsDraft,
  generalLine,
  houseNumber,
  makeRoute,
  money,
  type Permit,
  permitReference,
  pickCarrier,
  pickFirm,
  round,
  schedule,
} from './draft.ts';
import {
  type Firm,
  makeCompany,
  makePerson,
  makeShell,
  phoneFor,
  spellingVariant,
  WATCHLIST_ENTITIES,
} from './parties.ts';
import { registeredReference } from './permits.ts';
import type { Rng } from './prng.ts';
import type { Mode, PartyInput, PatternName } from './types.ts';

type Builder = (ctx: Ctx) => Draft;

// ---------------------------------------------------------------- shared pieces

type Corridor = readonly [origin: string, dest: string];

const GENERAL_CORRIDORS: readonly (readonly [Corridor, number])[] = [
  [['CN', 'US'], 0.22],
  [['CN', 'MX'], 0.1],
  [['CN', 'CA'], 0.07],
  [['HK', 'US'], 0.03],
  [['IN', 'US'], 0.07],
  [['IN', 'MX'], 0.02],
  [['DE', 'US'], 0.06],
  [['DE', 'CA'], 0.03],
  [['DE', 'MX'], 0.03],
  [['DE', 'IN'], 0.02],
  [['KR', 'US'], 0.05],
  [['KR', 'MX'], 0.04],
  [['KR', 'CA'], 0.02],
  [['JP', 'US'], 0.04],
  [['JP', 'MX'], 0.02],
  [['US', 'MX'], 0.06],
  [['NL', 'US'], 0.03],
  [['CN', 'IN'], 0.04],
];

const SMUGGLING_CORRIDORS: readonly (readonly [Corridor, number])[] = [
  [['CN', 'MX'], 0.32],
  [['HK', 'MX'], 0.1],
  [['IN', 'MX'], 0.15],
  [['CN', 'US'], 0.25],
  [['CN', 'CA'], 0.13],
  [['HK', 'US'], 0.05],
];

const YEAR_OF = (ms: number) => new Date(ms).getUTCFullYear();

function fromPool(
  rng: Rng,
  firms: readonly Firm[],
  country: string,
  fallbackSector: Firm['sector'],
): PartyInput {
  const firm = pickFirm(rng, firms, country);
  return firm ? firm.party : makeCompany(rng, country, fallbackSector, { identifier: true });
}

/** Starts a draft: carrier, route, ids, schedule, empty parties and goods. */
function base(
  ctx: Ctx,
  pattern: PatternName,
  positive: boolean,
  mode: Mode,
  corridor: Corridor,
  opts: { transshipment?: string[]; house?: boolean } = {},
): Draft {
  const { rng } = ctx;
  const [origin, dest] = corridor;
  const carrier = pickCarrier(rng, mode);
  const route = makeRoute(rng, mode, origin, dest, opts.transshipment ?? []);
  const { departureMs, arrivalMs } = schedule(rng, mode, ctx.nowMs, route.transshipmentPorts.length);
  const carrierNumber = consignmentNumber(rng, mode, carrier, origin);
  const house = opts.house ?? false;
  const placeholder: PartyInput = { name: 'unset', address: null };
  return {
    pattern,
    positive,
    mode,
    carrier,
    consignmentId: house ? houseNumber(rng, origin) : carrierNumber,
    masterId: house ? carrierNumber : null,
    route,
    departureMs,
    arrivalMs,
    manifestFiledMs: ctx.nowMs,
    parties: {
      shipper: placeholder,
      consignee: placeholder,
      notifyParty: null,
      forwarder: null,
      declarant: null,
    },
    goods: [],
    containers: [],
    payment: null,
    permits: [],
    declarationRate: 0.6,
    manifestPermitRate: 0.5,
  };
}

function containersFor(ctx: Ctx, d: Draft, totalKg: number): void {
  if (d.mode !== 'SEA' || d.masterId !== null) return;
  const owner = d.carrier.owner ?? 'MSK';
  const n = Math.min(6, Math.max(1, Math.round(totalKg / 18_000)));
  for (let i = 0; i < n; i++) d.containers.push(containerNumber(ctx.rng, owner));
}

function broker(ctx: Ctx, country: string): PartyInput | null {
  const firm = pickFirm(ctx.rng, ctx.pool.brokers, country);
  return firm ? firm.party : null;
}

function forwarder(ctx: Ctx, country: string): PartyInput {
  return fromPool(ctx.rng, ctx.pool.forwarders, country, 'FORWARDER');
}

function licitPayment(rng: Rng): Draft['payment'] {
  const method = rng.weighted<NonNullable<Draft['payment']>['method'] | null>([
    ['WIRE', 0.86],
    ['OTHER', 0.04],
    ['CARD', 0.03],
    ['CASH', 0.005],
    ['P2P', 0.005],
    [null, 0.06],
  ]);
  return method === null ? null : { method, payerIsThirdParty: rng.chance(0.04) };
}

function smugglingPayment(rng: Rng, stealthy: boolean): Draft['payment'] {
  if (stealthy) return rng.chance(0.85) ? { method: 'WIRE', payerIsThirdParty: rng.chance(0.2) } : null;
  const method = rng.weighted<NonNullable<Draft['payment']>['method'] | null>([
    ['CRYPTO', 0.22],
    ['P2P', 0.16],
    ['CASH', 0.1],
    ['WIRE', 0.28],
    ['CARD', 0.1],
    ['OTHER', 0.06],
    [null, 0.08],
  ]);
  return method === null ? null : { method, payerIsThirdParty: rng.chance(0.45) };
}

/** Shipper for a smuggling consignment: a new trading firm, rarely an established supplier. */
function smugglingShipper(ctx: Ctx, origin: string): PartyInput {
  const { rng } = ctx;
  if (rng.chance(0.1)) return fromPool(rng, ctx.pool.chemSuppliers, origin, 'CHEM');
  const p = makeCompany(rng, origin, rng.pick(['CHEM', 'PHARMA', 'RETAIL', 'GENERAL'] as const), {
    identifier: rng.chance(0.25),
  });
  if (rng.chance(0.4))
    p.email = `${rng.pick(['sales', 'kelly', 'amy', 'lisa', 'jack', 'export'])}${rng.digits(3)}@${rng.pick(['example.com', 'example.net'])}`;
  return p;
}

/** Consignee for a smuggling consignment; stealthy ones look like a registered company. */
function smugglingConsignee(ctx: Ctx, origin: string, dest: string, stealthy: boolean): PartyInput {
  const { rng } = ctx;
  if (stealthy) {
    return rng.chance(0.5)
      ? makeCompany(rng, dest, rng.pick(['CHEM', 'GENERAL'] as const), { identifier: true })
      : fromPool(rng, ctx.pool.generalBuyers, dest, 'GENERAL');
  }
  const kind = rng.weighted<'person' | 'shell' | 'forwarder' | 'toOrder' | 'newFirm'>([
    ['person', 0.35],
    ['shell', 0.35],
    ['forwarder', 0.1],
    ['toOrder', 0.05],
    ['newFirm', 0.15],
  ]);
  let p: PartyInput;
  switch (kind) {
    case 'person':
      p = makePerson(rng, dest);
      break;
    case 'shell':
      p = makeShell(rng, dest);
      break;
    case 'forwarder':
      p = { ...forwarder(ctx, dest) };
      break;
    case 'toOrder':
      return toOrder(rng);
    default:
      p = makeCompany(rng, dest, 'CHEM', { identifier: rng.chance(0.5) });
  }
  if (rng.chance(0.35)) p = { ...p, phone: phoneFor(rng, origin) };
  return p;
}

function toOrder(rng: Rng): PartyInput {
  return {
    name: rng.pick(['TO ORDER', 'To order', 'TO ORDER OF SHIPPER', 'TO THE ORDER OF BEARER']),
    address: null,
    identifier: null,
  };
}

function smugglingMode(rng: Rng): Mode {
  return rng.weighted<Mode>([
    ['EXPRESS', 0.4],
    ['AIR', 0.25],
    ['POST', 0.12],
    ['SEA', 0.23],
  ]);
}

function maybeHubs(rng: Rng, mode: Mode, p: number): string[] {
  if (!rng.chance(p)) return [];
  if (mode === 'SEA') return [rng.pick(SEA_HUBS)];
  // Sea-air legs: a sea hub in front of an air leg.
  if (mode === 'AIR' && rng.chance(0.35))
    return [rng.pick(['KRPUS', 'AEJEA'] as const), rng.pick(['KRICN', 'AEDXB'] as const)];
  return [rng.pick(AIR_HUBS)];
}

/** Fills in the parties, payment and permits common to all smuggling patterns. */
function smugglingBase(
  ctx: Ctx,
  pattern: PatternName,
  opts: { mode?: Mode; corridor?: Corridor; hubs?: number } = {},
): { d: Draft; stealthy: boolean } {
  const { rng } = ctx;
  const corridor = opts.corridor ?? rng.weighted(SMUGGLING_CORRIDORS);
  const mode = opts.mode ?? smugglingMode(rng);
  const hubs = maybeHubs(rng, mode, opts.hubs ?? (mode === 'EXPRESS' || mode === 'POST' ? 0.25 : 0.35));
  const house =
    (mode === 'SEA' || mode === 'AIR' || mode === 'EXPRESS') && rng.chance(mode === 'EXPRESS' ? 0.25 : 0.35);
  const d = base(ctx, pattern, true, mode, corridor, { transshipment: hubs, house });
  const stealthy = rng.chance(0.22);
  const [origin, dest] = corridor;
  d.parties.shipper = smugglingShipper(ctx, origin);
  d.parties.consignee = smugglingConsignee(ctx, origin, dest, stealthy);
  if (house && rng.chance(0.7)) d.parties.forwarder = forwarder(ctx, rng.chance(0.5) ? origin : dest);
  if (rng.chance(0.15)) d.parties.notifyParty = makePerson(rng, dest);
  d.parties.declarant = rng.chance(0.5) ? broker(ctx, dest) : null;
  d.payment = smugglingPayment(rng, stealthy);
  // A few carry a permit-like reference (copied or forged) so "has a permit" is not proof of innocence.
  if (rng.chance(0.08))
    d.permits.push({ type: 'PEN', reference: permitReference(rng, 'PEN', origin, YEAR_OF(ctx.nowMs)) });
  d.declarationRate = mode === 'EXPRESS' || mode === 'POST' ? 0.35 : 0.55;
  return { d, stealthy };
}

function pickControlled(rng: Rng): Chemical {
  const weights: Record<string, number> = {
    '4-PIPERIDONE': 0.2,
    '1-BOC-4-PIPERIDONE': 0.25,
    '1-BOC-4-AP': 0.15,
    '4-AP': 0.1,
    NPP: 0.08,
    ANPP: 0.06,
    NORFENTANYL: 0.04,
    'PROPIONYL-CHLORIDE': 0.05,
    'PHENETHYL-BROMIDE': 0.05,
    'PROPIONIC-ANHYDRIDE': 0.02,
  };
  return rng.weighted(CONTROLLED.map((c) => [c, weights[c.key] ?? 0.01] as const));
}

/** A mistyped CAS (last digit changed): filer error or deliberate disguise. */
function mistype(rng: Rng, cas: string): string {
  const last = Number(cas.slice(-1));
  return `${cas.slice(0, -1)}${(last + rng.int(1, 9)) % 10}`;
}

function smuggleKg(rng: Rng, mode: Mode): number {
  if (mode === 'EXPRESS' || mode === 'POST') return round(rng.float(0.5, 25));
  if (mode === 'AIR') return round(rng.float(5, 300));
  return round(rng.float(50, 3000));
}

/** Declared value of smuggled chemicals: usually far below the licit price. */
function smugglePrice(rng: Rng, chem: Chemical): number {
  return rng.chance(0.7) ? rng.float(1, 15) : chem.usdPerKg * rng.float(0.2, 1);
}

function finishSmuggling(ctx: Ctx, d: Draft): Draft {
  const total = d.goods.reduce((s, g) => s + g.grossWeightKg, 0);
  containersFor(ctx, d, total);
  return d;
}

function consumerLine(rng: Rng, origin: string, dest: string): GoodsDraft {
  const kind = rng.pick(CONSUMER_GOODS);
  const kg = round(rng.float(0.1, 3));
  return {
    description: kind.description,
    hs6: kind.hs6,
    casNumbers: [],
    quantity: { value: rng.int(1, 10), unit: 'PCS' },
    packages: { count: 1, type: kind.packageType },
    grossWeightKg: kg,
    value: money(rng, Math.min(800, kg * kind.usdPerKg * rng.logNormal(1, 0.4)), origin, dest),
    originCountry: origin,
  };
}

// ---------------------------------------------------------------- licit patterns

const licitGeneralCargo: Builder = (ctx) => {
  const { rng } = ctx;
  const corridor = rng.weighted(GENERAL_CORRIDORS);
  const [origin, dest] = corridor;
  const mode: Mode =
    origin === 'US' && dest === 'MX'
      ? rng.weighted<Mode>([
          ['ROAD', 0.7],
          ['RAIL', 0.1],
          ['SEA', 0.1],
          ['AIR', 0.1],
        ])
      : rng.chance(0.62)
        ? 'SEA'
        : 'AIR';
  const hubs = mode === 'SEA' ? maybeHubs(rng, mode, 0.2) : maybeHubs(rng, mode, 0.15);
  const house = (mode === 'SEA' || mode === 'AIR') && rng.chance(0.3);
  const d = base(ctx, 'licit-general-cargo', false, mode, corridor, { transshipment: hubs, house });
  d.parties.shipper = fromPool(rng, ctx.pool.generalShippers, origin, 'GENERAL');
  d.parties.consignee = fromPool(rng, ctx.pool.generalBuyers, dest, 'GENERAL');
  if (house || rng.chance(0.25)) d.parties.forwarder = forwarder(ctx, rng.chance(0.5) ? origin : dest);
  if (rng.chance(0.3)) d.parties.notifyParty = rng.chance(0.5) ? d.parties.consignee : broker(ctx, dest);
  d.parties.declarant = rng.chance(0.8) ? broker(ctx, dest) : null;
  const lines = rng.weighted([
    [1, 0.55],
    [2, 0.2],
    [3, 0.15],
    [5, 0.1],
  ] as const);
  const totalKg =
    mode === 'SEA' ? rng.float(1500, 24_000) : mode === 'AIR' ? rng.float(30, 2500) : rng.float(2000, 20_000);
  for (let i = 0; i < lines; i++) {
    const kind = rng.pick(GENERAL_GOODS);
    const line = generalLine(rng, kind, totalKg / lines, origin, dest);
    // Some legitimate filers are vague too.
    if (rng.chance(0.025))
      line.description = rng.pick(['Parts', 'Accessories', 'Spare parts', 'General merchandise']);
    d.goods.push(line);
  }
  d.payment = licitPayment(rng);
  if (rng.chance(0.04)) d.parties.consignee = { ...d.parties.consignee, phone: phoneFor(rng, origin) };
  d.declarationRate = 0.72;
  containersFor(ctx, d, totalKg);
  return d;
};

const licitConsumerParcel: Builder = (ctx) => {
  const { rng } = ctx;
  const corridor = rng.weighted<Corridor>([
    [['CN', 'US'], 0.4],
    [['CN', 'CA'], 0.15],
    [['CN', 'MX'], 0.2],
    [['HK', 'US'], 0.08],
    [['HK', 'MX'], 0.04],
    [['IN', 'US'], 0.05],
    [['DE', 'US'], 0.03],
    [['KR', 'US'], 0.05],
  ]);
  const [origin, dest] = corridor;
  const mode: Mode = rng.chance(0.6) ? 'EXPRESS' : 'POST';
  const d = base(ctx, 'licit-consumer-parcel', false, mode, corridor, {
    transshipment: maybeHubs(rng, mode, 0.12),
    house: mode === 'EXPRESS' && rng.chance(0.2),
  });
  const roll = rng.next();
  d.parties.shipper =
    roll < 0.6
      ? fromPool(rng, ctx.pool.retailers, origin, 'RETAIL')
      : roll < 0.9
        ? makeCompany(rng, origin, 'RETAIL', { identifier: false })
        : makePerson(rng, origin);
  d.parties.consignee = rng.chance(0.85)
    ? makePerson(rng, dest)
    : makeCompany(rng, dest, 'RETAIL', { identifier: rng.chance(0.5) });
  const lines = rng.chance(0.8) ? 1 : rng.int(2, 3);
  for (let i = 0; i < lines; i++) d.goods.push(consumerLine(rng, origin, dest));
  const method = rng.weighted<NonNullable<Draft['payment']>['method'] | null>([
    ['CARD', 0.6],
    [null, 0.25],
    ['P2P', 0.04],
    ['OTHER', 0.08],
    ['CASH', 0.015],
    ['CRYPTO', 0.005],
  ]);
  d.payment = method === null ? null : { method, payerIsThirdParty: rng.chance(0.08) };
  d.declarationRate = 0.35;
  return d;
};

function licitChemicalLike(ctx: Ctx, pattern: PatternName, bulk: boolean): Draft {
  const { rng } = ctx;
  const supplier = rng.pick(ctx.pool.chemSuppliers);
  const buyer = rng.pick(ctx.pool.chemBuyers.filter((b) => b.country !== supplier.country));
  const corridor: Corridor = [supplier.country, buyer.country];
  const mode: Mode = bulk
    ? 'SEA'
    : rng.weighted<Mode>([
        ['SEA', 0.45],
        ['AIR', 0.43],
        ['EXPRESS', 0.12],
      ]);
  const d = base(ctx, pattern, false, mode, corridor, {
    transshipment: maybeHubs(rng, mode, 0.2),
    house: mode !== 'EXPRESS' && rng.chance(0.25),
  });
  d.parties.shipper = supplier.party;
  d.parties.consignee = buyer.party;
  if (d.masterId || rng.chance(0.2))
    d.parties.forwarder = forwarder(ctx, rng.chance(0.5) ? supplier.country : buyer.country);
  d.parties.declarant = rng.chance(0.85) ? broker(ctx, buyer.country) : null;
  const bulkKeys = [
    'ANILINE',
    'FORMIC-ACID',
    'METHANOL',
    'CAUSTIC-SODA',
    'CITRIC-ACID',
    '2-EHA',
    'OCTANOIC-ACID',
    'SODIUM-BENZOATE',
    '3-PICOLINE',
    'VALERIC-ACID',
  ];
  const candidates = bulk ? BENIGN_CHEMICALS.filter((c) => bulkKeys.includes(c.key)) : BENIGN_CHEMICALS;
  const lines = bulk ? 1 : rng.chance(0.75) ? 1 : rng.int(2, 4);
  for (let i = 0; i < lines; i++) {
    // 1-benzyl-4-piperidone also has real licit trade between established firms.
    const chem =
      !bulk && rng.chance(0.04)
        ? ANALOGUES.find((a) => a.key === 'BENZYL-4-PIPERIDONE')!
        : rng.pick(candidates);
    const kg = bulk
      ? rng.float(12_000, 24_000)
      : mode === 'EXPRESS'
        ? rng.float(0.1, 10)
        : mode === 'AIR'
          ? rng.float(5, 500)
          : rng.float(200, 8000);
    const name = rng.pick(chem.names);
    const cas = chem.cas[0];
    const listCas = rng.chance(0.8) && cas !== undefined;
    const line = chemLine(rng, chem, {
      name: chemDescription(rng, name, { cas: rng.chance(0.3) ? cas : undefined, kg }),
      kg,
      priceUsdPerKg: chem.usdPerKg * rng.logNormal(1, 0.25),
      origin: supplier.country,
      dest: buyer.country,
      cas: listCas && cas ? [cas] : [],
      hs6: chem.hs6,
    });
    d.goods.push(line);
  }
  d.payment = licitPayment(rng);
  if (rng.chance(0.05))
    d.permits.push({
      type: 'REGISTRATION',
      reference: permitReference(rng, 'REGISTRATION', buyer.country, YEAR_OF(ctx.nowMs)),
    });
  d.declarationRate = 0.72;
  containersFor(
    ctx,
    d,
    d.goods.reduce((s, g) => s + g.grossWeightKg, 0),
  );
  return d;
}

const licitChemicalTrade: Builder = (ctx) => licitChemicalLike(ctx, 'licit-chemical-trade', false);
const licitBulkChemical: Builder = (ctx) => licitChemicalLike(ctx, 'licit-bulk-chemical', true);

const licitControlledLicensed: Builder = (ctx) => {
  const { rng } = ctx;
  const supplier = rng.pick(ctx.pool.chemSuppliers.filter((s) => s.country !== 'CN' || rng.chance(0.5)));
  const buyers = ctx.pool.chemBuyers.filter((b) => b.licensed && b.country !== supplier.country);
  const buyer = rng.pick(buyers);
  const corridor: Corridor = [supplier.country, buyer.country];
  const mode: Mode = rng.weighted<Mode>([
    ['AIR', 0.5],
    ['SEA', 0.3],
    ['EXPRESS', 0.2],
  ]);
  const d = base(ctx, 'licit-controlled-licensed', false, mode, corridor, {
    transshipment: maybeHubs(rng, mode, 0.1),
  });
  d.parties.shipper = supplier.party;
  d.parties.consignee = buyer.party;
  d.parties.declarant = broker(ctx, buyer.country);
  const chem = rng.weighted(
    CONTROLLED.map(
      (c) =>
        [
          c,
          c.key === '4-PIPERIDONE'
            ? 0.25
            : c.key === '1-BOC-4-PIPERIDONE'
              ? 0.2
              : c.key.startsWith('PROPION')
                ? 0.15
                : 0.05,
        ] as const,
    ),
  );
  const reference = chem.key === 'ANPP' || chem.key === 'NPP' || chem.key === 'NORFENTANYL';
  const kg = reference
    ? rng.float(0.005, 0.5)
    : mode === 'EXPRESS'
      ? rng.float(0.5, 10)
      : mode === 'AIR'
        ? rng.float(10, 400)
        : rng.float(500, 5000);
  const casIdx = rng.chance(0.8) ? 0 : rng.int(0, chem.cas.length - 1);
  const cas = chem.cas[casIdx];
  d.goods.push(
    chemLine(rng, chem, {
      name: reference
        ? `${chem.names[0]} analytical reference standard`
        : chemDescription(rng, rng.pick(chem.names.slice(0, 2)), {
            cas: rng.chance(0.4) ? cas : undefined,
            kg,
          }),
      kg,
      priceUsdPerKg: reference ? rng.float(20_000, 200_000) : chem.usdPerKg * rng.logNormal(1, 0.2),
      origin: supplier.country,
      dest: buyer.country,
      cas: cas ? [cas] : [],
      hs6: chem.hs6,
    }),
  );
  const year = YEAR_OF(ctx.nowMs);
  const permits: Permit[] = [];
  // The references come from the generated permit register (models/permits/generated.csv); the Rng is
  // drawn exactly as before so every other field of the stream stays as it was.
  const registered = (type: Permit['type'], firm: Firm, country: string): Permit => {
    const drawn = permitReference(rng, type, country, year);
    return { type, reference: registeredReference(type, firm, chem.key, year) ?? drawn };
  };
  if (rng.chance(0.92)) permits.push(registered('PEN', supplier, supplier.country));
  if (rng.chance(0.9)) permits.push(registered('IMPORT_PERMIT', buyer, buyer.country));
  if (rng.chance(0.5)) permits.push(registered('EXPORT_PERMIT', supplier, supplier.country));
  if (buyer.country === 'US' && rng.chance(0.8)) permits.push(registered('REGISTRATION', buyer, 'US'));
  d.permits = permits;
  d.payment = { method: 'WIRE', payerIsThirdParty: false };
  d.declarationRate = 0.85;
  d.manifestPermitRate = 0.55;
  containersFor(ctx, d, kg);
  return d;
};

const licitConsolidatedMaster: Builder = (ctx) => {
  const { rng } = ctx;
  const corridor = rng.weighted(GENERAL_CORRIDORS.filter(([[o, t]]) => o !== 'US' || t !== 'MX'));
  const [origin, dest] = corridor;
  const mode: Mode = rng.chance(0.6) ? 'SEA' : 'AIR';
  const d = base(ctx, 'licit-consolidated-master', false, mode, corridor, {
    transshipment: maybeHubs(rng, mode, 0.2),
  });
  d.parties.shipper = forwarder(ctx, origin);
  d.parties.consignee = forwarder(ctx, dest);
  const kg = mode === 'SEA' ? rng.float(4000, 22_000) : rng.float(300, 6000);
  d.goods.push({
    description: rng.pick(CONSOLIDATED_DESCRIPTIONS),
    hs6: null,
    casNumbers: [],
    quantity: null,
    packages: { count: rng.int(5, 400), type: rng.pick(['PACKAGES', 'PALLET', 'CARTON']) },
    grossWeightKg: round(kg),
    value: null,
    originCountry: origin,
  });
  d.declarationRate = 0;
  containersFor(ctx, d, kg);
  return d;
};

const licitPharmaEquipment: Builder = (ctx) => {
  const { rng } = ctx;
  const origin = rng.weighted([
    ['CN', 0.6],
    ['IN', 0.25],
    ['DE', 0.15],
  ] as const);
  const buyer = rng.pick(ctx.pool.chemBuyers.filter((b) => b.sector === 'PHARMA'));
  const corridor: Corridor = [origin, buyer.country];
  const mode: Mode = rng.chance(0.6) ? 'SEA' : 'AIR';
  const d = base(ctx, 'licit-pharma-equipment', false, mode, corridor, {
    transshipment: maybeHubs(rng, mode, 0.15),
  });
  d.parties.shipper = fromPool(rng, ctx.pool.generalShippers, origin, 'GENERAL');
  d.parties.consignee = buyer.party;
  d.parties.declarant = broker(ctx, buyer.country);
  const kind = rng.pick(PILL_PRESS_GOODS);
  const kg = kind.hs6 === '820730' ? rng.float(5, 80) : rng.float(300, 4000);
  d.goods.push({
    ...generalLine(rng, kind, kg, origin, buyer.country),
    quantity: { value: rng.int(1, 4), unit: 'PCS' },
  });
  d.payment = { method: 'WIRE', payerIsThirdParty: false };
  d.declarationRate = 0.75;
  containersFor(ctx, d, kg);
  return d;
};

const licitNewImporter: Builder = (ctx) => {
  const { rng } = ctx;
  const corridor = rng.weighted<Corridor>([
    [['CN', 'MX'], 0.3],
    [['CN', 'US'], 0.3],
    [['IN', 'MX'], 0.1],
    [['CN', 'CA'], 0.15],
    [['IN', 'US'], 0.15],
  ]);
  const [origin, dest] = corridor;
  const mode: Mode = rng.weighted<Mode>([
    ['EXPRESS', 0.55],
    ['AIR', 0.35],
    ['POST', 0.1],
  ]);
  const d = base(ctx, 'licit-new-importer', false, mode, corridor, {
    transshipment: maybeHubs(rng, mode, 0.2),
  });
  d.parties.shipper = rng.chance(0.6)
    ? fromPool(rng, ctx.pool.chemSuppliers, origin, 'CHEM')
    : makeCompany(rng, origin, 'CHEM', { identifier: rng.chance(0.4) });
  d.parties.consignee = rng.chance(0.45)
    ? makeShell(rng, dest)
    : makeCompany(rng, dest, rng.pick(['CHEM', 'PHARMA', 'RETAIL'] as const), {
        identifier: rng.chance(0.5),
      });
  if (rng.chance(0.1)) d.parties.consignee = { ...d.parties.consignee, phone: phoneFor(rng, origin) };
  const chem = rng.pick(BENIGN_CHEMICALS.filter((c) => c.hs6.startsWith('29')));
  const kg = mode === 'AIR' ? rng.float(5, 100) : rng.float(0.2, 20);
  const cas = chem.cas[0];
  const line = chemLine(rng, chem, {
    name: rng.chance(0.15)
      ? rng.pick(['Chemical sample', 'Samples', 'Laboratory reagent', 'Organic intermediate'])
      : chemDescription(rng, rng.pick(chem.names), { cas: rng.chance(0.3) ? cas : undefined, kg }),
    kg,
    priceUsdPerKg: chem.usdPerKg * rng.logNormal(1, 0.5),
    origin,
    dest,
    cas: cas && rng.chance(0.6) ? [cas] : [],
    hs6: rng.chance(0.9) ? chem.hs6 : null,
  });
  d.goods.push(line);
  const method = rng.weighted<NonNullable<Draft['payment']>['method'] | null>([
    ['CARD', 0.35],
    ['WIRE', 0.35],
    ['P2P', 0.08],
    ['OTHER', 0.1],
    ['CRYPTO', 0.03],
    ['CASH', 0.02],
    [null, 0.07],
  ]);
  d.payment = method === null ? null : { method, payerIsThirdParty: rng.chance(0.1) };
  d.declarationRate = 0.5;
  return d;
};

// ---------------------------------------------------------------- smuggling patterns

/** Adds a decoy consumer line now and then, as master cartons mix goods. */
function maybeDecoy(ctx: Ctx, d: Draft, p: number): void {
  if (ctx.rng.chance(p))
    d.goods.push(consumerLine(ctx.rng, d.route.originCountry, d.route.destinationCountry));
}

const smuggleNamedNoPermit: Builder = (ctx) => {
  const { rng } = ctx;
  const { d } = smugglingBase(ctx, 'smuggle-named-no-permit');
  const chem = pickControlled(rng);
  const kg = smuggleKg(rng, d.mode);
  const cas = chem.cas[0];
  d.goods.push(
    chemLine(rng, chem, {
      name: chemDescription(rng, chem.names[0]!, { cas: rng.chance(0.35) ? cas : undefined, kg }),
      kg,
      priceUsdPerKg: smugglePrice(rng, chem),
      origin: d.route.originCountry,
      dest: d.route.destinationCountry,
      cas: cas && rng.chance(0.5) ? [cas] : [],
      hs6: rng.chance(0.7) ? chem.hs6 : rng.pick(['293399', '382499', null]),
    }),
  );
  maybeDecoy(ctx, d, 0.15);
  return finishSmuggling(ctx, d);
};

const SALT_WORDS = [
  ' hydrochloride',
  ' HCl',
  ' dihydrochloride',
  ' monohydrate',
  ' hydrobromide',
  ' sulfate',
  ' tartrate',
];

const smuggleSynonymSalt: Builder = (ctx) => {
  const { rng } = ctx;
  const { d } = smugglingBase(ctx, 'smuggle-synonym-salt');
  const chem = pickControlled(rng);
  const kg = smuggleKg(rng, d.mode);
  const name =
    (chem.names.length > 1 ? rng.pick(chem.names.slice(1)) : chem.names[0]!) +
    (rng.chance(0.5) ? rng.pick(SALT_WORDS) : '');
  const saltCas = chem.cas.length > 1 ? rng.pick(chem.cas.slice(1)) : chem.cas[0];
  const cas = saltCas && rng.chance(0.2) ? mistype(rng, saltCas) : saltCas;
  d.goods.push(
    chemLine(rng, chem, {
      name: chemDescription(rng, name, { cas: rng.chance(0.25) ? cas : undefined, kg }),
      kg,
      priceUsdPerKg: smugglePrice(rng, chem),
      origin: d.route.originCountry,
      dest: d.route.destinationCountry,
      cas: cas && rng.chance(0.45) ? [cas] : [],
      hs6: rng.weighted<string | null>([
        [chem.hs6, 0.55],
        ['293399', 0.2],
        ['294200', 0.1],
        [null, 0.15],
      ]),
    }),
  );
  maybeDecoy(ctx, d, 0.15);
  return finishSmuggling(ctx, d);
};

const smuggleAnalogue: Builder = (ctx) => {
  const { rng } = ctx;
  const { d } = smugglingBase(ctx, 'smuggle-analogue');
  const chem = rng.pick(ANALOGUES);
  const kg = smuggleKg(rng, d.mode);
  const cas = chem.cas[0];
  d.goods.push(
    chemLine(rng, chem, {
      name: chemDescription(rng, rng.pick(chem.names), { cas: rng.chance(0.3) ? cas : undefined, kg }),
      kg,
      priceUsdPerKg: smugglePrice(rng, chem),
      origin: d.route.originCountry,
      dest: d.route.destinationCountry,
      cas: cas && rng.chance(0.5) ? [cas] : [],
      hs6: rng.weighted<string | null>([
        ['293339', 0.6],
        ['293399', 0.25],
        [null, 0.15],
      ]),
    }),
  );
  maybeDecoy(ctx, d, 0.15);
  return finishSmuggling(ctx, d);
};

const smuggleBareCas: Builder = (ctx) => {
  const { rng } = ctx;
  const { d } = smugglingBase(ctx, 'smuggle-bare-cas');
  const chem = rng.pick(CONTROLLED.filter((c) => c.hs6.startsWith('2933')));
  const kg = smuggleKg(rng, d.mode);
  const real = rng.pick(chem.cas);
  const cas = rng.chance(0.15) ? mistype(rng, real) : real;
  const description = rng.pick([
    `CAS ${cas}`,
    cas,
    `Pharmaceutical intermediate ${cas}`,
    `Intermediate, CAS No. ${cas}`,
    `Organic compound (CAS ${cas})`,
    `Research chemical ${cas}`,
    `${cas} powder 99%`,
  ]);
  d.goods.push(
    chemLine(rng, chem, {
      name: description,
      kg,
      priceUsdPerKg: smugglePrice(rng, chem),
      origin: d.route.originCountry,
      dest: d.route.destinationCountry,
      cas: rng.chance(0.4) ? [cas] : [],
      hs6: rng.weighted<string | null>([
        ['293339', 0.45],
        ['293399', 0.2],
        ['382499', 0.15],
        [null, 0.2],
      ]),
    }),
  );
  maybeDecoy(ctx, d, 0.1);
  return finishSmuggling(ctx, d);
};

const smuggleMisdeclaredHs: Builder = (ctx) => {
  const { rng } = ctx;
  const { d } = smugglingBase(ctx, 'smuggle-misdeclared-hs', {
    mode: rng.weighted<Mode>([
      ['SEA', 0.4],
      ['AIR', 0.35],
      ['EXPRESS', 0.25],
    ]),
  });
  const cover = rng.pick(MISDECLARED_COVERS);
  const kg = smuggleKg(rng, d.mode);
  const line: GoodsDraft = {
    description: cover.description,
    hs6: cover.hs6,
    casNumbers: [],
    quantity: { value: round(kg), unit: 'KG' },
    packages: { count: Math.max(1, Math.round(kg / 25)), type: cover.packageType },
    grossWeightKg: round(kg * rng.float(1.05, 1.15)),
    value: money(
      rng,
      kg * cover.usdPerKg * rng.float(0.5, 1.2),
      d.route.originCountry,
      d.route.destinationCountry,
    ),
    originCountry: d.route.originCountry,
  };
  d.goods.push(line);
  // The carrier's manifest sometimes still carries the supplier's chemical wording.
  if (rng.chance(0.4)) {
    d.manifestGoods = [
      {
        ...line,
        description: rng.pick([
          'Organic intermediate',
          'Chemical intermediate',
          'Pharmaceutical intermediate',
          'Chemicals',
        ]),
        hs6: rng.chance(0.8) ? rng.pick(['293339', '293399']) : null,
      },
    ];
  }
  return finishSmuggling(ctx, d);
};

const CHEM_HS = ['293339', '293337', '293336', '291590', '293399'];

const smuggleVagueExpress: Builder = (ctx) => {
  const { rng } = ctx;
  const { d } = smugglingBase(ctx, 'smuggle-vague-express', {
    mode: rng.weighted<Mode>([
      ['EXPRESS', 0.6],
      ['POST', 0.25],
      ['AIR', 0.15],
    ]),
  });
  const kg = round(rng.float(0.8, 25));
  const hs = rng.weighted<string | null>([
    [rng.pick(CHEM_HS), 0.5],
    [rng.pick(['392490', '950300', '711719', '392690', '630790']), 0.35],
    [null, 0.15],
  ]);
  const pcs = rng.chance(0.5);
  const line: GoodsDraft = {
    description: rng.pick([
      'Daily necessities',
      'Gift',
      'Accessories',
      'Parts',
      'Samples',
      'Household items',
      'Plastic products',
      'Personal effects',
      'Powder',
      'Chemicals',
      'Food additive',
      'Cosmetic raw material',
    ]),
    hs6: hs,
    casNumbers: [],
    quantity: pcs
      ? { value: rng.int(1, 5), unit: 'PCS' }
      : { value: round(kg * rng.float(0.85, 0.97)), unit: 'KG' },
    packages: { count: rng.int(1, 3), type: rng.pick(['BOX', 'PARCEL', 'BAG']) },
    grossWeightKg: kg,
    value: money(rng, rng.float(5, 60), d.route.originCountry, d.route.destinationCountry),
    originCountry: d.route.originCountry,
  };
  d.goods.push(line);
  maybeDecoy(ctx, d, 0.3);
  if (rng.chance(0.5)) {
    // The importer declares something else again, with a lighter weight.
    d.manifestGoods = d.goods.map((g) => ({ ...g }));
    d.goods = d.goods.map((g, i) =>
      i === 0
        ? {
            ...g,
            description: rng.pick(['Plastic accessories', 'Hair accessories', 'Phone cases', 'Toys']),
            hs6: rng.pick(['392690', '961511', '950300']),
            grossWeightKg: round(g.grossWeightKg * rng.float(0.2, 0.6)),
          }
        : g,
    );
  }
  return finishSmuggling(ctx, d);
};

const INLAND_MX = ['MXCUL', 'MXGDL', 'MXMEX', 'MXMXL'] as const;

const smuggleTransshipment: Builder = (ctx) => {
  const { rng } = ctx;
  const mode: Mode = rng.chance(0.5) ? 'SEA' : 'AIR';
  const corridor = rng.weighted<Corridor>([
    [['CN', 'MX'], 0.5],
    [['HK', 'MX'], 0.15],
    [['IN', 'MX'], 0.2],
    [['CN', 'US'], 0.1],
    [['CN', 'CA'], 0.05],
  ]);
  const { d, stealthy } = smugglingBase(ctx, 'smuggle-transshipment', { mode, corridor, hubs: 0 });
  const hubs =
    mode === 'SEA'
      ? rng.shuffle(['HKHKG', 'KRPUS', 'AEJEA', 'SGSIN', 'PAMIT']).slice(0, rng.int(1, 2))
      : [rng.pick(['KRPUS', 'AEJEA', 'HKHKG'] as const), rng.pick(['KRICN', 'AEDXB', 'HKHKG'] as const)];
  d.route.transshipmentPorts = [...new Set(hubs)].filter((p) => !p.startsWith(d.route.originCountry));
  if (d.route.destinationCountry === 'MX' && rng.chance(0.4)) d.route.placeOfDelivery = rng.pick(INLAND_MX);
  if (!stealthy) {
    d.parties.consignee = rng.weighted<PartyInput>([
      [forwarder(ctx, d.route.destinationCountry), 0.4],
      [toOrder(rng), 0.25],
      [makeShell(rng, d.route.destinationCountry), 0.35],
    ]);
    if (rng.chance(0.6))
      d.parties.notifyParty = rng.chance(0.5)
        ? makePerson(rng, d.route.destinationCountry)
        : makeShell(rng, d.route.destinationCountry);
  }
  const chem = pickControlled(rng);
  const kg = mode === 'SEA' ? rng.float(100, 2000) : rng.float(20, 400);
  const named = rng.chance(0.4);
  const cas = chem.cas[0];
  d.goods.push(
    chemLine(rng, chem, {
      name: named
        ? chemDescription(rng, rng.pick(chem.names), { kg, cas: rng.chance(0.3) ? cas : undefined })
        : rng.pick([
            'Organic intermediate',
            'Pharmaceutical intermediate',
            'Chemical raw material',
            'Fine chemicals',
            'Industrial raw material',
          ]),
      kg,
      priceUsdPerKg: smugglePrice(rng, chem),
      origin: d.route.originCountry,
      dest: d.route.destinationCountry,
      cas: named && cas && rng.chance(0.4) ? [cas] : [],
      hs6: rng.weighted<string | null>([
        ['293339', 0.5],
        ['293399', 0.2],
        ['382499', 0.15],
        [null, 0.15],
      ]),
    }),
  );
  if (d.payment && rng.chance(0.6)) d.payment = { ...d.payment, payerIsThirdParty: true };
  return finishSmuggling(ctx, d);
};

const smuggleWatchlistParty: Builder = (ctx) => {
  const { rng } = ctx;
  const entity = rng.pick(WATCHLIST_ENTITIES);
  const onConsignee = entity.country === 'MX';
  const origin = onConsignee ? rng.pick(['CN', 'IN', 'HK'] as const) : entity.country;
  const dest = onConsignee
    ? 'MX'
    : rng.weighted<string>([
        ['MX', 0.5],
        ['US', 0.3],
        ['CA', 0.2],
      ]);
  const { d } = smugglingBase(ctx, 'smuggle-watchlist-party', { corridor: [origin, dest] });
  const party: PartyInput = {
    name: spellingVariant(rng, entity),
    address: rng.chance(0.8)
      ? { street: null, city: entity.city, postalCode: null, country: entity.country }
      : null,
    identifier: null,
    phone: rng.chance(0.5) ? phoneFor(rng, entity.country) : null,
    email: null,
  };
  if (entity.kind === 'individual')
    party.name = rng.chance(0.5)
      ? party.name
      : `${party.name} (${rng.pick(['Hubei Trading', 'Sales Dept'])})`;
  if (onConsignee) d.parties.consignee = party;
  else d.parties.shipper = party;
  const kg = smuggleKg(rng, d.mode);
  const style = rng.weighted<'benign' | 'controlled' | 'vague'>([
    ['benign', 0.4],
    ['controlled', 0.3],
    ['vague', 0.3],
  ]);
  const chem = style === 'benign' ? rng.pick(BENIGN_CHEMICALS) : pickControlled(rng);
  const name =
    style === 'vague' ? rng.pick(VAGUE_DESCRIPTIONS) : chemDescription(rng, rng.pick(chem.names), { kg });
  d.goods.push(
    chemLine(rng, chem, {
      name,
      kg,
      priceUsdPerKg: smugglePrice(rng, chem),
      origin,
      dest,
      cas: style !== 'vague' && chem.cas[0] && rng.chance(0.4) ? [chem.cas[0]] : [],
      hs6: style === 'vague' ? rng.pick(['293339', '392690', '382499']) : chem.hs6,
    }),
  );
  return finishSmuggling(ctx, d);
};

const smuggleWeakIndicators: Builder = (ctx) => {
  const { rng } = ctx;
  const { d } = smugglingBase(ctx, 'smuggle-weak-indicators', {
    mode: rng.weighted<Mode>([
      ['EXPRESS', 0.45],
      ['AIR', 0.3],
      ['POST', 0.15],
      ['SEA', 0.1],
    ]),
    hubs: 0.5,
  });
  // Several weak signs, none decisive, and no chemical named.
  const [origin, dest] = [d.route.originCountry, d.route.destinationCountry];
  if (rng.chance(0.6)) d.parties.consignee = makePerson(rng, dest);
  if (rng.chance(0.5)) d.parties.consignee = { ...d.parties.consignee, phone: phoneFor(rng, origin) };
  if (rng.chance(0.6))
    d.payment = { method: rng.pick(['P2P', 'CRYPTO', 'CASH'] as const), payerIsThirdParty: rng.chance(0.6) };
  const kg = round(d.mode === 'SEA' ? rng.float(50, 800) : rng.float(1, 40));
  const kind = rng.pick([...CONSUMER_GOODS, ...MISDECLARED_COVERS]);
  d.goods.push({
    description: rng.chance(0.5) ? rng.pick(VAGUE_DESCRIPTIONS.slice(0, 12)) : kind.description,
    hs6: rng.chance(0.8) ? kind.hs6 : null,
    casNumbers: [],
    quantity: rng.chance(0.5) ? { value: rng.int(1, 20), unit: 'PCS' } : { value: kg, unit: 'KG' },
    packages: { count: rng.int(1, 6), type: rng.pick(['BOX', 'CARTON', 'BAG', 'PARCEL']) },
    grossWeightKg: kg,
    value: money(rng, kg * rng.float(0.3, 4), origin, dest),
    originCountry: origin,
  });
  return finishSmuggling(ctx, d);
};

const smugglePillPress: Builder = (ctx) => {
  const { rng } = ctx;
  const { d } = smugglingBase(ctx, 'smuggle-pill-press', {
    corridor: rng.weighted<Corridor>([
      [['CN', 'MX'], 0.45],
      [['CN', 'US'], 0.35],
      [['CN', 'CA'], 0.1],
      [['HK', 'MX'], 0.1],
    ]),
    mode: rng.weighted<Mode>([
      ['AIR', 0.35],
      ['SEA', 0.3],
      ['EXPRESS', 0.35],
    ]),
  });
  const named = rng.chance(0.5);
  const kind = named ? rng.pick(PILL_PRESS_GOODS) : rng.pick(PILL_PRESS_COVERS);
  const kg = d.mode === 'EXPRESS' || kind.hs6 === '820730' ? rng.float(2, 40) : rng.float(80, 900);
  d.goods.push({
    ...generalLine(rng, kind, kg, d.route.originCountry, d.route.destinationCountry),
    quantity: { value: rng.int(1, 6), unit: 'PCS' },
  });
  if (rng.chance(0.35)) {
    const dies = rng.pick(PILL_PRESS_GOODS.filter((g) => g.hs6 === '820730'));
    d.goods.push({
      ...generalLine(
        rng,
        named ? dies : { ...dies, description: 'Accessories' },
        rng.float(1, 10),
        d.route.originCountry,
        d.route.destinationCountry,
      ),
      quantity: { value: rng.int(2, 30), unit: 'PCS' },
    });
  }
  return finishSmuggling(ctx, d);
};

export const BUILDERS: Readonly<Record<PatternName, Builder>> = {
  'licit-general-cargo': licitGeneralCargo,
  'licit-consumer-parcel': licitConsumerParcel,
  'licit-chemical-trade': licitChemicalTrade,
  'licit-bulk-chemical': licitBulkChemical,
  'licit-controlled-licensed': licitControlledLicensed,
  'licit-consolidated-master': licitConsolidatedMaster,
  'licit-pharma-equipment': licitPharmaEquipment,
  'licit-new-importer': licitNewImporter,
  'smuggle-named-no-permit': smuggleNamedNoPermit,
  'smuggle-synonym-salt': smuggleSynonymSalt,
  'smuggle-analogue': smuggleAnalogue,
  'smuggle-bare-cas': smuggleBareCas,
  'smuggle-misdeclared-hs': smuggleMisdeclaredHs,
  'smuggle-vague-express': smuggleVagueExpress,
  'smuggle-transshipment': smuggleTransshipment,
  'smuggle-watchlist-party': smuggleWatchlistParty,
  'smuggle-weak-indicators': smuggleWeakIndicators,
  'smuggle-pill-press': smugglePillPress,
};
