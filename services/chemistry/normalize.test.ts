import { describe, expect, it } from 'vitest';
import { CONFUSABLES, nameKey, normalizeText } from './normalize.ts';

describe('normalizeText', () => {
  it('folds full-width forms and dashes (NFKC)', () => {
    expect(normalizeText('４－ｐｉｐｅｒｉｄｏｎｅ')).toBe('4-piperidone');
    expect(normalizeText('4–Anilino—piperidine')).toBe('4-Anilino-piperidine');
  });

  it('folds Cyrillic and Greek look-alikes inside Latin words only', () => {
    // Cyrillic р (U+0440), о (U+043E), е (U+0435) inside a Latin name.
    expect(normalizeText('4-\u0440ip\u0435ridon\u0435')).toBe('4-piperidone');
    expect(normalizeText('N\u0420\u0420')).toBe('NPP');
    expect(normalizeText('\u03bf-toluidine')).toBe('o-toluidine');
    expect(normalizeText('пиперидон-4')).toBe('пиперидон-4');
    expect(normalizeText('4-哌啶酮')).toBe('4-哌啶酮');
  });

  it('folds digits typed for letters inside chemical words, never locants', () => {
    expect(normalizeText('4-piperid0ne')).toBe('4-piperidone');
    expect(normalizeText('4-ani1inopiperidine')).toBe('4-anilinopiperidine');
    expect(normalizeText('N-pheny1-piperidin-4-amine')).toBe('N-phenyl-piperidin-4-amine');
    expect(normalizeText('N-(1-phenethyl-4-piperidyl)propi0nani1ide')).toBe(
      'N-(1-phenethyl-4-piperidyl)propionanilide',
    );
    expect(normalizeText('1,4-dioxa-8-azaspiro[4.5]decane')).toBe('1,4-dioxa-8-azaspiro[4.5]decane');
    expect(normalizeText('tert-butyl 4-oxopiperidine-1-carboxylate')).toBe(
      'tert-butyl 4-oxopiperidine-1-carboxylate',
    );
  });

  it('reads the vendored confusables data', () => {
    expect(CONFUSABLES.size).toBeGreaterThan(300);
    expect(CONFUSABLES.get('\u0430')).toBe('a');
  });
});

describe('nameKey', () => {
  it('ignores case, accents and in-name punctuation, keeps word separators', () => {
    expect(nameKey('4-Анилино-N-фенэтилпиперидин')).toBe(nameKey('4‑анилино‑n‑фенэтилпиперидин'));
    expect(nameKey('Pipéridin-4-one')).toBe('piperidin4one');
    expect(nameKey('N-[1-(2-苯乙基)-4-哌啶基]-N-苯基丙酰胺，99%')).toBe('n12苯乙基4哌啶基n苯基丙酰胺 99%');
  });
});
