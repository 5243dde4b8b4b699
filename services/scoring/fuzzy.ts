// Reads: two normalised token lists (see party-names.ts). Writes: a similarity in [0, 1].
// Guarantees: symmetric, order-insensitive across tokens, tolerant of one-letter slips, initials and
// run-together words; generic words weigh less, so two firms sharing "chemical technology" do not match.
import { GENERIC_WORDS } from './party-names.ts';

// Scratch flags reused by every call (jaroWinkler is synchronous and not re-entrant): no allocation per pair.
let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);

/**
 * Jaro-Winkler similarity with the usual 0.1 prefix scale over at most 4 characters (0 gives plain Jaro).
 * Exactly symmetric: per character, matching a's occurrences in order to the first free b within the window
 * takes the same step as matching b's in order to the first free a (both are one two-pointer walk), so both
 * directions match the same positions and count the same transpositions; m/la + m/lb commutes.
 */
export function jaroWinkler(a: string, b: string, prefixScale = 0.1): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  if (la > flagsA.length) flagsA = new Uint8Array(2 * la);
  if (lb > flagsB.length) flagsB = new Uint8Array(2 * lb);
  const matchedA = flagsA;
  const matchedB = flagsB;
  matchedA.fill(0, 0, la);
  matchedB.fill(0, 0, lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (matchedB[j] === 0 && a.charCodeAt(i) === b.charCodeAt(j)) {
        matchedA[i] = 1;
        matchedB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (matchedA[i] === 0) continue;
    while (matchedB[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * prefixScale * (1 - jaro);
}

/**
 * Token similarity: an initial matches any word it starts ("k" ~ "karan"). A short token that is only the
 * prefix of a much longer one ("sino" in "sinofict") is discounted: Winkler's prefix bonus overrates it.
 */
export function tokenSimilarity(a: string, b: string): number {
  if (a.length === 1 || b.length === 1) return a[0] === b[0] ? 0.9 : 0;
  const jw = jaroWinkler(a, b);
  return Math.max(a.length, b.length) >= 1.5 * Math.min(a.length, b.length) ? jw * 0.8 : jw;
}

/** A token's weight in the directed means: generic words count less, long words no more than 8 letters. */
export const weightOf = (t: string): number => (GENERIC_WORDS.has(t) ? 0.4 : 1) * Math.min(t.length, 8);

/** A token whose close match (>= 0.9) counts as distinctive agreement. */
export const isDistinctiveToken = (t: string): boolean => !GENERIC_WORDS.has(t) && t.length > 2;

/** Plain Jaro of run-together names counts only from this value (see tokenSetSimilarity). */
export const JOINED_JARO_MIN = 0.95;

/** Weighted mean over `from` of each token's best similarity to any token of `to`. */
function directed(from: readonly string[], to: readonly string[]): { score: number; distinctive: number } {
  let num = 0;
  let den = 0;
  let distinctive = 0;
  for (const t of from) {
    let best = 0;
    for (const u of to) {
      const s = tokenSimilarity(t, u);
      if (s > best) best = s;
      if (best === 1) break;
    }
    const w = weightOf(t);
    num += w * best;
    den += w;
    if (best >= 0.9 && isDistinctiveToken(t)) distinctive++;
  }
  return { score: den === 0 ? 0 : num / den, distinctive };
}

/**
 * Token-set Jaro-Winkler: the weighted mean of both directions, or the (plain Jaro, >= 0.95) similarity of
 * the names written without spaces when that is higher ("Brightsun" vs "Bright Sun"). Zero unless at least one distinctive
 * (non-generic) token agrees, so shared boilerplate alone never makes a hit.
 */
export function tokenSetSimilarity(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const ab = directed(a, b);
  const ba = directed(b, a);
  const joinedA = a.join('');
  const joinedB = b.join('');
  // Plain Jaro on the run-together names: the Winkler prefix bonus would favour shared city prefixes.
  const jaro = joinedA.length >= 6 && joinedB.length >= 6 ? jaroWinkler(joinedA, joinedB, 0) : 0;
  const joined = jaro >= JOINED_JARO_MIN ? jaro : 0;
  if (ab.distinctive === 0 && ba.distinctive === 0 && joined === 0) return 0;
  return Math.max((ab.score + ba.score) / 2, joined);
}

/**
 * An upper bound of plain Jaro (no prefix bonus) for strings of lengths la and lb sharing at most `common`
 * characters (multiset intersection): matches m <= common and the transposition term is at most 1.
 */
export function jaroUpperBound(la: number, lb: number, common: number): number {
  if (la === 0 || lb === 0) return 0;
  const m = Math.min(common, la, lb);
  return m === 0 ? 0 : (m / la + m / lb + 1) / 3;
}
