// Reads: two normalised token lists (see party-names.ts). Writes: a similarity in [0, 1].
// Guarantees: symmetric, order-insensitive across tokens, tolerant of one-letter slips, initials and
// run-together words; generic words weigh less, so two firms sharing "chemical technology" do not match.
import { GENERIC_WORDS } from './party-names.ts';

/** Jaro-Winkler similarity with the usual 0.1 prefix scale over at most 4 characters (0 gives plain Jaro). */
export function jaroWinkler(a: string, b: string, prefixScale = 0.1): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  const matchedB = new Uint8Array(lb);
  const matchedA = new Uint8Array(la);
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
function tokenSimilarity(a: string, b: string): number {
  if (a.length === 1 || b.length === 1) return a[0] === b[0] ? 0.9 : 0;
  const jw = jaroWinkler(a, b);
  return Math.max(a.length, b.length) >= 1.5 * Math.min(a.length, b.length) ? jw * 0.8 : jw;
}

const weightOf = (t: string) => (GENERIC_WORDS.has(t) ? 0.4 : 1) * Math.min(t.length, 8);

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
    if (best >= 0.9 && !GENERIC_WORDS.has(t) && t.length > 2) distinctive++;
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
  const joined = jaro >= 0.95 ? jaro : 0;
  if (ab.distinctive === 0 && ba.distinctive === 0 && joined === 0) return 0;
  return Math.max((ab.score + ba.score) / 2, joined);
}
