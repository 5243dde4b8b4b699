import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CasCheck, casCheckDigit, checkCas, findCasInText, normalizeCas } from './cas.ts';

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

  it('gives the same answers as the plain cleaning-first implementation it replaced', () => {
    // The implementation before the already-canonical fast path, kept here as the reference.
    const reference = (text: string): CasCheck => {
      const cleaned = text
        .trim()
        .replace(/^cas(?:\s*(?:no\.?|number|#|rn))?\s*[:#]?\s*/i, '')
        .replace(/[\u2010-\u2015\u2212]/g, '-')
        .replace(/\s*-\s*/g, '-');
      const m = /^(\d{2,7})-(\d{2})-(\d)$/.exec(cleaned);
      if (!m) return { raw: text, normalized: null, valid: false };
      const normalized = `${m[1]!.replace(/^0+(?=\d{2})/, '')}-${m[2]}-${m[3]}`;
      const [head, mid, check] = normalized.split('-') as [string, string, string];
      return { raw: text, normalized, valid: casCheckDigit(head + mid) === Number(check) };
    };
    const piece = fc.oneof(
      fc.stringMatching(/^\d{1,8}$/),
      fc.constantFrom(
        '-',
        '\u2013',
        '\u2212',
        ' ',
        ' - ',
        'CAS ',
        'cas no. ',
        'CAS#',
        'CAS RN: ',
        '0',
        '00',
        'x',
        '\t',
      ),
    );
    const cas = fc.oneof(
      fc.array(piece, { maxLength: 7 }).map((p) => p.join('')),
      fc
        .tuple(fc.integer({ min: 0, max: 99_999_999 }), fc.nat(99), fc.nat(9))
        .map(([a, b, c]) => `${a}-${b}-${c}`),
      fc.string(),
    );
    fc.assert(
      fc.property(cas, (text) => {
        expect(checkCas(text)).toStrictEqual(reference(text));
        expect(normalizeCas(text)).toBe(reference(text).normalized);
      }),
      { numRuns: 5000 },
    );
  });
});
