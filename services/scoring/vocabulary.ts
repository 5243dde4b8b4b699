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
export const RESIDENTIAL_PATTERN =
  /\b(apt|apartment|flat|residential|residence|residency|villa|condo|condominium|dormitory|dorm|basement|bsmt|townhouse|house no|h no|po box|p o box|post box|pobox)\b/;

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
  const m = /^\s*(?:\+|00)\s*(\d[\d\s().-]*)$/.exec(phone);
  if (m === null) return null;
  const digits = m[1]!.replace(/\D/g, '');
  for (const len of [3, 2, 1]) {
    const hit = CALLING_CODES[digits.slice(0, len)];
    if (hit !== undefined) return hit;
  }
  return null;
}

const GENERIC_TLDS = words('co io ai me tv cc ws fm la to gg ly');

/** Country of an e-mail's country-code top-level domain (".cn" -> CN), or null for generic domains. */
export function emailCountry(email: string): string | null {
  const m = /\.([a-z]{2})\s*$/i.exec(email);
  if (m === null) return null;
  const tld = m[1]!.toLowerCase();
  if (GENERIC_TLDS.has(tld)) return null;
  return tld === 'uk' ? 'GB' : tld.toUpperCase();
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
