// Server-side SVG charts for the dashboard: pure functions from numbers to SVG text. No script,
// no style attributes (the CSP forbids inline styles), every label XML-escaped; sized by viewBox
// so the page's CSS scales them. Each chart carries <title> tooltips and an aria-label summary.

export const LANE_COLOURS: Readonly<Record<string, string>> = {
  RED: '#c62828',
  YELLOW: '#f2a900',
  GREEN: '#2e7d32',
};
const AXIS = '#5f6b7a';
const GRID = '#e3e7ec';
const FONT = 'font-family="system-ui, sans-serif"';

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** Axis ticks for counts: a whole, "nice" step (1, 2, 5 × 10^k) and at most 5 intervals. */
export function countTicks(max: number): number[] {
  if (max <= 0) return [0, 1];
  const raw = Math.max(1, max / 5);
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const top = Math.ceil(max / step) * step;
  return Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
}

function emptyChart(width: number, height: number, label: string, message: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(
    `${label}: ${message}`,
  )}"><text x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="${AXIS}" font-size="14" ${FONT}>${escapeXml(
    message,
  )}</text></svg>`;
}

export interface StackedSeries {
  name: string;
  colour: string;
  values: readonly number[];
}

/** Vertical stacked bars, one per category (e.g. day), with a legend. */
export function stackedBarChart(opts: {
  label: string;
  categories: readonly string[];
  series: readonly StackedSeries[];
  width?: number;
  height?: number;
}): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 240;
  const totals = opts.categories.map((_, i) => opts.series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  if (opts.categories.length === 0 || totals.every((t) => t === 0)) {
    return emptyChart(width, height, opts.label, 'no flagged cases in this period');
  }
  const m = { top: 28, right: 12, bottom: 36, left: 44 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const ticks = countTicks(Math.max(...totals));
  const max = ticks[ticks.length - 1]!;
  const step = plotW / opts.categories.length;
  const barW = Math.max(1, Math.min(28, step * 0.75));
  const y = (v: number) => m.top + plotH - (v / max) * plotH;
  const parts: string[] = [];
  for (const v of ticks) {
    parts.push(
      `<line x1="${m.left}" x2="${width - m.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${GRID}"/>`,
      `<text x="${m.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="${AXIS}" ${FONT}>${fmt(v)}</text>`,
    );
  }
  const labelEvery = Math.ceil(opts.categories.length / 8);
  opts.categories.forEach((cat, i) => {
    const x = m.left + i * step + (step - barW) / 2;
    let base = 0;
    for (const s of opts.series) {
      const v = s.values[i] ?? 0;
      if (v > 0) {
        const top = y(base + v);
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(base) - top).toFixed(1)}" fill="${s.colour}"><title>${escapeXml(`${cat} ${s.name}: ${v}`)}</title></rect>`,
        );
      }
      base += v;
    }
    if (i % labelEvery === 0) {
      parts.push(
        `<text x="${(x + barW / 2).toFixed(1)}" y="${height - m.bottom + 16}" text-anchor="middle" font-size="11" fill="${AXIS}" ${FONT}>${escapeXml(cat)}</text>`,
      );
    }
  });
  let lx = m.left;
  for (const s of opts.series) {
    parts.push(
      `<rect x="${lx}" y="8" width="12" height="12" fill="${s.colour}"/>`,
      `<text x="${lx + 16}" y="18" font-size="12" fill="#1f2933" ${FONT}>${escapeXml(s.name)}</text>`,
    );
    lx += 24 + s.name.length * 8;
  }
  const summary = `${opts.label}: ${totals.reduce((a, b) => a + b, 0)} in ${opts.categories.length} ${
    opts.categories.length === 1 ? 'category' : 'categories'
  }`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(summary)}">${parts.join('')}</svg>`;
}

export interface BarRow {
  label: string;
  value: number;
  colour?: string;
  /** Text after the bar; defaults to the value. */
  note?: string;
}

/** Horizontal bars, one row per label (ports, lanes, rules, rates). `max` fixes the scale (1 for rates). */
export function horizontalBarChart(opts: {
  label: string;
  rows: readonly BarRow[];
  max?: number;
  width?: number;
  emptyMessage?: string;
}): string {
  const width = opts.width ?? 640;
  const rowH = 26;
  const height = Math.max(60, opts.rows.length * rowH + 16);
  if (opts.rows.length === 0)
    return emptyChart(width, 80, opts.label, opts.emptyMessage ?? 'no data in this period');
  const labelW = Math.min(260, Math.max(70, Math.max(...opts.rows.map((r) => r.label.length)) * 7 + 12));
  const noteW = 170;
  const plotW = width - labelW - noteW;
  const max = opts.max ?? niceMax(Math.max(...opts.rows.map((r) => r.value)));
  const parts = opts.rows.map((r, i) => {
    const y = 8 + i * rowH;
    const w = max > 0 ? Math.max(r.value > 0 ? 2 : 0, (r.value / max) * plotW) : 0;
    const note = r.note ?? fmt(r.value);
    return [
      `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end" font-size="12" fill="#1f2933" ${FONT}>${escapeXml(r.label)}</text>`,
      `<rect x="${labelW}" y="${y + 3}" width="${plotW}" height="16" fill="${GRID}"/>`,
      `<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="16" fill="${r.colour ?? '#1f5fa8'}"><title>${escapeXml(`${r.label}: ${note}`)}</title></rect>`,
      `<text x="${labelW + plotW + 8}" y="${y + 15}" font-size="12" fill="#1f2933" ${FONT}>${escapeXml(note)}</text>`,
    ].join('');
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(
    `${opts.label}: ${opts.rows.length} rows`,
  )}">${parts.join('')}</svg>`;
}
