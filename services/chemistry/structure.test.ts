import { describe, expect, it } from 'vitest';
import { canonicalSmiles, compileSmarts, depict, parentStructure } from './structure.ts';

describe('parentStructure', () => {
  it('gives salts and hydrates the identity of their parent', () => {
    const base = parentStructure('O=C1CCNCC1')!;
    expect(parentStructure('Cl.O.N1CCC(CC1)=O')).toEqual(base);
    expect(parentStructure('O=C1CC[NH2+]CC1.[Cl-]')).toEqual(base);
    expect(base.inchikey).toMatch(/^[A-Z]{14}-[A-Z]{10}-[A-Z]$/);
  });

  it('keeps the largest fragment of fentanyl citrate', () => {
    const citrate = parentStructure(
      'C(CC(O)(C(=O)O)CC(=O)O)(=O)O.C(CC1=CC=CC=C1)N1CCC(CC1)N(C1=CC=CC=C1)C(CC)=O',
    )!;
    expect(citrate.smiles).toBe(canonicalSmiles('CCC(=O)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1'));
  });

  it('keeps nitro groups as drawn and rejects nonsense', () => {
    expect(parentStructure('O=[N+]([O-])c1ccccc1')?.smiles).toBe(canonicalSmiles('O=[N+]([O-])c1ccccc1'));
    expect(parentStructure('not a smiles')).toBeNull();
  });
});

describe('compileSmarts and depict', () => {
  it('separates an N-substituted 4-piperidone from a ring-C-substituted one', () => {
    const nSub = compileSmarts('O=C1[CH2][CH2]N([#6])[CH2][CH2]1');
    expect(nSub.match('O=C1CCN(CCc2ccccc2)CC1')).not.toBeNull();
    expect(nSub.match('CC1(C)CC(=O)CC(C)(C)N1')).toBeNull();
    nSub.free();
  });

  it('draws an SVG with the matched atoms highlighted', () => {
    const plain = depict('O=C1CCN(CCc2ccccc2)CC1')!;
    const marked = depict('O=C1CCN(CCc2ccccc2)CC1', 'O=C1CCNCC1')!;
    expect(plain).toContain('<svg');
    expect(marked).not.toBe(plain);
    expect(marked).toMatch(/fill:#FF7F7F|#FF7F7F|stroke:#FF7F7F/i);
  });
});
