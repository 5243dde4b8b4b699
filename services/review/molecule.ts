// Reads: a decision's substance matches (parent SMILES and the family SMARTS that matched).
// Writes: an SVG drawing per match with a structure (RDKit MinimalLib, in-process), the matched substructure
// highlighted: the family's SMARTS for an analogue, the whole molecule for an identified substance.
// Guarantees: a match without a structure, or one RDKit cannot draw, simply has no drawing; drawings are
// memoised by (SMILES, SMARTS) so a busy queue draws each molecule once.
import type { SubstanceMatch } from '../../schemas/decision.ts';
import { depict } from '../chemistry/structure.ts';

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

function draw(smiles: string, smarts: string): string | null {
  const key = `${smiles} ${smarts}`;
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
