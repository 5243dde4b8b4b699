// Reads: one goods line (description, filed CAS numbers and their checks) and the chemistry knowledge (names,
// CAS numbers, structures, SMARTS families); the name resolver (OPSIN answers, cached) for names the table lacks.
// Writes: the chemicals the line holds, each with how it was identified (CAS / table name / OPSIN structure /
// family / typo), its parent structure (canonical SMILES, InChIKey) and the family SMARTS it matched; the
// harmless look-alikes it names; CAS numbers that are invalid or unknown.
// Guarantees: when the words resolve to a structure, the structure decides: a listed structure (any salt or
// hydrate) is that substance, a family match no listing covers is an analogue, anything else is another
// chemical; a typo is only tried on words that resolve to nothing, never onto a different chemical ending, and
// never where only real chemical words or one substituent word differ (that is another chemical). Names in
// other scripts count only as whole names (name-table.ts).
// What a description alone determines is memoised per identifier (so per knowledge version); the resolver's
// answers are part of that key, so a late OPSIN answer is used as soon as it arrives.
import type { CasCheck } from '../../schemas/cas.ts';
import { findCasNumbers } from './cas.ts';
import type { NameResolver } from './name-resolver.ts';
import { createNameIndex, editDistance, type NameEntry, type Span } from './name-table.ts';
import { normalizeText } from './normalize.ts';
import { candidateNames, type PreparedName } from './prepare.ts';
import { compileSmarts, parentStructure, type Query, type Structure } from './structure.ts';
import {
  CHEMICAL_CONTEXT_WORDS,
  derivativeFollows,
  FILLER_WORDS,
  isSubstituentToken,
  SALT_WORDS,
  squash,
  tokenizeChem,
} from './tokens.ts';

/** What the chemistry room needs of the knowledge base (models/knowledge/precursors.yaml). */
export interface ChemistryKnowledge {
  substances: readonly {
    id: string;
    name: string;
    role: string;
    /** The family a substituted spelling of this name falls in when no structure is known. */
    substituentFamily: string | null;
    structure: { smiles: string };
    names: readonly string[];
    synonyms: readonly string[];
    abbreviations: readonly string[];
    tradeNames: readonly { name: string }[];
    translations: readonly { name: string }[];
    cas: readonly { number: string; form: string; smiles?: string | undefined }[];
  }[];
  lookalikes: readonly {
    id: string;
    name: string;
    names: readonly string[];
    sharedAbbreviations: readonly string[];
    smiles?: string | undefined;
    cas: readonly string[];
    confusableWith: readonly string[];
  }[];
  analogueFamilies: readonly {
    id: string;
    parent: string | null;
    label: string;
    smarts: readonly string[];
    alsoSmarts: readonly string[];
    excludeSmarts: readonly string[];
    requireAll: readonly string[];
    exclude: readonly string[];
  }[];
}

export const MATCH_KINDS = [
  'CAS',
  'CAS_TEXT',
  'CAS_NEAR',
  'NAME',
  'SYNONYM',
  'STRUCTURE',
  'ANALOGUE',
  'HS',
] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];
/** How a chemical was identified, as the decision record shows it. */
export type ResolvedBy = 'CAS' | 'TABLE' | 'OPSIN' | 'FAMILY' | 'TEXT_PATTERN' | 'TYPO' | 'HS';

/** Why each kind is trusted as much as it is: a valid CAS is an identity, a name can be a typo, an abbreviation is ambiguous. */
export const CONFIDENCE = {
  CAS: 0.98,
  CAS_SALT: 0.95,
  CAS_TEXT: 0.95,
  CAS_NEAR: 0.5,
  NAME: 0.9,
  STRUCTURE: 0.9,
  TRANSLATION: 0.85,
  SYNONYM: 0.8,
  ABBREVIATION: 0.8,
  ABBREVIATION_NO_CONTEXT: 0.6,
  AMBIGUOUS_ABBREVIATION: 0.6,
  AMBIGUOUS_ABBREVIATION_NO_CONTEXT: 0.35,
  FAMILY: 0.6,
  TEXT_PATTERN: 0.55,
  /** Below the "controlled" cut-off (0.75): a typo alone asks for a document check, never for an examination. */
  TYPO: 0.6,
  HS_STRONG: 0.5,
} as const;

export interface ChemicalMatch {
  /** Knowledge-base substance; for an analogue, the substance it derives from (null for open families). */
  substanceId: string | null;
  familyId: string | null;
  name: string;
  kind: MatchKind;
  resolvedBy: ResolvedBy;
  confidence: number;
  cas: string | null;
  salt: boolean;
  /** What in the line matched: the CAS as filed, the words, or the HS code. */
  evidence: string;
  /** Parent structure (largest fragment, neutralised), when known. */
  smiles: string | null;
  inchikey: string | null;
  /** The family SMARTS that matched (for drawing the matched part). */
  smarts: string | null;
}

export interface BenignMatch {
  id: string;
  name: string;
  evidence: string;
}

/** Everything chemistry says about one goods line. */
export interface LineChemistry {
  /** Tokens of the description, shared by every line with the same description (frozen). */
  tokens: readonly string[];
  matches: ChemicalMatch[];
  benign: BenignMatch[];
  invalidCas: string[];
  unknownCas: string[];
  /** A CAS number with hardly any other words. */
  bareCas: boolean;
  /** Chemical words, a CAS number or a resolved structure. */
  chemicalContext: boolean;
  /** The words name some chemical (listed, look-alike, or any structure the parser read). */
  namesChemical: boolean;
}

export interface ChemistryLine {
  description: string;
  casChecks: readonly CasCheck[];
  /** Whether the HS code is chemical (chapters 28, 29, 3824): context for abbreviations. */
  chemicalHs: boolean;
}

export interface Identifier {
  /** The one question scoring asks per goods line. */
  identifyLine(line: ChemistryLine): LineChemistry;
  /** Asks the resolver (OPSIN) once, in one batch, for every name in these descriptions it has not answered. */
  prepare(descriptions: readonly string[], deadlineMs?: number): Promise<void>;
  /** The names in a description the resolver would be asked about (for tests and benchmarks). */
  namesOf(description: string): string[];
  /**
   * The parent structures the names in a description resolve to, as far as the resolver has answered
   * (call `prepare` first to ask it), one per distinct structure, in the order the names appear. For
   * showing what a line names whatever scoring made of it (the case view draws lines with no match).
   */
  structuresOf(description: string): NamedStructure[];
  cacheStats(): { hits: number; misses: number; size: number };
}

/**
 * Distinct goods descriptions whose analysis an identifier remembers. Above the distinct descriptions of
 * a day's traffic (the generator's mix has ~4,500, free text in the field more): a FIFO smaller than the
 * working set evicts every entry before it recurs and the cache never hits.
 */
export const DESCRIPTION_CACHE_SIZE = 32_768;

interface CompiledFamily {
  id: string;
  parent: string | null;
  label: string;
  any: Query[];
  all: Query[];
  none: Query[];
  requireAll: RegExp[];
  exclude: RegExp[];
}

interface Identity {
  lookalike: boolean;
  id: string;
}

interface Resolution {
  smiles: string;
  inchikey: string;
}

/** A structure a name in a goods description resolves to. */
export interface NamedStructure {
  /** The name as found in the description. */
  name: string;
  smiles: string;
  inchikey: string;
}

/** What a description alone says (no CAS field, no HS code). */
interface DescriptionFacts {
  tokens: readonly string[];
  textCas: readonly CasCheck[];
  salt: boolean;
  matches: ChemicalMatch[];
  benign: BenignMatch[];
  /** Abbreviation spans, confidence decided per line (context). */
  abbreviations: { id: string; words: string; shared: boolean }[];
  contextWords: boolean;
  bareCas: boolean;
  namesChemical: boolean;
  /** Names the resolver had not answered: an answer for one of these makes the analysis stale. */
  pending: readonly string[];
  /** The resolver and its number of answers when this analysis was made. */
  resolver: NameResolver;
  answers: number;
}

// Substituent words, and one-letter misspellings of them ("benzl", "anilin"): a name they touch is modified.
const SUBSTITUENTS =
  'methyl ethyl propyl butyl benzyl phenyl phenethyl anilino aniline fluoro chloro bromo iodo'.split(' ');
const CHEMISH = {
  test: (w: string) => w.length >= 4 && SUBSTITUENTS.some((x) => editDistance(w, x, 1) <= 1),
};
// Test strips and kits in the languages of the knowledge base's names (试纸/試紙, тест-полоски, tiras reactivas).
const TEST_KIT =
  /\b(?:test(?:ing)?[ -]?strips?|test[ -]?kits?|rapid[ -]?tests?|detection[ -]?kits?|tiras? (?:reactivas?|de prueba)|bandelettes?)\b|试纸|試紙|检测试剂|檢測試劑|тест-?полоск|тест-?систем/i;
const FAMILY_GATE = ['piperid', 'anilin', 'fentan', 'npp', 'phenylamino'];
const CHEMICAL_SUFFIX = /(?:ine|one|ol|ide|ate|ane|ene|yl|ium)$/;
const NOT_CHEMICAL = new Set(
  'machine machines medicine gasoline marine telephone magazine chocolate template plate ultimate estate private corporate delicate'.split(
    ' ',
  ),
);

/** An analogue read from the wording alone (a family's pattern, a modified listed name): no structure. */
function patternAnalogue(
  substanceId: string | null,
  family: { id: string; label: string },
  salt: boolean,
  evidence: string,
): ChemicalMatch {
  return {
    substanceId,
    familyId: family.id,
    name: family.label,
    kind: 'ANALOGUE',
    resolvedBy: 'TEXT_PATTERN',
    confidence: CONFIDENCE.TEXT_PATTERN,
    cas: null,
    salt,
    evidence,
    smiles: null,
    inchikey: null,
    smarts: null,
  };
}

function addMatch(matches: Map<string, ChemicalMatch>, m: ChemicalMatch): void {
  const key = m.familyId !== null ? `family:${m.familyId}` : (m.substanceId ?? m.name);
  const prev = matches.get(key);
  if (prev === undefined || prev.confidence < m.confidence) matches.set(key, m);
}

const overlaps = (a: Span, b: Span) => a.start <= b.end && a.end >= b.start;

// Substituent words, multiplied or not: two names that differ only in them are two chemicals.
const SUBSTITUENT_WORD =
  /(?:di|tri|tetra)?(?:phenethyl|phenylethyl|methoxy|ethoxy|methyl|ethyl|propyl|butyl|pentyl|hexyl|phenyl|benzyl|fluoro|chloro|bromo|iodo)/g;
const withoutSubstituents = (key: string) => key.replace(SUBSTITUENT_WORD, '#');

// Chemical words no knowledge-base name holds, which a one-letter slip of a listed name can produce.
const COMMON_CHEMICAL_WORDS =
  'methanol ethanol propanol butanol pentanol propanal butanal propanone butanone acetone methane ethane propane butane ethene propene butene acetic propionic butyric formic benzene toluene phenol ethyl methyl propyl butyl pentyl hexyl phenyl benzyl acetyl propionyl butyryl chloride bromide iodide fluoride amine amide imine'.split(
    ' ',
  );

/**
 * The real words of chemical names (every knowledge-base name, look-alikes included, and common chemical
 * words): a misspelling that turns one of them into another is another chemical, not a typo.
 */
export function chemicalWords(kb: ChemistryKnowledge): ReadonlySet<string> {
  const words = new Set(COMMON_CHEMICAL_WORDS);
  const add = (name: string) => {
    for (const t of tokenizeChem(normalizeText(name)).tokens)
      if (t.length >= 3 && !/\d/.test(t)) words.add(t);
  };
  for (const s of kb.substances) {
    for (const n of [s.name, ...s.names, ...s.synonyms, ...s.abbreviations]) add(n);
    for (const n of [...s.tradeNames, ...s.translations]) add(n.name);
  }
  for (const l of kb.lookalikes) for (const n of [l.name, ...l.names]) add(n);
  return words;
}

/** Longest token run whose squashed form is a known name; overlapping shorter runs lose. */
function longestFirst(spans: Span[]): Span[] {
  spans.sort((a, b) => b.len - a.len || a.start - b.start);
  const kept: Span[] = [];
  for (const s of spans) if (!kept.some((k) => s.start <= k.end && s.end >= k.start)) kept.push(s);
  return kept;
}

/** Every one-digit change and adjacent swap of a CAS number, keeping its hyphen positions. */
function nearVariants(cas: string): string[] {
  const [head, mid, check] = cas.split('-') as [string, string, string];
  const digits = head + mid + check;
  const format = (d: string) =>
    `${d.slice(0, head.length)}-${d.slice(head.length, head.length + mid.length)}-${d.slice(-1)}`;
  const out: string[] = [];
  for (let i = 0; i < digits.length; i++) {
    for (let d = 0; d <= 9; d++) {
      if (String(d) !== digits[i]) out.push(format(digits.slice(0, i) + d + digits.slice(i + 1)));
    }
    if (i + 1 < digits.length && digits[i] !== digits[i + 1]) {
      out.push(format(digits.slice(0, i) + digits[i + 1] + digits[i] + digits.slice(i + 2)));
    }
  }
  return out;
}

export function createIdentifier(kb: ChemistryKnowledge, resolver: () => NameResolver): Identifier {
  const index = createNameIndex();
  const casIndex = new Map<string, Identity & { salt: boolean }>();
  const nearIndex = new Map<string, string>();
  const byInchikey = new Map<string, Identity>();
  const substances = new Map(kb.substances.map((s) => [s.id, s]));
  const lookalikes = new Map(kb.lookalikes.map((l) => [l.id, l]));
  const structureOf = new Map<string, Resolution>();

  for (const s of kb.substances) {
    for (const n of s.names) index.add(n, { lookalike: false, id: s.id, kind: 'NAME' });
    for (const n of s.tradeNames) index.add(n.name, { lookalike: false, id: s.id, kind: 'TRADE' });
    for (const n of s.translations) index.add(n.name, { lookalike: false, id: s.id, kind: 'TRANSLATION' });
    for (const n of s.abbreviations) index.add(n, { lookalike: false, id: s.id, kind: 'ABBREVIATION' });
    for (const n of [s.name, ...s.synonyms]) index.add(n, { lookalike: false, id: s.id, kind: 'SYNONYM' });
    const parent = parentStructure(s.structure.smiles);
    if (parent !== null) {
      structureOf.set(s.id, parent);
      if (!byInchikey.has(parent.inchikey)) byInchikey.set(parent.inchikey, { lookalike: false, id: s.id });
    }
    for (const c of s.cas) {
      casIndex.set(c.number, { lookalike: false, id: s.id, salt: c.form !== 'base' });
      if (s.role !== 'related')
        for (const v of nearVariants(c.number)) if (!nearIndex.has(v)) nearIndex.set(v, s.id);
      // A hydrate such as 4,4-piperidinediol has its own parent structure: it still is its substance.
      const form = c.smiles === undefined ? null : parentStructure(c.smiles);
      if (form !== null && !byInchikey.has(form.inchikey))
        byInchikey.set(form.inchikey, { lookalike: false, id: s.id });
    }
  }
  for (const l of kb.lookalikes) {
    for (const n of [l.name, ...l.names]) index.add(n, { lookalike: true, id: l.id, kind: 'NAME' });
    for (const c of l.cas) casIndex.set(c, { lookalike: true, id: l.id, salt: false });
    const parent = l.smiles === undefined ? null : parentStructure(l.smiles);
    if (parent !== null) {
      structureOf.set(`lookalike:${l.id}`, parent);
      if (!byInchikey.has(parent.inchikey)) byInchikey.set(parent.inchikey, { lookalike: true, id: l.id });
    }
  }
  // "4-AP" is also 4-aminopyridine: an abbreviation shared with a benign chemical never identifies alone.
  const ambiguous = new Set(kb.lookalikes.flatMap((l) => l.sharedAbbreviations.map(squash)));
  const families: CompiledFamily[] = kb.analogueFamilies.map((f) => ({
    id: f.id,
    parent: f.parent,
    label: f.label,
    any: f.smarts.map(compileSmarts),
    all: f.alsoSmarts.map(compileSmarts),
    none: f.excludeSmarts.map(compileSmarts),
    requireAll: f.requireAll.map((p) => new RegExp(p)),
    exclude: f.exclude.map((p) => new RegExp(p)),
  }));
  const knownCas = (c: string) => casIndex.has(c);
  const fentanylFamily = families.find((f) => f.id === 'fentanyl-related');
  const words = chemicalWords(kb);
  const substanceName = (id: string) => substances.get(id)?.name ?? id;

  // Structure work is pure in the SMILES string and costs RDKit calls (~50 µs each): done once per
  // structure, not once per description that names it (descriptions differ in quantities and packaging).
  const parents = new Map<string, Structure | null>();
  const familyHits = new Map<string, { family: CompiledFamily; smarts: string } | null>();
  const remember = <V>(memo: Map<string, V>, key: string, value: V): V => {
    if (memo.size >= DESCRIPTION_CACHE_SIZE) memo.delete(memo.keys().next().value!);
    memo.set(key, value);
    return value;
  };
  const parentOf = (smiles: string): Structure | null =>
    parents.has(smiles) ? parents.get(smiles)! : remember(parents, smiles, parentStructure(smiles));

  /** The first family whose SMARTS the parent structure satisfies. */
  function familyOf(smiles: string): { family: CompiledFamily; smarts: string } | null {
    if (familyHits.has(smiles)) return familyHits.get(smiles)!;
    return remember(familyHits, smiles, firstFamily(smiles));
  }

  function firstFamily(smiles: string): { family: CompiledFamily; smarts: string } | null {
    for (const f of families) {
      if (f.any.length === 0) continue;
      const hit = f.any.find((q) => q.match(smiles) !== null);
      if (hit === undefined) continue;
      if (f.all.every((q) => q.match(smiles) !== null) && !f.none.some((q) => q.match(smiles) !== null))
        return { family: f, smarts: hit.smarts };
    }
    return null;
  }

  const descriptions = new Map<string, DescriptionFacts>();
  let hits = 0;
  let misses = 0;

  function namesOf(normalized: string): PreparedName[] {
    return candidateNames(normalized);
  }

  /** The resolver's structure for a prepared name: the first variant it parsed, null if all refused, undefined if unknown. */
  function structureFor(name: PreparedName): Resolution | null | undefined {
    const r = resolver();
    let refused = false;
    for (const v of name.variants) {
      const smiles = r.lookup(v);
      if (typeof smiles === 'string') {
        const parent = parentOf(smiles);
        if (parent !== null) return parent;
        refused = true;
      } else if (smiles === null) refused = true;
    }
    return refused ? null : undefined;
  }

  function describe(description: string): DescriptionFacts {
    const cached = descriptions.get(description);
    // A cached analysis made while some names were unanswered is redone once the resolver has answered them.
    if (
      cached !== undefined &&
      (cached.pending.length === 0 ||
        // Nothing new answered since (same resolver, same size): no need to look the names up again.
        (cached.resolver === resolver() && cached.answers === resolver().size) ||
        !cached.pending.some((n) => resolver().lookup(n) !== undefined))
    ) {
      hits++;
      return cached;
    }
    misses++;
    const normalized = normalizeText(description);
    const { tokens, digits } = tokenizeChem(normalized);
    Object.freeze(tokens);
    const textCas = digits >= 5 ? findCasNumbers(normalized, knownCas) : [];
    const salt = tokens.some((t) => SALT_WORDS.has(t));
    const matches = new Map<string, ChemicalMatch>();
    const benign: BenignMatch[] = [];
    const abbreviations: DescriptionFacts['abbreviations'] = [];
    const pending: string[] = [];
    let resolvedAny = false;
    const addBenign = (id: string, evidence: string) => {
      if (!benign.some((b) => b.id === id)) benign.push({ id, name: lookalikes.get(id)!.name, evidence });
    };
    const identity = (
      who: Identity,
      how: { kind: MatchKind; resolvedBy: ResolvedBy; confidence: number; evidence: string },
      structure: Resolution | null,
    ) => {
      if (who.lookalike) return addBenign(who.id, how.evidence);
      const s = structure ?? structureOf.get(who.id) ?? null;
      addMatch(matches, {
        substanceId: who.id,
        familyId: null,
        name: substanceName(who.id),
        ...how,
        cas: null,
        salt,
        smiles: s?.smiles ?? null,
        inchikey: s?.inchikey ?? null,
        smarts: null,
      });
    };

    // Names written in other scripts, anywhere in the text.
    for (const f of TEST_KIT.test(normalized) ? [] : index.findForeign(normalized)) {
      if (f.whole) {
        identity(
          f.entry,
          { kind: 'NAME', resolvedBy: 'TABLE', confidence: CONFIDENCE.TRANSLATION, evidence: f.name },
          null,
        );
        continue;
      }
      // A finished opioid's name inside a longer one ("丁酰芬太尼", "бутирилфентанил") is a fentanyl analogue,
      // as "fentanyl" in any English name is; other modified names are left to the structure (none here).
      const family = fentanylFamily;
      if (family !== undefined && !f.entry.lookalike && substances.get(f.entry.id)?.role === 'opioid')
        addMatch(matches, patternAnalogue(family.parent, family, salt, f.name));
    }

    // A test strip or kit names the drug it detects, not the goods.
    const testKit = TEST_KIT.test(normalized);
    for (const name of testKit ? [] : namesOf(normalized)) {
      const phraseTokens = tokenizeChem(name.phrase).tokens;
      if (phraseTokens.length === 0) continue;
      const whole = index
        .findSpans(phraseTokens)
        .find((s) => s.start === 0 && s.end === phraseTokens.length - 1);
      // 1. The whole phrase is a name in the table.
      if (whole !== undefined) {
        tableHit(whole, phraseTokens, name.phrase);
        continue;
      }
      // 2. The parser's structure decides.
      const structure = structureFor(name);
      if (structure === undefined) for (const v of name.variants) pending.push(v);
      if (structure) {
        resolvedAny = true;
        const who = byInchikey.get(structure.inchikey);
        if (who !== undefined) {
          identity(
            who,
            {
              kind: 'STRUCTURE',
              resolvedBy: 'OPSIN',
              confidence: CONFIDENCE.STRUCTURE,
              evidence: name.phrase,
            },
            structure,
          );
          continue;
        }
        const fam = familyOf(structure.smiles);
        if (fam !== null) {
          addMatch(matches, {
            substanceId: fam.family.parent,
            familyId: fam.family.id,
            name: fam.family.label,
            kind: 'ANALOGUE',
            resolvedBy: 'FAMILY',
            confidence: CONFIDENCE.FAMILY,
            cas: null,
            salt,
            evidence: name.phrase,
            smiles: structure.smiles,
            inchikey: structure.inchikey,
            smarts: fam.smarts,
          });
        }
        // Any other structure is another chemical: recorded as named, never matched by spelling.
        continue;
      }
      // 3. No structure (refused, or the parser is down): table names inside the phrase, then typos.
      const spans = longestFirst(index.findSpans(phraseTokens));
      const typos = typoSpans(phraseTokens, spans);
      // A typo reading of a longer stretch ("1-penethyl-4-piperidone", "4-anilino-1-obc-piperidine") explains
      // those words better than the shorter names inside it ("4-piperidone", "piperidine").
      for (const s of spans) if (!typos.some((t) => overlaps(s, t))) tableHit(s, phraseTokens, name.phrase);
      for (const s of typos) {
        const words = phraseTokens.slice(s.start, s.end + 1).join(' ');
        identity(
          s.entry,
          {
            kind: 'SYNONYM',
            resolvedBy: 'TYPO',
            confidence: CONFIDENCE.TYPO,
            evidence: `${words} (spelling variant)`,
          },
          null,
        );
      }
    }

    /**
     * Typos of long names (never changing digits or a chemical ending) in a phrase that resolved to nothing:
     * a window must hold a misspelt word (one made only of real chemical words, "3-ethyl-4-piperidone", is
     * another chemical) and swallow, and outgrow, every exact name it touches.
     */
    function typoSpans(phraseTokens: readonly string[], exact: readonly Span[]): Span[] {
      const out: Span[] = [];
      for (const f of longestFirst(index.findFuzzy(phraseTokens, () => true))) {
        if (f.edits === 0 || f.entry.kind === 'ABBREVIATION') continue;
        if (!exact.every((e) => !overlaps(e, f) || (f.start <= e.start && f.end >= e.end && f.len > e.len)))
          continue;
        const window = phraseTokens.slice(f.start, f.end + 1);
        if (window.every((t) => /^\d+$/.test(t) || words.has(t))) continue;
        // "3-ethylpiperidin-4-one" is no misspelt 3-methyl-4-piperidone: only a substituent word differs.
        if (f.key !== undefined && withoutSubstituents(window.join('')) === withoutSubstituents(f.key))
          continue;
        out.push(f);
      }
      return out;
    }

    function tableHit(s: Span, phraseTokens: readonly string[], phrase: string): boolean {
      const words = phraseTokens.slice(s.start, s.end + 1).join(' ');
      /** The locants right before token `at` (a substituent) exist and all name ring carbons of a piperidine. */
      const ringCarbonLocants = (at: number) => {
        let k = at - 1;
        while (k >= 0 && /^[2356]$/.test(phraseTokens[k]!)) k--;
        return k < at - 1 && (k < 0 || !/^\d+$/.test(phraseTokens[k]!));
      };
      const prev = phraseTokens[s.start - 1];
      // "2-piperidone", "4 methyl piperidine": a locant or substituent before a bare ring name is another chemical.
      if (phraseTokens[s.start]!.startsWith('piperid') && prev !== undefined && /^\d{1,2}$/.test(prev))
        return false;
      // "2,2,6,6-tetramethyl-4-piperidone": substituents on ring carbons only (locants 2, 3, 5, 6) make an
      // industrial piperidone, neither the listed one nor an N-substituted analogue.
      if (
        prev !== undefined &&
        isSubstituentToken(prev) &&
        words.includes('piperid') &&
        ringCarbonLocants(s.start - 1)
      )
        return false;
      const next = phraseTokens[s.end + 1];
      // A chemical-looking word next to a name ("benzl-4-piperidone", "NPP-anilin") changes the molecule.
      const modified =
        (prev !== undefined && CHEMISH.test(prev)) || (next !== undefined && CHEMISH.test(next));
      if (
        (prev !== undefined && isSubstituentToken(prev)) ||
        derivativeFollows(phraseTokens, s.end) ||
        modified
      ) {
        // "1-methyl-4-piperidone" with no structure known: a substituted spelling of a listed name.
        const familyId = s.entry.lookalike ? null : (substances.get(s.entry.id)?.substituentFamily ?? null);
        const family = familyId === null ? undefined : families.find((f) => f.id === familyId);
        if (family !== undefined)
          addMatch(
            matches,
            patternAnalogue(
              s.entry.id,
              family,
              salt,
              prev !== undefined && isSubstituentToken(prev) ? `${prev} ${words}` : words,
            ),
          );
        return false;
      }
      if (s.entry.lookalike) {
        addBenign(s.entry.id, words);
        return true;
      }
      if (s.entry.kind === 'ABBREVIATION') {
        abbreviations.push({ id: s.entry.id, words, shared: ambiguous.has(squash(words)) });
        return true;
      }
      const confidence =
        s.entry.kind === 'NAME' || s.entry.kind === 'TRADE'
          ? CONFIDENCE.NAME
          : s.entry.kind === 'TRANSLATION'
            ? CONFIDENCE.TRANSLATION
            : CONFIDENCE.SYNONYM;
      identity(
        s.entry,
        {
          kind: s.entry.kind === 'SYNONYM' ? 'SYNONYM' : 'NAME',
          resolvedBy: 'TABLE',
          confidence,
          evidence: s.start === 0 && s.end === phraseTokens.length - 1 ? phrase : words,
        },
        null,
      );
      return true;
    }

    // Class wording when the words gave no structure: boc-, halo-, benzyl- forms, "fentanyl" in any name.
    const padded = ` ${tokens.join(' ')} `;
    if (
      !resolvedAny &&
      !testKit &&
      matches.size === 0 &&
      tokens.some((t) => FAMILY_GATE.some((g) => t.includes(g)))
    ) {
      for (const f of families) {
        if (f.requireAll.length === 0) continue;
        if (f.requireAll.every((r) => r.test(padded)) && !f.exclude.some((r) => r.test(padded))) {
          addMatch(matches, patternAnalogue(f.parent, f, salt, description.slice(0, 80)));
          break;
        }
      }
    }

    const contextWords = tokens.some((t) => CHEMICAL_CONTEXT_WORDS.has(t)) || description.includes('%');
    const sorted = [...matches.values()].sort((a, b) => b.confidence - a.confidence);
    let namesChemical = sorted.length > 0 || benign.length > 0 || resolvedAny || abbreviations.length > 0;
    if (!namesChemical)
      namesChemical = tokens.some((t) => t.length >= 7 && CHEMICAL_SUFFIX.test(t) && !NOT_CHEMICAL.has(t));
    const d: DescriptionFacts = {
      tokens,
      textCas,
      salt,
      matches: sorted,
      benign,
      abbreviations,
      contextWords,
      bareCas:
        textCas.length > 0 && tokens.filter((t) => !/^\d+$/.test(t) && !FILLER_WORDS.has(t)).length <= 1,
      namesChemical,
      pending,
      resolver: resolver(),
      answers: resolver().size,
    };
    if (descriptions.size >= DESCRIPTION_CACHE_SIZE) descriptions.delete(descriptions.keys().next().value!);
    descriptions.set(description, d);
    return d;
  }

  function identifyLine(line: ChemistryLine): LineChemistry {
    const d = describe(line.description);
    // Most lines carry no CAS number and no abbreviation: the description's answer is the line's.
    if (line.casChecks.length === 0 && d.textCas.length === 0 && d.abbreviations.length === 0) {
      const context = line.chemicalHs || d.contextWords;
      return {
        tokens: d.tokens,
        matches: d.matches,
        benign: d.benign,
        invalidCas: [],
        unknownCas: [],
        bareCas: d.bareCas,
        chemicalContext: context || d.matches.length > 0 || d.benign.length > 0,
        namesChemical: d.namesChemical,
      };
    }
    const matches = new Map<string, ChemicalMatch>();
    for (const m of d.matches)
      matches.set(m.familyId !== null ? `family:${m.familyId}` : (m.substanceId ?? m.name), m);
    const benign = d.benign.length === 0 ? [] : [...d.benign];
    const invalidCas: string[] = [];
    const unknownCas: string[] = [];

    // CAS numbers: the field first (filer asserted), then CAS numbers in the description.
    const seen = new Set<string>();
    const all = d.textCas.length === 0 ? line.casChecks : [...line.casChecks, ...d.textCas];
    for (let c = 0; c < all.length; c++) {
      const fromText = c >= line.casChecks.length;
      const check = all[c]!;
      if (check.normalized === null || seen.has(check.normalized)) continue;
      seen.add(check.normalized);
      if (check.valid) {
        const hit = casIndex.get(check.normalized);
        if (hit === undefined) unknownCas.push(check.normalized);
        else if (hit.lookalike) {
          if (!benign.some((b) => b.id === hit.id))
            benign.push({ id: hit.id, name: lookalikes.get(hit.id)!.name, evidence: check.raw });
        } else {
          const s = structureOf.get(hit.id) ?? null;
          addMatch(matches, {
            substanceId: hit.id,
            familyId: null,
            name: substanceName(hit.id),
            kind: fromText ? 'CAS_TEXT' : 'CAS',
            resolvedBy: 'CAS',
            confidence: fromText ? CONFIDENCE.CAS_TEXT : hit.salt ? CONFIDENCE.CAS_SALT : CONFIDENCE.CAS,
            cas: check.normalized,
            salt: hit.salt || d.salt,
            evidence: check.raw,
            smiles: s?.smiles ?? null,
            inchikey: s?.inchikey ?? null,
            smarts: null,
          });
        }
        continue;
      }
      const near = nearIndex.get(check.normalized);
      if (near === undefined) invalidCas.push(check.raw);
      else
        addMatch(matches, {
          substanceId: near,
          familyId: null,
          name: substanceName(near),
          kind: 'CAS_NEAR',
          resolvedBy: 'CAS',
          confidence: CONFIDENCE.CAS_NEAR,
          cas: check.normalized,
          salt: d.salt,
          evidence: check.raw,
          smiles: null,
          inchikey: null,
          smarts: null,
        });
    }

    const context = seen.size > 0 || line.chemicalHs || d.contextWords;
    if (d.abbreviations.length > 0) {
      const confusable = new Set(benign.flatMap((b) => lookalikes.get(b.id)?.confusableWith ?? []));
      for (const a of d.abbreviations) {
        if (confusable.has(a.id)) continue;
        const s = structureOf.get(a.id) ?? null;
        addMatch(matches, {
          substanceId: a.id,
          familyId: null,
          name: substanceName(a.id),
          kind: 'SYNONYM',
          resolvedBy: 'TABLE',
          confidence: a.shared
            ? context
              ? CONFIDENCE.AMBIGUOUS_ABBREVIATION
              : CONFIDENCE.AMBIGUOUS_ABBREVIATION_NO_CONTEXT
            : context
              ? CONFIDENCE.ABBREVIATION
              : CONFIDENCE.ABBREVIATION_NO_CONTEXT,
          cas: null,
          salt: d.salt,
          evidence: a.words,
          smiles: s?.smiles ?? null,
          inchikey: s?.inchikey ?? null,
          smarts: null,
        });
      }
    }
    // An exact identity makes a text-pattern family reading of the same words redundant.
    if (matches.size > 1 && [...matches.values()].some((m) => m.familyId === null && m.kind !== 'CAS_NEAR'))
      for (const [k, m] of matches) if (m.resolvedBy === 'TEXT_PATTERN') matches.delete(k);

    const sorted =
      matches.size === 0 ? [] : [...matches.values()].sort((a, b) => b.confidence - a.confidence);
    return {
      tokens: d.tokens,
      matches: sorted,
      benign,
      invalidCas,
      unknownCas,
      bareCas: d.bareCas,
      chemicalContext: context || sorted.length > 0 || benign.length > 0,
      namesChemical:
        d.namesChemical ||
        unknownCas.length > 0 ||
        sorted.some((m) => m.kind !== 'CAS_NEAR') ||
        benign.length > 0,
    };
  }

  return {
    identifyLine,
    namesOf: (description) => namesOf(normalizeText(description)).flatMap((n) => n.variants),
    structuresOf(description) {
      const out: NamedStructure[] = [];
      for (const n of namesOf(normalizeText(description))) {
        const r = structureFor(n);
        if (r && !out.some((o) => o.inchikey === r.inchikey && o.smiles === r.smiles))
          out.push({ name: n.phrase, smiles: r.smiles, inchikey: r.inchikey });
      }
      return out;
    },
    async prepare(list, deadlineMs) {
      const names = new Set<string>();
      for (const description of list) {
        const cached = descriptions.get(description);
        if (cached !== undefined && cached.pending.length === 0) continue;
        for (const n of namesOf(normalizeText(description))) {
          // Names the table knows whole need no parser.
          const t = tokenizeChem(n.phrase).tokens;
          if (index.findSpans(t).some((s) => s.start === 0 && s.end === t.length - 1)) continue;
          for (const v of n.variants) names.add(v);
        }
      }
      if (names.size > 0) await resolver().resolve([...names], deadlineMs);
    },
    cacheStats: () => ({ hits, misses, size: descriptions.size }),
  };
}

export type { NameEntry };
