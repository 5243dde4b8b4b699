import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BloomFilter } from './stored-index.ts';

describe('BloomFilter', () => {
  it('never answers no for an added string', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 500 }), (ids) => {
        const f = new BloomFilter(ids.length);
        for (const id of ids) f.add(id);
        for (const id of ids) expect(f.has(id)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('answers yes for strings never added at about the rate it was sized for', () => {
    const f = new BloomFilter(20_000, 0.01);
    for (let i = 0; i < 20_000; i++) f.add(`CN-${i}`);
    let wrong = 0;
    for (let i = 0; i < 100_000; i++) if (f.has(`XX-${i}`)) wrong++;
    expect(wrong / 100_000).toBeLessThan(0.02);
  });
});
