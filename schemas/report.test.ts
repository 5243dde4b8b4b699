import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reportSchema } from './report.ts';

const examples = readFileSync(new URL('../examples/examples.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim().length > 0)
  .map((l) => JSON.parse(l));

const clone = <T>(v: T): T => structuredClone(v);

function issuePaths(value: unknown): string[] {
  const r = reportSchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
}

describe('report v1 schema', () => {
  it('accepts every contract example and tolerates unknown fields', () => {
    for (const ex of examples) {
      const withExtra = { ...clone(ex), futureField: { x: 1 } };
      const r = reportSchema.safeParse(withExtra);
      expect(r.success).toBe(true);
      if (r.success) expect('futureField' in r.data).toBe(false);
    }
  });

  it('rejects codes the contract constrains', () => {
    const base = examples[0];
    const cases: [(r: typeof base) => void, string][] = [
      [(r) => (r.source.reportingCountry = 'XX'), 'source.reportingCountry'],
      [(r) => (r.consignment.route.portOfLoading = 'DEHA'), 'consignment.route.portOfLoading'],
      [(r) => (r.consignment.route.portOfLoading = 'XXHAM'), 'consignment.route.portOfLoading'],
      [(r) => (r.consignment.goods[0].hsCode = '9403.60'), 'consignment.goods.0.hsCode'],
      [(r) => (r.consignment.goods[0].hsCode = '94036'), 'consignment.goods.0.hsCode'],
      [
        (r) => (r.consignment.goods[0].declaredValue.currency = 'EUX'),
        'consignment.goods.0.declaredValue.currency',
      ],
      [(r) => (r.consignment.goods[0].quantity.unit = 'TONNE'), 'consignment.goods.0.quantity.unit'],
      [(r) => (r.consignment.mode = 'SHIP'), 'consignment.mode'],
      [(r) => (r.filedAt = '2026-03-02 14:20'), 'filedAt'],
      [(r) => (r.consignment.departureDate = '2026-02-30'), 'consignment.departureDate'],
      [(r) => (r.consignment.goods = []), 'consignment.goods'],
      [(r) => (r.consignment.containers = ['HLX1234567']), 'consignment.containers.0'],
      [(r) => (r.documentType = 'manifest'), 'documentType'],
    ];
    for (const [mutate, path] of cases) {
      const r = clone(base);
      mutate(r);
      expect(issuePaths(r)).toContain(path);
    }
  });

  it('accepts up to 999 goods lines and no more', () => {
    const r = clone(examples[0]);
    const line = r.consignment.goods[0];
    r.consignment.goods = Array.from({ length: 999 }, (_, i) => ({ ...line, lineNumber: i + 1 }));
    expect(reportSchema.safeParse(r).success).toBe(true);
    r.consignment.goods.push({ ...line, lineNumber: 1000 });
    expect(issuePaths(r)).toContain('consignment.goods');
  });

  it('keeps a CAS number with a wrong check digit and marks it', () => {
    const r = clone(examples[1]);
    r.consignment.goods[0].casNumbers = ['40064-34-5'];
    const parsed = reportSchema.parse(r);
    expect(parsed.consignment.goods[0]!.casNumbers).toEqual(['40064-34-5']);
    expect(parsed.consignment.goods[0]!.casChecks[0]!.valid).toBe(false);
  });

  it('fills optional fields that are absent', () => {
    const r = clone(examples[0]);
    delete r.consignment.containers;
    delete r.consignment.permits;
    delete r.consignment.goods[0].casNumbers;
    const parsed = reportSchema.parse(r);
    expect(parsed.consignment.containers).toEqual([]);
    expect(parsed.consignment.permits).toEqual([]);
    expect(parsed.consignment.goods[0]!.casNumbers).toEqual([]);
  });
});
