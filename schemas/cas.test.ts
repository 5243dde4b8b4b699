import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { casCheckDigit, checkCas, findCasInText, normalizeCas } from './cas.ts';

describe('CAS numbers', () => {
  it('validates the check digit of the controlled set (DOMAIN.md §7)', () => {
    for (const cas of [
      '21409-26-7',
      '39742-60-4',
      '23056-29-3',
      '125541-22-2',
      '1609-66-1',
      '41661-47-6',
      '79099-07-3',
    ]) {
      expect(checkCas(cas)).toEqual({ raw: cas, normalized: cas, valid: true });
    }
  });

  it('keeps a wrong check digit and marks it invalid', () => {
    expect(checkCas('1609-66-5')).toEqual({ raw: '1609-66-5', normalized: '1609-66-5', valid: false });
  });

  it('normalises filer variants', () => {
    expect(normalizeCas('CAS No. 39742 – 60 – 4'.replace(' – ', '-').replace(' – ', '-'))).toBe('39742-60-4');
    expect(normalizeCas('CAS: 0039742-60-4')).toBe('39742-60-4');
    expect(normalizeCas('not a cas')).toBeNull();
  });

  it('finds CAS numbers in free text', () => {
    const found = findCasInText('Item 39742-60-4, 25kg; ref 1609-66-5; tel 555-1234');
    expect(found.map((c) => [c.normalized, c.valid])).toEqual([
      ['39742-60-4', true],
      ['1609-66-5', false],
    ]);
  });

  it('any single changed digit of the check digit is caught', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 9_999_999 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 1, max: 9 }),
        (a, b, d) => {
          const body = `${a}${String(b).padStart(2, '0')}`;
          const check = casCheckDigit(body);
          const good = `${a}-${String(b).padStart(2, '0')}-${check}`;
          const bad = `${a}-${String(b).padStart(2, '0')}-${(check + d) % 10}`;
          return checkCas(good).valid && !checkCas(bad).valid;
        },
      ),
    );
  });
});
