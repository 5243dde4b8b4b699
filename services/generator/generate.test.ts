import { describe, expect, it } from 'vitest';
import { checkCas } from '../../schemas/cas.ts';
import { reportSchema } from '../../schemas/report.ts';
import { ANALOGUES, BENIGN_CHEMICALS, CONTROLLED } from './catalog.ts';
import { generateReports, PATTERNS, type PatternName, partyPool } from './index.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('generateReports', () => {
  it('produces 5,000 reports across seeds that all pass reportSchema', () => {
    let n = 0;
    for (const seed of [1, 2, 3, 42, 0xdeadbeef]) {
      const { reports, labels } = generateReports({ count: 1000, seed });
      expect(reports).toHaveLength(1000);
      expect(labels).toHaveLength(1000);
      for (const [i, report] of reports.entries()) {
        const parsed = reportSchema.safeParse(report);
        if (!parsed.success)
          throw new Error(`seed ${seed} report ${i}: ${parsed.error.message}\n${JSON.stringify(report)}`);
        expect(labels[i]!.messageId).toBe(report.messageId);
        expect(labels[i]!.consignmentId).toBe(report.consignment.consignmentId);
        n++;
      }
    }
    expect(n).toBe(5000);
  });

  it('is deterministic: the same seed gives byte-identical output, another seed does not', () => {
    const a = JSON.stringify(generateReports({ count: 2000, seed: 11 }));
    const b = JSON.stringify(generateReports({ count: 2000, seed: 11 }));
    const c = JSON.stringify(generateReports({ count: 2000, seed: 12 }));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('gives UUID-shaped, unique message ids and orders reports by filedAt', () => {
    const { reports } = generateReports({ count: 3000, seed: 5 });
    const ids = new Set(reports.map((r) => r.messageId));
    expect(ids.size).toBe(reports.length);
    for (const r of reports) expect(r.messageId).toMatch(UUID);
    const times = reports.map((r) => Date.parse(r.filedAt));
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
  });

  it('has a 2-4 % positive base rate and declarations for about 60 % of consignments', () => {
    const { reports, labels } = generateReports({ count: 20_000, seed: 3 });
    const rate = labels.filter((l) => l.positive).length / labels.length;
    expect(rate).toBeGreaterThan(0.02);
    expect(rate).toBeLessThan(0.04);
    const consignments = new Set(reports.map((r) => r.consignment.consignmentId)).size;
    const declarations = reports.filter((r) => r.documentType === 'DECLARATION').length;
    expect(declarations / consignments).toBeGreaterThan(0.5);
    expect(declarations / consignments).toBeLessThan(0.7);
    // Both documents of a consignment carry the same label.
    const byId = new Map<string, boolean>();
    for (const l of labels) {
      const seen = byId.get(l.consignmentId);
      if (seen !== undefined) expect(seen).toBe(l.positive);
      byId.set(l.consignmentId, l.positive);
    }
  });

  it('reuses established firms and their identifiers across seeds', () => {
    const pool = partyPool();
    const known = new Set(pool.generalBuyers.map((f) => f.party.identifier));
    const hits = (seed: number) =>
      new Set(
        generateReports({ count: 1000, seed })
          .reports.map((r) => r.consignment.parties.consignee.identifier)
          .filter((id): id is string => typeof id === 'string' && known.has(id)),
      );
    const a = hits(1);
    const b = hits(2);
    expect(a.size).toBeGreaterThan(10);
    expect([...a].filter((id) => b.has(id)).length).toBeGreaterThan(5);
  });

  it('honours ratios: a single enabled pattern yields only that pattern', () => {
    const ratios = Object.fromEntries(Object.keys(PATTERNS).map((k) => [k, 0])) as Record<
      PatternName,
      number
    >;
    ratios['smuggle-bare-cas'] = 1;
    const { labels, reports } = generateReports({ count: 200, seed: 9, ratios });
    expect(new Set(labels.map((l) => l.pattern))).toEqual(new Set(['smuggle-bare-cas']));
    expect(labels.every((l) => l.positive)).toBe(true);
    for (const r of reports) expect(reportSchema.safeParse(r).success).toBe(true);
  });

  it('produces every pattern with valid reports', () => {
    for (const name of Object.keys(PATTERNS) as PatternName[]) {
      const { reports, labels } = generateReports({
        count: 100,
        seed: 21,
        ratios: { ...zeroRatios(), [name]: 1 },
      });
      expect(labels.every((l) => l.pattern === name && l.positive === PATTERNS[name].positive)).toBe(true);
      for (const r of reports) {
        const parsed = reportSchema.safeParse(r);
        if (!parsed.success) throw new Error(`${name}: ${parsed.error.message}`);
      }
    }
  });

  it('rejects bad options', () => {
    expect(() => generateReports({ count: -1, seed: 1 })).toThrow(RangeError);
    expect(() => generateReports({ count: 1, seed: 1.5 })).toThrow(RangeError);
    expect(() => generateReports({ count: 1, seed: 1, startDate: 'soon' })).toThrow(RangeError);
    expect(() => generateReports({ count: 1, seed: 1, ratios: zeroRatios() })).toThrow(RangeError);
  });
});

describe('catalog', () => {
  it('lists only CAS numbers with a correct check digit', () => {
    for (const chem of [...CONTROLLED, ...ANALOGUES, ...BENIGN_CHEMICALS]) {
      for (const cas of chem.cas) expect(checkCas(cas), `${chem.key} ${cas}`).toMatchObject({ valid: true });
    }
  });
});

function zeroRatios(): Record<PatternName, number> {
  return Object.fromEntries(Object.keys(PATTERNS).map((k) => [k, 0])) as Record<PatternName, number>;
}
