// Reads: a permit register (CSV with a header row, CONTRACT.md §4 `--permits FILE`, or every *.csv in a
// folder such as models/permits/), or rows already parsed (the ClickHouse `permit_register` table).
// Writes: an immutable PermitRegister looked up by reference. Guarantees: every row is validated (type,
// ISO country, valid CAS, positive quantity, validFrom <= validUntil); a bad file is one PERMITS_INVALID
// error naming the file, line and field, never a partial register; version = hash of the canonical rows.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { checkCas } from '../../schemas/cas.ts';
import { PERMIT_TYPES } from '../../schemas/report.ts';
import { PrecursorRiskError } from '../common/errors.ts';
import { canonicalJson, shortHash } from './canonical.ts';

/** The pipeline's default register (PERMITS_DIR): every *.csv in models/permits/. */
export const DEFAULT_PERMITS_DIR = fileURLToPath(new URL('../../models/permits/', import.meta.url));

export const PERMIT_COLUMNS = [
  'reference',
  'type',
  'issuingCountry',
  'holderName',
  'holderIdentifier',
  'casNumber',
  'maxQuantityKg',
  'validFrom',
  'validUntil',
] as const;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const permitRecordSchema = z
  .object({
    reference: z.string().trim().min(1).max(128),
    type: z.enum(PERMIT_TYPES),
    issuingCountry: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166 alpha-2 code'),
    holderName: z.string().trim().min(1).max(512),
    holderIdentifier: z
      .string()
      .trim()
      .max(128)
      .transform((v) => (v === '' ? null : v)),
    casNumber: z.string().refine((c) => checkCas(c).valid, 'not a valid CAS number'),
    maxQuantityKg: z.coerce.number().positive().finite(),
    // ISO 8601: a date or a date-time; the day is what the filing date is compared with.
    validFrom: z
      .string()
      .transform((v) => v.slice(0, 10))
      .pipe(day),
    validUntil: z
      .string()
      .transform((v) => v.slice(0, 10))
      .pipe(day),
  })
  .refine((p) => p.validFrom <= p.validUntil, {
    message: 'validFrom is after validUntil',
    path: ['validUntil'],
  });

export type PermitRecord = z.output<typeof permitRecordSchema>;

export interface PermitRegister {
  /** Hash of the rows: changes whenever the register does. */
  readonly version: string;
  readonly size: number;
  /** Every row of the reference (a permit may cover several substances, one row each); [] when unknown. */
  lookup(reference: string): readonly PermitRecord[];
}

const invalid = (message: string) => new PrecursorRiskError('PERMITS_INVALID', message);

/** References compare without case or surrounding space: filers retype them. */
export const permitKey = (reference: string) => reference.trim().toUpperCase();

export function createPermitRegister(rows: readonly PermitRecord[]): PermitRegister {
  const byRef = new Map<string, PermitRecord[]>();
  for (const r of rows) {
    const k = permitKey(r.reference);
    const list = byRef.get(k);
    if (list === undefined) byRef.set(k, [r]);
    else list.push(r);
  }
  const sorted = [...rows].sort(
    (a, b) => a.reference.localeCompare(b.reference) || a.casNumber.localeCompare(b.casNumber),
  );
  const version = shortHash(canonicalJson(sorted));
  return Object.freeze({
    version,
    size: rows.length,
    lookup: (reference: string) => byRef.get(permitKey(reference)) ?? [],
  });
}

/** Parses register CSV text; errors read "<file>: line <n>: <field>: <message>". */
export function parsePermitCsv(text: string, file: string): PermitRecord[] {
  let records: Record<string, string>[];
  try {
    records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (cause) {
    throw invalid(`${file}: not valid CSV: ${(cause as Error).message}`);
  }
  const header = records.length > 0 ? Object.keys(records[0]!) : firstLine(text);
  const missing = PERMIT_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) throw invalid(`${file}: header row lacks ${missing.join(', ')}`);
  return records.map((raw, i) => {
    const result = permitRecordSchema.safeParse(raw);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      // Line 1 is the header.
      throw invalid(`${file}: line ${i + 2}: ${issue.path.join('.') || '(row)'}: ${issue.message}`);
    }
    return result.data;
  });
}

function firstLine(text: string): string[] {
  return (text.split(/\r?\n/, 1)[0] ?? '').split(',').map((c) => c.trim());
}

/** A register file, or every *.csv in a folder (sorted), as one register. */
export function loadPermitRegister(path: string): PermitRegister {
  return createPermitRegister(readPermitRows(path));
}

export function readPermitRows(path: string): PermitRecord[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((f) => f.toLowerCase().endsWith('.csv'))
          .sort()
          .map((f) => join(path, f))
      : [path];
  } catch (cause) {
    throw new PrecursorRiskError('PERMITS_INVALID', `${path}: cannot read the permit register`, { cause });
  }
  return files.flatMap((f) => parsePermitCsv(readFileSync(f, 'utf8'), f));
}

/** One register row as CSV (the committed register and tests write it). */
export function permitCsvLine(p: PermitRecord): string {
  const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return [
    p.reference,
    p.type,
    p.issuingCountry,
    p.holderName,
    p.holderIdentifier ?? '',
    p.casNumber,
    String(p.maxQuantityKg),
    p.validFrom,
    p.validUntil,
  ]
    .map(q)
    .join(',');
}

export const PERMIT_CSV_HEADER = PERMIT_COLUMNS.join(',');
