// The permit register behind the generator's licensed trade: every PEN, import permit, export permit and
// registration that licit-controlled-licensed may cite, for the fixed pool of firms and controlled
// chemicals, per calendar year. Reads only the party pool and the catalogue; writes nothing (the script
// scripts/build-permit-register.ts writes models/permits/generated.csv). Guarantees: deterministic,
// references unique, and the references the builder cites are exactly these rows, so a register check
// separates licensed trade from forged or borrowed numbers as it would in service.
import { fileURLToPath } from 'node:url';
import { type Chemical, CONTROLLED } from './catalog.ts';
import type { Permit } from './draft.ts';
import { type Firm, partyPool } from './parties.ts';

export interface GeneratedPermit {
  reference: string;
  type: Permit['type'];
  issuingCountry: string;
  holderName: string;
  holderIdentifier: string;
  casNumber: string;
  maxQuantityKg: number;
  validFrom: string;
  validUntil: string;
}

/** Years the register covers: the generator's default start (2026) and one either side. */
export const PERMIT_YEARS = [2025, 2026, 2027] as const;
/** Generous: the register is about who may trade what, not about running a permit dry by chance. */
const MAX_KG = 1_000_000;

function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const pad = (n: number, width: number) => String(n % 10 ** width).padStart(width, '0');

/** Same shapes as draft.ts permitReference, with the digits from a hash instead of the Rng. */
function shapedReference(type: Permit['type'], country: string, year: number, h: number): string {
  switch (type) {
    case 'PEN':
      return `PEN-${country}-${year}-${pad(h, 6)}`;
    case 'EXPORT_PERMIT':
      return country === 'CN' ? `CN-PCE-${year}-${pad(h, 6)}` : `${country}-EXP-${year}-${pad(h, 5)}`;
    case 'REGISTRATION':
      return country === 'US'
        ? `R${String.fromCharCode(65 + (h % 26))}${pad(h >>> 5, 7)}`
        : `${country}-REG-${pad(h, 7)}`;
    default:
      switch (country) {
        case 'CA':
          return `HC-PCR-${year}-${pad(h, 5)}`;
        case 'US':
          return `DEA-486-${year}-${pad(h, 6)}`;
        case 'MX':
          return `COFEPRIS-PIP-${year}-${pad(h, 5)}`;
        case 'IN':
          return `NCB-RCS-IMP-${year}-${pad(h, 4)}`;
        default:
          return `${country}-IMP-${year}-${pad(h, 6)}`;
      }
  }
}

interface Built {
  rows: GeneratedPermit[];
  byKey: Map<string, string>;
}

let built: Built | null = null;

const keyOf = (type: Permit['type'], firm: Firm, chemKey: string, year: number) =>
  `${type}|${firm.party.identifier ?? firm.party.name}|${chemKey}|${year}`;

function build(): Built {
  if (built) return built;
  const pool = partyPool();
  const rows: GeneratedPermit[] = [];
  const byKey = new Map<string, string>();
  const taken = new Set<string>();
  const add = (type: Permit['type'], firm: Firm, chem: Chemical, year: number) => {
    const key = keyOf(type, firm, chem.key, year);
    let reference = '';
    for (let salt = 0; reference === '' || taken.has(reference); salt++) {
      reference = shapedReference(type, firm.country, year, fnv(`${key}|${salt}`));
    }
    taken.add(reference);
    byKey.set(key, reference);
    rows.push({
      reference,
      type,
      issuingCountry: firm.country,
      holderName: firm.party.name,
      holderIdentifier: firm.party.identifier ?? '',
      casNumber: chem.cas[0]!,
      maxQuantityKg: MAX_KG,
      validFrom: `${year}-01-01`,
      // A quarter's grace: declarations are filed after the manifest, across the new year.
      validUntil: `${year + 1}-03-31`,
    });
  };
  const buyers = pool.chemBuyers.filter((b) => b.licensed);
  for (const year of PERMIT_YEARS) {
    for (const chem of CONTROLLED) {
      for (const s of pool.chemSuppliers) {
        add('PEN', s, chem, year);
        add('EXPORT_PERMIT', s, chem, year);
      }
      for (const b of buyers) {
        add('IMPORT_PERMIT', b, chem, year);
        if (b.country === 'US') add('REGISTRATION', b, chem, year);
      }
    }
  }
  built = { rows, byKey };
  return built;
}

/** Every row of the generated register, in a fixed order. */
export function generatedPermitRegister(): readonly GeneratedPermit[] {
  return build().rows;
}

/** The registered reference of `firm`'s permit of `type` for `chem` in `year`, or null outside the register. */
export function registeredReference(
  type: Permit['type'],
  firm: Firm,
  chemKey: string,
  year: number,
): string | null {
  return build().byKey.get(keyOf(type, firm, chemKey, year)) ?? null;
}

export const GENERATED_REGISTER_PATH = fileURLToPath(
  new URL('../../models/permits/generated.csv', import.meta.url),
);

const CSV_HEADER =
  'reference,type,issuingCountry,holderName,holderIdentifier,casNumber,maxQuantityKg,validFrom,validUntil';

/** The register as CSV (CONTRACT.md §4 `--permits FILE` columns). */
export function generatedRegisterCsv(): string {
  const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  const lines = build().rows.map((r) =>
    [
      r.reference,
      r.type,
      r.issuingCountry,
      r.holderName,
      r.holderIdentifier,
      r.casNumber,
      String(r.maxQuantityKg),
      r.validFrom,
      r.validUntil,
    ]
      .map(q)
      .join(','),
  );
  return `${CSV_HEADER}\n${lines.join('\n')}\n`;
}
