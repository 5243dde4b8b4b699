import { describe, expect, it } from 'vitest';
import { BoundedCache } from './memo.ts';

describe('BoundedCache', () => {
  it('never holds more than its capacity', () => {
    const c = new BoundedCache<number, number>(100);
    for (let i = 0; i < 10_000; i++) {
      c.set(i, i * 2);
      expect(c.size).toBeLessThanOrEqual(100);
    }
    expect(c.get(9_999)).toBe(19_998);
  });

  it('keeps recurring keys through a stream of keys seen once', () => {
    const c = new BoundedCache<string, number>(8);
    const hot = ['a', 'b', 'c', 'd'];
    for (const [i, k] of hot.entries()) c.set(k, i);
    for (let i = 0; i < 1000; i++) {
      c.set(`once-${i}`, i);
      for (const k of hot) expect(c.get(k)).toBe(hot.indexOf(k));
    }
    expect(c.size).toBe(8);
    expect(c.get('once-0')).toBeUndefined();
  });

  it('evicts an entry not used since the clock hand last passed', () => {
    const c = new BoundedCache<string, number>(4);
    for (const k of ['a', 'b', 'c', 'd']) c.set(k, 0);
    c.get('a');
    c.get('c');
    c.set('e', 0); // b is the first without a reference
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe(0);
    expect(c.get('c')).toBe(0);
    expect(c.get('d')).toBe(0);
    expect(c.get('e')).toBe(0);
  });

  it('counts hits and misses, and replaces values in place', () => {
    const c = new BoundedCache<string, string>(4);
    expect(c.get('a')).toBeUndefined();
    c.set('a', 'x');
    c.set('a', 'y');
    expect(c.get('a')).toBe('y');
    expect(c.stats()).toEqual({ capacity: 4, size: 1, hits: 1, misses: 1 });
    c.clear();
    expect(c.size).toBe(0);
  });

  it('rejects a capacity below one', () => {
    expect(() => new BoundedCache(0)).toThrow(RangeError);
  });
});
