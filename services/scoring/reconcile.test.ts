import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Report, reportSchema } from '../../schemas/report.ts';
import { descriptionOverlap, RECONCILE_RULE_ID, reconcile } from './reconcile.ts';

const parcel: Report = reportSchema.parse(
  JSON.parse(
    readFileSync(new URL('../../examples/examples.jsonl', import.meta.url), 'utf8')
      .trim()
      .split('\n')[2]!,
  ),
);

function declarationOf(manifest: Report, patch: (r: Report) => void): Report {
  const d = structuredClone(manifest);
  d.documentType = 'DECLARATION';
  d.messageId = `${manifest.messageId}-decl`;
  patch(d);
  return d;
}

describe('reconcile', () => {
  it('finds nothing when both filers agree, formatting aside', () => {
    const d = declarationOf(parcel, (r) => {
      r.consignment.parties.shipper.name = 'GUANGZHOU BRIGHT SUN TRADING CO., LTD.';
      r.consignment.goods[0]!.description = 'daily necessities';
      r.consignment.goods[0]!.hsCode = '2933370000';
      r.consignment.goods[0]!.grossWeightKg = 5.7;
    });
    expect(reconcile(parcel, d)).toEqual([]);
  });

  it('reports description, HS, weight and party differences as mismatch hits', () => {
    const d = declarationOf(parcel, (r) => {
      r.consignment.goods[0]!.description = '1-Phenethyl-4-piperidone';
      r.consignment.goods[0]!.hsCode = '293339';
      r.consignment.goods[0]!.grossWeightKg = 9;
      r.consignment.parties.consignee.name = 'Northbound Logistics Inc.';
    });
    const hits = reconcile(parcel, d);
    expect(hits.every((h) => h.ruleId === RECONCILE_RULE_ID && h.weight === 0.4)).toBe(true);
    expect(hits.map((h) => h.evidence?.field)).toEqual([
      'description',
      'hsCode',
      'grossWeightKg',
      'consignee',
    ]);
    expect(hits[0]!.explanation).toBe(
      'Line 1: manifest says "Daily necessities", declaration says "1-Phenethyl-4-piperidone"',
    );
    expect(hits[0]!.goodsLine).toBe(1);
  });

  it('reports a different number of goods lines', () => {
    const d = declarationOf(parcel, (r) => {
      r.consignment.goods.push({ ...r.consignment.goods[0]!, lineNumber: 2 });
    });
    expect(reconcile(parcel, d).map((h) => h.evidence?.field)).toContain('goods');
  });

  it('measures description overlap on meaningful words', () => {
    expect(descriptionOverlap('Oak dining tables, knocked down', 'Dining tables (oak)')).toBe(1);
    expect(descriptionOverlap('Daily necessities', '4-Piperidone HCl')).toBe(0);
  });
});
