// Reads: nothing (static data). Writes: the word lists, calling codes and rough exchange rates that
// facts.ts turns into indicators. Guarantees: each list cites the DOMAIN.md §3 indicator it serves; the
// lists are data for code, while weights and thresholds live in the rules files.

const words = (list: string): ReadonlySet<string> => new Set(list.trim().split(/\s+/));

/** §3 #1, §7 fact 6: descriptions that hide the commodity (CBP CSMS #60011750; CBSA TCC17-235). */
export const VAGUE_WORDS = words(`
  chemical chemicals gift gifts present daily necessities necessity accessories accessory parts part
  sample samples goods general merchandise household items item personal effects consolidated
  consolidation fak slc stc said to contain contains various misc miscellaneous products product stuff
  material materials raw supplies commodity commodities cargo freight parcel package packages other
  others articles article spare spares assorted mixed daily use new used powder
`);

/** §3 #1: "consolidated" / FAK / SLC, acceptable on master bills only. */
export const CONSOLIDATION_WORDS = words('consolidated consolidation fak slc stc');

/** §3 #2: consumer-goods words seen on mis-manifested precursor parcels ("fans, door stops, cups, mats"). */
export const CONSUMER_WORDS = words(`
  fan fans door stops stop stopper cup cups mat mats toy toys clothes clothing shoes shoe shirt shirts
  phone cosmetics lamp lamps light lights led kitchen utensils decoration decorations ornament ornaments
  jewelry jewellery watch watches headphones earphones cable cables charger chargers sticker stickers
  candle candles pillow pillows towel towels socks hat hats chair chairs mug mugs vase blanket blankets
  necessities gift gifts accessories household tea coffee candy snacks books toothbrush soap shampoo
  wig wigs nail makeup perfume bracelet earrings umbrella umbrellas slippers gloves tools hardware
  stationery pens bags handbag wallet sunglasses
`);

/** §3 #14: pill presses, dies and encapsulators (CBP; FinCEN FIN-2024-A002). Matched on normalised text. */
export const PILL_PRESS_PATTERN =
  / (pill|tablet|tableting|tabletting) (press|presses|machine|machines|compression|punch|punches|die|dies|mold|mould)|(^| )tdp |rotary (tablet )?press|punch(es)? (and )?dies?|die (mold|mould)s?|encapsulat|capsule (fill|filler|filling)/;

/** §3 #7: address words of homes and mail drops (FinCEN 2024; DEA "Know Your Customer"). */
const RESIDENTIAL_WORDS = words(`
  apt apartment flat residential residence residency villa condo condominium dormitory dorm basement bsmt
  townhouse pobox
`);
/** Residential phrases of several words. */
const RESIDENTIAL_PHRASES: readonly (readonly string[])[] = [
  'house no',
  'h no',
  'po box',
  'p o box',
  'post box',
].map((p) => p.split(' '));

/** §3 #7 as a pattern over normalised words joined by single spaces. */
export const RESIDENTIAL_PATTERN = new RegExp(
  `\\b(${[...RESIDENTIAL_WORDS, ...RESIDENTIAL_PHRASES.map((p) => p.join(' '))].join('|')})\\b`,
);

/**
 * RESIDENTIAL_PATTERN.test(tokens.join(' ')) for tokens of letters and digits only (normalised words), without
 * building the text: a word of the pattern must then be a whole token, a phrase a run of consecutive tokens.
 */
export function residentialTokens(tokens: readonly string[]): boolean {
  for (let i = 0; i < tokens.length; i++) {
    if (RESIDENTIAL_WORDS.has(tokens[i]!)) return true;
    for (const phrase of RESIDENTIAL_PHRASES) {
      if (i + phrase.length > tokens.length) continue;
      let k = 0;
      while (k < phrase.length && tokens[i + k] === phrase[k]) k++;
      if (k === phrase.length) return true;
    }
  }
  return false;
}

/** §3 #15: "To order" consignee (CBP 24-hour rule FAQ). */
export const TO_ORDER_PATTERN = /^\s*to\s+(the\s+)?order\b/i;

/** ITU calling codes for the countries in our traffic; longest prefix wins. "1" is the NANP (US, CA, ...). */
export const CALLING_CODES: Readonly<Record<string, readonly string[]>> = {
  '1': ['US', 'CA', 'PR', 'DO', 'JM', 'BS', 'BB', 'TT'],
  '7': ['RU', 'KZ'],
  '20': ['EG'],
  '27': ['ZA'],
  '30': ['GR'],
  '31': ['NL'],
  '32': ['BE'],
  '33': ['FR'],
  '34': ['ES'],
  '36': ['HU'],
  '39': ['IT'],
  '40': ['RO'],
  '41': ['CH'],
  '43': ['AT'],
  '44': ['GB'],
  '45': ['DK'],
  '46': ['SE'],
  '47': ['NO'],
  '48': ['PL'],
  '49': ['DE'],
  '51': ['PE'],
  '52': ['MX'],
  '54': ['AR'],
  '55': ['BR'],
  '56': ['CL'],
  '57': ['CO'],
  '60': ['MY'],
  '61': ['AU'],
  '62': ['ID'],
  '63': ['PH'],
  '64': ['NZ'],
  '65': ['SG'],
  '66': ['TH'],
  '81': ['JP'],
  '82': ['KR'],
  '84': ['VN'],
  '86': ['CN'],
  '90': ['TR'],
  '91': ['IN'],
  '92': ['PK'],
  '94': ['LK'],
  '98': ['IR'],
  '234': ['NG'],
  '351': ['PT'],
  '353': ['IE'],
  '358': ['FI'],
  '420': ['CZ'],
  '502': ['GT'],
  '503': ['SV'],
  '504': ['HN'],
  '505': ['NI'],
  '506': ['CR'],
  '507': ['PA'],
  '852': ['HK'],
  '853': ['MO'],
  '880': ['BD'],
  '886': ['TW'],
  '971': ['AE'],
  '972': ['IL'],
  '977': ['NP'],
};

/** Countries a phone number's calling code belongs to, or null when it has no recognisable code. */
export function phoneCountries(phone: string): readonly string[] | null {
  const digits = callingDigits(phone);
  if (digits === null) return null;
  // Codes have no leading zero, so "0.." matches none and a 1-3 digit prefix maps to one table slot.
  if (digits.charCodeAt(0) === 48) return null;
  for (let len = Math.min(3, digits.length); len >= 1; len--) {
    const hit = CODE_TABLE[Number(digits.slice(0, len))];
    if (hit !== undefined) return hit;
  }
  return null;
}

/** CALLING_CODES by numeric code. */
const CODE_TABLE: (readonly string[] | undefined)[] = Array.from({ length: 1000 }, (_, code) =>
  Object.hasOwn(CALLING_CODES, String(code)) ? CALLING_CODES[String(code)] : undefined,
);

const PHONE_PATTERN = /^\s*(?:\+|00)\s*(\d[\d\s().-]*)$/;
const isAsciiSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/**
 * The first three digits after the + or 00 prefix when the whole text matches PHONE_PATTERN, else null.
 * One scan for ASCII text (what the pattern and /\D/g would give); the regex itself for anything else.
 */
function callingDigits(phone: string): string | null {
  const n = phone.length;
  for (let k = 0; k < n; k++) {
    if (phone.charCodeAt(k) > 127) {
      const m = PHONE_PATTERN.exec(phone);
      return m === null ? null : m[1]!.replace(/\D/g, '').slice(0, 3);
    }
  }
  let i = 0;
  while (i < n && isAsciiSpace(phone.charCodeAt(i))) i++;
  if (phone.charCodeAt(i) === 43) i++;
  else if (phone.charCodeAt(i) === 48 && phone.charCodeAt(i + 1) === 48) i += 2;
  else return null;
  while (i < n && isAsciiSpace(phone.charCodeAt(i))) i++;
  let c = phone.charCodeAt(i);
  if (!(c >= 48 && c <= 57)) return null;
  let digits = '';
  for (; i < n; i++) {
    c = phone.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits.length < 3) digits += phone[i];
    } else if (!(isAsciiSpace(c) || c === 40 || c === 41 || c === 46 || c === 45)) return null;
  }
  return digits;
}

const GENERIC_TLDS = words('co io ai me tv cc ws fm la to gg ly');

/** Country of an e-mail's country-code top-level domain (".cn" -> CN), or null for generic domains. */
export function emailCountry(email: string): string | null {
  const found = topLevelDomain(email);
  if (found === null) return null;
  const tld = found.toLowerCase();
  if (GENERIC_TLDS.has(tld)) return null;
  return tld === 'uk' ? 'GB' : tld.toUpperCase();
}

const TLD_PATTERN = /\.([a-z]{2})\s*$/i;
const isAsciiLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** What TLD_PATTERN captures: two letters after a dot at the end, before trailing white space. */
function topLevelDomain(email: string): string | null {
  let j = email.length - 1;
  while (j >= 0 && isAsciiSpace(email.charCodeAt(j))) j--;
  // Unicode white space (which \s also matches) is left to the regex.
  if (j >= 0 && email.charCodeAt(j) > 127) return TLD_PATTERN.exec(email)?.[1] ?? null;
  if (j < 2 || email.charCodeAt(j - 2) !== 46) return null;
  if (!isAsciiLetter(email.charCodeAt(j)) || !isAsciiLetter(email.charCodeAt(j - 1))) return null;
  return email.slice(j - 1, j + 1);
}

/**
 * Rough USD value of one unit of each currency, for order-of-magnitude value-per-kg checks only (§3 #15).
 * A factor-of-two error here does not change which side of a 5 USD/kg threshold a fine chemical falls.
 */
export const USD_PER_UNIT: Readonly<Record<string, number>> = {
  USD: 1,
  EUR: 1.08,
  GBP: 1.27,
  CHF: 1.12,
  CAD: 0.73,
  MXN: 0.055,
  INR: 0.012,
  CNY: 0.14,
  HKD: 0.128,
  JPY: 0.0067,
  KRW: 0.00075,
  SGD: 0.74,
  AUD: 0.66,
  TWD: 0.031,
  VND: 0.00004,
  THB: 0.028,
  MYR: 0.21,
  BRL: 0.19,
  AED: 0.27,
};

/** Heaviest plausible gross weight of one package of each type, in kg (§3 #2, #11). */
export const MAX_KG_PER_PACKAGE: Readonly<Record<string, number>> = {
  ENVELOPE: 2,
  LETTER: 2,
  DOCUMENT: 2,
  PAK: 5,
  POUCH: 5,
  PARCEL: 50,
  PACKAGE: 50,
  BOX: 100,
  CARTON: 100,
  CTN: 100,
  BAG: 100,
  BOTTLE: 30,
  CAN: 30,
  JERRYCAN: 40,
  DRUM: 400,
};
