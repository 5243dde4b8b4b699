// Small, dependency-free SVG line charts for evaluation reports (PR curves, reliability diagrams, score
// distributions). Reads series of points; writes SVG text. Guarantees: self-contained SVG (no scripts, no
// external fonts or links), text escaped, log axes clamp values at their lower bound.

export interface Series {
  name: string;
  points: readonly { x: number; y: number }[];
  colour?: string;
  dashed?: boolean;
  /** Draw markers at the points (reliability diagrams). */
  markers?: boolean;
  /** Draw as steps (histograms). */
  step?: boolean;
}

export interface Axis {
  label: string;
  scale?: 'linear' | 'log';
  domain: [number, number];
}

export interface LinePlotOptions {
  title: string;
  x: Axis;
  y: Axis;
  series: readonly Series[];
  /** Draws y = x (perfect calibration). */
  diagonal?: boolean;
  width?: number;
  height?: number;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const esc = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
const r2 = (v: number) => Math.round(v * 100) / 100;

function scaler(axis: Axis, from: number, to: number): (v: number) => number {
  const [lo, hi] = axis.domain;
  if (axis.scale === 'log') {
    const a = Math.log10(lo);
    const b = Math.log10(hi);
    return (v) => from + ((Math.log10(Math.max(v, lo)) - a) / (b - a)) * (to - from);
  }
  return (v) => from + ((Math.min(Math.max(v, lo), hi) - lo) / (hi - lo)) * (to - from);
}

function ticks(axis: Axis): number[] {
  const [lo, hi] = axis.domain;
  if (axis.scale === 'log') {
    const out: number[] = [];
    for (let e = Math.ceil(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e++) out.push(10 ** e);
    return out;
  }
  return Array.from({ length: 6 }, (_, i) => lo + ((hi - lo) * i) / 5);
}

const tickLabel = (v: number, axis: Axis) =>
  axis.scale === 'log' ? (v >= 1 ? String(v) : `1e${Math.round(Math.log10(v))}`) : String(r2(v));

export function linePlot(o: LinePlotOptions): string {
  const width = o.width ?? 680;
  // The legend sits under the chart, one series per line, so long model names are never cut.
  const legendHeight = 8 + o.series.length * 18;
  const height = (o.height ?? 420) + legendHeight;
  const m = { left: 64, right: 16, top: 36, bottom: 52 + legendHeight };
  const sx = scaler(o.x, m.left, width - m.right);
  const sy = scaler(o.y, height - m.bottom, m.top);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(o.title)}</text>`,
  ];
  for (const t of ticks(o.x)) {
    const x = r2(sx(t));
    parts.push(
      `<line x1="${x}" y1="${m.top}" x2="${x}" y2="${height - m.bottom}" stroke="#e5e5e5"/>`,
      `<text x="${x}" y="${height - m.bottom + 16}" text-anchor="middle">${tickLabel(t, o.x)}</text>`,
    );
  }
  for (const t of ticks(o.y)) {
    const y = r2(sy(t));
    parts.push(
      `<line x1="${m.left}" y1="${y}" x2="${width - m.right}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${m.left - 6}" y="${y + 4}" text-anchor="end">${tickLabel(t, o.y)}</text>`,
    );
  }
  parts.push(
    `<rect x="${m.left}" y="${m.top}" width="${width - m.left - m.right}" height="${height - m.top - m.bottom}" fill="none" stroke="#333"/>`,
    `<text x="${(m.left + width - m.right) / 2}" y="${height - m.bottom + 36}" text-anchor="middle">${esc(o.x.label)}</text>`,
    `<text transform="translate(16 ${(m.top + height - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(o.y.label)}</text>`,
  );
  if (o.diagonal) {
    const lo = Math.max(o.x.domain[0], o.y.domain[0]);
    const hi = Math.min(o.x.domain[1], o.y.domain[1]);
    parts.push(
      `<line x1="${r2(sx(lo))}" y1="${r2(sy(lo))}" x2="${r2(sx(hi))}" y2="${r2(sy(hi))}" stroke="#999" stroke-dasharray="4 4"/>`,
    );
  }
  o.series.forEach((s, i) => {
    const colour = s.colour ?? PALETTE[i % PALETTE.length]!;
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (pts.length > 0) {
      let d = '';
      pts.forEach((p, k) => {
        const x = r2(sx(p.x));
        const y = r2(sy(p.y));
        if (k === 0) d += `M${x} ${y}`;
        else if (s.step) d += `H${x}V${y}`;
        else d += `L${x} ${y}`;
      });
      parts.push(
        `<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
      if (s.markers)
        for (const p of pts)
          parts.push(`<circle cx="${r2(sx(p.x))}" cy="${r2(sy(p.y))}" r="3" fill="${colour}"/>`);
    }
    const ly = height - legendHeight + 14 + i * 18;
    parts.push(
      `<line x1="${m.left}" y1="${ly - 4}" x2="${m.left + 28}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${m.left + 36}" y="${ly}">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** PNG bytes of an SVG through @resvg/resvg-js when it is installed; null otherwise. */
export async function svgToPng(svg: string): Promise<Uint8Array | null> {
  try {
    const { Resvg } = await import('@resvg/resvg-js');
    return new Resvg(svg, { font: { loadSystemFonts: true }, background: '#ffffff' }).render().asPng();
  } catch {
    return null;
  }
}
