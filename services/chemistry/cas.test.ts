import { describe, expect, it } from 'vitest';
import { findCasNumbers } from './cas.ts';
import { normalizeText } from './normalize.ts';

const known = (c: string) => c === '39742-60-4';
const first = (t: string) => findCasNumbers(normalizeText(t), known)[0];

describe('findCasNumbers', () => {
  it.each([
    ['NPP 39742-60-4'],
    ['NPP 39742 - 60 - 4'],
    ['NPP 39742–60–4'],
    ['NPP 39742—60—4'],
    ['NPP ３９７４２－６０－４'],
    ['CAS# 39742604'],
    ['CAS No. 39742604'],
    ['CAS RN: 39742 60 4'],
    ['organic intermediate 39742604'],
    ['item 39742.60.4'],
  ])('reads %s', (t) => {
    expect(first(t)).toMatchObject({ normalized: '39742-60-4', valid: true });
  });

  it('reports a hyphenated number with a wrong check digit as invalid', () => {
    expect(first('cas 39742-60-5')).toMatchObject({ normalized: '39742-60-5', valid: false });
  });

  it('never reads quantities, HS codes or unlabelled unknown digit runs as CAS numbers', () => {
    expect(findCasNumbers(normalizeText('25 kg x 40 drums, HS 29333990, invoice 1234567'), known)).toEqual(
      [],
    );
    expect(findCasNumbers(normalizeText('order 39742605'), known)).toEqual([]);
    expect(findCasNumbers('lot 12 34 5', known)).toEqual([]);
  });
});
