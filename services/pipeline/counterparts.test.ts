import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Report, reportSchema } from '../../schemas/report.ts';
import { CounterpartCache } from './counterparts.ts';

const base = reportSchema.parse(
  JSON.parse(readFileSync(new URL('../../examples/examples.jsonl', import.meta.url), 'utf8').split('\n')[0]!),
);

function doc(consignmentId: string, documentType: Report['documentType'], messageId: string) {
  const report = structuredClone(base);
  report.messageId = messageId;
  report.documentType = documentType;
  report.consignment.consignmentId = consignmentId;
  return { report, raw: '{}', origin: { topic: 't', partition: 0, offset: '0' } };
}

describe('CounterpartCache', () => {
  it('finds the other document of the same consignment, never the message itself', () => {
    const cache = new CounterpartCache(10);
    const m = doc('C1', 'MANIFEST', 'm1');
    const d = doc('C1', 'DECLARATION', 'd1');
    expect(cache.counterpart(d.report)).toBeUndefined();
    cache.remember(m);
    expect(cache.counterpart(d.report)?.report.messageId).toBe('m1');
    expect(cache.counterpart(m.report)).toBeUndefined();
    cache.remember(d);
    expect(cache.counterpart(m.report)?.report.messageId).toBe('d1');
    expect(cache.counterpart(doc('C2', 'DECLARATION', 'x').report)).toBeUndefined();
  });

  it('forgets the least recently seen consignments beyond its capacity', () => {
    const cache = new CounterpartCache(2);
    cache.remember(doc('A', 'MANIFEST', 'a'));
    cache.remember(doc('B', 'MANIFEST', 'b'));
    cache.remember(doc('A', 'MANIFEST', 'a2'));
    cache.remember(doc('C', 'MANIFEST', 'c'));
    expect(cache.size).toBe(2);
    expect(cache.counterpart(doc('B', 'DECLARATION', 'bd').report)).toBeUndefined();
    expect(cache.counterpart(doc('A', 'DECLARATION', 'ad').report)?.report.messageId).toBe('a2');
  });
});
