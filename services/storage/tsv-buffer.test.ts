import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteSlab, TsvBuffer } from './tsv-buffer.ts';

describe('TsvBuffer', () => {
  it('holds exactly what was appended, in order, across growth', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.string({ unit: 'binary', maxLength: 3000 }), fc.uint8Array({ maxLength: 3000 })),
          {
            maxLength: 80,
          },
        ),
        (parts) => {
          const out = new TsvBuffer(1);
          const expected: Buffer[] = [];
          for (const p of parts) {
            if (typeof p === 'string') {
              out.line(p);
              expected.push(Buffer.from(`${p}\n`));
            } else {
              out.raw(p);
              expected.push(Buffer.from(p));
            }
          }
          expect(out.bytes().equals(Buffer.concat(expected))).toBe(true);
          expect(out.rows).toBe(parts.filter((p) => typeof p === 'string').length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('encodes characters outside the BMP and lone surrogates as Buffer.from does', () => {
    const s = `é 漢字 🧪 ${'\ud800'} end`;
    const out = new TsvBuffer().text(s);
    expect(out.bytes().equals(Buffer.from(s))).toBe(true);
  });
});

describe('ByteSlab', () => {
  it('returns copies that later changes to the source or later copies do not touch', () => {
    const slab = new ByteSlab(1024);
    const copies: [Buffer, Buffer][] = [];
    for (let i = 0; i < 100; i++) {
      const src = Buffer.from(`message ${i} `.repeat((i % 30) + 1));
      const copy = slab.copy(src);
      copies.push([copy, Buffer.from(src)]);
      src.fill(0);
    }
    for (const [copy, original] of copies) expect(copy.equals(original)).toBe(true);
  });

  it('holds a slab while any copy in it lives, and an own buffer for a large value until released', () => {
    const slab = new ByteSlab(1024); // copies of up to 128 bytes share slabs
    const small = (k: number) => Buffer.alloc(100, k);
    expect(slab.held).toBe(1024); // the slab being filled
    const first = Array.from({ length: 10 }, (_, k) => slab.copy(small(k))); // 10 × 104 > 1024: two slabs
    expect(slab.held).toBe(2048);
    const large = slab.copy(Buffer.alloc(500, 7));
    expect(slab.held).toBe(2048 + 500);
    slab.release(large);
    expect(slab.held).toBe(2048);
    // Nine copies went to the first slab: it stays until the last of them is released.
    for (const c of first.slice(0, 8)) slab.release(c);
    expect(slab.held).toBe(2048);
    slab.release(first[8]!);
    expect(slab.held).toBe(1024);
    // The copy in the slab being filled is released, but the slab is kept while it is current...
    slab.release(first[9]!);
    expect(slab.held).toBe(1024);
    // ...and freed once a new one replaces it with nothing left in it.
    for (let k = 0; k < 10; k++) slab.release(slab.copy(small(k)));
    expect(slab.held).toBe(1024);
    const kept = slab.copy(small(1));
    for (let k = 0; k < 10; k++) slab.release(slab.copy(small(k)));
    expect(slab.held).toBe(2048); // the slab with `kept` stays
    slab.release(kept);
    expect(slab.held).toBe(1024);
    expect(() => slab.release(first[0]!)).toThrow(/released twice/);
  });
});
