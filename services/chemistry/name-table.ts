// Reads: the knowledge base's names (systematic, trivial, abbreviations, brands, other languages), added once.
// Writes: exact name spans of a token list, and typo spans for text that resolved to nothing else.
// Guarantees: the first registration of a key wins (names before synonyms before abbreviations); a typo span
// never changes digits or a chemical ending (piperidine is never read as piperidone), is unique or dropped,
// and is only tried on text no table name and no parsed structure explains (identify.ts decides that).
import { nameKey, normalizeText } from './normalize.ts';
import { squash } from './tokens.ts';

export interface NameEntry {
  lookalike: boolean;
  id: string;
  /** TRADE: a medicine's brand; TRANSLATION: a name in another language. */
  kind: 'NAME' | 'SYNONYM' | 'ABBREVIATION' | 'TRADE' | 'TRANSLATION';
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
  /** For a fuzzy span, the squashed name it is a misspelling of. */
  key?: string;
}

const newNode = (): TrieNode => ({ children: [], entry: undefined });
const charIndex = (c: number): number => (c <= 57 ? c - 48 : c - 87);
const digitsOf = (s: string): string => s.replace(/\D/g, '');

/** Shortest squashed name that may be matched with edits: shorter names are too close to each other. */
const FUZZY_MIN_LENGTH = 9;
// Long enough for the longest systematic name of a listed opioid (alfentanil's has 22 tokens).
const FUZZY_MAX_TOKENS = 40;

export interface NameIndex {
  /** First registration of a key wins: callers add names before synonyms before abbreviations. */
  add(text: string, entry: NameEntry): void;
  /**
   * Names written in another script (Chinese, Russian, Hindi) found in the normalised text, as whole names: a
   * Chinese name not right after a substituent character nor right before a suffix character or a locant, a
   * Russian or Hindi name between word boundaries (a Russian case ending allowed).
   */
  findForeign(text: string): { entry: NameEntry; name: string; whole: boolean }[];
  findSpans(tokens: readonly string[]): Span[];
  /**
   * Fallback for typos: windows of tokens within 1 edit (2 for names of 16+ letters) of exactly one name.
   * Only windows containing a token accepted by `mustInclude` (one with a precursor stem) are tried.
   */
  findFuzzy(tokens: readonly string[], mustInclude: (token: string) => boolean): Span[];
}

const MAX_KEY = 200;
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

// The chemical ending of a name: a typo may not change it (piperidine / piperidone / piperidinol differ).
const endingOf = (key: string) => key.replace(/yle$/, 'yl').slice(-3);
const NON_LATIN = /[\u0080-\uFFFF]/;

const HAN = /\p{Script=Han}/u;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
// Chinese names have no spaces and put substituents first: "4-甲基哌啶" (4-methylpiperidine) holds "哌啶"
// (piperidine) after "基" (-yl), "4-哌啶酮" (4-piperidone) holds it before "酮" (-one). A salt word before a
// name ("盐酸芬太尼", fentanyl hydrochloride) or a goods word after it leaves it whole.
const HAN_SUBSTITUENT_BEFORE = new Set([...'基代酰醯亚亞去甲乙丙丁戊己苯苄芐氟氯溴碘羟羥氨硝']);
const HAN_SUFFIX_AFTER = new Set([...'基酮醇胺酰醯腈醛酯酐烷烯啶嗪酚醚甲乙丙丁苯氯溴氟碘亚亞']);
// Russian case endings a name takes in running text ("фентанила", "пиперидином").
const CASE_ENDING = /^(?:а|я|у|ю|ом|ем|е|ы|и|ов|ой)(?![\p{L}\p{M}\p{N}])/u;

interface ForeignName {
  key: string;
  name: string;
  entry: NameEntry;
  han: boolean;
  cyrillic: boolean;
}

/** Whether the name found at `at` in `key` stands as a whole name, not inside a longer one. */
function standsAlone(key: string, at: number, f: ForeignName): boolean {
  const before = at > 0 ? key[at - 1]! : '';
  const after = key.slice(at + f.key.length);
  if (f.han) {
    if (HAN_SUBSTITUENT_BEFORE.has(before)) return false;
    const next = after.charAt(0);
    if (HAN_SUFFIX_AFTER.has(next)) return false;
    // "哌啶-4-酮": a locant and a suffix after it make it another name.
    return !/^\d+\p{Script=Han}/u.test(after);
  }
  if (before !== '' && WORD_CHAR.test(before)) return false;
  if (after === '' || !WORD_CHAR.test(after.charAt(0))) return true;
  return f.cyrillic && CASE_ENDING.test(after);
}

export function createNameIndex(): NameIndex {
  const root = newNode();
  const fuzzyByLength = new Map<number, FuzzyEntry[]>();
  // Longest first, so "4-苯胺基-N-苯乙基哌啶" is not also read as the shorter names inside it.
  const foreign: ForeignName[] = [];

  const add = (raw: string, entry: NameEntry) => {
    const text = normalizeText(raw);
    if (NON_LATIN.test(text.normalize('NFKD').replace(/[\u0300-\u036f]/g, ''))) {
      const key = nameKey(text);
      if (key.length >= 2 && !foreign.some((f) => f.key === key)) {
        foreign.push({ key, name: text, entry, han: HAN.test(key), cyrillic: CYRILLIC.test(key) });
        foreign.sort((a, b) => b.key.length - a.key.length);
      }
      return;
    }
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
        let best: { entry: NameEntry; d: number; key: string } | null = null;
        let tie = false;
        for (let len = window.length - max; len <= window.length + max; len++) {
          for (const f of fuzzyByLength.get(len) ?? []) {
            if (f.digits !== digits || histogramFar(hist, f.hist, max)) continue;
            const d = editDistance(window, f.key, max);
            if (d > max) continue;
            if (best === null || d < best.d) {
              best = { entry: f.entry, d, key: f.key };
              tie = false;
            } else if (d === best.d && f.entry.id !== best.entry.id) tie = true;
          }
        }
        if (best !== null && !tie && endingOf(window) === endingOf(best.key))
          spans.push({
            start: i,
            end: j,
            len: window.length,
            entry: best.entry,
            edits: best.d,
            key: best.key,
          });
      }
    }
    return spans;
  };

  const findForeign = (text: string) => {
    if (foreign.length === 0 || !NON_LATIN.test(text)) return [];
    const key = nameKey(text);
    const hits: { f: ForeignName; whole: boolean }[] = [];
    for (const f of foreign) {
      if (hits.some((h) => h.f.key.includes(f.key))) continue;
      let found = false;
      for (let at = key.indexOf(f.key); at >= 0; at = key.indexOf(f.key, at + 1)) {
        found = true;
        if (standsAlone(key, at, f)) {
          hits.push({ f, whole: true });
          found = false;
          break;
        }
      }
      // Only inside longer names ("丁酰芬太尼", butyrylfentanyl): the caller decides what a modified name is.
      if (found) hits.push({ f, whole: false });
    }
    return hits.map(({ f, whole }) => ({ entry: f.entry, name: f.name, whole }));
  };

  return { add, findSpans, findFuzzy, findForeign };
}
