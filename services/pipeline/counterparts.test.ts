import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Report, reportSchema } from '../../schemas/report.ts';
import { CounterpartCache, ENTRY_OVERHEAD_BYTES, recall } from './counterparts.ts';

const base = reportSchema.parse(
  JSON.parse(readFileSync(new URL('../../examples/examples.jsonl', import.meta.url), 'utf8').split('\n')[0]!),
);

function doc(consignmentId: string, documentType: Report['documentType'], messageId: string) {
  const report = structuredClone(base);
  report.messageId = messageId;
  report.documentType = documentType;
  report.consignment.consignmentId = consignmentId;
  return { report, origin: { topic: 't', partition: 0, offset: '0' } };
}
const bytesOf = (d: { report: Report }) => Buffer.from(JSON.stringify(d.report));
const remember = (cache: CounterpartCache, d: ReturnType<typeof doc>) => cache.remember(d, bytesOf(d));

describe('CounterpartCache', () => {
  it('keeps a copy of the bytes, not a view of the buffer it was given, and reads it back', () => {
    const cache = new CounterpartCache({ bytes: 1 << 20 });
    const m = doc('C1', 'MANIFEST', 'm1');
    const fetched = Buffer.concat([Buffer.from('xx'), bytesOf(m), Buffer.from('yy')]);
    const entry = cache.remember(m, fetched.subarray(2, fetched.length - 2));
    fetched.fill(0);
    expect(recall(entry)?.report).toEqual(m.report);
    entry.lane = 'RED';
    expect(recall(cache.counterpart(doc('C1', 'DECLARATION', 'd1').report)!)?.lane).toBe('RED');
  });

  it('finds the other document of the same consignment, never the message itself', () => {
    const cache = new CounterpartCache({ bytes: 1 << 20 });
    const m = doc('C1', 'MANIFEST', 'm1');
    const d = doc('C1', 'DECLARATION', 'd1');
    expect(cache.counterpart(d.report)).toBeUndefined();
    remember(cache, m);
    expect(cache.counterpart(d.report)?.messageId).toBe('m1');
    expect(cache.counterpart(m.report)).toBeUndefined();
    remember(cache, d);
    expect(cache.counterpart(m.report)?.messageId).toBe('d1');
    expect(cache.counterpart(doc('C2', 'DECLARATION', 'x').report)).toBeUndefined();
  });

  it('forgets the least recently seen consignments beyond a consignment limit', () => {
    const cache = new CounterpartCache({ bytes: 1 << 20, consignments: 2 });
    remember(cache, doc('A', 'MANIFEST', 'a'));
    remember(cache, doc('B', 'MANIFEST', 'b'));
    remember(cache, doc('A', 'MANIFEST', 'a2'));
    remember(cache, doc('C', 'MANIFEST', 'c'));
    expect(cache.size).toBe(3); // nothing is forgotten before trim (the batch is still being read)
    cache.trim();
    expect(cache.size).toBe(2);
    expect(cache.counterpart(doc('B', 'DECLARATION', 'bd').report)).toBeUndefined();
    expect(cache.counterpart(doc('A', 'DECLARATION', 'ad').report)?.messageId).toBe('a2');
  });

  it('keeps what its documents hold allocated within its budget, counting a replaced document once', () => {
    // Slabs of 1 KiB: each ~1.6 kB document gets a buffer of its own, so the arithmetic is exact.
    const slabBytes = 1024;
    const cost = (d: ReturnType<typeof doc>) => bytesOf(d).length + ENTRY_OVERHEAD_BYTES;
    const [am, ad, bm, cm] = [
      doc('A', 'MANIFEST', 'am'),
      doc('A', 'DECLARATION', 'ad'),
      doc('B', 'MANIFEST', 'bm'),
      doc('C', 'MANIFEST', 'cm'),
    ];
    const cache = new CounterpartCache({ bytes: slabBytes + cost(am) + cost(ad) + cost(bm) + 10, slabBytes });
    remember(cache, am);
    remember(cache, ad);
    remember(cache, bm);
    expect(cache.bytes).toBe(slabBytes + cost(am) + cost(ad) + cost(bm));
    remember(cache, bm);
    expect(cache.bytes).toBe(slabBytes + cost(am) + cost(ad) + cost(bm)); // the same document again replaces its entry
    remember(cache, cm);
    cache.trim();
    // A (two documents, least recently seen) is forgotten whole, its memory released; B and C fit.
    expect(cache.size).toBe(2);
    expect(cache.bytes).toBe(slabBytes + cost(bm) + cost(cm));
    expect(cache.knows('A')).toBe(false);
    expect(cache.counterpart(doc('B', 'DECLARATION', 'bd').report)?.messageId).toBe('bm');
    // One document over the whole budget is still kept, alone: its counterpart may be next.
    const tiny = new CounterpartCache({ bytes: 10 });
    remember(tiny, doc('A', 'MANIFEST', 'am'));
    remember(tiny, doc('B', 'MANIFEST', 'bm'));
    tiny.trim();
    expect(tiny.size).toBe(1);
    expect(tiny.knows('B')).toBe(true);
  });

  it('counts the slabs its documents pin, so a cache that forgets stays within its budget', () => {
    const budget = 256 * 1024;
    const cache = new CounterpartCache({ bytes: budget });
    // Manifests of many consignments, and the declarations of every third one much later: the pairs
    // completed late keep their old manifests (and the slabs they sit in) alive.
    for (let i = 0; i < 3000; i++) {
      remember(cache, doc(`C${i}`, 'MANIFEST', `m${i}`));
      if (i >= 60 && i % 3 === 0) remember(cache, doc(`C${i - 60}`, 'DECLARATION', `d${i}`));
      if (i % 50 === 49) {
        cache.trim();
        expect(cache.bytes).toBeLessThanOrEqual(budget);
      }
    }
    expect(cache.size).toBeGreaterThan(20);
    // What the live documents really keep allocated, read from the documents themselves.
    const buffers = new Set<ArrayBufferLike>();
    for (let i = 0; i < 3000; i++)
      for (const kind of ['MANIFEST', 'DECLARATION'] as const) {
        const other = kind === 'MANIFEST' ? 'DECLARATION' : 'MANIFEST';
        const e = cache.counterpart(doc(`C${i}`, other, 'probe').report);
        if (e !== undefined) buffers.add(e.bytes.buffer);
      }
    const pinned = [...buffers].reduce((n, b) => n + b.byteLength, 0);
    expect(pinned).toBeLessThanOrEqual(budget);
  });
});
