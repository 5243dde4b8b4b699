// Sharing agreements (models/agreements/*.yaml): with whom, under which legal basis, which fields may
// leave, how they are marked and for how long the partner may keep them. Reads: the YAML files and
// the per-agreement pseudonymisation secrets (handed in from the environment by the config module).
// Guarantees: every file is validated (zod, strict) and every allow-listed path names a real field,
// so a typo stops start-up instead of silently withholding (or leaking) a field.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { countryCode } from '../../schemas/report.ts';
import { ConfigError } from '../common/config.ts';
import { isKnownFieldPath } from './case-fields.ts';
import { MIN_SECRET_BYTES } from './pseudonymise.ts';

export const agencyIdSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9]{1,15}$/, 'expected an agency id of 2-16 upper-case letters and digits (e.g. CBSA)');

const partySchema = z
  .object({
    name: z.string().min(1).max(200).describe('the agency as it names itself in the STIX identity'),
    country: countryCode,
    contact: z.string().min(1).max(500).optional().describe('point of contact the partner may use'),
    since: z.iso.date().describe('first day the identity is valid (its STIX created timestamp)'),
    stixIdentity: z
      .string()
      .regex(
        /^identity--[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        'expected identity--<a random UUIDv4>, generated once for the agency',
      )
      .describe("the agency's STIX identity id, the same in every package it sends"),
  })
  .strict();

export const agreementSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{2,63}$/, 'expected a lower-case id (letters, digits, -)'),
    title: z.string().min(1).max(300),
    parties: z
      .record(agencyIdSchema, partySchema)
      .refine((p) => Object.keys(p).length === 2, { message: 'an agreement has exactly two parties' }),
    effectiveFrom: z.iso.date(),
    legalBasis: z.array(z.string().trim().min(1).max(500)).min(1),
    tlp: z.enum(['AMBER', 'AMBER+STRICT']).describe('default TLP 2.0 level; a share may only be stricter'),
    retentionDays: z.number().int().min(1).max(3650),
    onwardSharing: z.boolean(),
    pseudonymisation: z
      .object({
        secretEnv: z
          .string()
          .regex(/^[A-Z][A-Z0-9_]*$/)
          .describe('environment variable holding this agency’s HMAC secret for this agreement'),
      })
      .strict(),
    goodsLines: z.enum(['all', 'flagged']).default('flagged'),
    watchlistEntryNames: z
      .boolean()
      .default(false)
      .describe('a watchlist finding may name the listed entry (default: list, programmes and score only)'),
    fields: z
      .array(z.string())
      .min(1)
      .superRefine((fields, ctx) => {
        for (const [i, f] of fields.entries()) {
          if (!isKnownFieldPath(f)) {
            ctx.addIssue({ code: 'custom', path: [i], message: `"${f}" names no field of a shared case` });
          }
        }
      }),
  })
  .strict();

export type Agreement = z.output<typeof agreementSchema>;

export interface AgreementSet {
  readonly all: readonly Agreement[];
  /** This agency's agreement with `partner`, if any. */
  forPartner(partner: string): Agreement | undefined;
  /** This agency's pseudonymisation secret for an agreement (present for every agreement `me` is party to). */
  secretFor(agreementId: string): Buffer;
}

/** Hex or base64 of ≥ 32 bytes, or a passphrase of ≥ 32 characters. */
export function decodeSecret(text: string): Buffer | undefined {
  const t = text.trim();
  if (/^[0-9a-fA-F]+$/.test(t) && t.length % 2 === 0 && t.length >= MIN_SECRET_BYTES * 2)
    return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(t)) {
    const b = Buffer.from(t, 'base64');
    if (b.length >= MIN_SECRET_BYTES) return b;
  }
  return t.length >= MIN_SECRET_BYTES ? Buffer.from(t, 'utf8') : undefined;
}

export function parseAgreement(text: string, file: string): Agreement {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${file}: not YAML (${(err as Error).message})`);
  }
  const parsed = agreementSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return Object.freeze(parsed.data);
}

/**
 * The agreements `me` is party to, each with this agency's secret from `env`. A missing or short
 * secret is a ConfigError naming the variable. Agreements between two other agencies are ignored.
 */
export function createAgreementSet(
  agreements: readonly Agreement[],
  me: string,
  env: Readonly<Record<string, string | undefined>>,
): AgreementSet {
  const mine = agreements.filter((a) => me in a.parties);
  const secrets = new Map<string, Buffer>();
  const pairs = new Map<string, string>();
  for (const a of mine) {
    const partner = Object.keys(a.parties).find((p) => p !== me)!;
    const other = pairs.get(partner);
    if (other !== undefined)
      throw new ConfigError(`agreements ${other} and ${a.id} both cover ${me}–${partner}`);
    pairs.set(partner, a.id);
    const name = a.pseudonymisation.secretEnv;
    const value = env[name];
    const secret = value === undefined ? undefined : decodeSecret(value);
    if (secret === undefined) {
      throw new ConfigError(
        `invalid setting ${name}: agreement ${a.id} needs this agency's pseudonymisation secret ` +
          `(at least ${MIN_SECRET_BYTES} bytes as hex or base64, or ${MIN_SECRET_BYTES} characters)`,
      );
    }
    secrets.set(a.id, secret);
  }
  return {
    all: mine,
    forPartner(partner) {
      return partner === me ? undefined : mine.find((a) => partner in a.parties);
    },
    secretFor(agreementId) {
      const s = secrets.get(agreementId);
      if (s === undefined) throw new ConfigError(`no pseudonymisation secret for agreement ${agreementId}`);
      return s;
    },
  };
}

/** Every `*.yaml` in `dir` except the trust store. */
export function loadAgreementFiles(dir: string): Agreement[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new ConfigError(`cannot read agreements directory ${dir}: ${(err as Error).message}`);
  }
  const files = names.filter((n) => /\.ya?ml$/.test(n) && !/^trust-store\.ya?ml$/.test(n)).sort();
  const agreements = files.map((f) => parseAgreement(readFileSync(join(dir, f), 'utf8'), join(dir, f)));
  const ids = new Set<string>();
  for (const a of agreements) {
    if (ids.has(a.id)) throw new ConfigError(`agreement id ${a.id} is used by two files in ${dir}`);
    ids.add(a.id);
  }
  return agreements;
}
