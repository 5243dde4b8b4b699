// Reads: one normalised goods description (normalize.ts).
// Writes: the candidate chemical names in it, each prepared the way a chemist reads it before it goes to
// the name parser: quantities, purities, packing words and registry annotations ("(9CI)", "citrate
// (1:1)") removed, salt and hydrate words separated, CAS index inversion undone, locant case restored.
// Guarantees: pure and deterministic; a phrase is never rewritten into a different chemical name, only
// into the spellings of the same one (what the parser refuses stays unresolved).

/** Salt, hydrate and solvate words: a form of the substance, not part of its name. */
export const SALT_WORDS: ReadonlySet<string> = new Set(
  `hydrochloride dihydrochloride trihydrochloride hcl 2hcl hydrobromide hbr monohydrate hydrate dihydrate
  trihydrate hemihydrate sesquihydrate anhydrous h2o salt sulfate sulphate hydrogensulfate bisulfate citrate
  dihydrogen oxalate tartrate bitartrate acetate phosphate mesylate methanesulfonate tosylate besylate
  fumarate maleate hydroiodide nitrate succinate lactate malate free base freebase`
    .trim()
    .split(/\s+/),
);

/** Words that describe quantity, quality, packing or use: never part of a chemical name. */
const NOISE_WORDS: ReadonlySet<string> = new Set(
  `cas no number rn nr reg registry kg kgs g gr mg l ml lt mt ton tons tonne tonnes pcs pc drum drums bag bags
  box boxes bottle bottles carton cartons pack packs packed x of the a an purity pure min minimum max assay
  powder powders liquid liquids solid solution white off-white yellowish crystal crystals crystalline
  grade industrial technical tech pharmaceutical pharma reagent reagents api intermediate intermediates
  research chemical chemicals sample samples net gross weight for use only in with and or lab laboratory
  usp bp ep jp fcc ar acs hplc gc high quality bulk supply factory manufacturer 99 98 95 purified
  raw material materials fine organic compound compounds product products item goods cargo
  said contains containing`
    .trim()
    .split(/\s+/),
);

// Registry and nomenclature annotations that follow a name.
const ANNOTATION =
  /\((?:\d{1,2}CI|ACD\/Name|IUPAC|INN|USAN|BAN|JAN|DCF|USP|BP|EP|Ph\.? ?Eur\.?|\d+(?:\.\d+)?:\d+(?:\.\d+)?)\)/gi;
const QUANTITY =
  /\b\d+(?:[.,]\d+)?\s*(?:%|pct|percent|kgs?|g|gr|mg|mt|tons?|tonnes?|l|ltrs?|ml|lbs?|pcs|drums?|bags?|boxes|cartons?|bottles?)(?![a-z])/gi;
const CAS_LIKE =
  /\bCAS(?:\s*(?:No\.?|RN|#|Number))?\s*[:#.]?\s*[\d\s\-–—.]{5,14}\d|\b\d{2,7}\s?[-–—]\s?\d{2}\s?[-–—]\s?\d\b/gi;

export interface PreparedName {
  /** The phrase as found, after noise removal. */
  phrase: string;
  /** Spellings for the parser, most faithful first (CAS index inversion undone, locant case restored). */
  variants: string[];
  /** Salt and hydrate words found in or after the phrase. */
  salts: string[];
}

/** "Propanamide, N-phenyl-N-4-piperidinyl-" -> "N-phenyl-N-4-piperidinylpropanamide"; null when not inverted. */
export function uninvert(name: string): string | null {
  const parts = name.split(/,\s+/);
  if (parts.length < 2) return null;
  const parent = parts[0]!;
  // The parent heading starts with a letter or a locant and has no trailing hyphen; prefixes end with "-".
  if (parent.endsWith('-') || !/^[\dA-Za-z(]/.test(parent)) return null;
  const prefixes: string[] = [];
  const tail: string[] = [];
  for (const p of parts.slice(1)) {
    if (p.endsWith('-')) prefixes.push(p);
    else tail.push(p);
  }
  if (prefixes.length === 0) return null;
  // A parent starting with a locant keeps the hyphen ("...)-4-piperidinamine"); a word is joined directly.
  let joined = prefixes.join('');
  const startsWithLocant = /^[\dN]/.test(parent) && /^[\dN][\d,']*-/.test(parent);
  if (!startsWithLocant) joined = joined.slice(0, -1);
  const head = startsWithLocant ? parent : parent.charAt(0).toLowerCase() + parent.slice(1);
  return [`${joined}${head}`, ...tail].join(' ');
}

/** "n-(1-phenethyl-4-piperidyl)acetanilide" -> "N-(...)": lower-case N/O/S locants as typed by filers. */
export function restoreLocantCase(name: string): string {
  return name.replace(/(^|[\s([,-])([nos])(?=(?:,[\dnos]'*)*-[([\da-z])/g, (_m, pre: string, l: string) => {
    return `${pre}${l.toUpperCase()}`;
  });
}

// "Propanoic acid, 1,1'-anhydride" (the CAS index name of an anhydride): the parser reads "propanoic anhydride".
const INVERTED_ANHYDRIDE = /^(.+?ic) acid,\s+(?:\d,\d'-)?anhydride$/i;

function variantsOf(phrase: string): string[] {
  const out = [phrase];
  const inverted = uninvert(phrase);
  if (inverted !== null) out.push(inverted);
  const anhydride = INVERTED_ANHYDRIDE.exec(phrase);
  if (anhydride !== null) out.push(`${anhydride[1]} anhydride`);
  for (const v of [...out]) {
    const r = restoreLocantCase(v);
    if (r !== v) out.push(r);
    // Upper-case text: OPSIN reads it, but locants like "N" must stay upper while the rest is lowered.
    if (v === v.toUpperCase() && /[A-Z]{4}/.test(v)) out.push(restoreLocantCase(v.toLowerCase()));
  }
  return [...new Set(out)];
}

function isNoise(word: string): boolean {
  const w = word.toLowerCase().replace(/^[,;:([]+|[,;:.)\]]+$/g, '');
  // A one- or two-digit number is a locant ("4 anilinopiperidine"), kept unless it ends the phrase.
  if (/^\d{1,2}$/.test(w)) return false;
  return w === '' || NOISE_WORDS.has(w) || /^[\d.,/%x+-]+$/.test(w);
}

/** The candidate chemical names of a normalised description, in order. */
export function candidateNames(description: string): PreparedName[] {
  const text = description.replace(ANNOTATION, ' ').replace(CAS_LIKE, ' ; ').replace(QUANTITY, ' ; ');
  const out: PreparedName[] = [];
  // Phrases: runs of words that are not noise, split at ";", "|", " / " and " + ".
  for (const chunk of text.split(/[;|]|\s\/\s|\s\+\s/)) {
    let run: string[] = [];
    let salts: string[] = [];
    const flush = () => {
      while (run.length > 0 && /^\d{1,2}[,.]?$/.test(run[run.length - 1]!)) run.pop();
      let phrase = run.join(' ').replace(/^[,:.\s]+|[,:\s]+$/g, '');
      // A trailing abbreviation in parentheses is its own candidate: "N-Phenethyl-4-piperidone (NPP)".
      const abbr = /\s*\(([^()]{2,12})\)$/.exec(phrase);
      if (abbr !== null) {
        phrase = phrase.slice(0, abbr.index);
        out.push({ phrase: abbr[1]!, variants: [abbr[1]!], salts: [] });
      }
      if (phrase.length >= 2) out.push({ phrase, variants: variantsOf(phrase), salts });
      run = [];
      salts = [];
    };
    for (const word of chunk.split(' ')) {
      const bare = word.toLowerCase().replace(/^[,;:([]+|[,;:.)\]]+$/g, '');
      if (SALT_WORDS.has(bare)) {
        salts.push(bare);
        continue;
      }
      if (isNoise(word)) {
        if (run.length > 0) flush();
        continue;
      }
      run.push(word);
    }
    if (run.length > 0 || salts.length > 0) flush();
  }
  return out;
}
