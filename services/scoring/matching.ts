// Reads: one goods line (description, CAS field and its checks, HS code) and the knowledge base.
// Writes: the chemicals it names (how matched, confidence), identified look-alikes, HS evidence, CAS notes.
// Guarantees: name tables and patterns are compiled once per knowledge version; near-miss chemicals
// (piperidine vs 4-piperidone, 2-piperidone, 4-aminopyridine, ...) are never reported as the controlled ones;
// what a description alone determines is memoised per matcher (so per knowledge version).
import { type CasCheck, findCasInText } from '../../schemas/cas.ts';
import type { GoodsLine } from '../../schemas/report.ts';
import {
  CHEMICAL_CONTEXT_WORDS,
  derivativeFollows,
  FILLER_WORDS,
  isSubstituentToken,
  SALT_WORDS,
  squash,
  tokenizeChem,
} from './chem-text.ts';
import type { HsHeading, Knowledge } from './knowledge.ts';
import { BoundedCache, type CacheStats } from './memo.ts';
import { createNameIndex, type Span } from './name-index.ts';
import { CONSOLIDATION_WORDS, CONSUMER_WORDS, PILL_PRESS_PATTERN, VAGUE_WORDS } from './vocabulary.ts';

export const MATCH_KINDS = ['CAS', 'CAS_TEXT', 'CAS_NEAR', 'NAME', 'SYNONYM', 'ANALOGUE', 'HS'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

/** Why each kind is trusted as much as it is: a valid CAS is an identity, a name can be a typo, an abbreviation is ambiguous. */
export const CONFIDENCE = {
  CAS: 0.98,
  CAS_SALT: 0.95,
  CAS_TEXT: 0.95,
  CAS_NEAR: 0.5,
  NAME: 0.9,
  SYNONYM: 0.8,
  ABBREVIATION: 0.8,
  ABBREVIATION_NO_CONTEXT: 0.6,
  AMBIGUOUS_ABBREVIATION: 0.6,
  AMBIGUOUS_ABBREVIATION_NO_CONTEXT: 0.35,
  ANALOGUE_PATTERN: 0.6,
  ANALOGUE_SUBSTITUENT: 0.55,
  HS_STRONG: 0.5,
} as const;

export interface ChemicalMatch {
  /** Knowledge-base substance; for an analogue, the substance it derives from (null for open families). */
  substanceId: string | null;
  familyId: string | null;
  name: string;
  kind: MatchKind;
  confidence: number;
  cas: string | null;
  salt: boolean;
  /** What in the line matched: the CAS as filed, the words, or the HS code. */
  evidence: string;
}

export interface BenignMatch {
  id: string;
  name: string;
  evidence: string;
}

/** What the description's words say about the goods (DOMAIN.md §3 #1, #2, #14). */
export interface Wording {
  /** Made only of vague words ("gifts", "chemical samples"). */
  readonly vague: boolean;
  /** "consolidated", FAK, SLC or STC. */
  readonly consolidatedWording: boolean;
  /** Consumer-goods words. */
  readonly consumerWording: boolean;
  /** Pill presses, dies or encapsulators. */
  readonly pillPress: boolean;
}

export interface LineMatch {
  goodsLine: number;
  tokens: readonly string[];
  /** Shared by every line with the same description (frozen). */
  wording: Wording;
  matches: ChemicalMatch[];
  benign: BenignMatch[];
  heading: HsHeading | null;
  invalidCas: string[];
  unknownCas: string[];
  bareCas: boolean;
  chemicalContext: boolean;
  namesChemical: boolean;
}

export interface ChemicalMatcher {
  readonly knowledgeVersion: string;
  /** The line's matches. `tokens` is shared by every line with the same description (frozen). */
  matchLine(line: GoodsLine): LineMatch;
  /** Hit rate of the per-matcher memo of description analyses. */
  cacheStats?(): CacheStats;
}

/** Distinct goods descriptions whose analysis a matcher remembers. */
export const DESCRIPTION_CACHE_SIZE = 4096;

/** A kept name span and what its surrounding tokens say about it. */
interface SpanFacts {
  span: Span;
  /** The span's tokens joined by spaces. */
  words: string;
  /** A bare ring name after a locant ("2-piperidone"): another chemical, skipped. */
  locant: boolean;
  /** A substituent before or a derivative word after it. */
  substituted: boolean;
  substitutedEvidence: string;
  /** An abbreviation shared with a benign chemical. */
  shared: boolean;
}

/** Everything matchLine derives from the description alone. */
interface DescriptionFacts {
  tokens: readonly string[];
  textCas: readonly CasCheck[];
  salt: boolean;
  /** Exact name spans, longest first. */
  exact: readonly SpanFacts[];
  /** A token with a precursor stem: a typo search is worthwhile. */
  stem: boolean;
  /** Within-edit-distance spans, computed the first time a line needs them. */
  fuzzy: readonly SpanFacts[] | undefined;
  contextWords: boolean;
  familyGate: boolean;
  /** Pattern families whose patterns the description satisfies, computed the first time a line needs them. */
  families: readonly CompiledFamily[] | undefined;
  familyEvidence: string;
  bareCas: boolean;
  /** A long word with a chemical suffix, computed the first time a line needs it. */
  suffixWord: boolean | undefined;
  wording: Wording;
}

function wordingOf(tokens: readonly string[]): Wording {
  const rest = tokens.filter((t) => !/^\d+$/.test(t) && !FILLER_WORDS.has(t) && t !== 'for' && t !== 'with');
  return Object.freeze({
    vague: rest.every((t) => VAGUE_WORDS.has(t)),
    consolidatedWording: tokens.some((t) => CONSOLIDATION_WORDS.has(t)),
    consumerWording: tokens.some((t) => CONSUMER_WORDS.has(t)),
    pillPress: PILL_PRESS_PATTERN.test(` ${tokens.join(' ')} `),
  });
}

const NO_IDS: ReadonlySet<string> = new Set();

interface CasEntry {
  lookalike: boolean;
  id: string;
  salt: boolean;
}

interface CompiledFamily {
  id: string;
  parent: string | null;
  label: string;
  requireAll: RegExp[];
  exclude: RegExp[];
}

const FAMILY_GATE = ['piperid', 'anilin', 'fentan', 'npp', 'phenylamino'];
/** Stems that make a typo search worthwhile; other lines never pay for it. */
const FUZZY_GATE = ['pip', 'anil', 'fent', 'phenet', 'propi', 'bromoeth'];
const hasStem = (token: string) => FUZZY_GATE.some((g) => token.includes(g));
const FUZZY_CONFIDENCE = [CONFIDENCE.NAME, 0.75, 0.65] as const;
const CHEMICAL_SUFFIX = /(?:ine|one|ol|ide|ate|ane|ene|yl|ium)$/;
const NOT_CHEMICAL = new Set(
  'machine machines medicine gasoline marine telephone magazine chocolate template plate ultimate estate private corporate delicate'.split(
    ' ',
  ),
);

function addMatch(matches: Map<string, ChemicalMatch>, m: ChemicalMatch): void {
  const key = m.familyId !== null ? `family:${m.familyId}` : (m.substanceId ?? m.name);
  const prev = matches.get(key);
  if (prev === undefined || prev.confidence < m.confidence) matches.set(key, m);
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

export function createChemicalMatcher(knowledge: Knowledge): ChemicalMatcher {
  const index = createNameIndex();
  const addName = index.add;
  const casIndex = new Map<string, CasEntry>();
  const nearIndex = new Map<string, string>();

  for (const s of knowledge.file.substances) {
    for (const n of s.names) addName(n, { lookalike: false, id: s.id, kind: 'NAME' });
    for (const n of s.abbreviations) addName(n, { lookalike: false, id: s.id, kind: 'ABBREVIATION' });
    for (const n of [s.name, ...s.synonyms]) addName(n, { lookalike: false, id: s.id, kind: 'SYNONYM' });
    for (const c of s.cas) {
      casIndex.set(c.number, { lookalike: false, id: s.id, salt: c.form !== 'base' });
      if (s.role !== 'related')
        for (const v of nearVariants(c.number)) if (!nearIndex.has(v)) nearIndex.set(v, s.id);
    }
  }
  for (const l of knowledge.file.lookalikes) {
    for (const n of [l.name, ...l.names]) addName(n, { lookalike: true, id: l.id, kind: 'NAME' });
    for (const c of l.cas) casIndex.set(c, { lookalike: true, id: l.id, salt: false });
  }
  const lookalikes = new Map(knowledge.file.lookalikes.map((l) => [l.id, l]));
  // "4-AP" is also 4-aminopyridine: an abbreviation shared with a benign chemical never identifies alone.
  const ambiguous = new Set(knowledge.file.lookalikes.flatMap((l) => l.sharedAbbreviations.map(squash)));
  const families: CompiledFamily[] = knowledge.file.analogueFamilies
    .filter((f) => f.trigger === 'pattern')
    .map((f) => ({
      id: f.id,
      parent: f.parent,
      label: f.label,
      requireAll: f.requireAll.map((p) => new RegExp(p)),
      exclude: f.exclude.map((p) => new RegExp(p)),
    }));

  function substanceName(id: string): string {
    return knowledge.substances.get(id)?.name ?? id;
  }

  // Goods descriptions recur (the same products from the same suppliers). Everything a description alone
  // determines (tokens, CAS-shaped text, name spans, wording, family patterns) is computed once per distinct
  // description and kept in a bounded memo of this matcher, so a knowledge reload (a new matcher) starts
  // empty; the per-line part (CAS field, HS code, confidences) is recomputed on every call.
  const descriptions = new BoundedCache<string, DescriptionFacts>(DESCRIPTION_CACHE_SIZE);

  function describe(description: string): DescriptionFacts {
    const cached = descriptions.get(description);
    if (cached !== undefined) return cached;
    const { tokens, digits } = tokenizeChem(description);
    Object.freeze(tokens);
    const textCas = digits >= 5 ? findCasInText(description) : [];
    const d: DescriptionFacts = {
      tokens,
      textCas,
      salt: tokens.some((t) => SALT_WORDS.has(t)),
      exact: spanFacts(tokens, longestFirst(index.findSpans(tokens))),
      stem: tokens.some(hasStem),
      fuzzy: undefined,
      contextWords: tokens.some((t) => CHEMICAL_CONTEXT_WORDS.has(t)) || description.includes('%'),
      // The gate words contain no space: found in the space-joined text exactly when inside one token.
      familyGate: tokens.some((t) => FAMILY_GATE.some((g) => t.includes(g))),
      families: undefined,
      familyEvidence: description.slice(0, 80),
      bareCas:
        textCas.length > 0 && tokens.filter((t) => !/^\d+$/.test(t) && !FILLER_WORDS.has(t)).length <= 1,
      suffixWord: undefined,
      wording: wordingOf(tokens),
    };
    descriptions.set(description, d);
    return d;
  }

  function spanFacts(tokens: readonly string[], spans: readonly Span[]): SpanFacts[] {
    return spans.map((s) => {
      const words = tokens.slice(s.start, s.end + 1).join(' ');
      const prev = tokens[s.start - 1];
      const prefixed = prev !== undefined && isSubstituentToken(prev);
      return {
        span: s,
        words,
        // "2-piperidone", "4 methyl piperidine": a locant or substituent before a bare ring name is another chemical.
        locant: tokens[s.start]!.startsWith('piperid') && prev !== undefined && /^\d{1,2}$/.test(prev),
        substituted: prefixed || derivativeFollows(tokens, s.end),
        substitutedEvidence: prefixed ? `${prev} ${words}` : words,
        shared: s.entry.kind === 'ABBREVIATION' && ambiguous.has(tokens.slice(s.start, s.end + 1).join('')),
      };
    });
  }

  function matchLine(line: GoodsLine): LineMatch {
    const d = describe(line.description);
    const tokens = d.tokens;
    const matches = new Map<string, ChemicalMatch>();
    const benign: BenignMatch[] = [];
    const invalidCas: string[] = [];
    const unknownCas: string[] = [];
    const salt = d.salt;

    // CAS numbers: the field first (filer asserted), then CAS-shaped text in the description.
    const textCas = d.textCas;
    const casCount = line.casChecks.length + textCas.length;
    const casSeen = casCount === 0 ? NO_IDS : new Set<string>();
    // A loop, not a helper closure: tsx wraps every closure created per call in a costly __name().
    for (let c = 0; c < casCount; c++) {
      const fromText = c >= line.casChecks.length;
      const check = (fromText ? textCas[c - line.casChecks.length] : line.casChecks[c])!;
      if (check.normalized === null || casSeen.has(check.normalized)) continue;
      (casSeen as Set<string>).add(check.normalized);
      if (check.valid) {
        const hit = casIndex.get(check.normalized);
        if (hit === undefined) unknownCas.push(check.normalized);
        else if (hit.lookalike && !benign.some((b) => b.id === hit.id))
          benign.push({ id: hit.id, name: lookalikes.get(hit.id)!.name, evidence: check.raw });
        else if (!hit.lookalike)
          addMatch(matches, {
            substanceId: hit.id,
            familyId: null,
            name: substanceName(hit.id),
            kind: fromText ? 'CAS_TEXT' : 'CAS',
            confidence: fromText ? CONFIDENCE.CAS_TEXT : hit.salt ? CONFIDENCE.CAS_SALT : CONFIDENCE.CAS,
            cas: check.normalized,
            salt: hit.salt || salt,
            evidence: check.raw,
          });
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
          confidence: CONFIDENCE.CAS_NEAR,
          cas: check.normalized,
          salt,
          evidence: check.raw,
        });
    }

    // Names: longest runs first.
    let kept = d.exact;
    // Typos ("4-Piperdone", "norfentanil"): only when nothing was recognised exactly and a stem is present.
    if (kept.length === 0 && matches.size === 0 && d.stem) {
      d.fuzzy ??= spanFacts(tokens, longestFirst(index.findFuzzy(tokens, hasStem)));
      kept = d.fuzzy;
    }
    for (const k of kept) {
      const s = k.span;
      if (s.entry.lookalike && !benign.some((b) => b.id === s.entry.id))
        benign.push({ id: s.entry.id, name: lookalikes.get(s.entry.id)!.name, evidence: k.words });
    }

    const context =
      casSeen.size > 0 || (line.hsCode !== null && /^(28|29|3824)/.test(line.hsCode)) || d.contextWords;
    const confusable =
      benign.length === 0
        ? NO_IDS
        : new Set(benign.flatMap((b) => lookalikes.get(b.id)?.confusableWith ?? []));

    for (const k of kept) {
      const s = k.span;
      if (s.entry.lookalike) continue;
      const substance = knowledge.substances.get(s.entry.id)!;
      if (k.locant) continue;
      if (k.substituted) {
        const familyId = substance.substituentFamily;
        if (familyId === null) continue;
        addMatch(matches, {
          substanceId: substance.id,
          familyId,
          name: knowledge.families.get(familyId)?.label ?? familyId,
          kind: 'ANALOGUE',
          confidence: CONFIDENCE.ANALOGUE_SUBSTITUENT,
          cas: null,
          salt,
          evidence: k.substitutedEvidence,
        });
        continue;
      }
      if (s.entry.kind === 'ABBREVIATION' && confusable.has(substance.id)) continue;
      const confidence =
        s.entry.kind === 'NAME'
          ? CONFIDENCE.NAME
          : s.entry.kind === 'SYNONYM'
            ? CONFIDENCE.SYNONYM
            : k.shared
              ? context
                ? CONFIDENCE.AMBIGUOUS_ABBREVIATION
                : CONFIDENCE.AMBIGUOUS_ABBREVIATION_NO_CONTEXT
              : context
                ? CONFIDENCE.ABBREVIATION
                : CONFIDENCE.ABBREVIATION_NO_CONTEXT;
      addMatch(matches, {
        substanceId: substance.id,
        familyId: null,
        name: substance.name,
        kind: s.entry.kind === 'NAME' && s.edits === 0 ? 'NAME' : 'SYNONYM',
        confidence: s.edits === 0 ? confidence : (FUZZY_CONFIDENCE[s.edits] ?? 0.6),
        cas: null,
        salt,
        evidence: s.edits === 0 ? k.words : `${k.words} (spelling variant)`,
      });
    }

    // Families: class wording (boc-, halo-, benzyl- forms) when no exact precursor name or CAS was found.
    if (d.familyGate) {
      let exact = false;
      for (const m of matches.values()) {
        if (
          m.kind !== 'HS' &&
          m.kind !== 'CAS_NEAR' &&
          m.familyId === null &&
          isPrecursorLike(m.substanceId)
        ) {
          exact = true;
          break;
        }
      }
      if (!exact) {
        if (d.families === undefined) {
          const padded = ` ${tokens.join(' ')} `;
          d.families = families.filter(
            (f) => f.requireAll.every((r) => r.test(padded)) && !f.exclude.some((r) => r.test(padded)),
          );
        }
        for (const f of d.families) {
          addMatch(matches, {
            substanceId: f.parent,
            familyId: f.id,
            name: f.label,
            kind: 'ANALOGUE',
            confidence: CONFIDENCE.ANALOGUE_PATTERN,
            cas: null,
            salt,
            evidence: d.familyEvidence,
          });
        }
      }
    }

    // A pattern family is the more specific reading of the same words than a bare substituent.
    if (matches.size > 1) {
      for (const [key, m] of matches) {
        if (m.kind === 'ANALOGUE' && knowledge.families.get(m.familyId ?? '')?.trigger === 'substituent') {
          const specific = [...matches.values()].some(
            (o) =>
              o !== m &&
              o.kind === 'ANALOGUE' &&
              knowledge.families.get(o.familyId ?? '')?.trigger === 'pattern',
          );
          if (specific) matches.delete(key);
        }
      }
    }

    // HS: strong headings (2933.36/.37, fentanyl headings) are evidence on their own; weak ones only inform.
    const heading = line.hsCode === null ? null : (knowledge.headings.get(line.hsCode.slice(0, 6)) ?? null);
    if (heading !== null && heading.strength === 'strong') {
      for (const id of heading.substances) {
        if (!matches.has(id))
          addMatch(matches, {
            substanceId: id,
            familyId: null,
            name: substanceName(id),
            kind: 'HS',
            confidence: CONFIDENCE.HS_STRONG,
            cas: null,
            salt: false,
            evidence: line.hsCode!,
          });
      }
      if (heading.family !== null && !matches.has(heading.family) && matches.size === 0) {
        addMatch(matches, {
          substanceId: null,
          familyId: heading.family,
          name: knowledge.families.get(heading.family)?.label ?? heading.family,
          kind: 'HS',
          confidence: CONFIDENCE.HS_STRONG,
          cas: null,
          salt: false,
          evidence: line.hsCode!,
        });
      }
    }

    const sorted =
      matches.size === 0 ? [] : [...matches.values()].sort((a, b) => b.confidence - a.confidence);
    let namesChemical =
      sorted.some((m) => m.kind !== 'HS' && m.kind !== 'CAS_NEAR') ||
      benign.length > 0 ||
      unknownCas.length > 0;
    if (!namesChemical && context) {
      d.suffixWord ??= tokens.some((t) => t.length >= 7 && CHEMICAL_SUFFIX.test(t) && !NOT_CHEMICAL.has(t));
      namesChemical = d.suffixWord;
    }
    return {
      goodsLine: line.lineNumber,
      tokens,
      wording: d.wording,
      matches: sorted,
      benign,
      heading,
      invalidCas,
      unknownCas,
      bareCas: d.bareCas,
      chemicalContext: context || sorted.length > 0 || benign.length > 0,
      namesChemical,
    };
  }

  function isPrecursorLike(id: string | null): boolean {
    const role = id === null ? undefined : knowledge.substances.get(id)?.role;
    return role === 'precursor' || role === 'analogue';
  }

  return { knowledgeVersion: knowledge.contentHash, matchLine, cacheStats: () => descriptions.stats() };
}
