// The knowledge base's structures checked against an independent reading of its own names: every substance's
// SMILES must be what OPSIN makes of at least one of its systematic names, every salt or hydrate form must have
// its substance as parent, and every family SMARTS must compile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledge } from '../scoring/knowledge.ts';
import { ensureOpsinJars, type OpsinHelper, startOpsin } from './opsin.ts';
import { compileSmarts, parentStructure } from './structure.ts';

const kb = loadKnowledge();
let opsin: OpsinHelper;
beforeAll(async () => {
  await ensureOpsinJars();
  opsin = startOpsin();
}, 300_000);
afterAll(() => opsin.stop());

describe('knowledge-base structures', () => {
  it('gives every substance a structure that one of its own names parses to', async () => {
    const mismatches: string[] = [];
    for (const s of kb.file.substances) {
      const own = parentStructure(s.structure.smiles);
      expect(own, `${s.id}: invalid SMILES`).not.toBeNull();
      const names = [...s.names, ...s.synonyms];
      const parsed = await opsin.parse(names, 60_000);
      const agree = parsed.some(
        (smi) => typeof smi === 'string' && parentStructure(smi)?.inchikey === own!.inchikey,
      );
      if (!agree) mismatches.push(s.id);
    }
    // Substances whose names are all trivial or class names OPSIN cannot read are listed here, checked by hand.
    expect(mismatches.filter((id) => !['npp-aniline-imine', 'halogenated-4-ap'].includes(id))).toEqual([]);
  }, 120_000);

  it('gives each salt and hydrate form its substance as parent, and no two substances one identity', () => {
    const seen = new Map<string, string>();
    for (const s of kb.file.substances) {
      const key = parentStructure(s.structure.smiles)!.inchikey;
      expect(seen.get(key), `${s.id} has the structure of ${seen.get(key)}`).toBeUndefined();
      seen.set(key, s.id);
      for (const c of s.cas) {
        if (c.form === 'base') continue;
        // Every salt and hydrate form carries its own structure (the counter-ion, the water).
        expect(c.smiles, `${s.id} ${c.number}: no structure`).toBeDefined();
        const parent = parentStructure(c.smiles!);
        expect(parent, `${s.id} ${c.number}`).not.toBeNull();
        // A gem-diol hydrate (4,4-piperidinediol) is its own parent; it still belongs to its substance by CAS.
        if (!/OC\d?\(O\)|C\(O\)\(O\)/.test(c.smiles!))
          expect(parent!.inchikey, `${s.id} ${c.number}: parent is not ${s.id}`).toBe(key);
      }
    }
    for (const l of kb.file.lookalikes)
      if (l.smiles !== undefined) expect(seen.has(parentStructure(l.smiles)!.inchikey)).toBe(false);
  });

  it('compiles every family SMARTS', () => {
    for (const f of kb.file.analogueFamilies)
      for (const s of [...f.smarts, ...f.alsoSmarts, ...f.excludeSmarts]) compileSmarts(s).free();
  });
});
