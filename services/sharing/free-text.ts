// Free text that leaves the agency, screened for people. Reads: a case document (before its parties
// are pseudonymised). Writes: nothing (returns new values). Guarantees, for every string outside the
// structured party fields: every word that is, once accent-folded and lower-cased, a token of a
// natural person's name or identifier, or a distinctive part of any party's street or postal code,
// or of a person's city, is replaced by [redacted] — whole names, partial names, reordered or
// unaccented names alike; phone numbers of any party (by their last seven digits) and every e-mail
// address are replaced too. Rule explanations arrive here already rebuilt from templates
// (explanations.ts) and are screened like the rest. Over-redaction is the accepted cost of failing closed.
import { looksLikePerson, normalizePartyName } from '../scoring/party-names.ts';
import { PSEUDONYM } from './pseudonymise.ts';

export const REDACTED = '[redacted]';

/** Words too common in addresses and names to single anyone out (they stay in free text). */
const COMMON = new Set(
  `the and for from with von van der den del della de la le les los las du da di dos das al el bin ibn
  street st road rd avenue ave lane ln drive dr block blk room rm unit floor flr building bldg suite ste
  crescent cres court ct place pl square sq boulevard blvd way highway hwy north south east west
  apt apartment house no nr`.split(/\s+/),
);

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
const isObject = (v: unknown): v is { [key: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export interface PersonalTerms {
  /** Folded words that must not appear in free text. */
  words: Set<string>;
  /** Last seven digits of every party's phone number. */
  phones: Set<string>;
}

const foldWord = (w: string): string => normalizePartyName(w).tokens.join('');

function addWords(into: Set<string>, text: unknown, minLength: number) {
  if (typeof text !== 'string' || PSEUDONYM.test(text)) return;
  for (const t of normalizePartyName(text).tokens) {
    if (t.length >= minLength && !COMMON.has(t)) into.add(t);
  }
}

/** What free text must not carry, from the parties of a case document (clear values). */
export function personalTerms(parties: unknown): PersonalTerms {
  const terms: PersonalTerms = { words: new Set(), phones: new Set() };
  if (!isObject(parties)) return terms;
  for (const party of Object.values(parties)) {
    if (!isObject(party)) continue;
    const person = typeof party.name === 'string' && looksLikePerson(party.name);
    const address = isObject(party.address) ? party.address : {};
    if (person) {
      addWords(terms.words, party.name, 2);
      addWords(terms.words, party.identifier, 3);
      addWords(terms.words, address.city, 3);
    }
    addWords(terms.words, address.street, 3);
    addWords(terms.words, address.postalCode, 2);
    if (typeof address.postalCode === 'string') {
      const joined = foldWord(address.postalCode);
      if (joined.length >= 3) terms.words.add(joined);
    }
    if (typeof party.phone === 'string') {
      const digits = party.phone.replace(/\D/g, '');
      if (digits.length >= 7) terms.phones.add(digits.slice(-7));
    }
  }
  return terms;
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const PHONE = /\+?\d[\d\s().-]{5,}\d/g;
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** One string with every personal word, phone number and e-mail address replaced. */
export function screenText(text: string, terms: PersonalTerms): string {
  if (PSEUDONYM.test(text)) return text;
  // Pseudonyms already put into the text stay whole: their hex must not read as a phone number.
  if (EMBEDDED_PSEUDONYM.test(text)) {
    return text
      .split(EMBEDDED_PSEUDONYM)
      .map((part, i) => (i % 2 === 1 ? part : screenPlain(part, terms)))
      .join('');
  }
  return screenPlain(text, terms);
}

const EMBEDDED_PSEUDONYM = /(psn:(?:name|id|phone|email):[0-9a-f]{32})/;

function screenPlain(text: string, terms: PersonalTerms): string {
  let s = text.replace(EMAIL, REDACTED);
  s = s.replace(PHONE, (m) => {
    const digits = m.replace(/\D/g, '');
    return digits.length >= 7 && terms.phones.has(digits.slice(-7)) ? REDACTED : m;
  });
  s = s.replace(WORD, (w) => (w === 'redacted' ? w : terms.words.has(foldWord(w)) ? REDACTED : w));
  // Postal codes written with a space ("L6P 0A0") are two words; joined they are one term.
  return s.replace(/([\p{L}\p{N}]{2,4})\s([\p{L}\p{N}]{2,4})/gu, (m, a: string, b: string) =>
    terms.words.has(foldWord(`${a}${b}`)) ? REDACTED : m,
  );
}

/** Screens every string of a case document except the party fields themselves (pseudonymised apart). */
export function screenCase(doc: { [key: string]: Json }, terms: PersonalTerms): { [key: string]: Json } {
  const walk = (value: Json, path: string[]): Json => {
    if (typeof value === 'string') {
      if (path[0] === 'consignment' && path[1] === 'parties') return value;
      return screenText(value, terms);
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, path));
    if (isObject(value)) {
      const out: { [key: string]: Json } = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v, [...path, k]);
      return out;
    }
    return value;
  };
  return walk(doc, []) as { [key: string]: Json };
}
