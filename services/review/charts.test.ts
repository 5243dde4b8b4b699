import { describe, expect, it } from 'vitest';
import { countTicks, escapeXml, horizontalBarChart, stackedBarChart } from './charts.ts';

describe('charts', () => {
  it('count axes use whole, nice steps', () => {
    expect(countTicks(4)).toEqual([0, 1, 2, 3, 4]);
    expect(countTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(countTicks(230)).toEqual([0, 50, 100, 150, 200, 250]);
    expect(countTicks(0)).toEqual([0, 1]);
  });

  it('escapes every label and carries no script or style attribute', () => {
    const evil = '<script>alert(1)</script>" onload="x';
    const svg = stackedBarChart({
      label: evil,
      categories: [evil, 'b'],
      series: [{ name: evil, colour: '#000', values: [1, 2] }],
    });
    const bars = horizontalBarChart({ label: evil, rows: [{ label: evil, value: 1, note: evil }] });
    for (const s of [svg, bars]) {
      expect(s).not.toContain('<script');
      expect(s).not.toMatch(/"\s*onload=|\sstyle="/); // the quote is escaped, so no attribute escapes
      expect(s).toContain(escapeXml(evil));
      expect(s.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    }
  });

  it('says so when there is nothing to draw', () => {
    expect(
      stackedBarChart({
        label: 'x',
        categories: ['a'],
        series: [{ name: 'R', colour: '#f00', values: [0] }],
      }),
    ).toContain('no flagged cases in this period');
    expect(horizontalBarChart({ label: 'x', rows: [], emptyMessage: 'nothing here' })).toContain(
      'nothing here',
    );
  });
});
