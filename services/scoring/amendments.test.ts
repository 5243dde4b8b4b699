import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Report, reportSchema } from '../../schemas/report.ts';
import { AMENDED_AFTER_FLAG_RULE_ID, AMENDMENT_RULE_ID, compareAmendment } from './amendments.ts';

// The second example: a declaration of 4-piperidone hydrochloride with its CAS number.
const declaration = reportSchema.parse(
  JSON.parse(readFileSync(new URL('../../examples/examples.jsonl', import.meta.url), 'utf8').split('\n')[1]!),
);

function amend(edit: (r: Report) => void): Report {
  const r = structuredClone(declaration);
  r.messageId = `${declaration.messageId}-v2`;
  edit(r);
  return r;
}

const fields = (hits: ReturnType<typeof compareAmendment>) => hits.map((h) => h.evidence?.field).sort();

describe('compareAmendment', () => {
  it('raises nothing when the same content is filed again', () => {
    expect(
      compareAmendment(
        declaration,
        amend(() => {}),
        'RED',
      ),
    ).toEqual([]);
  });

  it('sees a CAS number removed and a description made vaguer after a RED decision', () => {
    expect(declaration.consignment.goods[0]!.casNumbers.length).toBeGreaterThan(0);
    const later = amend((r) => {
      r.consignment.goods[0]!.casNumbers = [];
      r.consignment.goods[0]!.description = 'Chemical raw material';
    });
    const hits = compareAmendment(declaration, later, 'RED');
    expect(fields(hits)).toEqual(['casNumbers', 'description']);
    expect(hits.every((h) => h.ruleId === AMENDED_AFTER_FLAG_RULE_ID && h.weight === 0.5)).toBe(true);
    expect(hits[0]!.explanation).toContain(`after a RED decision on ${declaration.messageId}`);
    expect(hits.find((h) => h.evidence?.field === 'description')!.explanation).toContain('piperidone');
  });

  it('sees a changed consignee, route and HS heading, weighted lower when the earlier version was not flagged', () => {
    const later = amend((r) => {
      r.consignment.parties.consignee.name = 'Maple Leaf Trading Holdings';
      r.consignment.route.portOfDischarge =
        r.consignment.route.portOfDischarge === 'CAVAN' ? 'CAMTR' : 'CAVAN';
      r.consignment.goods[0]!.hsCode = '382200';
    });
    const hits = compareAmendment(declaration, later, 'GREEN');
    expect(fields(hits)).toEqual(['consignee', 'hsCode', 'route.portOfDischarge']);
    expect(hits.every((h) => h.ruleId === AMENDMENT_RULE_ID && h.weight === 0.2)).toBe(true);
  });

  it('does not call a more precise description vaguer', () => {
    const later = amend((r) => {
      r.consignment.goods[0]!.description = `${r.consignment.goods[0]!.description}, pharmaceutical grade`;
    });
    expect(compareAmendment(declaration, later, 'RED')).toEqual([]);
  });
});
