// Reads: free text (goods descriptions, knowledge-base names). Writes: lower-case ASCII tokens, the unit
// the name table and the wording checks work on.
// Guarantees: names and descriptions go through the same steps, so "4-Piperidone", "4 piperidone" and
// "4‑PIPERIDONE" compare equal; salt and hydrate words are recognised, never silently merged into names.

const wordSet = (list: string): ReadonlySet<string> => new Set(list.trim().split(/\s+/));

const GREEK: Record<string, string> = {
  α: 'alpha',
  β: 'beta',
  γ: 'gamma',
  δ: 'delta',
  ε: 'epsilon',
  ω: 'omega',
};

function foldNonAscii(lower: string): string {
  return lower
    .replace(/[αβγδεω]/g, (c) => ` ${GREEK[c] ?? c} `)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
}

export interface ChemTokens {
  tokens: string[];
  /** Count of digit characters: fewer than 5 means no CAS number can be in the text. */
  digits: number;
}

/**
 * Lower case, accents and Greek letters folded, split on every non-alphanumeric character.
 * A hand-written scan: this runs for every goods line and regex replace+split costs several times more.
 */
export function tokenizeChem(text: string): ChemTokens {
  let s = text.toLowerCase();
  const tokens: string[] = [];
  let digits = 0;
  let start = -1;
  for (let pass = 0; pass < 2; pass++) {
    let ascii = true;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const digit = c >= 48 && c <= 57;
      if ((c >= 97 && c <= 122) || digit) {
        if (digit) digits++;
        if (start < 0) start = i;
        continue;
      }
      if (c > 127 && pass === 0) {
        ascii = false;
        break;
      }
      if (start >= 0) tokens.push(s.slice(start, i));
      start = -1;
    }
    if (ascii) break;
    // Rare path: fold accents and Greek letters once, then scan again.
    s = foldNonAscii(s);
    tokens.length = 0;
    digits = 0;
    start = -1;
  }
  if (start >= 0) tokens.push(s.slice(start));
  return { tokens, digits };
}

export function chemTokens(text: string): string[] {
  return tokenizeChem(text).tokens;
}

/** Normalised form: tokens joined by one space. */
export function normalizeChemText(text: string): string {
  return chemTokens(text).join(' ');
}

/** Joined without separators: the key names are indexed and looked up by. */
export function squash(text: string): string {
  return chemTokens(text).join('');
}

/** Salt, hydrate and grade words: evidence of a salt form, not part of a substance name. */
export const SALT_WORDS: ReadonlySet<string> = wordSet(`
  hydrochloride dihydrochloride hcl 2hcl hydrobromide hbr monohydrate hydrate dihydrate h2o salt
  sulfate sulphate citrate oxalate tartrate acetate phosphate mesylate tosylate fumarate maleate
  hemihydrate
`);

/** Protecting groups and substituent words that do not end in "yl". */
const SUBSTITUENT_WORDS: ReadonlySet<string> = wordSet(`
  boc nboc tboc cbz fmoc oxo fluoro chloro bromo iodo nitro amino hydroxy methoxy ethoxy
`);

// Spanish alkyl and aryl substituents end in "-il" ("2-metil-4-piperidona", "tetrametil").
const SPANISH_SUBSTITUENT = /(?:metil|etil|propil|butil|pentil|hexil|fenil|bencil|alil)$/;

/** A token that names a substituent (methyl, benzyl, phenethyl, boc, fluoro, metil, ...). */
export function isSubstituentToken(token: string): boolean {
  return (
    // "propan-2-yl" ends in the token "yl"; "dimethylamino" is a substituent like "amino".
    token.endsWith('yl') ||
    token.endsWith('amino') ||
    SUBSTITUENT_WORDS.has(token) ||
    SPANISH_SUBSTITUENT.test(token)
  );
}

const DERIVATIVE_FOLLOWERS: ReadonlySet<string> = wordSet(`
  ketal acetal ethylene carbamate oxime hydrazone carboxylate carboxylic dimethylacetal
`);
const SUBSTITUENT_SUFFIX = /(?:yl|ol|one|amine|amide|ate|ic|ile)$/;

/** True when the tokens after a name turn it into a derivative ("... ethylene ketal", "... 1-carboxylate"). */
export function derivativeFollows(tokens: readonly string[], end: number): boolean {
  const next = tokens[end + 1];
  if (next === undefined) return false;
  if (DERIVATIVE_FOLLOWERS.has(next)) return true;
  const after = tokens[end + 2];
  return next.length === 1 && /\d/.test(next) && after !== undefined && SUBSTITUENT_SUFFIX.test(after);
}

/** Words that say the line is about a chemical even without a recognised name. */
export const CHEMICAL_CONTEXT_WORDS: ReadonlySet<string> = wordSet(`
  chemical chemicals reagent reagents intermediate intermediates powder crystal crystals
  crystalline purity cas solvent api synthesis pharmaceutical pharma compound research rc fine
  organic precursor raw assay grade
`);

/** Tokens that only describe quantity, purity or packing; ignored when judging a "bare CAS" description. */
export const FILLER_WORDS: ReadonlySet<string> = wordSet(`
  cas no number rn kg kgs g gr l ml pcs pc drum drums bag bags box boxes bottle bottles carton
  cartons pack packs x of and the a purity min powder liquid white grade pure sample samples net
  gross weight
`);
