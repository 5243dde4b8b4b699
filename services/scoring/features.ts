// Reads: one validated Report. Writes: its feature vector (Float32Array, FEATURE_SCHEMA order).
// Guarantees: a pure function of the report alone (no knowledge base, no clock), shared by training
// and serving; featureSchemaHash() changes whenever a feature is added, removed, renamed or redefined.
// Text tests of descriptions and consignee names are memoised (bounded; they read only fixed patterns).
import { createHash } from 'node:crypto';
import { findCasInText } from '../../schemas/cas.ts';
import type { Party, Report } from '../../schemas/report.ts';
import { BoundedCache, type CacheStats } from './memo.ts';

export interface FeatureSpec {
  readonly name: string;
  readonly description: string;
}

const spec = <const N extends string>(name: N, description: string) => ({ name, description }) as const;

/** The ordered features. Changing a name or description changes featureSchemaHash() and so invalidates models. */
export const FEATURE_SCHEMA = [
  spec('doc_declaration', '1 if documentType is DECLARATION, 0 for MANIFEST'),
  spec('mode_sea', '1 if mode is SEA'),
  spec('mode_air', '1 if mode is AIR'),
  spec('mode_express', '1 if mode is EXPRESS'),
  spec('mode_post', '1 if mode is POST'),
  spec('mode_land', '1 if mode is ROAD or RAIL'),
  spec('corridor_cn_hk_to_mx', '1 if route origin is CN or HK and destination is MX'),
  spec('corridor_in_to_mx', '1 if route origin is IN and destination is MX'),
  spec('corridor_cn_hk_to_us_ca', '1 if route origin is CN or HK and destination is US or CA'),
  spec('origin_cn_hk_in', '1 if route origin is CN, HK or IN'),
  spec('transshipment_count', 'number of transshipment ports, capped at 3, divided by 3'),
  spec(
    'transshipment_risk_hub',
    '1 if a transshipment port is HKHKG, KRPUS, KRICN, AEJEA, AEDXB, SGSIN or PAMIT',
  ),
  spec(
    'sea_air_hint',
    '1 if mode is AIR/EXPRESS/POST and a transshipment port is a seaport hub (KRPUS, AEJEA, PAMIT, LKCMB)',
  ),
  spec('inland_delivery', '1 if placeOfDelivery is given and differs from portOfDischarge'),
  spec('hs_ch29', '1 if any goods line has an HS code in chapter 29 (organic chemicals)'),
  spec('hs_2933', '1 if any goods line has an HS code under heading 2933 (nitrogen heterocycles)'),
  spec('hs_293336_37', '1 if any goods line has HS 2933.36 or 2933.37 (ANPP, NPP)'),
  spec('hs_293339', '1 if any goods line has HS 2933.39 (other piperidine/pyridine compounds)'),
  spec('hs_chemical_any', '1 if any goods line has an HS code in chapters 28, 29 or 38'),
  spec('hs_missing', '1 if any goods line has no HS code'),
  spec(
    'chem_word_non_chem_hs',
    '1 if the descriptions use chemical words but no line has an HS code in chapters 28, 29, 38',
  ),
  spec(
    'vague_description',
    '1 if a goods description is vague wording only (gift, daily necessities, accessories, parts, samples, chemicals, ...)',
  ),
  spec(
    'vague_under_chemical_hs',
    '1 if a vague description sits on a line with an HS code in chapters 28, 29 or 38',
  ),
  spec('consolidated_wording', '1 if a description says consolidated, FAK or SLC'),
  spec('description_length', 'characters in the first goods description, divided by 80, capped at 1'),
  spec(
    'fentanyl_core_word',
    '1 if descriptions contain piperid, anilin, phenethyl, propionyl/propanoyl, propionic/propanoic, fentanyl, ANPP, NPP or 4-AP',
  ),
  spec('analogue_word', '1 if descriptions contain boc, tert-butyl, fluoro, bromo or benzyl'),
  spec(
    'salt_word',
    '1 if descriptions contain hydrochloride, HCl, hydrobromide, monohydrate, sulfate or tartrate',
  ),
  spec(
    'chemical_word',
    '1 if descriptions contain generic chemical wording (acid, amine, chloride, pyrid, methyl, ethyl, intermediate, reagent, purity %)',
  ),
  spec('cas_in_text', '1 if a description contains a CAS-shaped number'),
  spec('cas_without_name', '1 if a description has a CAS-shaped number but no chemical name'),
  spec('cas_listed', '1 if any goods line lists a CAS number in casNumbers'),
  spec('cas_invalid', '1 if a listed or in-text CAS number is malformed or fails its check digit'),
  spec('goods_lines', 'log(1 + number of goods lines) / log(1000)'),
  spec('value_per_kg', '(log10(declared USD value / gross kg) + 2) / 7, clipped to [0, 1]; 0 when missing'),
  spec('value_per_kg_missing', '1 if no line has both a declared value and a gross weight'),
  spec('gross_weight', 'log10(1 + total gross kg) / 5, capped at 1'),
  spec('total_value', 'log10(1 + total declared value in USD at fixed rates) / 7, capped at 1'),
  spec('qty_unit_kg', '1 if any line quantity is in KG'),
  spec('qty_unit_pcs', '1 if any line quantity is in PCS'),
  spec('qty_unit_small', '1 if any line quantity is in G, L or ML'),
  spec('qty_missing', '1 if any goods line has no quantity'),
  spec(
    'qty_weight_mismatch',
    '1 if a KG quantity disagrees with gross weight (gross < 0.9 x quantity or > 3 x quantity)',
  ),
  spec('pay_wire', '1 if payment method is WIRE'),
  spec('pay_card', '1 if payment method is CARD'),
  spec('pay_cash', '1 if payment method is CASH'),
  spec('pay_crypto', '1 if payment method is CRYPTO'),
  spec('pay_p2p', '1 if payment method is P2P'),
  spec('pay_other', '1 if payment method is OTHER'),
  spec('pay_missing', '1 if no payment is given'),
  spec('third_party_payer', '1 if payment.payerIsThirdParty is true'),
  spec('no_permits', '1 if the report lists no permits'),
  spec('has_pen', '1 if a PEN (pre-export notification) is listed'),
  spec('has_import_permit', '1 if an IMPORT_PERMIT is listed'),
  spec('has_other_permit', '1 if an EXPORT_PERMIT or REGISTRATION is listed'),
  spec('consignee_no_identifier', '1 if the consignee has no identifier'),
  spec('shipper_no_identifier', '1 if the shipper has no identifier'),
  spec(
    'consignee_person_name',
    '1 if the consignee name looks like a natural person (2-4 name tokens, no company words)',
  ),
  spec(
    'consignee_residential',
    '1 if the consignee street has residential words (apt, unit, casa, depto, int., fracc., privada, ...)',
  ),
  spec('consignee_no_address', '1 if the consignee has no address'),
  spec(
    'consignee_phone_mismatch',
    "1 if the consignee phone's country calling code does not fit the consignee's address country",
  ),
  spec('consignee_is_forwarder', '1 if the consignee name has logistics/freight/forwarding/shipping words'),
  spec('to_order_consignee', "1 if the consignee is 'to order'"),
  spec('forwarder_present', '1 if a forwarder party is given'),
  spec('notify_present', '1 if a notify party is given'),
  spec('declarant_present', '1 if a declarant is given'),
  spec('house_bill', '1 if masterId is present (a house bill under a master)'),
  spec('containerised', '1 if container numbers are listed'),
  spec(
    'low_value_parcel',
    '1 if mode is EXPRESS or POST and the total declared value is under USD 800 (de minimis)',
  ),
  spec(
    'pill_press_word',
    '1 if descriptions mention tablet/pill presses, punches and dies, molds or encapsulators',
  ),
] as const;

export type FeatureName = (typeof FEATURE_SCHEMA)[number]['name'];
export const FEATURE_COUNT = FEATURE_SCHEMA.length;
export const FEATURE_NAMES: readonly FeatureName[] = FEATURE_SCHEMA.map((f) => f.name);

let cachedHash: string | null = null;

/** sha256 (first 16 hex) of the ordered names and descriptions: the model's compatibility key. */
export function featureSchemaHash(): string {
  cachedHash ??= createHash('sha256')
    .update(FEATURE_SCHEMA.map((f) => `${f.name}\t${f.description}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  return cachedHash;
}

// Built property by property so V8 keeps fast properties: `I.name` is a constant-offset load.
const I = {} as Record<FeatureName, number>;
FEATURE_SCHEMA.forEach((f, i) => {
  I[f.name] = i;
});

// ---------------------------------------------------------------- fixed vocabularies

/** Approximate units per USD, frozen so features do not drift with markets. */
const PER_USD: Readonly<Record<string, number>> = {
  USD: 1,
  CNY: 7.2,
  HKD: 7.8,
  INR: 84,
  EUR: 0.92,
  GBP: 0.79,
  KRW: 1380,
  JPY: 150,
  MXN: 18.5,
  CAD: 1.37,
  SGD: 1.35,
  AED: 3.67,
  TWD: 32,
  CHF: 0.88,
  AUD: 1.5,
};

const RISK_HUBS = new Set(['HKHKG', 'KRPUS', 'KRICN', 'AEJEA', 'AEDXB', 'SGSIN', 'PAMIT']);
const SEA_HUBS = new Set(['KRPUS', 'AEJEA', 'PAMIT', 'LKCMB']);

const VAGUE =
  /^(?:a )?(?:gifts?|daily necessit(?:y|ies)|daily use items?|accessor(?:y|ies)|(?:spare |machine |plastic )?parts|chemicals?|chemical samples?|samples?(?: for testing)?|general (?:merchandise|cargo)|household items|personal effects|plastic products|powder|raw materials?|industrial raw materials?|cosmetic raw materials?|food additives?|goods|merchandise|items|sundries|organic intermediate|pharmaceutical intermediate|chemical intermediate|laboratory reagent|research chemicals?)\b/i;
const CONSOLIDATED = /\b(?:consolidated|consol|fak|slc|said to contain)\b/i;
const FENTANYL_CORE =
  /piperid|anilin|phenethyl|phenylethyl|propionyl|propanoyl|propionic|propanoic|propionamide|propanamide|fentanyl|\banpp\b|\bnpp\b|\b4-ap\b/i;
const ANALOGUE = /\bboc\b|boc-|-boc|tert-butyl|fluoro|bromo|benzyl/i;
const SALT = /hydrochloride|\bhcl\b|hydrobromide|monohydrate|sulfate|sulphate|tartrate/i;
const CHEMICAL =
  /\bacid\b|amine|amide|chloride|pyrid|methyl|ethyl|intermediate|reagent|\d\s?%|anhydride|ketone|ester\b|\bcas\b/i;
const NAME_SUFFIX = /[a-z](?:ine|one|ide|ate|ol|ane|ene)\b|\bacid\b/i;
const CAS_SHAPE = /\d{2,7}\s?[-\u2010-\u2015]\s?\d{2}\s?[-\u2010-\u2015]\s?\d\b/;
const PILL_PRESS =
  /tablet press|pill press|\bpunch(?:es)?\b|\bdies?\b|die set|die mold|\bmou?ld\b|encapsulat|capsule fill|\btdp-?\d|\bzp-?\d|candy making machine/i;
const COMPANY =
  /\b(?:ltd|limited|inc|llc|llp|corp|corporation|co|company|gmbh|ag|kg|sa|s\.a|cv|c\.v|bv|b\.v|kk|k\.k|pvt|plc|group|trading|logistics|freight|shipping|import|export|imports|exports|industries|industrial|lab|labs|laboratorios|pharma|pharmaceutical|chem|chemical|chemicals|quimica|comercializadora|importadora|distribuidora|agencia|services|solutions|supply|store|enterprise|enterprises|international|global|holding|holdings|tech|technology|biotech|e-commerce|order|bank|banco)\b/i;
const RESIDENTIAL =
  /\b(?:apt|apartment|flat|unit|casa|depto|departamento|interior|fracc|fraccionamiento|residencial|residential|privada|andador|crescent|house|villa)\b|\bint\.\s*\d/i;
const FORWARDER = /logistic|freight|forward|shipping|cargo|transportes|spedition|supply chain|logistica/i;
const TO_ORDER = /^to (?:the )?order\b/i;
const PERSON =
  /^[a-z\u00c0-\u024f][a-z\u00c0-\u024f'.-]*,?(?:\s+[a-z\u00c0-\u024f][a-z\u00c0-\u024f'.-]*,?){1,3}$/i;

/** Calling codes to the address countries they fit; +1 covers North America. */
const CALLING_CODES: readonly (readonly [string, readonly string[]])[] = [
  ['852', ['HK']],
  ['853', ['MO']],
  ['886', ['TW']],
  ['971', ['AE']],
  ['880', ['BD']],
  ['86', ['CN']],
  ['91', ['IN']],
  ['52', ['MX']],
  ['49', ['DE']],
  ['82', ['KR']],
  ['81', ['JP']],
  ['31', ['NL']],
  ['44', ['GB']],
  ['33', ['FR']],
  ['34', ['ES']],
  ['39', ['IT']],
  ['61', ['AU']],
  ['65', ['SG']],
  ['66', ['TH']],
  ['84', ['VN']],
  ['90', ['TR']],
  ['92', ['PK']],
  ['55', ['BR']],
  ['57', ['CO']],
  ['1', ['US', 'CA', 'PR', 'DO', 'JM', 'BS', 'BB', 'TT']],
];

function phoneMismatch(party: Party): boolean {
  const phone = party.phone;
  const country = party.address?.country;
  if (!phone || !country || phone.charCodeAt(0) !== 43 /* + */) return false;
  // The first three digits after '+', skipping separators, without allocating a cleaned copy.
  let digits = '';
  for (let i = 1; i < phone.length && digits.length < 3; i++) {
    const ch = phone.charCodeAt(i);
    if (ch >= 48 && ch <= 57) digits += phone[i];
    else if (ch !== 32 && ch !== 40 && ch !== 41 && ch !== 45 && ch !== 46) break;
  }
  for (const [code, countries] of CALLING_CODES) {
    if (digits.startsWith(code)) return !countries.includes(country);
  }
  return false;
}

/** 2-4 name-like tokens and no company wording. */
function looksLikePerson(name: string): boolean {
  return PERSON.test(name) && !COMPANY.test(name);
}

// ---------------------------------------------------------------- memoised text tests

// Bits of what one description's text says. A report's text is its descriptions joined by " | ", and no
// pattern below can match across that separator (none matches "|", and " " at an edge is a \b boundary and
// outside [\d-] just like the start or end of a string), so testing the joined text equals OR-ing the lines.
// Keep it so: a pattern that can match "|" (".", "\W", "\S", "[^...]", a literal "|") belongs with the
// joined-text tests below (see CAS_IN_TEXT), not here.
const VAGUE_LINE = 1;
const CORE = 2;
const ANALOGUE_WORD = 4;
const SALT_WORD = 8;
const CHEMICAL_WORD = 16;
const CONSOLIDATED_WORD = 32;
const CAS_IN_TEXT = 64;
const PILL_PRESS_WORD = 128;

/** Descriptions and consignee names recur; their tests are pure, so bounded memos are safe. */
const TEXT_CACHE_SIZE = 4096;
const textCache = new BoundedCache<string, number>(TEXT_CACHE_SIZE);
const nameCache = new BoundedCache<string, number>(TEXT_CACHE_SIZE);

function textFlags(desc: string): number {
  const cached = textCache.get(desc);
  if (cached !== undefined) return cached;
  let f = 0;
  if (VAGUE.test(desc)) f |= VAGUE_LINE;
  if (FENTANYL_CORE.test(desc)) f |= CORE;
  if (ANALOGUE.test(desc)) f |= ANALOGUE_WORD;
  if (SALT.test(desc)) f |= SALT_WORD;
  if (CHEMICAL.test(desc)) f |= CHEMICAL_WORD;
  if (CONSOLIDATED.test(desc)) f |= CONSOLIDATED_WORD;
  if (CAS_SHAPE.test(desc)) f |= CAS_IN_TEXT;
  if (PILL_PRESS.test(desc)) f |= PILL_PRESS_WORD;
  textCache.set(desc, f);
  return f;
}

/** Hit rates of the description and consignee-name memos. */
export function featureCacheStats(): { descriptions: CacheStats; names: CacheStats } {
  return { descriptions: textCache.stats(), names: nameCache.stats() };
}

const TO_ORDER_NAME = 1;
const PERSON_NAME = 2;
const FORWARDER_NAME = 4;

function nameFlags(name: string): number {
  const cached = nameCache.get(name);
  if (cached !== undefined) return cached;
  let f = 0;
  if (TO_ORDER.test(name)) f |= TO_ORDER_NAME;
  if (looksLikePerson(name)) f |= PERSON_NAME;
  if (FORWARDER.test(name)) f |= FORWARDER_NAME;
  nameCache.set(name, f);
  return f;
}

const isChemHs = (hs: string) => hs.startsWith('28') || hs.startsWith('29') || hs.startsWith('38');

// ---------------------------------------------------------------- extraction

/** Writes the features of `report` into `out` at `offset`; the caller zeroes `out` beforehand. */
function writeFeatures(report: Report, out: Float32Array, o: number): void {
  const c = report.consignment;
  const route = c.route;

  if (report.documentType === 'DECLARATION') out[o + I.doc_declaration] = 1;
  switch (c.mode) {
    case 'SEA':
      out[o + I.mode_sea] = 1;
      break;
    case 'AIR':
      out[o + I.mode_air] = 1;
      break;
    case 'EXPRESS':
      out[o + I.mode_express] = 1;
      break;
    case 'POST':
      out[o + I.mode_post] = 1;
      break;
    default:
      out[o + I.mode_land] = 1;
  }
  const origin = route.originCountry;
  const dest = route.destinationCountry;
  const cnhk = origin === 'CN' || origin === 'HK';
  if (cnhk && dest === 'MX') out[o + I.corridor_cn_hk_to_mx] = 1;
  if (origin === 'IN' && dest === 'MX') out[o + I.corridor_in_to_mx] = 1;
  if (cnhk && (dest === 'US' || dest === 'CA')) out[o + I.corridor_cn_hk_to_us_ca] = 1;
  if (cnhk || origin === 'IN') out[o + I.origin_cn_hk_in] = 1;

  const hubs = route.transshipmentPorts;
  if (hubs.length > 0) {
    out[o + I.transshipment_count] = Math.min(hubs.length, 3) / 3;
    const airLike = c.mode === 'AIR' || c.mode === 'EXPRESS' || c.mode === 'POST';
    for (const h of hubs) {
      if (RISK_HUBS.has(h)) out[o + I.transshipment_risk_hub] = 1;
      if (airLike && SEA_HUBS.has(h)) out[o + I.sea_air_hint] = 1;
    }
  }
  if (route.placeOfDelivery && route.placeOfDelivery !== route.portOfDischarge)
    out[o + I.inland_delivery] = 1;

  // Goods lines: one pass for codes, CAS, quantities, weight and value.
  const goods = c.goods;
  // OR of the lines' text flags: the same as testing the lines joined by " | " (see textFlags).
  let any = 0;
  let anyChemHs = false;
  let kg = 0;
  let kgWithValue = 0;
  let usdWithWeight = 0;
  let usd = 0;
  let anyValue = false;
  for (let k = 0; k < goods.length; k++) {
    const g = goods[k]!;
    const desc = g.description;
    const hs = g.hsCode;
    let chemHs = false;
    if (hs === null) out[o + I.hs_missing] = 1;
    else {
      chemHs = isChemHs(hs);
      if (chemHs) anyChemHs = true;
      if (hs.startsWith('29')) {
        out[o + I.hs_ch29] = 1;
        if (hs.startsWith('2933')) {
          out[o + I.hs_2933] = 1;
          if (hs.startsWith('293336') || hs.startsWith('293337')) out[o + I.hs_293336_37] = 1;
          else if (hs.startsWith('293339')) out[o + I.hs_293339] = 1;
        }
      }
    }
    const flags = textFlags(desc);
    any |= flags;
    if ((flags & VAGUE_LINE) !== 0) {
      out[o + I.vague_description] = 1;
      if (chemHs) out[o + I.vague_under_chemical_hs] = 1;
    }
    if (g.casNumbers.length > 0) {
      out[o + I.cas_listed] = 1;
      for (const check of g.casChecks) if (!check.valid) out[o + I.cas_invalid] = 1;
    }
    const q = g.quantity;
    const w = g.grossWeightKg;
    if (q == null) out[o + I.qty_missing] = 1;
    else if (q.unit === 'KG') {
      out[o + I.qty_unit_kg] = 1;
      if (w != null && w > 0 && (w < 0.9 * q.value || w > 3 * q.value)) out[o + I.qty_weight_mismatch] = 1;
    } else if (q.unit === 'PCS') out[o + I.qty_unit_pcs] = 1;
    else out[o + I.qty_unit_small] = 1;
    if (w != null) kg += w;
    const v = g.declaredValue;
    if (v != null) {
      const amount = v.amount / (PER_USD[v.currency] ?? 1);
      usd += amount;
      anyValue = true;
      if (w != null && w > 0) {
        kgWithValue += w;
        usdWithWeight += amount;
      }
    }
  }
  if (anyChemHs) out[o + I.hs_chemical_any] = 1;
  out[o + I.description_length] = Math.min(goods[0]!.description.length / 80, 1);
  out[o + I.goods_lines] = Math.log1p(goods.length) / Math.log(1000);

  const core = (any & CORE) !== 0;
  const analogue = (any & ANALOGUE_WORD) !== 0;
  const generic = (any & CHEMICAL_WORD) !== 0;
  if (core) out[o + I.fentanyl_core_word] = 1;
  if (analogue) out[o + I.analogue_word] = 1;
  if ((any & SALT_WORD) !== 0) out[o + I.salt_word] = 1;
  if (generic) out[o + I.chemical_word] = 1;
  if ((core || analogue || generic) && !anyChemHs) out[o + I.chem_word_non_chem_hs] = 1;
  if ((any & CONSOLIDATED_WORD) !== 0) out[o + I.consolidated_wording] = 1;
  if ((any & CAS_IN_TEXT) !== 0) {
    out[o + I.cas_in_text] = 1;
    // Rare (CAS-shaped text somewhere): the remaining tests run on the joined text itself, unmemoised.
    let text = goods[0]!.description;
    for (let k = 1; k < goods.length; k++) text = `${text} | ${goods[k]!.description}`;
    if (!core && !analogue && !NAME_SUFFIX.test(text.replace(/\bintermediate\b|\bpharmaceutical\b/gi, '')))
      out[o + I.cas_without_name] = 1;
    for (const check of findCasInText(text)) if (!check.valid) out[o + I.cas_invalid] = 1;
  }
  if ((any & PILL_PRESS_WORD) !== 0) out[o + I.pill_press_word] = 1;

  if (kgWithValue > 0 && usdWithWeight > 0) {
    const x = (Math.log10(usdWithWeight / kgWithValue) + 2) / 7;
    out[o + I.value_per_kg] = Math.min(Math.max(x, 0), 1);
  } else out[o + I.value_per_kg_missing] = 1;
  out[o + I.gross_weight] = Math.min(Math.log10(1 + kg) / 5, 1);
  out[o + I.total_value] = Math.min(Math.log10(1 + usd) / 7, 1);

  const pay = c.payment;
  if (pay == null) out[o + I.pay_missing] = 1;
  else {
    switch (pay.method) {
      case 'WIRE':
        out[o + I.pay_wire] = 1;
        break;
      case 'CARD':
        out[o + I.pay_card] = 1;
        break;
      case 'CASH':
        out[o + I.pay_cash] = 1;
        break;
      case 'CRYPTO':
        out[o + I.pay_crypto] = 1;
        break;
      case 'P2P':
        out[o + I.pay_p2p] = 1;
        break;
      default:
        out[o + I.pay_other] = 1;
    }
    if (pay.payerIsThirdParty === true) out[o + I.third_party_payer] = 1;
  }

  const permits = c.permits;
  if (permits.length === 0) out[o + I.no_permits] = 1;
  for (const p of permits) {
    if (p.type === 'PEN') out[o + I.has_pen] = 1;
    else if (p.type === 'IMPORT_PERMIT') out[o + I.has_import_permit] = 1;
    else out[o + I.has_other_permit] = 1;
  }

  const parties = c.parties;
  const consignee = parties.consignee;
  const cname = nameFlags(consignee.name.trim());
  if (!consignee.identifier) out[o + I.consignee_no_identifier] = 1;
  if (!parties.shipper.identifier) out[o + I.shipper_no_identifier] = 1;
  if ((cname & TO_ORDER_NAME) !== 0) out[o + I.to_order_consignee] = 1;
  else if ((cname & PERSON_NAME) !== 0) out[o + I.consignee_person_name] = 1;
  const street = consignee.address?.street;
  if (consignee.address == null) out[o + I.consignee_no_address] = 1;
  else if (street && RESIDENTIAL.test(street)) out[o + I.consignee_residential] = 1;
  if (phoneMismatch(consignee)) out[o + I.consignee_phone_mismatch] = 1;
  if ((cname & FORWARDER_NAME) !== 0) out[o + I.consignee_is_forwarder] = 1;
  if (parties.forwarder) out[o + I.forwarder_present] = 1;
  if (parties.notifyParty) out[o + I.notify_present] = 1;
  if (parties.declarant) out[o + I.declarant_present] = 1;
  if (c.masterId) out[o + I.house_bill] = 1;
  if (c.containers.length > 0) out[o + I.containerised] = 1;
  if ((c.mode === 'EXPRESS' || c.mode === 'POST') && anyValue && usd < 800) out[o + I.low_value_parcel] = 1;
}

export function extractFeatures(report: Report): Float32Array {
  const out = new Float32Array(FEATURE_COUNT);
  writeFeatures(report, out, 0);
  return out;
}

/** Row-major n x FEATURE_COUNT matrix, one row per report, in order. */
export function extractBatch(reports: readonly Report[]): Float32Array {
  const out = new Float32Array(reports.length * FEATURE_COUNT);
  for (let i = 0; i < reports.length; i++) writeFeatures(reports[i]!, out, i * FEATURE_COUNT);
  return out;
}
