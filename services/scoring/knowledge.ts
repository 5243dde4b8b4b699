// Reads: models/knowledge/precursors.yaml (names, CAS, HS, listings with dates, analogue families).
// Writes: a frozen, validated Knowledge object with lookups and control status "as of" a date.
// Guarantees: a bad file is rejected with file and path of the problem; uncertain or proposed listings
// never count as in force; every status answer names the jurisdiction, listing and date used.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { checkCas } from '../../schemas/cas.ts';
import { PrecursorRiskError } from '../common/errors.ts';
import { canonicalJson, shortHash } from './canonical.ts';

export const DEFAULT_KNOWLEDGE_PATH = fileURLToPath(
  new URL('../../models/knowledge/precursors.yaml', import.meta.url),
);

const certainty = z.enum(['C', 'M', 'U']);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const source = z.string().trim().min(3);
const validCas = z
  .string()
  .refine((c) => checkCas(c).valid && checkCas(c).normalized === c, { message: 'not a valid CAS number' });

const listingSchema = z
  .object({
    id: z.string().min(1),
    jurisdiction: z.string().regex(/^(UN|[A-Z]{2})$/),
    item: z.string().min(1),
    since: day.nullable(),
    status: z.enum(['in-force', 'proposed', 'unconfirmed']),
    certainty,
    source,
    note: z.string().optional(),
    direction: z.enum(['import', 'export']).optional(),
    /** Last day in force of a temporary listing (a ministerial order with an end date). */
    until: day.optional(),
  })
  .strict();

const smiles = z.string().regex(/^[A-Za-z0-9@+\-[\]()=#$%./\\:*~]+$/, 'expected a SMILES string');
const structureSchema = z.object({ smiles, source }).strict();
/** A name in another language (zh-Hans, zh-Hant, es, fr, de, ru, hi) or a trade name, with its source. */
const sourcedName = z.object({ name: z.string().min(2), source }).strict();
const translationSchema = z
  .object({
    lang: z.enum(['zh-Hans', 'zh-Hant', 'es', 'fr', 'de', 'ru', 'hi']),
    name: z.string().min(1),
    source,
  })
  .strict();

const substanceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string().min(1),
    role: z.enum(['precursor', 'reagent', 'analogue', 'related', 'opioid']),
    /** Structure of the base form; identity is decided by its parent (largest fragment, neutralised). */
    structure: structureSchema,
    /** Medicines' brand names (no name parser reads a brand). */
    tradeNames: z.array(sourcedName).default([]),
    translations: z.array(translationSchema).default([]),
    substituentFamily: z.string().nullable(),
    names: z.array(z.string().min(2)).min(1),
    synonyms: z.array(z.string().min(2)),
    abbreviations: z.array(z.string().min(2)),
    cas: z.array(
      z
        .object({
          number: validCas,
          form: z.enum(['base', 'salt', 'hydrate']),
          label: z.string().optional(),
          /** Structure of this form (salt with counter-ion, hydrate with water) when not the base. */
          smiles: smiles.optional(),
          certainty,
          source,
        })
        .strict(),
    ),
    hs: z.array(
      z
        .object({
          code: z.string().regex(/^\d{6}$/),
          strength: z.enum(['strong', 'weak']),
          certainty,
          source,
        })
        .strict(),
    ),
    listings: z.array(listingSchema),
    source,
  })
  .strict();

const familySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    parent: z.string().nullable(),
    label: z.string().min(1),
    trigger: z.enum(['pattern', 'substituent']).default('pattern'),
    requireAll: z.array(z.string()),
    exclude: z.array(z.string()),
    /** Structure families: a parent structure matching any of `smarts`, all of `alsoSmarts`, none of `excludeSmarts`. */
    smarts: z.array(z.string()).default([]),
    alsoSmarts: z.array(z.string()).default([]),
    excludeSmarts: z.array(z.string()).default([]),
    /** The legal wording the family encodes, quoted or paraphrased from its source. */
    wording: z.string().optional(),
    listings: z.array(listingSchema),
    source,
  })
  .strict();

const lookalikeSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string().min(1),
    names: z.array(z.string().min(2)).min(1),
    sharedAbbreviations: z.array(z.string().min(2)).default([]),
    smiles: smiles.optional(),
    cas: z.array(validCas),
    confusableWith: z.array(z.string()),
    certainty,
    source,
  })
  .strict();

const headingSchema = z
  .object({
    code: z.string().regex(/^\d{6}$/),
    strength: z.enum(['strong', 'weak']),
    label: z.string().min(1),
    substances: z.array(z.string()),
    family: z.string().nullable(),
    source,
  })
  .strict();

export const knowledgeFileSchema = z
  .object({
    version: z.string().min(1),
    listingLabels: z.record(z.string(), z.string()),
    substances: z.array(substanceSchema).min(1),
    hsHeadings: z.array(headingSchema),
    analogueFamilies: z.array(familySchema),
    lookalikes: z.array(lookalikeSchema),
  })
  .strict()
  .superRefine((kb, ctx) => {
    const substanceIds = new Set(kb.substances.map((s) => s.id));
    const familyIds = new Set(kb.analogueFamilies.map((f) => f.id));
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const checkListings = (listings: readonly Listing[], path: (string | number)[]) =>
      listings.forEach((l, i) => {
        if (!(l.id in kb.listingLabels)) issue([...path, i, 'id'], `unknown listing id "${l.id}"`);
      });
    const seenCas = new Map<string, string>();
    kb.substances.forEach((s, i) => {
      if (s.substituentFamily !== null && !familyIds.has(s.substituentFamily))
        issue(['substances', i, 'substituentFamily'], `unknown family "${s.substituentFamily}"`);
      checkListings(s.listings, ['substances', i, 'listings']);
      s.cas.forEach((c, j) => {
        const other = seenCas.get(c.number);
        if (other !== undefined)
          issue(['substances', i, 'cas', j], `CAS ${c.number} also listed for ${other}`);
        seenCas.set(c.number, s.id);
      });
    });
    kb.analogueFamilies.forEach((f, i) => {
      if (f.parent !== null && !substanceIds.has(f.parent))
        issue(['analogueFamilies', i, 'parent'], 'unknown substance');
      checkListings(f.listings, ['analogueFamilies', i, 'listings']);
      [...f.requireAll, ...f.exclude].forEach((p) => {
        try {
          new RegExp(p);
        } catch {
          issue(['analogueFamilies', i], `invalid pattern ${p}`);
        }
      });
      if (f.trigger === 'pattern' && f.requireAll.length === 0 && f.smarts.length === 0)
        issue(['analogueFamilies', i, 'requireAll'], 'a pattern family needs at least one pattern');
    });
    kb.hsHeadings.forEach((h, i) => {
      h.substances.forEach((s, j) => {
        if (!substanceIds.has(s)) issue(['hsHeadings', i, 'substances', j], `unknown substance "${s}"`);
      });
      if (h.family !== null && !familyIds.has(h.family)) issue(['hsHeadings', i, 'family'], 'unknown family');
    });
    kb.lookalikes.forEach((l, i) => {
      l.confusableWith.forEach((c, j) => {
        if (!substanceIds.has(c)) issue(['lookalikes', i, 'confusableWith', j], `unknown substance "${c}"`);
      });
      l.cas.forEach((c, j) => {
        if (seenCas.has(c)) issue(['lookalikes', i, 'cas', j], `CAS ${c} is also a listed substance`);
      });
    });
  });

export type KnowledgeFile = z.output<typeof knowledgeFileSchema>;
export type Listing = z.output<typeof listingSchema>;
export type Substance = z.output<typeof substanceSchema>;
export type AnalogueFamily = z.output<typeof familySchema>;
export type Lookalike = z.output<typeof lookalikeSchema>;
export type HsHeading = z.output<typeof headingSchema>;

/** Where and when a consignment is judged: the reporting country's law on the filing date. */
export interface ControlContext {
  reportingCountry: string;
  /** YYYY-MM-DD */
  date: string;
  direction: 'import' | 'export' | 'transit';
}

export interface ControlStatus {
  /** Jurisdiction whose law was applied: CA, IN, US or UN. */
  jurisdiction: string;
  controlled: boolean;
  /** The in-force listing used, or null when not controlled. */
  listing: Listing | null;
  /** True when the reporting country has no in-force national listing and UN Table I/II was applied. */
  viaUnFallback: boolean;
  /** Listings in force on the date in other jurisdictions (near-controlled evidence). */
  elsewhere: Listing[];
  /** One sentence, e.g. "NPP is controlled in CA (PCR item 27, since 2016-11-30 [M]) on 2026-05-20". */
  explanation: string;
}

export interface Knowledge {
  readonly version: string;
  readonly contentHash: string;
  readonly file: KnowledgeFile;
  readonly substances: ReadonlyMap<string, Substance>;
  readonly families: ReadonlyMap<string, AnalogueFamily>;
  readonly headings: ReadonlyMap<string, HsHeading>;
  listingLabel(id: string): string;
  /** National law for CA/IN/US (configurable), UN 1988 tables for everyone else. */
  jurisdictionFor(reportingCountry: string): string;
  statusOf(displayName: string, listings: readonly Listing[], ctx: ControlContext): ControlStatus;
}

export const DEFAULT_NATIONAL_JURISDICTIONS: readonly string[] = ['CA', 'IN', 'US'];

export function isInForce(listing: Listing, date: string): boolean {
  return (
    listing.status === 'in-force' &&
    (listing.since === null || listing.since <= date) &&
    (listing.until === undefined || date <= listing.until)
  );
}

function describe(listing: Listing): string {
  const since =
    (listing.since === null ? 'date in force not recorded' : `since ${listing.since}`) +
    (listing.until === undefined ? '' : ` until ${listing.until}`);
  const mark = listing.certainty === 'C' ? '' : ` [${listing.certainty}]`;
  return `${listing.item}, ${since}${mark}`;
}

function pickListing(candidates: Listing[], direction: ControlContext['direction']): Listing | null {
  return (
    candidates.find((l) => l.direction === undefined || l.direction === direction) ?? candidates[0] ?? null
  );
}

export function buildKnowledge(file: KnowledgeFile, national = DEFAULT_NATIONAL_JURISDICTIONS): Knowledge {
  const nationalSet = new Set(national);
  const jurisdictionFor = (country: string) => (nationalSet.has(country) ? country : 'UN');
  const label = (id: string) => file.listingLabels[id] ?? id;

  const statusOf = (name: string, listings: readonly Listing[], ctx: ControlContext): ControlStatus => {
    const jurisdiction = jurisdictionFor(ctx.reportingCountry);
    const inForce = listings.filter((l) => isInForce(l, ctx.date));
    let listing = pickListing(
      inForce.filter((l) => l.jurisdiction === jurisdiction),
      ctx.direction,
    );
    let viaUnFallback = false;
    if (listing === null && jurisdiction !== 'UN') {
      listing = pickListing(
        inForce.filter((l) => l.jurisdiction === 'UN' && l.id.startsWith('UN-1988')),
        ctx.direction,
      );
      viaUnFallback = listing !== null;
    }
    const elsewhere = inForce.filter((l) => l.jurisdiction !== jurisdiction && l !== listing);
    let explanation: string;
    if (listing !== null) {
      const fallback = viaUnFallback
        ? `; no national listing of it recorded for ${jurisdiction}, judged against the UN 1988 table that national law implements`
        : '';
      explanation = `${name} is controlled in ${jurisdiction} (${describe(listing)}${fallback}) on ${ctx.date}`;
    } else {
      const future = listings.find(
        (l) => l.jurisdiction === jurisdiction && l.since !== null && l.since > ctx.date,
      );
      const pending = future === undefined ? '' : ` (listed from ${future.since})`;
      const other = elsewhere[0];
      const near = other === undefined ? '' : `; controlled in ${other.jurisdiction} (${describe(other)})`;
      explanation = `${name} is not controlled in ${jurisdiction} on ${ctx.date}${pending}${near}`;
    }
    return { jurisdiction, controlled: listing !== null, listing, viaUnFallback, elsewhere, explanation };
  };

  return Object.freeze({
    version: file.version,
    contentHash: shortHash(canonicalJson(file)),
    file,
    substances: new Map(file.substances.map((s) => [s.id, s])),
    families: new Map(file.analogueFamilies.map((f) => [f.id, f])),
    headings: new Map(file.hsHeadings.map((h) => [h.code, h])),
    listingLabel: label,
    jurisdictionFor,
    statusOf,
  });
}

/** Parses and validates knowledge text; `fileName` only labels errors. */
export function parseKnowledge(text: string, fileName: string, national?: readonly string[]): Knowledge {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (cause) {
    throw new PrecursorRiskError(
      'RULES_INVALID',
      `${fileName}: not valid YAML: ${(cause as Error).message}`,
      { cause },
    );
  }
  const result = knowledgeFileSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new PrecursorRiskError(
      'RULES_INVALID',
      `${fileName}: at ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  return buildKnowledge(result.data, national);
}

export function loadKnowledge(
  path: string = DEFAULT_KNOWLEDGE_PATH,
  national?: readonly string[],
): Knowledge {
  return parseKnowledge(readFileSync(path, 'utf8'), path, national);
}

/** The date a report is judged on: the filing date as written (the filer's local calendar day). */
export function reportDay(filedAt: string): string {
  return filedAt.slice(0, 10);
}
