// Reads: two versions of one document (same consignment, same kind, different messageId), the earlier
// one's lane when known. Writes: rule hits, one per change that amendment-driven evasion relies on
// (DOMAIN.md §3 #15, "late or amended filings"): a CAS number removed, a description made vaguer,
// an HS heading changed, goods lines dropped, a party or the route changed.
// Guarantees: pure; like-for-like comparison (HS on 6 digits, names after company-form
// normalisation, descriptions on meaningful words), so re-filing the same content raises nothing.
import type { Decision, Lane, RuleHit } from '../../schemas/decision.ts';
import type { Report } from '../../schemas/report.ts';
import { chemTokens, FILLER_WORDS } from './chem-text.ts';
import { jaroWinkler, tokenSetSimilarity } from './fuzzy.ts';
import { normalizePartyName } from './party-names.ts';

export const AMENDMENT_RULE_ID = 'amendment-change';
export const AMENDED_AFTER_FLAG_RULE_ID = 'amended-after-flag';

export interface AmendmentOptions {
  /** Weight of each change in an amendment of an unflagged document. */
  weight: number;
  /** Weight of each change when the earlier version was flagged (YELLOW or RED). */
  weightAfterFlag: number;
  /** Below this similarity two party names are different parties. */
  minPartySimilarity: number;
}

export const DEFAULT_AMENDMENT_OPTIONS: Readonly<AmendmentOptions> = Object.freeze({
  weight: 0.2,
  weightAfterFlag: 0.5,
  minPartySimilarity: 0.85,
});

const words = (text: string) => chemTokens(text).filter((t) => !/^\d+$/.test(t) && !FILLER_WORDS.has(t));

/** Words of `before` with no near-identical word in `after`. */
function lostWords(before: string, after: string): string[] {
  const b = words(before);
  const a = words(after);
  return b.filter((t) => !a.some((u) => jaroWinkler(t, u) >= 0.9));
}

export function compareAmendment(
  earlier: Report,
  later: Report,
  earlierLane: Lane | null,
  options: Partial<AmendmentOptions> = {},
): RuleHit[] {
  const o = { ...DEFAULT_AMENDMENT_OPTIONS, ...options };
  const flagged = earlierLane !== null && earlierLane !== 'GREEN';
  const ruleId = flagged ? AMENDED_AFTER_FLAG_RULE_ID : AMENDMENT_RULE_ID;
  const weight = flagged ? o.weightAfterFlag : o.weight;
  const after = flagged ? ` after a ${earlierLane} decision on ${earlier.messageId}` : '';
  const hits: RuleHit[] = [];
  const hit = (goodsLine: number | null, field: string, explanation: string, before: unknown, now: unknown) =>
    hits.push({
      ruleId,
      weight,
      explanation: `Amended${after}: ${explanation}`,
      goodsLine,
      evidence: { field, before, after: now, earlierMessageId: earlier.messageId, indicator: 15 },
    });

  const eg = earlier.consignment.goods;
  const lg = later.consignment.goods;
  const laterCas = new Set(lg.flatMap((l) => l.casNumbers));
  for (const line of eg) {
    for (const cas of line.casNumbers) {
      if (!laterCas.has(cas))
        hit(line.lineNumber, 'casNumbers', `CAS ${cas} (line ${line.lineNumber}) removed`, cas, null);
    }
  }
  if (lg.length < eg.length)
    hit(null, 'goods', `${eg.length - lg.length} goods line(s) removed`, eg.length, lg.length);
  const byNumber = new Map(lg.map((l) => [l.lineNumber, l]));
  for (const e of eg) {
    const l = byNumber.get(e.lineNumber);
    if (l === undefined) continue;
    const lost = lostWords(e.description, l.description);
    // Vaguer: words are gone and fewer remain (a reworded description of the same length is not).
    if (lost.length > 0 && words(l.description).length < words(e.description).length) {
      hit(
        e.lineNumber,
        'description',
        `line ${e.lineNumber} description made vaguer ("${e.description}" → "${l.description}"; dropped: ${lost.join(', ')})`,
        e.description,
        l.description,
      );
    }
    if (e.hsCode && (l.hsCode === null || l.hsCode.slice(0, 6) !== e.hsCode.slice(0, 6))) {
      hit(
        e.lineNumber,
        'hsCode',
        `line ${e.lineNumber} HS ${e.hsCode} → ${l.hsCode ?? 'none'}`,
        e.hsCode,
        l.hsCode,
      );
    }
  }
  for (const role of ['consignee', 'shipper'] as const) {
    const a = earlier.consignment.parties[role].name;
    const b = later.consignment.parties[role].name;
    if (tokenSetSimilarity(normalizePartyName(a).core, normalizePartyName(b).core) < o.minPartySimilarity) {
      hit(null, role, `${role} changed from "${a}" to "${b}"`, a, b);
    }
  }
  const er = earlier.consignment.route;
  const lr = later.consignment.route;
  for (const field of ['portOfLoading', 'portOfDischarge', 'originCountry', 'destinationCountry'] as const) {
    if (er[field] !== lr[field])
      hit(null, `route.${field}`, `${field} changed from ${er[field]} to ${lr[field]}`, er[field], lr[field]);
  }
  return hits;
}

const RANK: Record<Lane, number> = { GREEN: 0, YELLOW: 1, RED: 2 };

/**
 * The decision of an amended document with its amendment hits: at least YELLOW, and never below the
 * earlier version's lane (amending a flagged document must not be a way out of the flag).
 */
export function withAmendment(
  decision: Decision,
  hits: readonly RuleHit[],
  earlierLane: Lane | null,
): Decision {
  if (hits.length === 0) return decision;
  let lane: Lane = decision.lane === 'GREEN' ? 'YELLOW' : decision.lane;
  if (earlierLane !== null && RANK[earlierLane] > RANK[lane]) lane = earlierLane;
  const ruleHits = [...decision.ruleHits, ...hits].sort((a, b) => b.weight - a.weight);
  return { ...decision, lane, flagged: true, ruleHits };
}
