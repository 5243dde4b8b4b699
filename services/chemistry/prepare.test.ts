import { describe, expect, it } from 'vitest';
import { candidateNames, restoreLocantCase, uninvert } from './prepare.ts';

describe('uninvert (CAS index names)', () => {
  it.each([
    ['4-Piperidinamine, N-phenyl-1-(2-phenylethyl)-', 'N-phenyl-1-(2-phenylethyl)-4-Piperidinamine'],
    ['Propanamide, N-phenyl-N-4-piperidinyl-', 'N-phenyl-N-4-piperidinylpropanamide'],
    ['Acetanilide, N-(1-phenethyl-4-piperidyl)-', 'N-(1-phenethyl-4-piperidyl)acetanilide'],
    [
      '1-Piperidinecarboxylic acid, 4-oxo-, 1,1-dimethylethyl ester',
      '4-oxo-1-Piperidinecarboxylic acid 1,1-dimethylethyl ester',
    ],
  ])('%s', (name, expected) => {
    expect(uninvert(name)).toBe(expected);
  });

  it('leaves ordinary names alone', () => {
    expect(uninvert('tert-butyl 4-oxopiperidine-1-carboxylate')).toBeNull();
    expect(uninvert('2,2,6,6-tetramethylpiperidin-4-one')).toBeNull();
  });
});

describe('restoreLocantCase', () => {
  it('upper-cases N locants, keeps n-butyl style prefixes only where they are not locants', () => {
    expect(restoreLocantCase('n-(1-phenethyl-4-piperidyl)acetanilide')).toBe(
      'N-(1-phenethyl-4-piperidyl)acetanilide',
    );
    expect(restoreLocantCase('n,n-dimethylaniline')).toBe('N,N-dimethylaniline');
    expect(restoreLocantCase('4-anilinopiperidine')).toBe('4-anilinopiperidine');
  });
});

describe('candidateNames', () => {
  it('drops quantities, purities, packing words and annotations, and separates salts', () => {
    const [c] = candidateNames('N-PHENETHYL-4-PIPERIDONE HYDROCHLORIDE 99% 25 kg drum');
    expect(c?.phrase).toBe('N-PHENETHYL-4-PIPERIDONE');
    expect(c?.salts).toEqual(['hydrochloride']);
    expect(candidateNames('Fentanyl citrate (1:1) (9CI)')[0]).toMatchObject({
      phrase: 'Fentanyl',
      salts: ['citrate'],
    });
  });

  it('splits a trailing abbreviation and CAS numbers off', () => {
    expect(candidateNames('N-Phenethyl-4-piperidone (NPP) CAS 39742-60-4').map((c) => c.phrase)).toEqual([
      'NPP',
      'N-Phenethyl-4-piperidone',
    ]);
  });

  it('finds nothing in words that are all noise', () => {
    expect(candidateNames('Pharmaceutical intermediate, 25 kg')).toEqual([]);
  });

  it('offers the uninverted spelling of a CAS index name', () => {
    const [c] = candidateNames('Propanamide, N-phenyl-N-4-piperidinyl- 98%');
    expect(c?.variants).toContain('N-phenyl-N-4-piperidinylpropanamide');
  });

  it('reads an inverted anhydride the way the parser does: "Propanoic acid, 1,1\'-anhydride"', () => {
    expect(candidateNames("Propanoic acid, 1,1'-anhydride (9CI)")[0]?.variants).toContain(
      'Propanoic anhydride',
    );
    expect(candidateNames('Propanoic acid, anhydride')[0]?.variants).toContain('Propanoic anhydride');
  });
});
