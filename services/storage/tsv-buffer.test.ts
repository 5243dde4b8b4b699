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
});
