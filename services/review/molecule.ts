// Reads: a decision's substance matches (parent SMILES and the family SMARTS that matched), and the goods
// lines the decision found no structure in. Writes: an SVG drawing per match with a structure (RDKit
// MinimalLib, in-process), the matched substructure highlighted: the family's SMARTS for an analogue, the
// whole molecule for an identified substance; and, for the other lines, the structures their names resolve
// to now (the chemistry room's name parser, OPSIN, which the review app starts), drawn plainly.
// Guarantees: a match without a structure, or one RDKit cannot draw, simply has no drawing; drawings are
// memoised by (SMILES, SMARTS) so a busy queue draws each molecule once; reading the other lines never
// delays a case view beyond its deadline (names the parser has not answered by then are left out) and
// never changes what the decision says.
import type { SubstanceMatch } from '../../schemas/decision.ts';
import { createIdentifier, type Identifier } from '../chemistry/identify.ts';
import { nameResolver } from '../chemistry/name-resolver.ts';
import { depict } from '../chemistry/structure.ts';
import { loadKnowledge } from '../scoring/knowledge.ts';

export type DrawnSubstance = SubstanceMatch & { drawing?: string };

const drawings = new Map<string, string | null>();

// The app's CSP forbids inline styles (the client drops style attributes): RDKit's per-element styles
// become the equivalent SVG presentation attributes, which the CSP allows.
function presentationAttributes(svg: string): string {
  return svg.replace(/\sstyle=(['"])([^'"]*)\1/g, (_m, _q: string, css: string) =>
    css
      .split(';')
      .map((d) => d.split(':'))
      .filter((kv): kv is [string, string] => kv.length === 2 && /^[a-z-]+$/.test(kv[0]!.trim()))
      .map(([k, v]) => ` ${k.trim()}="${v.trim().replace(/"/g, '')}"`)
      .join(''),
  );
}
const MAX_DRAWINGS = 2048;

/** A drawing of the structure, `smarts` highlighted (none: plain). */
function draw(smiles: string, smarts?: string): string | null {
  const key = `${smiles} ${smarts ?? ''}`;
  const known = drawings.get(key);
  if (known !== undefined) return known;
  const drawn = depict(smiles, smarts);
  const svg = drawn === null ? null : presentationAttributes(drawn);
  if (drawings.size >= MAX_DRAWINGS) drawings.clear();
  drawings.set(key, svg);
  return svg;
}

export function withDrawings(substances: readonly SubstanceMatch[]): DrawnSubstance[] {
  return substances.map((s) => {
    if (typeof s.smiles !== 'string' || s.smiles === '') return s;
    const drawing = draw(s.smiles, typeof s.smarts === 'string' && s.smarts !== '' ? s.smarts : s.smiles);
    return drawing === null ? s : { ...s, drawing };
  });
}

/** A structure named in a goods line the decision identified nothing in, read when the case is opened. */
export interface LineStructure {
  goodsLine: number;
  /** The name as written in the line. */
  name: string;
  smiles: string;
  inchikey: string;
  drawing?: string;
}

let lineIdentifier: Identifier | undefined;

/** Lines read per case view: a 2,500-line manifest is not parsed whole to open its case. */
export const MAX_LINES_READ = 50;

/**
 * The structures the names in these goods lines resolve to, asking the name parser in one batch for
 * what it has not answered, bounded by `deadlineMs`.
 */
export async function lineStructures(
  lines: readonly { lineNumber: number; description: string }[],
  deadlineMs = 2000,
): Promise<LineStructure[]> {
  const read = lines.filter((l) => l.description.trim() !== '').slice(0, MAX_LINES_READ);
  if (read.length === 0) return [];
  lineIdentifier ??= createIdentifier(loadKnowledge().file, nameResolver);
  const id = lineIdentifier;
  await nameResolver().resolve([...new Set(read.flatMap((l) => id.namesOf(l.description)))], deadlineMs);
  return read.flatMap((l) =>
    id.structuresOf(l.description).map((st) => {
      const drawing = draw(st.smiles); // plain: nothing in it was matched
      return {
        goodsLine: l.lineNumber,
        name: st.name,
        smiles: st.smiles,
        inchikey: st.inchikey,
        ...(drawing === null ? {} : { drawing }),
      };
    }),
  );
}
