// Reads: corpus fixtures. Writes: the trade helpers both label sets share: the record type, chemical and
// ordinary trade lanes, and builders for a chemical consignment and a company-to-company shipment.
// Guarantees: positives and negatives travel the same lanes with the same kinds of parties.
import type { ReportInput } from '../../schemas/report.ts';
import {
  CHEMICAL_CONSIGNEES,
  CHEMICAL_SHIPPERS,
  FORWARDERS,
  filedAt,
  type LineInput,
  type Mode,
  type PartyInput,
  PERSONS,
  pickParty,
  type Random,
  type ReportSpec,
} from './corpus-fixtures.ts';

export interface CorpusRecord {
  id: string;
  category: string;
  expected: 'FLAG' | 'GREEN' | 'NOT_RED';
  note: string;
  report: ReportInput;
}

export interface Route {
  origin: string;
  destination: string;
  mode: Mode;
  reportingCountry?: string;
  documentType?: 'MANIFEST' | 'DECLARATION';
  transship?: string[];
}

/** Corridors and ordinary lanes alike: a controlled chemical without papers is a hit on any route. */
export const CHEMICAL_ROUTES: Route[] = [
  { origin: 'CN', destination: 'MX', mode: 'SEA', transship: ['KRPUS'] },
  { origin: 'CN', destination: 'MX', mode: 'AIR' },
  { origin: 'HK', destination: 'MX', mode: 'AIR' },
  { origin: 'IN', destination: 'MX', mode: 'AIR' },
  { origin: 'IN', destination: 'MX', mode: 'AIR', reportingCountry: 'IN', documentType: 'DECLARATION' },
  { origin: 'CN', destination: 'US', mode: 'AIR' },
  { origin: 'CN', destination: 'US', mode: 'EXPRESS' },
  { origin: 'CN', destination: 'CA', mode: 'EXPRESS', transship: ['HKHKG'] },
  { origin: 'CN', destination: 'CA', mode: 'AIR' },
  { origin: 'IN', destination: 'US', mode: 'AIR', documentType: 'DECLARATION' },
  { origin: 'DE', destination: 'US', mode: 'AIR', documentType: 'DECLARATION' },
  { origin: 'DE', destination: 'CA', mode: 'AIR' },
];

export function consigneeFor(rnd: Random, country: string): PartyInput {
  const r = rnd.next();
  if (r < 0.55) return pickParty(rnd, CHEMICAL_CONSIGNEES, country);
  if (r < 0.8) return pickParty(rnd, PERSONS, country);
  return pickParty(rnd, FORWARDERS, country);
}

export function chemicalSpec(
  rnd: Random,
  id: string,
  line: LineInput,
  route = rnd.pick(CHEMICAL_ROUTES),
): ReportSpec {
  const express = route.mode === 'EXPRESS' || route.mode === 'POST';
  return {
    id,
    filedAt: filedAt(rnd),
    mode: route.mode,
    origin: route.origin,
    destination: route.destination,
    reportingCountry: route.reportingCountry ?? route.destination,
    documentType: route.documentType ?? 'MANIFEST',
    transship: route.transship ?? [],
    masterId: express && rnd.chance(0.5) ? `M${rnd.int(100000, 999999)}` : null,
    shipper: pickParty(rnd, CHEMICAL_SHIPPERS, route.origin),
    consignee: consigneeFor(rnd, route.destination),
    lines: [line],
    payment: rnd.chance(0.8)
      ? { method: 'WIRE', payerIsThirdParty: false }
      : { method: rnd.pick(['CARD', 'OTHER']), payerIsThirdParty: false },
  };
}

/** HS as filers write it: bare HS6 or a national 8-10 digit code under it, sometimes missing. */
export function hsAsFiled(rnd: Random, hs6: string): string | null {
  const r = rnd.next();
  if (r < 0.15) return null;
  if (r < 0.5) return hs6;
  return hs6 + rnd.pick(['00', '90', '9073', '0000', '99']);
}

export interface Lane {
  origin: string;
  destination: string;
  mode: Mode;
}
export const TRADE_LANES: Lane[] = [
  { origin: 'CN', destination: 'US', mode: 'AIR' },
  { origin: 'CN', destination: 'US', mode: 'SEA' },
  { origin: 'CN', destination: 'MX', mode: 'SEA' },
  { origin: 'IN', destination: 'US', mode: 'SEA' },
  { origin: 'IN', destination: 'MX', mode: 'SEA' },
  { origin: 'DE', destination: 'CA', mode: 'AIR' },
  { origin: 'DE', destination: 'IN', mode: 'AIR' },
  { origin: 'CN', destination: 'CA', mode: 'SEA' },
];

export function b2b(
  rnd: Random,
  id: string,
  lane: Lane,
  line: LineInput,
  shippers: Record<string, PartyInput[]>,
  consignees: Record<string, PartyInput[]>,
): ReportSpec {
  return {
    id,
    filedAt: filedAt(rnd),
    mode: lane.mode,
    origin: lane.origin,
    destination: lane.destination,
    documentType: rnd.chance(0.5) ? 'DECLARATION' : 'MANIFEST',
    shipper: pickParty(rnd, shippers, lane.origin),
    consignee: pickParty(rnd, consignees, lane.destination),
    lines: [line],
    payment: { method: 'WIRE', payerIsThirdParty: false },
  };
}

export const GENERAL: [string, string, number, number][] = [
  ['Oak dining tables, knocked down', '940360', 45, 320],
  ["Men's cotton knitted T-shirts", '610910', 0.2, 4],
  ['LED panel lights 600x600mm', '940542', 3, 18],
  ['Smartphone protective cases, silicone', '392690', 0.05, 1.5],
  ['Brake pads for passenger cars', '870830', 1.2, 9],
  ['Frozen shrimp, peeled and deveined', '030617', 1, 9],
  ['Basmati rice in 25 kg bags', '100630', 25, 30],
  ['Stainless steel kitchen sinks', '732410', 9, 60],
  ['Ceramic floor tiles 60x60 cm', '690721', 25, 14],
  ['Bicycle tyres 26 inch', '401150', 1, 6],
  ['Laptop computers', '847130', 2.5, 450],
  ['Fentanyl test strips, 100 per pack', '382219', 0.3, 90],
  ['Wooden toys, assorted animals', '950300', 0.5, 4],
  ['Cotton bath towels', '630260', 0.6, 5],
  ['Electric motors 1.5 kW', '850152', 14, 120],
  ['Polyester filament yarn', '540233', 20, 40],
  ['Tablet computers 10 inch', '847130', 0.6, 120],
  ['Solar photovoltaic panels 450 W', '854143', 24, 110],
  ['Industrial sewing machines', '845229', 60, 900],
  ['Capsule coffee machines', '851671', 5, 70],
];

export function goodsLine(entry: [string, string, number, number], pieces: number): LineInput {
  const [description, hsCode, kgEach, usdEach] = entry;
  const cartons = Math.max(1, Math.ceil((pieces * kgEach) / 20));
  return {
    description,
    hsCode,
    quantity: { value: pieces, unit: 'PCS' },
    packages: { count: cartons, type: kgEach > 40 ? 'PALLET' : 'CARTON' },
    grossWeightKg: Math.round(pieces * kgEach * 1.05 * 10) / 10,
    value: { amount: Math.round(pieces * usdEach), currency: 'USD' },
  };
}
