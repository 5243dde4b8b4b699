// Reads: names, synonyms and abbreviations from the knowledge base; tokenised descriptions.
// Writes: token spans that spell a known name (exact, via a character trie) and, as a fallback, names
// within one or two letter edits. Guarantees: digits never fuzz (2-piperidone is not 4-piperidone), a
// fuzzy hit must be unambiguous, and the exact path allocates nothing per character.
import { squash } from './chem-text.ts';

export interface NameEntry {
  lookalike: boolean;
  id: string;
  kind: 'NAME' | 'SYNONYM' | 'ABBREVIATION';
}

/** Character trie over squashed names (a-z, 0-9). */
interface TrieNode {
  children: (TrieNode | undefined)[];
  entry: NameEntry | undefined;
}

export interface Span {
  start: number;
  end: number;
  len: number;
  entry: NameEntry;
  /** 0 for exact spans, else the edit distance of a fuzzy span. */
  edits: number;
}

const newNode = (): TrieNode => ({ children: [], entry: undefined });
const charIndex = (c: number): number => (c <= 57 ? c - 48 : c - 87);
const digitsOf = (s: string): string => s.replace(/\D/g, '');

/** Shortest squashed name that may be matched with edits: shorter names are too close to each other. */
const FUZZY_MIN_LENGTH = 9;
const FUZZY_MAX_TOKENS = 8;

export interface NameIndex {
  /** First registration of a key wins: callers add names before synonyms before abbreviations. */
  add(text: string, entry: NameEntry): void;
  findSpans(tokens: readonly string[]): Span[];
  /**
   * Fallback for typos: windows of tokens within 1 edit (2 for names of 16+ letters) of exactly one name.
   * Only windows containing a token accepted by `mustInclude` (one with a precursor stem) are tried.
   */
  findFuzzy(tokens: readonly string[], mustInclude: (token: string) => boolean): Span[];
}

const MAX_KEY = 128;
const rowA = new Int32Array(MAX_KEY + 1);
const rowB = new Int32Array(MAX_KEY + 1);
const rowC = new Int32Array(MAX_KEY + 1);

/** Optimal string alignment distance, stopping early once `max` is exceeded; reuses scratch rows. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a.length > MAX_KEY || b.length > MAX_KEY) return max + 1;
  let prev2 = rowA;
  let prev = rowB;
  let cur = rowC;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb)
        v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[b.length]!;
}

interface FuzzyEntry {
  key: string;
  digits: string;
  hist: Uint8Array;
  entry: NameEntry;
}

function histogram(key: string): Uint8Array {
  const h = new Uint8Array(36);
  for (let k = 0; k < key.length; k++) h[charIndex(key.charCodeAt(k))]!++;
  return h;
}

/** Each edit changes the letter counts by at most 2: a cheap bound that rejects most names before the DP. */
function histogramFar(a: Uint8Array, b: Uint8Array, max: number): boolean {
  let d = 0;
  for (let k = 0; k < 36; k++) {
    d += Math.abs(a[k]! - b[k]!);
    if (d > 2 * max) return true;
  }
  return false;
}

export function createNameIndex(): NameIndex {
  const root = newNode();
  const fuzzyByLength = new Map<number, FuzzyEntry[]>();

  const add = (text: string, entry: NameEntry) => {
    const key = squash(text);
    if (key.length < 2) return;
    let node = root;
    for (let k = 0; k < key.length; k++) {
      const idx = charIndex(key.charCodeAt(k));
      node.children[idx] ??= newNode();
      node = node.children[idx]!;
    }
    if (node.entry !== undefined) return;
    node.entry = entry;
    if (key.length >= FUZZY_MIN_LENGTH && entry.kind !== 'ABBREVIATION') {
      const bucket = fuzzyByLength.get(key.length) ?? [];
      bucket.push({ key, digits: digitsOf(key), hist: histogram(key), entry });
      fuzzyByLength.set(key.length, bucket);
    }
  };

  const findSpans = (tokens: readonly string[]): Span[] => {
    const spans: Span[] = [];
    for (let i = 0; i < tokens.length; i++) {
      let node: TrieNode | undefined = root;
      let len = 0;
      for (let j = i; j < tokens.length && node !== undefined; j++) {
        const t = tokens[j]!;
        for (let k = 0; k < t.length && node !== undefined; k++)
          node = node.children[charIndex(t.charCodeAt(k))];
        if (node === undefined) break;
        len += t.length;
        if (node.entry !== undefined) spans.push({ start: i, end: j, len, entry: node.entry, edits: 0 });
      }
    }
    return spans;
  };

  const findFuzzy = (tokens: readonly string[], mustInclude: (token: string) => boolean): Span[] => {
    const spans: Span[] = [];
    const hist = new Uint8Array(36);
    for (let i = 0; i < tokens.length; i++) {
      let window = '';
      let included = false;
      hist.fill(0);
      for (let j = i; j < tokens.length && j < i + FUZZY_MAX_TOKENS; j++) {
        const t = tokens[j]!;
        window += t;
        for (let k = 0; k < t.length; k++) hist[charIndex(t.charCodeAt(k))]!++;
        included ||= mustInclude(t);
        if (!included || window.length < FUZZY_MIN_LENGTH - 1) continue;
        const digits = digitsOf(window);
        const max = window.length >= 16 ? 2 : 1;
        let best: { entry: NameEntry; d: number } | null = null;
        let tie = false;
        for (let len = window.length - max; len <= window.length + max; len++) {
          for (const f of fuzzyByLength.get(len) ?? []) {
            if (f.digits !== digits || histogramFar(hist, f.hist, max)) continue;
            const d = editDistance(window, f.key, max);
            if (d > max) continue;
            if (best === null || d < best.d) {
              best = { entry: f.entry, d };
              tie = false;
            } else if (d === best.d && f.entry.id !== best.entry.id) tie = true;
          }
        }
        if (best !== null && !tie)
          spans.push({ start: i, end: j, len: window.length, entry: best.entry, edits: best.d });
      }
    }
    return spans;
  };

  return { add, findSpans, findFuzzy };
}
