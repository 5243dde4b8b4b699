// Reads: one goods line and the knowledge base; asks the chemistry room (services/chemistry) its one question
// per line, and adds what scoring alone cares about: the HS heading's strength and the description's wording.
// Writes: the line's chemical matches (CAS, table name, OPSIN structure, family, typo, HS), look-alikes,
// CAS notes, HS heading and wording, for facts.ts.
// Guarantees: one identifier per knowledge version (so its memo starts empty after a reload); never waits
// for the name parser while scoring: `prepare` (called before a batch, bounded by a deadline) is the only wait.
import type { GoodsLine, Report } from '../../schemas/report.ts';
import {
  type BenignMatch,
  type ChemicalMatch,
  CONFIDENCE,
  createIdentifier,
  type Identifier,
} from '../chemistry/identify.ts';
import { nameResolver } from '../chemistry/name-resolver.ts';
import { FILLER_WORDS } from '../chemistry/tokens.ts';
import type { HsHeading, Knowledge } from './knowledge.ts';
import { CONSOLIDATION_WORDS, CONSUMER_WORDS, PILL_PRESS_PATTERN, VAGUE_WORDS } from './vocabulary.ts';

export type { BenignMatch, ChemicalMatch };
export { CONFIDENCE };

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
  matchLine(line: GoodsLine): LineMatch;
  /** Resolves the names of these reports' goods lines with the name parser, within `deadlineMs`. */
  prepare(reports: readonly Report[], deadlineMs?: number): Promise<void>;
  cacheStats?(): { hits: number; misses: number; size: number };
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

export function createChemicalMatcher(knowledge: Knowledge): ChemicalMatcher {
  const identifier: Identifier = createIdentifier(knowledge.file, nameResolver);
  // Token lists are shared per description, so the wording is too.
  const wordings = new WeakMap<readonly string[], Wording>();
  const substanceName = (id: string) => knowledge.substances.get(id)?.name ?? id;

  function matchLine(line: GoodsLine): LineMatch {
    const chemicalHs = line.hsCode !== null && /^(28|29|3824)/.test(line.hsCode);
    const c = identifier.identifyLine({
      description: line.description,
      casChecks: line.casChecks,
      chemicalHs,
    });
    let wording = wordings.get(c.tokens);
    if (wording === undefined) {
      wording = wordingOf(c.tokens);
      wordings.set(c.tokens, wording);
    }
    let matches = c.matches;
    // HS: strong headings (2933.36/.37, fentanyl headings) are evidence on their own; weak ones only inform.
    const heading = line.hsCode === null ? null : (knowledge.headings.get(line.hsCode.slice(0, 6)) ?? null);
    if (heading !== null && heading.strength === 'strong') {
      const extra: ChemicalMatch[] = [];
      // A substance or family known only from the declared HS heading: no structure, no CAS.
      const hsMatch = (substanceId: string | null, familyId: string | null, name: string): ChemicalMatch => ({
        substanceId,
        familyId,
        name,
        kind: 'HS',
        resolvedBy: 'HS',
        confidence: CONFIDENCE.HS_STRONG,
        cas: null,
        salt: false,
        evidence: line.hsCode!,
        smiles: null,
        inchikey: null,
        smarts: null,
      });
      const has = (id: string) => matches.some((m) => m.substanceId === id && m.familyId === null);
      for (const id of heading.substances) if (!has(id)) extra.push(hsMatch(id, null, substanceName(id)));
      if (heading.family !== null && matches.length === 0 && extra.length === 0)
        extra.push(
          hsMatch(null, heading.family, knowledge.families.get(heading.family)?.label ?? heading.family),
        );
      if (extra.length > 0) matches = [...matches, ...extra].sort((a, b) => b.confidence - a.confidence);
    }
    return {
      goodsLine: line.lineNumber,
      tokens: c.tokens,
      wording,
      matches,
      benign: c.benign,
      heading,
      invalidCas: c.invalidCas,
      unknownCas: c.unknownCas,
      bareCas: c.bareCas,
      chemicalContext: c.chemicalContext || matches.length > 0,
      namesChemical: c.namesChemical,
    };
  }

  return {
    knowledgeVersion: knowledge.contentHash,
    matchLine,
    prepare: (reports, deadlineMs) =>
      identifier.prepare(
        reports.flatMap((r) => r.consignment.goods.map((g) => g.description)),
        deadlineMs,
      ),
    cacheStats: identifier.cacheStats,
  };
}
