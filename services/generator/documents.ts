// Renders a consignment Draft into the reports its filers would send: the carrier's MANIFEST and the
// importer's DECLARATION. Adds filer habits and noise (casing, absent optional fields, national tariff
// digits, differing weights). Guarantees: output objects have a fixed key order (byte-stable JSON).
import type { ReportInput } from '../../schemas/report.ts';
import { DAY, type Draft, type GoodsDraft, HOUR, round } from './draft.ts';
import type { Rng } from './prng.ts';
import type { GoodsInput, PartyInput } from './types.ts';

type Consignment = ReportInput['consignment'];

const MANIFEST_SYSTEM: Readonly<Record<string, (mode: string) => string>> = {
  US: (mode) =>
    mode === 'SEA' ? 'CBP-ACE-AMS' : mode === 'ROAD' || mode === 'RAIL' ? 'CBP-ACE-EMANIFEST' : 'CBP-ACAS',
  CA: () => 'CBSA-ACI',
  MX: () => 'ANAM-VUCEM',
  IN: () => 'ICEGATE',
  DE: () => 'ATLAS',
};

const DECLARATION_SYSTEM: Readonly<Record<string, string>> = {
  US: 'CBP-ACE',
  CA: 'CBSA-CARM',
  MX: 'ANAM-PEDIMENTO',
  IN: 'ICEGATE',
  DE: 'ATLAS',
};

/** Digits national tariffs add after the HS6 (US/CA 10, MX 8+2 NICO, IN 8). */
const NATIONAL_DIGITS: Readonly<Record<string, number>> = { US: 4, CA: 4, MX: 4, IN: 2, DE: 4 };

export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

function isoWithOffset(ms: number, offsetHours: number): string {
  const local = new Date(ms + offsetHours * HOUR).toISOString().slice(0, 19);
  const sign = offsetHours < 0 ? '-' : '+';
  const h = String(Math.abs(offsetHours)).padStart(2, '0');
  return `${local}${sign}${h}:00`;
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function nationalHs(rng: Rng, hs6: string, country: string): string {
  const extra = NATIONAL_DIGITS[country] ?? 4;
  const tail = rng.pick(['9000', '9090', '0000', '9900', '1000', '9990']).slice(0, extra);
  return hs6 + tail;
}

function renderParty(rng: Rng, p: PartyInput, upper: boolean): PartyInput {
  const name = upper ? p.name.toUpperCase() : p.name;
  const addr = p.address;
  const out: PartyInput = { name };
  if (addr !== undefined) {
    out.address =
      addr === null
        ? null
        : {
            street: addr.street ?? null,
            city: upper && addr.city ? addr.city.toUpperCase() : (addr.city ?? null),
            postalCode: rng.chance(0.1) ? null : (addr.postalCode ?? null),
            country: addr.country,
          };
  }
  // Optional contact fields are either null or left out, as different filers do.
  for (const key of ['identifier', 'phone', 'email'] as const) {
    const v = p[key] ?? null;
    if (v !== null) out[key] = v;
    else if (rng.chance(0.5)) out[key] = null;
  }
  return out;
}

function renderLine(
  g: GoodsDraft,
  i: number,
  opts: { hs: string | null; upper: boolean; keepCas: boolean; value: boolean; quantity: boolean },
): GoodsInput {
  return {
    lineNumber: i + 1,
    description: opts.upper ? g.description.toUpperCase() : g.description,
    hsCode: opts.hs,
    casNumbers: opts.keepCas ? g.casNumbers.slice() : [],
    quantity: opts.quantity && g.quantity ? { ...g.quantity } : null,
    packages: g.packages ? { ...g.packages } : null,
    grossWeightKg: g.grossWeightKg,
    declaredValue: opts.value && g.value ? { ...g.value } : null,
    originCountry: g.originCountry,
  };
}

function consignmentCore(
  rng: Rng,
  d: Draft,
  upperParties: boolean,
  declarant: PartyInput | null,
): Omit<Consignment, 'goods' | 'payment' | 'permits' | 'containers'> {
  const route: Consignment['route'] = {
    portOfLoading: d.route.portOfLoading,
    portOfDischarge: d.route.portOfDischarge,
    placeOfDelivery: d.route.placeOfDelivery,
    transshipmentPorts: d.route.transshipmentPorts.slice(),
    originCountry: d.route.originCountry,
    destinationCountry: d.route.destinationCountry,
  };
  if (route.placeOfDelivery === null && rng.chance(0.5)) delete route.placeOfDelivery;
  if (route.transshipmentPorts?.length === 0 && rng.chance(0.2)) delete route.transshipmentPorts;
  const carrier = rng.chance(0.02)
    ? null
    : { code: d.carrier.code, name: rng.chance(0.05) ? null : d.carrier.name };
  return {
    consignmentId: d.consignmentId,
    masterId: d.masterId,
    mode: d.mode,
    carrier,
    route,
    departureDate: rng.chance(0.04) ? null : isoDate(d.departureMs),
    arrivalDate: rng.chance(0.08) ? null : isoDate(d.arrivalMs),
    parties: {
      shipper: renderParty(rng, d.parties.shipper, upperParties),
      consignee: renderParty(rng, d.parties.consignee, upperParties),
      notifyParty: d.parties.notifyParty ? renderParty(rng, d.parties.notifyParty, upperParties) : null,
      forwarder: d.parties.forwarder ? renderParty(rng, d.parties.forwarder, upperParties) : null,
      declarant: declarant ? renderParty(rng, declarant, false) : null,
    },
  };
}

export function renderManifest(rng: Rng, d: Draft, messageId: string): ReportInput {
  const dest = d.route.destinationCountry;
  const upper = rng.chance(0.3);
  const goods = (d.manifestGoods ?? d.goods).map((g, i) => {
    const roll = rng.next();
    const hs =
      g.hs6 === null
        ? null
        : roll < 0.65
          ? g.hs6
          : roll < 0.75
            ? nationalHs(rng, g.hs6, d.route.originCountry)
            : null;
    const valueRate = d.mode === 'EXPRESS' || d.mode === 'POST' ? 0.9 : d.mode === 'AIR' ? 0.5 : 0.25;
    return renderLine(g, i, {
      hs,
      upper: upper && rng.chance(0.8),
      keepCas: rng.chance(0.5),
      value: rng.chance(valueRate),
      quantity: rng.chance(0.7),
    });
  });
  const paymentRate = d.mode === 'EXPRESS' || d.mode === 'POST' ? 0.85 : d.mode === 'AIR' ? 0.5 : 0.3;
  const consignment: Consignment = {
    ...consignmentCore(rng, d, upper, null),
    goods,
    containers: d.containers.slice(),
    payment: rng.chance(paymentRate) && d.payment ? { ...d.payment } : null,
    permits: rng.chance(d.manifestPermitRate) ? d.permits.map((p) => ({ ...p })) : [],
  };
  if (consignment.masterId === null && rng.chance(0.4)) delete consignment.masterId;
  return {
    schemaVersion: 1,
    messageId,
    documentType: 'MANIFEST',
    source: { system: (MANIFEST_SYSTEM[dest] ?? (() => 'CUSCAR'))(d.mode), reportingCountry: dest },
    filedAt: isoSeconds(d.manifestFiledMs),
    consignment,
  };
}

/** When the importer's declaration is filed: around arrival, never before the manifest. */
export function declarationFiledMs(rng: Rng, d: Draft): number {
  const t = d.arrivalMs + rng.float(-2, 3) * DAY;
  return Math.max(d.manifestFiledMs + rng.float(1, 6) * HOUR, t);
}

export function renderDeclaration(rng: Rng, d: Draft, messageId: string, filedMs: number): ReportInput {
  const dest = d.route.destinationCountry;
  const upper = rng.chance(0.08);
  const goods = d.goods.map((g, i) => {
    const line = renderLine(g, i, {
      hs: g.hs6 === null ? null : nationalHs(rng, g.hs6, dest),
      upper,
      keepCas: true,
      value: rng.chance(0.97),
      quantity: rng.chance(0.95),
    });
    // Benign disagreements with the manifest: net instead of gross weight, fuller wording.
    if (rng.chance(0.08)) line.grossWeightKg = round(g.grossWeightKg * rng.float(0.85, 0.98));
    if (rng.chance(0.05)) line.description = `${line.description}, as per commercial invoice`;
    return line;
  });
  const consignment: Consignment = {
    ...consignmentCore(rng, d, upper, d.parties.declarant),
    goods,
    containers: d.containers.slice(),
    payment: rng.chance(0.92) && d.payment ? { ...d.payment } : null,
    permits: d.permits.map((p) => ({ ...p })),
  };
  const filedAt = dest === 'MX' && rng.chance(0.3) ? isoWithOffset(filedMs, -6) : isoSeconds(filedMs);
  return {
    schemaVersion: 1,
    messageId,
    documentType: 'DECLARATION',
    source: { system: DECLARATION_SYSTEM[dest] ?? 'CUSDEC', reportingCountry: dest },
    filedAt,
    consignment,
  };
}
