// Reads: SMILES (knowledge base, the name parser) and SMARTS (knowledge-base families).
// Writes: parent structures (largest fragment, neutralised) as canonical SMILES + InChIKey, substructure
// matches, and SVG drawings with the matched atoms highlighted. RDKit MinimalLib (WASM) runs in-process.
// Guarantees: the same structure always gives the same canonical SMILES and InChIKey, so salts, hydrates and
// every spelling of a substance meet at one identity; RDKit objects are freed before each call returns.

import type { Mol as JSMol, MainModule } from '@rdkit/rdkit';
import * as rdkitPackage from '@rdkit/rdkit';

// Loaded once per process (about 0.2 s); everything below is synchronous after that.
// The package is CommonJS with an ESM-style default export in its typings: take the factory either way.
const initRDKitModule = ((rdkitPackage as unknown as { default?: unknown }).default ??
  rdkitPackage) as unknown as () => Promise<MainModule>;
const RDKit: MainModule = await initRDKitModule();

export interface Structure {
  /** Canonical SMILES of the parent (largest fragment, neutralised). */
  smiles: string;
  inchikey: string;
}

function withMol<T>(smiles: string, fn: (mol: JSMol) => T): T | null {
  let mol: JSMol | null = null;
  try {
    mol = RDKit.get_mol(smiles);
    if (mol === null || !mol.is_valid()) return null;
    return fn(mol);
  } catch {
    return null;
  } finally {
    mol?.delete();
  }
}

/** Canonical SMILES of any valid SMILES, or null. */
export function canonicalSmiles(smiles: string): string | null {
  return withMol(smiles, (m) => m.get_smiles());
}

function heavyAtoms(smiles: string): number {
  return withMol(smiles, (m) => m.get_num_atoms()) ?? 0;
}

// Protonated amines and carboxylates written with explicit charges: the neutral parent has the H removed or added.
const CHARGED = /\[(N|n)H([23]?)\+\]|\[NH4\+\]|\[O-\]/g;

function neutralise(smiles: string): string {
  if (!/[+-]\]/.test(smiles)) return smiles;
  // Only a fragment with a net charge is a salt ion; nitro groups and N-oxides (net zero) stay as drawn.
  const plus = (smiles.match(/\+\]/g) ?? []).length;
  const minus = (smiles.match(/-\]/g) ?? []).length;
  if (plus === minus) return smiles;
  return smiles.replace(CHARGED, (m, n: string | undefined, h: string | undefined) => {
    if (m === '[O-]') return plus < minus ? 'O' : m;
    if (m === '[NH4+]') return 'N';
    if (plus <= minus) return m;
    if (n === 'n') return h === '' ? 'n' : '[nH]';
    return 'N';
  });
}

// Bounded: cleared when full (parents are cheap to recompute, and distinct structures per run are few).
const parents = new Map<string, Structure | null>();
const PARENT_CACHE_SIZE = 8192;

/** The parent structure of a SMILES (salts, counter-ions and water dropped, charges neutralised), or null. */
export function parentStructure(smiles: string): Structure | null {
  const cached = parents.get(smiles);
  if (cached !== undefined) return cached;
  let result: Structure | null = null;
  const canonical = canonicalSmiles(smiles);
  if (canonical !== null) {
    const fragments = canonical.split('.');
    const largest =
      fragments.length === 1
        ? canonical
        : fragments.reduce((a, b) => (heavyAtoms(b) > heavyAtoms(a) ? b : a));
    result = withMol(neutralise(largest), (m) => {
      const inchi = m.get_inchi();
      return { smiles: m.get_smiles(), inchikey: inchi === '' ? '' : RDKit.get_inchikey_for_inchi(inchi) };
    });
  }
  if (parents.size >= PARENT_CACHE_SIZE) parents.clear();
  parents.set(smiles, result);
  return result;
}

/** A compiled SMARTS query; `free()` releases it (knowledge reloads). */
export interface Query {
  readonly smarts: string;
  /** Matched atom indices in the SMILES, or null. */
  match(smiles: string): number[] | null;
  free(): void;
}

export function compileSmarts(smarts: string): Query {
  const q = RDKit.get_qmol(smarts);
  if (q === null || !q.is_valid()) {
    q?.delete();
    throw new Error(`invalid SMARTS ${smarts}`);
  }
  return {
    smarts,
    match(smiles) {
      return withMol(smiles, (m) => {
        const found = JSON.parse(m.get_substruct_match(q)) as { atoms?: number[] };
        return found.atoms !== undefined && found.atoms.length > 0 ? found.atoms : null;
      });
    },
    free: () => q.delete(),
  };
}

/** An SVG drawing of the molecule with the atoms of `highlightSmarts` (when given and matched) highlighted. */
export function depict(smiles: string, highlightSmarts?: string, width = 360, height = 260): string | null {
  return withMol(smiles, (m) => {
    const details: Record<string, unknown> = { width, height, addAtomIndices: false, clearBackground: true };
    if (highlightSmarts !== undefined) {
      const q = RDKit.get_qmol(highlightSmarts);
      try {
        if (q?.is_valid()) {
          const found = JSON.parse(m.get_substruct_match(q)) as { atoms?: number[]; bonds?: number[] };
          if (found.atoms !== undefined) {
            details.atoms = found.atoms;
            details.bonds = found.bonds ?? [];
          }
        }
      } finally {
        q?.delete();
      }
    }
    return m.get_svg_with_highlights(JSON.stringify(details));
  });
}

export const RDKIT_VERSION: string = RDKit.version();
