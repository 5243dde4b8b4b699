// Reads: nothing (static data). Writes: the finished opioids and HS headings that make a goods line a
// narcotic-drug import, and the words that put an abbreviation in a chemical context. Guarantees: a narcotic
// is judged as a narcotic (import authorisation under the 1961 Single Convention, art. 31), never as a
// precursor; CAS numbers pass their check digit (narcotics.test.ts).
//
// Sources: UN Single Convention on Narcotic Drugs 1961, Schedule I (fentanyl, pethidine, alfentanil,
// sufentanil, remifentanil, carfentanil, ...; INCB "Yellow List"); HS 2022 subheadings 2933.33 (alfentanil,
// anileridine, ..., fentanyl, ..., pethidine, ..., remifentanil, sufentanil, ... and their salts), 2933.34
// (other fentanyls and their derivatives), 2934.92 (other fentanyls and their derivatives) and heading 30.04
// (medicaments in measured doses: patches, injections); DOMAIN.md §1.2. CAS numbers: PubChem / CAS Common
// Chemistry entries for each name.

export interface Narcotic {
  name: string;
  /** Lower-case words of the name as the matcher tokenises descriptions. */
  names: readonly string[];
  cas: readonly string[];
}

export const NARCOTICS: readonly Narcotic[] = [
  { name: 'fentanyl', names: ['fentanyl', 'fentanil'], cas: ['437-38-7', '990-73-8'] },
  { name: 'pethidine', names: ['pethidine', 'meperidine'], cas: ['57-42-1', '50-13-5'] },
  { name: 'remifentanil', names: ['remifentanil'], cas: ['132875-61-7'] },
  { name: 'sufentanil', names: ['sufentanil'], cas: ['56030-54-7'] },
  { name: 'alfentanil', names: ['alfentanil'], cas: ['71195-58-9'] },
  { name: 'carfentanil', names: ['carfentanil', 'carfentanyl'], cas: ['59708-52-0'] },
];

/** HS 2022 subheadings of finished opioids (not precursors): 2933.33, 2933.34, 2934.92. */
export const NARCOTIC_HEADINGS: Readonly<Record<string, string>> = {
  '293333': 'HS 2933.33 (fentanyl, pethidine, remifentanil and other named opioids, and their salts)',
  '293334': 'HS 2933.34 (other fentanyls and their derivatives)',
  '293492': 'HS 2934.92 (other fentanyls and their derivatives)',
};

const BY_WORD = new Map<string, Narcotic>();
const BY_CAS = new Map<string, Narcotic>();
for (const n of NARCOTICS) {
  for (const w of n.names) BY_WORD.set(w, n);
  for (const c of n.cas) BY_CAS.set(c, n);
}

/** Test strips and detection kits name the drug they detect (harm reduction, HS 3822): not the drug. */
const DIAGNOSTIC_WORDS = new Set([
  'test',
  'tests',
  'testing',
  'strip',
  'strips',
  'kit',
  'kits',
  'detection',
  'detector',
]);

/** The named or CAS-identified finished opioid of a goods line, with what identified it. */
export function narcoticOf(
  tokens: readonly string[],
  casNumbers: readonly string[],
): { narcotic: Narcotic; evidence: string } | null {
  for (const c of casNumbers) {
    const n = BY_CAS.get(c.trim());
    if (n) return { narcotic: n, evidence: `CAS ${c.trim()}` };
  }
  if (tokens.some((t) => DIAGNOSTIC_WORDS.has(t))) return null;
  for (const t of tokens) {
    const n = BY_WORD.get(t);
    if (n) return { narcotic: n, evidence: `"${t}"` };
  }
  return null;
}

/** HS code of the line's heading when it is a narcotic subheading. */
export function narcoticHeading(hsCode: string | null): string | null {
  if (hsCode === null) return null;
  return NARCOTIC_HEADINGS[hsCode.slice(0, 6)] ?? null;
}

/**
 * Words that put an abbreviation in a chemical context (issue #15 item 3): forms, grades, salts and trade
 * words of chemicals. "NPP" next to "spare parts" or "reactor" is a nuclear power plant, not a precursor.
 */
export const CHEMICAL_CONTEXT_WORDS: ReadonlySet<string> = new Set(
  `powder crystal crystals crystalline liquid solution reagent intermediate intermediates acid base salt
  chloride hydrochloride hcl hydrobromide citrate sulfate sulphate purity pure grade assay cas chemical
  chemicals compound precursor pharmaceutical api synthesis analytical standard organic solvent anhydrous
  monohydrate hydrate ester`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

/** A chemical unit in the description: "99%", "500 g", "25 kg", "1 l", "10 ml", "mg". */
export const CHEMICAL_UNIT = /\d\s*(%|(mg|g|kg|ml|l)\b)|\bmg\b/i;

/** HS chapters of chemicals in bulk: 28 (inorganic), 29 (organic), 38 (other chemical products). */
export const CHEMICAL_CHAPTER = /^(28|29|38)/;

/** Consumer words that are also how bulk chemicals travel or what comes with them: "in 25 kg bags", "light". */
export const PACKAGING_CONSUMER_WORDS: ReadonlySet<string> = new Set([
  'bag',
  'bags',
  'tool',
  'tools',
  'light',
  'lights',
  'hardware',
  'gloves',
  'cable',
  'cables',
]);

/** Words that make the line about something other than its CAS number ("CAS", "no", units, packaging). */
export const CAS_FILLER_WORDS: ReadonlySet<string> = new Set(
  `cas no nr number num rn reg registry kg g mg l ml lb lbs drum drums bag bags box boxes carton cartons
  bottle bottles can cans pail pails jar jars tote totes ibc pack packs packed in of x`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);
