import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../schemas/report.ts';
import { generateReports } from '../generator/index.ts';
import { createDefaultScorer } from '../scoring/decide.ts';
import { DECISION_COLUMNS, decisionRow, tsvLine } from './decision-rows.ts';

const reports = generateReports({ count: 200, seed: 4 }).reports;
const parsed = reports.map((r) => reportSchema.parse(r));
const decisions = createDefaultScorer().scorer.scoreBatch(parsed, new Date('2026-11-22T00:00:00Z'));
const rows = decisions.map((d, i) =>
  decisionRow(d, parsed[i]!, JSON.stringify(reports[i]), { topic: 't', partition: 1, offset: String(i) }),
);

describe('decision rows as TabSeparated lines', () => {
  it('DECISION_COLUMNS names exactly the fields decisionRow fills', () => {
    for (const row of rows) expect(Object.keys(row).sort()).toEqual([...DECISION_COLUMNS].sort());
  });

  it('one field per column, no raw tab or newline inside a field', () => {
    for (const row of rows) {
      const fields = tsvLine(row).split('\t');
      expect(fields).toHaveLength(DECISION_COLUMNS.length);
      expect(fields.join('')).not.toMatch(/\n/);
      const i = DECISION_COLUMNS.indexOf('report');
      // The raw report has nothing to escape, so it goes through byte for byte.
      expect(JSON.parse(fields[i]!.replaceAll('\\\\', '\\'))).toEqual(JSON.parse(row.report as string));
    }
  });

  it('escapes tabs, newlines and backslashes in text, and arrays in literal syntax', () => {
    const row = { ...rows[0]!, shipperName: 'A\tB\nC\\D', hsCodes: ["29'33", 'x'] };
    const fields = tsvLine(row).split('\t');
    expect(fields[DECISION_COLUMNS.indexOf('shipperName')]).toBe('A\\tB\\nC\\\\D');
    expect(fields[DECISION_COLUMNS.indexOf('hsCodes')]).toBe("['29\\'33','x']");
  });

  it('refuses a row that lacks a column', () => {
    const { report: _, ...partial } = rows[0]!;
    expect(() => tsvLine(partial)).toThrow('row has no report');
  });
});
