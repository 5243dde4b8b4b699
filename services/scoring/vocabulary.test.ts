import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizePartyName } from './party-names.ts';
import {
  CALLING_CODES,
  emailCountry,
  phoneCountries,
  RESIDENTIAL_PATTERN,
  residentialTokens,
} from './vocabulary.ts';

// The definitions the hand-written scans replace.
function phoneReference(phone: string): readonly string[] | null {
  const m = /^\s*(?:\+|00)\s*(\d[\d\s().-]*)$/.exec(phone);
  if (m === null) return null;
  const digits = m[1]!.replace(/\D/g, '');
  for (const len of [3, 2, 1]) {
    const hit = CALLING_CODES[digits.slice(0, len)];
    if (hit !== undefined) return hit;
  }
  return null;
}

function emailReference(email: string): string | null {
  const m = /\.([a-z]{2})\s*$/i.exec(email);
  if (m === null) return null;
  const tld = m[1]!.toLowerCase();
  if (['co', 'io', 'ai', 'me', 'tv', 'cc', 'ws', 'fm', 'la', 'to', 'gg', 'ly'].includes(tld)) return null;
  return tld === 'uk' ? 'GB' : tld.toUpperCase();
}

const chars = (list: string[], maxLength: number) =>
  fc.array(fc.constantFrom(...list), { maxLength }).map((a) => a.join(''));

describe('contact details', () => {
  it('phone calling codes agree with the regular expression (property)', () => {
    const phone = fc.oneof(
      chars(
        [
          '+',
          '0',
          '0',
          '1',
          '8',
          '6',
          '5',
          '2',
          '9',
          ' ',
          '(',
          ')',
          '-',
          '.',
          '\u00a0',
          '\t',
          'x',
          '\u2003',
          '\n',
        ],
        16,
      ),
      fc
        .tuple(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 99_999_999 }))
        .map(([a, b]) => `+${a} ${b}`),
      fc.string(),
    );
    fc.assert(
      fc.property(phone, (p) => phoneCountries(p) === phoneReference(p)),
      { numRuns: 20_000 },
    );
    expect(phoneCountries('+86 21 5555 0100')).toEqual(['CN']);
    expect(phoneCountries('0052 (55) 1234')).toEqual(['MX']);
    expect(phoneCountries('+1-212-555-0100')).toContain('US');
    expect(phoneCountries('+0086 21')).toBeNull();
    expect(phoneCountries('86 21 5555')).toBeNull();
  });

  it('e-mail country domains agree with the regular expression (property)', () => {
    const mail = fc.oneof(
      chars(
        ['a', 'b', 'c', 'n', 'u', 'k', 'C', 'N', '.', '.', '@', ' ', '\u00a0', '\t', 'é', '1', '\u2028'],
        12,
      ),
      fc.string(),
    );
    fc.assert(
      fc.property(mail, (m) => emailCountry(m) === emailReference(m)),
      { numRuns: 20_000 },
    );
    expect(emailCountry('sales@x.com.cn ')).toBe('CN');
    expect(emailCountry('a@b.co.uk')).toBe('GB');
    expect(emailCountry('a@b.io')).toBeNull();
  });
});

describe('residential addresses', () => {
  it('the word scan agrees with RESIDENTIAL_PATTERN on the joined words (property)', () => {
    const words = [
      'apt',
      'Apt.',
      'house',
      'no',
      'No.',
      'h',
      'p',
      'o',
      'box',
      'po',
      'post',
      'pobox',
      'flat',
      'flats',
    ];
    const more = ['villa', 'condo', 'condominium', 'x', '12', 'B', 'street', '&', "O'Neil", 'Ñ', '-', 'dorm'];
    const address = fc
      .array(fc.tuple(fc.constantFrom(...words, ...more), fc.constantFrom(' ', '', ', ', '. ', '  ')), {
        maxLength: 8,
      })
      .map((parts) => parts.map(([w, sep]) => w + sep).join(''));
    fc.assert(
      fc.property(address, (a) => {
        const tokens = normalizePartyName(a).tokens;
        return residentialTokens(tokens) === RESIDENTIAL_PATTERN.test(tokens.join(' '));
      }),
      { numRuns: 20_000 },
    );
    expect(residentialTokens(normalizePartyName('12 Elm St, Apt 4B').tokens)).toBe(true);
    expect(residentialTokens(normalizePartyName('P.O. Box 55').tokens)).toBe(true);
    expect(residentialTokens(normalizePartyName('House No. 5, Sector 2').tokens)).toBe(true);
    expect(residentialTokens(normalizePartyName('Flats Industrial Park').tokens)).toBe(false);
  });
});
