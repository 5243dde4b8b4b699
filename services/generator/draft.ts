// The consignment draft: the generator's ground truth for one consignment, before it is rendered into
// a MANIFEST and maybe a DECLARATION. Also the shared builders (routes, transport document numbers,
// container numbers, goods lines). Pure functions of the Rng passed in.
import {
  CARRIERS,
  type Carrier,
  type Chemical,
  CURRENCY_OF,
  type GoodsKind,
  PORTS,
  type Port,
  USD_RATE,
} from './catalog.ts';
import type { PartyPool } from './parties.ts';
import type { Rng } from './prng.ts';
import type { Mode, PartyInput, PatternName } from './types.ts';

export interface GoodsDraft {
  description: string;
  hs6: string | null;
  casNumbers: string[];
  quantity: { value: number; unit: 'KG' | 'G' | 'L' | 'ML' | 'PCS' } | null;
  packages: { count: number; type: string } | null;
  grossWeightKg: number;
  value: { amount: number; currency: string } | null;
  originCountry: string;
}

export interface Permit {
  type: 'PEN' | 'IMPORT_PERMIT' | 'EXPORT_PERMIT' | 'REGISTRATION';
  reference: string;
}

export interface Draft {
  pattern: PatternName;
  positive: boolean;
  mode: Mode;
  carrier: Carrier;
  consignmentId: string;
  masterId: string | null;
  route: {
    portOfLoading: string;
    portOfDischarge: string;
    placeOfDelivery: string | null;
    transshipmentPorts: string[];
    originCountry: string;
    destinationCountry: string;
  };
  /** Epoch ms. */
  departureMs: number;
  arrivalMs: number;
  /** When the carrier files the manifest (epoch ms). */
  manifestFiledMs: number;
  parties: {
    shipper: PartyInput;
    consignee: PartyInput;
    notifyParty: PartyInput | null;
    forwarder: PartyInput | null;
    declarant: PartyInput | null;
  };
  /** Goods as the importer declares them. */
  goods: GoodsDraft[];
  /** Goods as the carrier manifests them, when the two filers disagree. */
  manifestGoods?: GoodsDraft[];
  containers: string[];
  payment: {
    method: 'WIRE' | 'CARD' | 'CASH' | 'CRYPTO' | 'P2P' | 'OTHER';
    payerIsThirdParty: boolean;
  } | null;
  permits: Permit[];
  /** Chance that a DECLARATION is also filed for this consignment. */
  declarationRate: number;
  /** Chance that the carrier repeats the permit references on its manifest. */
  manifestPermitRate: number;
}

export interface Ctx {
  rng: Rng;
  pool: PartyPool;
  /** Clock of the stream, epoch ms; advances per consignment. */
  nowMs: number;
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

const round2 = (x: number) => Math.round(x * 100) / 100;
export const round = round2;

// ---------------------------------------------------------------- routes

const LAND_CROSSINGS = [
  ['USLRD', 'MXNLD'],
  ['USELP', 'MXCJS'],
  ['USOTM', 'MXTIJ'],
] as const;

function portOf(rng: Rng, country: string, kind: Port['kind']): string {
  const ports = PORTS[country] ?? [];
  const fit = ports.filter((p) => p.kind === kind);
  return rng.pick(fit.length > 0 ? fit : ports).code;
}

export function makeRoute(
  rng: Rng,
  mode: Mode,
  origin: string,
  dest: string,
  transshipment: string[] = [],
): Draft['route'] {
  if (mode === 'ROAD' || mode === 'RAIL') {
    const [pol, pod] = rng.pick(LAND_CROSSINGS);
    return {
      portOfLoading: pol,
      portOfDischarge: pod,
      placeOfDelivery: null,
      transshipmentPorts: [],
      originCountry: origin,
      destinationCountry: dest,
    };
  }
  const kind = mode === 'SEA' ? 'SEA' : 'AIR';
  return {
    portOfLoading: portOf(rng, origin, kind),
    portOfDischarge: portOf(rng, dest, kind),
    placeOfDelivery: null,
    transshipmentPorts: transshipment.filter((p) => !p.startsWith(origin) && !p.startsWith(dest)),
    originCountry: origin,
    destinationCountry: dest,
  };
}

/** Departure and arrival after the manifest filing time, by mode. */
export function schedule(
  rng: Rng,
  mode: Mode,
  filedMs: number,
  legs: number,
): { departureMs: number; arrivalMs: number } {
  const lead = mode === 'SEA' ? rng.float(1, 3) * DAY : rng.float(2, 14) * HOUR;
  const departureMs = filedMs + lead;
  const transit =
    mode === 'SEA'
      ? rng.float(14, 32) * DAY
      : mode === 'POST'
        ? rng.float(5, 18) * DAY
        : mode === 'ROAD' || mode === 'RAIL'
          ? rng.float(1, 4) * DAY
          : rng.float(1, 4) * DAY;
  return { departureMs, arrivalMs: departureMs + transit + legs * rng.float(1, 4) * DAY };
}

// ---------------------------------------------------------------- document numbers

const ISO6346_VALUES: Record<string, number> = (() => {
  const out: Record<string, number> = {};
  let v = 10;
  for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
    if (v % 11 === 0) v++;
    out[ch] = v++;
  }
  return out;
})();

/** ISO 6346 container number with a correct check digit. */
export function containerNumber(rng: Rng, owner: string): string {
  const body = `${owner}U${rng.digits(6)}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    const val = /\d/.test(ch) ? Number(ch) : ISO6346_VALUES[ch]!;
    sum += val * 2 ** i;
  }
  return `${body}${(sum % 11) % 10}`;
}

/** UPU S10 item number (postal and EMS). */
export function s10(rng: Rng, service: string, country: string): string {
  const digits = rng.digits(8);
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(digits[i]) * weights[i]!;
  let check = 11 - (sum % 11);
  if (check === 10) check = 0;
  if (check === 11) check = 5;
  return `${service}${digits}${check}${country}`;
}

export function consignmentNumber(rng: Rng, mode: Mode, carrier: Carrier, origin: string): string {
  switch (mode) {
    case 'SEA':
      return `${carrier.prefix}${rng.digits(9)}`;
    case 'AIR': {
      const serial = rng.int(1_000_000, 9_999_999);
      return `${carrier.prefix}-${serial}${serial % 7}`;
    }
    case 'EXPRESS':
      if (carrier.code === 'DHL') return rng.digits(10);
      if (carrier.code === 'FDX') return rng.digits(12);
      if (carrier.code === 'UPS') return `1Z${rng.letters(3)}${rng.digits(3)}${rng.digits(10)}`;
      if (carrier.code === 'SF') return `SF${rng.digits(13)}`;
      return s10(rng, `E${rng.letters(1)}`, origin);
    case 'POST':
      return s10(rng, `${carrier.prefix}${rng.letters(1)}`, origin);
    default:
      return `${carrier.prefix}${rng.digits(8)}`;
  }
}

/** A house bill number as a forwarder issues it. */
export function houseNumber(rng: Rng, origin: string): string {
  return `${origin}${rng.letters(2)}${rng.digits(8)}`;
}

export function pickCarrier(rng: Rng, mode: Mode): Carrier {
  return rng.pick(CARRIERS[mode]);
}

// ---------------------------------------------------------------- goods

/** Quotes an amount in the invoice currency: USD, or the seller's or buyer's currency. */
export function money(
  rng: Rng,
  usd: number,
  origin: string,
  dest: string,
): { amount: number; currency: string } {
  const currency = rng.weighted<string>([
    ['USD', 0.7],
    [CURRENCY_OF[origin] ?? 'USD', 0.15],
    [CURRENCY_OF[dest] ?? 'USD', 0.15],
  ]);
  return { amount: round2(Math.max(0, usd) * (USD_RATE[currency] ?? 1)), currency };
}

export function generalLine(rng: Rng, kind: GoodsKind, kg: number, origin: string, dest: string): GoodsDraft {
  const perPiece = rng.float(0.2, 25);
  const pcs = Math.max(1, Math.round(kg / perPiece));
  const packages = Math.max(1, Math.round(kg / rng.float(5, 400)));
  return {
    description: kind.description,
    hs6: kind.hs6,
    casNumbers: [],
    quantity: rng.chance(0.8) ? { value: pcs, unit: 'PCS' } : { value: round2(kg), unit: 'KG' },
    packages: { count: packages, type: kind.packageType },
    grossWeightKg: round2(kg),
    value: money(rng, kg * kind.usdPerKg * rng.logNormal(1, 0.3), origin, dest),
    originCountry: origin,
  };
}

/** A chemical line; `name` is the wording on the document, `priceUsdPerKg` the invoiced price. */
export function chemLine(
  rng: Rng,
  chem: Chemical,
  opts: {
    name: string;
    kg: number;
    priceUsdPerKg: number;
    origin: string;
    dest: string;
    cas: string[];
    hs6: string | null;
  },
): GoodsDraft {
  const packType =
    opts.kg < 5
      ? rng.pick(['BOTTLE', 'BOX', 'BAG'])
      : chem.unit === 'L'
        ? rng.pick(['DRUM', 'IBC'])
        : rng.pick(['DRUM', 'BAG', 'CARTON']);
  const perPack =
    packType === 'IBC' ? 1000 : packType === 'DRUM' ? rng.pick([25, 50, 200]) : packType === 'BAG' ? 25 : 5;
  const count = Math.max(1, Math.round(opts.kg / perPack));
  const qtyUnit = chem.unit === 'L' ? 'L' : opts.kg < 1 ? 'G' : 'KG';
  const qtyValue = qtyUnit === 'G' ? round2(opts.kg * 1000) : round2(opts.kg);
  return {
    description: opts.name,
    hs6: opts.hs6,
    casNumbers: opts.cas,
    quantity: { value: qtyValue > 0 ? qtyValue : 1, unit: qtyUnit },
    packages: { count, type: packType },
    grossWeightKg: round2(opts.kg * rng.float(1.04, 1.2) + count * 0.5),
    value: money(rng, opts.kg * opts.priceUsdPerKg, opts.origin, opts.dest),
    originCountry: opts.origin,
  };
}

/** Formats a chemical description the way filers write them. */
export function chemDescription(
  rng: Rng,
  name: string,
  opts: { cas?: string | undefined; kg: number },
): string {
  const cap = name.charAt(0).toUpperCase() + name.slice(1);
  const purity = rng.pick(['99%', '98% min', '99.5%', '>98%', 'purity 99%']);
  const casPart = opts.cas
    ? rng.pick([` (CAS ${opts.cas})`, `, CAS No. ${opts.cas}`, ` CAS#${opts.cas}`])
    : '';
  switch (rng.int(0, 5)) {
    case 0:
      return `${cap}${casPart}`;
    case 1:
      return `${cap} ${purity}${casPart}`;
    case 2:
      return `${cap}, ${opts.kg >= 25 ? `${rng.pick([25, 50, 200])} kg drum` : 'sample'}${casPart}`;
    case 3:
      return `${cap}, pharmaceutical intermediate${casPart}`;
    case 4:
      return `${cap} powder${casPart}`;
    default:
      return `${cap}${casPart}, industrial grade`;
  }
}

export function permitReference(rng: Rng, type: Permit['type'], country: string, year: number): string {
  switch (type) {
    case 'PEN':
      return `PEN-${country}-${year}-${rng.digits(6)}`;
    case 'EXPORT_PERMIT':
      return country === 'CN' ? `CN-PCE-${year}-${rng.digits(6)}` : `${country}-EXP-${year}-${rng.digits(5)}`;
    case 'REGISTRATION':
      return country === 'US' ? `R${rng.letters(1)}${rng.digits(7)}` : `${country}-REG-${rng.digits(7)}`;
    default:
      switch (country) {
        case 'CA':
          return `HC-PCR-${year}-${rng.digits(5)}`;
        case 'US':
          return `DEA-486-${year}-${rng.digits(6)}`;
        case 'MX':
          return `COFEPRIS-PIP-${year}-${rng.digits(5)}`;
        case 'IN':
          return `NCB-RCS-IMP-${year}-${rng.digits(4)}`;
        default:
          return `${country}-IMP-${year}-${rng.digits(6)}`;
      }
  }
}

export function pickFirm<T extends { country: string }>(
  rng: Rng,
  firms: readonly T[],
  country: string,
): T | undefined {
  const fit = firms.filter((f) => f.country === country);
  return fit.length > 0 ? rng.pick(fit) : undefined;
}
