import { describe, expect, it } from 'vitest';
import { linePlot, svgToPng } from './plots.ts';

describe('SVG plots', () => {
  const svg = linePlot({
    title: 'PR <curve> & "more"',
    x: { label: 'recall', domain: [0, 1] },
    y: { label: 'precision', scale: 'log', domain: [1e-3, 1] },
    diagonal: true,
    series: [
      {
        name: 'a',
        points: [
          { x: 0, y: 1 },
          { x: 1, y: 0 },
        ],
        markers: true,
      },
      { name: 'b', points: [{ x: 0.5, y: Number.NaN }], step: true, dashed: true },
    ],
  });

  it('is a self-contained SVG with escaped text', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('PR &lt;curve&gt; &amp; &quot;more&quot;');
    expect(svg).not.toMatch(/<script|href=/);
    expect(svg).toContain('<path d="M');
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });

  it('renders to PNG when resvg is installed', async () => {
    const png = await svgToPng(svg);
    if (png !== null) expect(Array.from(png.slice(1, 4))).toEqual([0x50, 0x4e, 0x47]);
  });
});
