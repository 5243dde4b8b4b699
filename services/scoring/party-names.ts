// Reads: party and watchlist names as filed (any script, any company-form spelling).
// Writes: comparable tokens: lower-case ASCII, diacritics folded, basic Cyrillic transliterated,
// company forms (Co., Ltd., S.A. de C.V., Pvt. Ltd., GmbH, ...) removed, generic trade words marked.
// Guarantees: the same function normalises both sides, so a match never depends on which side was tidy.
import { BoundedCache, type CacheStats } from './memo.ts';

const words = (list: string): string[] => list.trim().split(/\s+/);
const wordSet = (list: string): ReadonlySet<string> => new Set(words(list));

const CYRILLIC: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
  і: 'i',
  ї: 'yi',
  є: 'ye',
  ґ: 'g',
};
const LATIN_SPECIAL: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  '&': ' and ',
};

/** Legal forms and filler: they say what kind of company, not which one. */
const COMPANY_FORMS: ReadonlySet<string> = wordSet(`
  co coltd ltd limited company inc incorporated corp corporation llc lc gmbh mbh ag kg sa de cv
  sacv sadecv rl srl sas sarl spa bv nv plc pvt private pte pty oy ab as asa kk jsc ojsc pjsc ooo
  zao lp llp trading imp exp import export intl international group holding holdings enterprise
  enterprises industrial industries industry ind the and of y e cia ltda sl se hk branch
`);

/** Descriptive words shared by many unrelated firms: they count, but less than a distinctive name. */
export const GENERIC_WORDS: ReadonlySet<string> = wordSet(`
  chemical chemicals chem chemistry technology technologies tech pharmaceutical pharmaceuticals
  pharma biotech biotechnology bio biological science sciences new material materials medical
  medicine products product global logistics supply services service solutions development dev
  science commercial comercial importadora exportadora distribuidora quimica quimicos farma
  laboratories labs shanghai shenzhen guangzhou wuhan hubei hebei henan beijing tianjin hangzhou
  zhejiang jiangsu shandong hong kong mumbai hyderabad delhi mexico sino pharm china asia pacific
  pacifico united general star golden great royal east west north south oriental euro america
  americas world
`);

export interface NormalizedName {
  /** All tokens after folding, single letters of initialisms joined (s a de c v -> sa de cv). */
  tokens: string[];
  /** Tokens without company forms; falls back to all tokens when nothing else is left. */
  core: string[];
}

function fold(text: string): string {
  let s = text.toLowerCase();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range test
  if (/[^\u0000-\u007f]/.test(s)) {
    s = s.replace(/[\u0400-\u04ff]/g, (c) => CYRILLIC[c] ?? '');
    s = s.replace(/[ßæœøłđðþı]/g, (c) => LATIN_SPECIAL[c] ?? c);
    s = s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  }
  return s.replace(/&/g, ' and ').replace(/['’`]/g, '');
}

export function normalizePartyName(name: string): NormalizedName {
  const tokens = asciiTokens(name) ?? foldedTokens(name);
  const core = tokens.filter((t) => !COMPANY_FORMS.has(t));
  return { tokens, core: core.length > 0 ? core : tokens };
}

/** The general path: fold, split on non-alphanumerics, join runs of single letters. */
function foldedTokens(name: string): string[] {
  const raw = fold(name)
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
  // Join runs of single letters: "s a de c v" -> "sa de cv", "l l c" -> "llc".
  const tokens: string[] = [];
  let run = '';
  for (const t of raw) {
    if (t.length === 1 && /[a-z]/.test(t)) {
      run += t;
      continue;
    }
    if (run !== '') tokens.push(run);
    run = '';
    tokens.push(t);
  }
  if (run !== '') tokens.push(run);
  return tokens;
}

/**
 * The same tokens as foldedTokens for plain ASCII names without apostrophes (nearly all filed names), by one
 * scan instead of regex replace, split and filter; null sends the name down the general path.
 */
function asciiTokens(name: string): string[] | null {
  const s = name.toLowerCase();
  const tokens: string[] = [];
  let run = '';
  let start = -1;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 32;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (start < 0) start = i;
      continue;
    }
    if (c > 127 || c === 39 /* ' */ || c === 96 /* ` */) return null;
    if (start >= 0) {
      if (i - start === 1 && s.charCodeAt(start) >= 97) run += s[start];
      else {
        if (run !== '') tokens.push(run);
        run = '';
        tokens.push(s.slice(start, i));
      }
      start = -1;
    }
    if (c === 38 /* & */) {
      if (run !== '') tokens.push(run);
      run = '';
      tokens.push('and');
    }
  }
  if (run !== '') tokens.push(run);
  return tokens;
}

/** Words that mark a business rather than a natural person. */
const BUSINESS_WORDS: ReadonlySet<string> = new Set([
  ...COMPANY_FORMS,
  ...GENERIC_WORDS,
  ...words(`
  store shop imports exports traders trade freight forwarding shipping express cargo agency
  agencies partners associates works factory manufacturing mfg furnishings furniture foods food
  textiles apparel electronics motors auto parts hospital clinic university institute lab
  laboratory generics feinchemikalien moebel distribution distributors wholesale retail market mart
  center centre systems energy engineering consulting order bank sons brothers bros usa canada
  india china home house office studio farm farms garden tools
`),
]);

/** Heuristic: two to four alphabetic tokens, none of them a business word ("K. Dhillon", "Maria Lopez Ruiz"). */
export function looksLikePerson(name: string): boolean {
  return personTokens(name, normalizePartyName(name).tokens);
}

function personTokens(name: string, tokens: readonly string[]): boolean {
  if (tokens.length < 1 || tokens.length > 4) return false;
  if (tokens.some((t) => /\d/.test(t) || BUSINESS_WORDS.has(t))) return false;
  return name.trim().split(/\s+/).length >= 2;
}

const FORWARDER_WORDS: ReadonlySet<string> = wordSet(`
  logistics freight forwarding forwarder shipping cargo courier express transport transportes
  logistica customs broker brokerage consolidators nvocc warehouse fulfillment fulfilment
`);

/** A consignee named like a forwarder, broker or warehouse breaks end-user traceability. */
export function looksLikeForwarder(name: string): boolean {
  return normalizePartyName(name).tokens.some((t) => FORWARDER_WORDS.has(t));
}

/** Everything the scorer derives from a party name alone; frozen, because it is shared through a cache. */
export interface PartyNameProfile {
  readonly tokens: readonly string[];
  readonly core: readonly string[];
  /** looksLikePerson(name) */
  readonly person: boolean;
  /** looksLikeForwarder(name) */
  readonly forwarder: boolean;
}

/** Names recur across a stream (the same shippers and consignees file again and again). */
export const PARTY_PROFILE_CACHE_SIZE = 8192;
const profiles = new BoundedCache<string, PartyNameProfile>(PARTY_PROFILE_CACHE_SIZE);

/**
 * normalizePartyName, looksLikePerson and looksLikeForwarder of one name, memoised: they read only the name
 * and this module's fixed word lists, so the cache never needs invalidating.
 */
export function partyNameProfile(name: string): PartyNameProfile {
  const cached = profiles.get(name);
  if (cached !== undefined) return cached;
  const { tokens, core } = normalizePartyName(name);
  const profile: PartyNameProfile = Object.freeze({
    tokens: Object.freeze(tokens),
    core: core === tokens ? tokens : Object.freeze(core),
    person: personTokens(name, tokens),
    forwarder: tokens.some((t) => FORWARDER_WORDS.has(t)),
  });
  profiles.set(name, profile);
  return profile;
}

export function partyProfileCacheStats(): CacheStats {
  return profiles.stats();
}
