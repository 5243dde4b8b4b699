import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../schemas/report.ts';
import { generateReports } from '../generator/index.ts';
import { createDefaultScorer } from '../scoring/decide.ts';
import {
  appendTsvBytes,
  DECISION_COLUMNS,
  decisionLine,
  decisionRow,
  REPORT_COLUMNS,
  reportLine,
  tsvLine,
} from './decision-rows.ts';
import { tsvUnescape } from './sql.ts';
import { TsvBuffer } from './tsv-buffer.ts';

const reports = generateReports({ count: 200, seed: 4 }).reports;
const parsed = reports.map((r) => reportSchema.parse(r));
const decisions = createDefaultScorer().scorer.scoreBatch(parsed, new Date('2026-11-22T00:00:00Z'));
const rows = decisions.map((d, i) =>
  decisionRow(d, parsed[i]!, { topic: 't', partition: 1, offset: String(i) }),
);

describe('decision rows as TabSeparated lines', () => {
  it('DECISION_COLUMNS names exactly the fields decisionRow fills, and no report body', () => {
    for (const row of rows) expect(Object.keys(row).sort()).toEqual([...DECISION_COLUMNS].sort());
    expect(DECISION_COLUMNS).not.toContain('report');
  });

  it('one field per column, no raw tab or newline inside a field', () => {
    for (const row of rows) {
      const fields = tsvLine(row).split('\t');
      expect(fields).toHaveLength(DECISION_COLUMNS.length);
      expect(fields.join('')).not.toMatch(/\n/);
      const i = DECISION_COLUMNS.indexOf('record');
      expect(JSON.parse(tsvUnescape(fields[i]!))).toEqual(JSON.parse(row.record as string));
    }
  });

  it('escapes tabs, newlines and backslashes in text, and arrays in literal syntax', () => {
    const row = { ...rows[0]!, shipperName: 'A\tB\nC\\D', hsCodes: ["29'33", 'x'] };
    const fields = tsvLine(row).split('\t');
    expect(fields[DECISION_COLUMNS.indexOf('shipperName')]).toBe('A\\tB\\nC\\\\D');
    expect(fields[DECISION_COLUMNS.indexOf('hsCodes')]).toBe("['29\\'33','x']");
  });

  // insertedAtMs (the last field) is the clock at encoding; everything before it must be identical.
  const withoutInsertedAt = (line: string) => line.slice(0, line.lastIndexOf('\t'));

  it('decisionLine writes the same bytes as tsvLine(decisionRow(...)) for generated traffic', () => {
    decisions.forEach((d, i) => {
      const origin = { topic: 't', partition: 1, offset: String(i) };
      const direct = decisionLine(d, parsed[i]!, origin);
      expect(withoutInsertedAt(direct)).toBe(withoutInsertedAt(tsvLine(decisionRow(d, parsed[i]!, origin))));
      expect(Number(direct.slice(direct.lastIndexOf('\t') + 1))).toBeGreaterThan(0);
    });
  });

  it('decisionLine writes the same bytes as tsvLine(decisionRow(...)) for any text in any field', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'é', '\t', '\n', '\r', '\\', "'", '\0', '[', ',') });
    fc.assert(
      fc.property(fc.nat(decisions.length - 1), text, text, text, text, (k, a, b, c, e) => {
        const d0 = decisions[k]!;
        const r0 = parsed[k]!;
        const decision = {
          ...d0,
          messageId: a,
          ruleHits: [...d0.ruleHits, { ruleId: b, weight: 0.25, explanation: c, goodsLine: null }],
          substances: d0.substances.map((x) => ({ ...x, name: e, cas: null })),
        };
        const report = {
          ...r0,
          consignment: {
            ...r0.consignment,
            parties: { ...r0.consignment.parties, shipper: { ...r0.consignment.parties.shipper, name: c } },
            route: { ...r0.consignment.route, transshipmentPorts: [a, b] },
            goods: r0.consignment.goods.map((g) => ({ ...g, hsCode: e })),
          },
        };
        const origin = { topic: b, partition: 0, offset: '7' };
        expect(withoutInsertedAt(decisionLine(decision, report, origin))).toBe(
          withoutInsertedAt(tsvLine(decisionRow(decision, report, origin))),
        );
      }),
    );
  });

  it('decisionLine refuses a score that is not a finite number, as tsvField does', () => {
    expect(() =>
      decisionLine({ ...decisions[0]!, riskScore: Number.NaN }, parsed[0]!, {
        topic: 't',
        partition: 0,
        offset: '0',
      }),
    ).toThrow('not a finite number');
  });

  it('refuses a row that lacks a column', () => {
    const { record: _, ...partial } = rows[0]!;
    expect(() => tsvLine(partial)).toThrow('row has no record');
  });
});

describe('report bodies as TabSeparated bytes', () => {
  const meta = {
    consignmentId: 'C\t1',
    documentType: 'MANIFEST',
    messageId: 'm-1',
    filedAt: new Date('2026-11-22T10:00:00Z'),
    screening: 'COMPLETE',
    origin: { topic: 't', partition: 2, offset: '17' },
  };

  it('copies a body with nothing to escape byte for byte', () => {
    const body = Buffer.from(JSON.stringify(reports[0]));
    const out = new TsvBuffer(16);
    appendTsvBytes(out, body);
    expect(out.bytes().equals(body)).toBe(true);
  });

  it('a body with backslashes, tabs, newlines and CRs reads back as the same text', () => {
    const text = '{\n\t"a": "x\\"y\\\\z",\r\n "b": "\\u00e9 é"}';
    const line = reportLine(meta, Buffer.from(text), 5).toString('utf8');
    expect(line.endsWith('\n')).toBe(true);
    const fields = line.slice(0, -1).split('\t');
    expect(fields).toHaveLength(REPORT_COLUMNS.length);
    expect(tsvUnescape(fields[REPORT_COLUMNS.indexOf('report')]!)).toBe(text);
    expect(JSON.parse(tsvUnescape(fields[REPORT_COLUMNS.indexOf('report')]!))).toEqual(JSON.parse(text));
    expect(tsvUnescape(fields[0]!)).toBe('C\t1');
    expect(fields.slice(1)).toEqual([
      'MANIFEST',
      'm-1',
      '2026-11-22 10:00:00',
      'COMPLETE',
      expect.any(String),
      't',
      '2',
      '17',
      '5',
    ]);
  });
});
