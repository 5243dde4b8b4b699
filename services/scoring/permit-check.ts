// Reads: one report, the substances identified on each goods line, the permit register (or none) and the
// permit ledger. Writes: per goods line, whether a cited permit covers it and each failed check as its own
// note; the kg each covering permit gives up. Guarantees: a permit covers a line only when the reference
// exists, is valid on the filing date, is held by the consignee (import permit, registration) or the
// shipper (PEN, export permit), covers the line's substance, was issued by the right country and has the
// quantity left; without a register a cited permit is "unverified", never proof (DOMAIN.md §3 #13).
import type { Report } from '../../schemas/report.ts';
import type { Knowledge } from './knowledge.ts';
import { normalizePartyName } from './party-names.ts';
import type { PermitDraw, PermitLedger } from './permit-ledger.ts';
import type { PermitRecord, PermitRegister } from './permit-register.ts';

export type PermitState = 'none-filed' | 'covered' | 'unverified' | 'not-covered';

export interface LinePermitCheck {
  state: PermitState;
  /** Sentence for explanations: what was filed and what it proves. */
  note: string;
  unknown: string;
  expired: string;
  wrongSubstance: string;
  wrongHolder: string;
  wrongCountry: string;
  quantityExceeded: string;
}

/** What the checks need to know about one goods line. */
export interface PermitLine {
  lineNumber: number;
  /** Knowledge-base substances identified on the line. */
  substanceIds: ReadonlySet<string>;
  /** CAS numbers identified on the line (filed or from the knowledge base). */
  casNumbers: ReadonlySet<string>;
  /** Display name for explanations. */
  substance: string;
  /** Declared quantity in kg, null when the line gives none. */
  quantityKg: number | null;
  /** The line holds a substance that needs a permit: only then are failed checks findings. */
  needsPermit: boolean;
}

export interface PermitContext {
  /** null: no register loaded, so cited permits cannot be verified. */
  register: PermitRegister | null;
  ledger: PermitLedger;
}

const EXPORT_SIDE = new Set(['PEN', 'EXPORT_PERMIT']);
export const NONE_FILED = 'no PEN, import permit or registration was filed';

const casToSubstance = new WeakMap<Knowledge, Map<string, string>>();

/** CAS number -> knowledge substance id (bases, salts and hydrates). */
function substanceOfCas(knowledge: Knowledge, cas: string): string | undefined {
  let index = casToSubstance.get(knowledge);
  if (index === undefined) {
    index = new Map();
    for (const s of knowledge.substances.values()) for (const c of s.cas) index.set(c.number, s.id);
    casToSubstance.set(knowledge, index);
  }
  return index.get(cas);
}

/** Net quantity in kg; litres count as kg (density 1) and pieces fall back to the gross weight. */
export function lineQuantityKg(line: Report['consignment']['goods'][number]): number | null {
  const q = line.quantity;
  if (q?.unit === 'KG' || q?.unit === 'L') return q.value;
  if (q?.unit === 'G' || q?.unit === 'ML') return q.value / 1000;
  return line.grossWeightKg !== null && line.grossWeightKg > 0 ? line.grossWeightKg : null;
}

const idKey = (v: string) => v.toUpperCase().replace(/[^A-Z0-9]/g, '');
const nameKey = (v: string) => normalizePartyName(v).core.join(' ');

function holderMatches(p: PermitRecord, party: Report['consignment']['parties']['shipper']): boolean {
  if (p.holderIdentifier !== null && party.identifier) {
    if (idKey(p.holderIdentifier) === idKey(party.identifier)) return true;
  }
  return nameKey(p.holderName) === nameKey(party.name);
}

const fmtKg = (kg: number) => (kg >= 100 ? kg.toFixed(0) : kg.toPrecision(3).replace(/\.?0+$/, ''));

/** Checks every goods line of one report; `draws` receives what covered lines take from their permits. */
export function checkPermits(
  report: Report,
  lines: readonly PermitLine[],
  knowledge: Knowledge,
  ctx: PermitContext | null,
  draws: PermitDraw[],
): LinePermitCheck[] {
  const c = report.consignment;
  const cited = c.permits;
  const filed = cited.map((p) => `${p.type} ${p.reference}`).join(', ');
  const base = (state: PermitState, note: string): LinePermitCheck => ({
    state,
    note,
    unknown: '',
    expired: '',
    wrongSubstance: '',
    wrongHolder: '',
    wrongCountry: '',
    quantityExceeded: '',
  });
  if (cited.length === 0) return lines.map(() => base('none-filed', NONE_FILED));
  if (ctx === null || ctx.register === null) {
    const note = `cites ${filed}, not verified: no permit register is loaded`;
    return lines.map(() => base('unverified', note));
  }
  const { register, ledger } = ctx;
  const date = report.filedAt.slice(0, 10);
  const consignmentId = c.consignmentId;
  const exportCountries = new Set([
    c.route.originCountry,
    c.route.portOfLoading.slice(0, 2),
    ...(c.parties.shipper.address ? [c.parties.shipper.address.country] : []),
  ]);
  const importCountries = new Set([
    c.route.destinationCountry,
    ...(c.parties.consignee.address ? [c.parties.consignee.address.country] : []),
  ]);
  // Draws of earlier lines of this report count against later lines.
  const local = new Map<string, number>();
  const localKey = (ref: string, cas: string) => `${ref.toUpperCase()}|${cas}`;

  return lines.map((line) => {
    const out = base('not-covered', `none of the cited permits (${filed}) covers it`);
    if (line.substanceIds.size === 0 && line.casNumbers.size === 0) return out;
    const unknown: string[] = [];
    const wrongSubstance: string[] = [];
    const expired: string[] = [];
    const wrongHolder: string[] = [];
    const wrongCountry: string[] = [];
    const quantity: string[] = [];
    const covering: { ref: string; row: PermitRecord }[] = [];
    let substanceCovered = false;
    for (const p of cited) {
      const rows = register.lookup(p.reference);
      if (rows.length === 0) {
        unknown.push(`${p.type} ${p.reference} is not in the permit register`);
        continue;
      }
      const row = rows.find(
        (r) =>
          line.casNumbers.has(r.casNumber) ||
          line.substanceIds.has(substanceOfCas(knowledge, r.casNumber) ?? ''),
      );
      if (row === undefined) {
        wrongSubstance.push(
          `${p.reference} covers CAS ${rows.map((r) => r.casNumber).join(', ')}, not ${line.substance}`,
        );
        continue;
      }
      substanceCovered = true;
      const problems: string[][] = [];
      if (date < row.validFrom || date > row.validUntil) {
        expired.push(
          `${row.reference} is valid ${row.validFrom} to ${row.validUntil}, not on the filing date ${date}`,
        );
        problems.push(expired);
      }
      const exporter = EXPORT_SIDE.has(row.type);
      const party = exporter ? c.parties.shipper : c.parties.consignee;
      if (!holderMatches(row, party)) {
        wrongHolder.push(
          `${row.reference} (${row.type}) is held by ${row.holderName}${
            row.holderIdentifier ? ` (${row.holderIdentifier})` : ''
          }, not the ${exporter ? 'shipper' : 'consignee'} ${party.name}`,
        );
        problems.push(wrongHolder);
      }
      const countries = exporter ? exportCountries : importCountries;
      if (!countries.has(row.issuingCountry)) {
        wrongCountry.push(
          `${row.reference} (${row.type}) was issued by ${row.issuingCountry}; a ${
            exporter
              ? 'PEN or export permit comes from the exporting country'
              : 'import permit or registration comes from the importing country'
          } (${[...countries].join('/')})`,
        );
        problems.push(wrongCountry);
      }
      if (line.quantityKg !== null) {
        const lk = localKey(row.reference, row.casNumber);
        const used = ledger.usedKg(row.reference, row.casNumber, consignmentId) + (local.get(lk) ?? 0);
        const left = Math.max(0, row.maxQuantityKg - used);
        if (line.quantityKg > left + 1e-6) {
          quantity.push(
            `${row.reference} allows ${fmtKg(row.maxQuantityKg)} kg of CAS ${row.casNumber}; ${fmtKg(used)} kg already drawn leaves ${fmtKg(left)} kg against ${fmtKg(line.quantityKg)} kg declared`,
          );
          problems.push(quantity);
        }
      }
      if (problems.length === 0) covering.push({ ref: `${p.type} ${row.reference}`, row });
    }
    // Failed checks are findings even when another cited permit covers the line: an over-drawn PEN or a
    // borrowed import permit beside a good one is still a forged or re-used number.
    const fill = (o: LinePermitCheck): LinePermitCheck => {
      if (!line.needsPermit) return o;
      o.unknown = unknown.join('; ');
      // Another permit for the right substance makes the wrong-substance ones beside the point.
      o.wrongSubstance = substanceCovered ? '' : wrongSubstance.join('; ');
      o.expired = expired.join('; ');
      o.wrongHolder = wrongHolder.join('; ');
      o.wrongCountry = wrongCountry.join('; ');
      o.quantityExceeded = quantity.join('; ');
      return o;
    };
    if (covering.length > 0) {
      for (const { row } of covering) {
        if (line.quantityKg === null) continue;
        const lk = localKey(row.reference, row.casNumber);
        local.set(lk, (local.get(lk) ?? 0) + line.quantityKg);
        draws.push({
          reference: row.reference,
          casNumber: row.casNumber,
          quantityKg: line.quantityKg,
          goodsLine: line.lineNumber,
        });
      }
      return fill(
        base(
          'covered',
          `covered by ${covering.map((x) => x.ref).join(', ')} (checked against the permit register)`,
        ),
      );
    }
    return fill(out);
  });
}
