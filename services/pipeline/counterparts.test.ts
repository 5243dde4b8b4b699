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

  it('keeps the remembered bytes within its budget, counting a replaced document once', () => {
    const cost = (d: ReturnType<typeof doc>) => bytesOf(d).length + ENTRY_OVERHEAD_BYTES;
    const [am, ad, bm, cm] = [
      doc('A', 'MANIFEST', 'am'),
      doc('A', 'DECLARATION', 'ad'),
      doc('B', 'MANIFEST', 'bm'),
      doc('C', 'MANIFEST', 'cm'),
    ];
    const cache = new CounterpartCache({ bytes: cost(am) + cost(ad) + cost(bm) + 10 });
    remember(cache, am);
    remember(cache, ad);
    remember(cache, bm);
    expect(cache.bytes).toBe(cost(am) + cost(ad) + cost(bm));
    remember(cache, bm);
    expect(cache.bytes).toBe(cost(am) + cost(ad) + cost(bm)); // the same document again replaces its entry
    remember(cache, cm);
    cache.trim();
    // A (two documents, least recently seen) is forgotten whole; B and C fit.
    expect(cache.size).toBe(2);
    expect(cache.bytes).toBe(cost(bm) + cost(cm));
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
});
