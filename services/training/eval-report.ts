// Renders an EvaluationResult as report.md and report.html with plots (pr-curve, calibration, score
// distributions) as SVG files, and PNG copies when @resvg/resvg-js is installed. Reads the result; writes
// files into one folder. Guarantees: the HTML is self-contained (SVG inline) and escapes every value.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EvaluationResult } from './evaluate-run.ts';
import { CAPACITIES } from './evaluation.ts';
import { linePlot, svgToPng } from './plots.ts';

const pct = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(1)} %`;
const f3 = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(3);
const pp = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} pp` : 'n/a');

/** Histogram shares as step-plot points: one per bin's left edge, and the right end of the last bin. */
const stepPoints = (shares: readonly number[]) => [
  ...shares.map((v, i) => ({ x: i / shares.length, y: Math.max(v, 1e-4) })),
  { x: 1, y: Math.max(shares[shares.length - 1] ?? 0, 1e-4) },
];

export function plots(r: EvaluationResult): Record<string, string> {
  const label = (id: string) => r.systems.find((s) => s.id === id)?.label ?? id;
  const out: Record<string, string> = {};
  out['pr-curve'] = linePlot({
    title: `Precision-recall (${r.data.reports} reports, ${r.data.positives} positive)`,
    x: { label: 'recall', domain: [0, 1] },
    y: { label: 'precision', domain: [0, 1] },
    series: r.curves.pr.map((c) => ({
      name: label(c.id),
      points: c.points.map((p) => ({ x: p.recall, y: p.precision })),
      dashed: c.id === 'rules-only',
    })),
  });
  out.calibration = linePlot({
    title: 'Calibration: observed positive rate per score bin (log-log)',
    x: { label: 'mean predicted probability', scale: 'log', domain: [1e-4, 1] },
    y: { label: 'observed positive rate', scale: 'log', domain: [1e-4, 1] },
    diagonal: true,
    series: r.systems
      .filter((s) => s.calibration !== null)
      .map((s) => ({
        name: `${s.label} (Brier ${f3(s.calibration!.brier)})`,
        markers: true,
        points: s.calibration!.bins.map((b) => ({
          x: Math.max(b.meanScore, 1e-4),
          y: Math.max(b.positiveRate, 1e-4),
        })),
      })),
  });
  out['score-distribution'] = linePlot({
    title: 'Model score distribution by label (share per 0.05 bin)',
    x: { label: 'model score', domain: [0, 1] },
    y: { label: 'share of reports in class', scale: 'log', domain: [1e-4, 1] },
    series: r.curves.histograms.flatMap((h) => [
      {
        name: `${label(h.id)}: positives`,
        step: true,
        points: stepPoints(h.positives),
      },
      {
        name: `${label(h.id)}: negatives`,
        step: true,
        dashed: true,
        points: stepPoints(h.negatives),
      },
    ]),
  });
  return out;
}

export function markdown(r: EvaluationResult, images: Record<string, string>): string {
  const caps = CAPACITIES.map((c) => `${c * 100}%`);
  const lines: string[] = [
    '# Model evaluation',
    '',
    `Data: ${r.data.source}: ${r.data.reports} reports, ${r.data.positives} positive (${pct(r.data.positiveRate)}).`,
    `Models: ${r.models.map((m) => `${m.id} = ${m.version}`).join(', ')}. Rules ${r.rulesVersion}; lanes at ` +
      `YELLOW ≥ ${r.policy.thresholds.yellow}, RED ≥ ${r.policy.thresholds.red}, model weight ${r.policy.modelWeight}; ` +
      `watchlist ${r.watchlist ?? 'none'}; random QC selection off.`,
    '',
    '## Ranking (officers work down the list by score)',
    '',
    `| system | PR-AUC | ROC-AUC | ${caps.map((c) => `recall @ ${c}`).join(' | ')} |`,
    `| --- | --- | --- | ${caps.map(() => '---').join(' | ')} |`,
    ...r.systems.map(
      (s) =>
        `| ${s.label} | ${f3(s.ranking.prAuc)} | ${f3(s.ranking.rocAuc)} | ${caps.map((c) => pct(s.ranking.recallAt[c])).join(' | ')} |`,
    ),
    '',
    '## Lanes (what the scorer decides)',
    '',
    '| system | flagged (YELLOW+RED) | RED | recall (flagged) | recall (RED) | precision (flagged) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...r.systems
      .filter((s) => s.lanes !== null)
      .map(
        (s) =>
          `| ${s.label} | ${pct(s.lanes!.flagRate)} | ${pct(s.lanes!.redRate)} | ${pct(s.lanes!.recall)} | ${pct(s.lanes!.redRecall)} | ${pct(s.lanes!.precision)} |`,
      ),
    '',
    '## Calibration of the model probability',
    '',
    '| model | Brier | ECE (log-spaced bins) | mean score | positive rate |',
    '| --- | --- | --- | --- | --- |',
    ...r.systems
      .filter((s) => s.calibration !== null)
      .map(
        (s) =>
          `| ${s.label} | ${s.calibration!.brier.toFixed(4)} | ${s.calibration!.ece.toFixed(4)} | ${s.calibration!.meanScore.toFixed(4)} | ${r.data.positiveRate.toFixed(4)} |`,
      ),
    '',
    ...r.systems
      .filter((s) => s.calibration !== null)
      .flatMap((s) => [
        `Reliability bins, ${s.label}:`,
        '',
        '| score bin | reports | mean score | observed positive rate |',
        '| --- | --- | --- | --- |',
        ...s.calibration!.bins.map(
          (b) =>
            `| ${b.lo}–${b.hi} | ${b.count} | ${b.meanScore.toFixed(4)} | ${b.positiveRate.toFixed(4)} |`,
        ),
        '',
      ]),
    '## Weak-signal smuggling (no chemical named)',
    '',
    `Patterns ${r.weakSignal.patterns.join(', ')}: ${r.weakSignal.positives} positive reports.`,
    '',
    `| measure | rules only | rules + model A | margin |`,
    '| --- | --- | --- | --- |',
    `| recall @ ${r.weakSignal.capacity * 100}% capacity | ${pct(r.weakSignal.rulesOnly.recallAtCapacity)} | ${pct(r.weakSignal.rulesPlusModel.recallAtCapacity)} | ${pp(r.weakSignal.margin.recallAtCapacity)} |`,
    `| recall by lane (YELLOW or RED) | ${pct(r.weakSignal.rulesOnly.laneRecall)} | ${pct(r.weakSignal.rulesPlusModel.laneRecall)} | ${pp(r.weakSignal.margin.laneRecall)} |`,
    '',
    `## Recall per generator pattern (at ${r.weakSignal.capacity * 100}% capacity; lane recall in brackets)`,
    '',
  ];
  const ids = r.curves.pr.map((c) => c.id);
  const label = (id: string) => r.systems.find((s) => s.id === id)?.label ?? id;
  lines.push(
    `| pattern | positives | ${ids.map(label).join(' | ')} |`,
    `| --- | --- | ${ids.map(() => '---').join(' | ')} |`,
    ...r.patterns.map(
      (p) =>
        `| ${p.pattern} | ${p.positives} | ${ids
          .map(
            (id) =>
              `${pct(p.recallAtCapacity[id])}${p.laneRecall[id] === undefined ? '' : ` (${pct(p.laneRecall[id])})`}`,
          )
          .join(' | ')} |`,
    ),
    '',
    '## Plots',
    '',
    ...Object.entries(images).map(([name, file]) => `![${name}](${file})`),
    '',
    `Evaluated in ${(r.durationMs / 1000).toFixed(1)} s.`,
    '',
  );
  return lines.join('\n');
}

const escHtml = (s: string) =>
  s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** A minimal Markdown-table-to-HTML rendering: headings, tables, paragraphs; plots inline. */
export function html(md: string, svgs: Record<string, string>): string {
  const out: string[] = [];
  const rows = md.split('\n');
  let table: string[][] | null = null;
  const flush = () => {
    if (table === null) return;
    const [head, , ...body] = table;
    out.push(
      '<table>',
      `<tr>${(head ?? []).map((c) => `<th>${escHtml(c)}</th>`).join('')}</tr>`,
      ...body.map((r) => `<tr>${r.map((c) => `<td>${escHtml(c)}</td>`).join('')}</tr>`),
      '</table>',
    );
    table = null;
  };
  for (const line of rows) {
    if (line.startsWith('|')) {
      table ??= [];
      table.push(
        line
          .slice(1, -1)
          .split('|')
          .map((c) => c.trim()),
      );
      continue;
    }
    flush();
    const img = /^!\[([^\]]+)\]/.exec(line);
    if (img) out.push(`<figure>${svgs[img[1]!] ?? ''}</figure>`);
    else if (line.startsWith('## ')) out.push(`<h2>${escHtml(line.slice(3))}</h2>`);
    else if (line.startsWith('# ')) out.push(`<h1>${escHtml(line.slice(2))}</h1>`);
    else if (line.trim() !== '') out.push(`<p>${escHtml(line)}</p>`);
  }
  flush();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>precursor-risk model evaluation</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}figure{margin:1em 0}</style>
</head><body>
${out.join('\n')}
</body></html>
`;
}

/** Writes report.md, report.html, report.json and the plots into `dir`. Returns the files written. */
export async function writeEvaluationReport(r: EvaluationResult, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const svgs = plots(r);
  const written: string[] = [];
  const images: Record<string, string> = {};
  for (const [name, svg] of Object.entries(svgs)) {
    await writeFile(path.join(dir, `${name}.svg`), svg);
    written.push(`${name}.svg`);
    const png = await svgToPng(svg);
    if (png !== null) {
      await writeFile(path.join(dir, `${name}.png`), png);
      written.push(`${name}.png`);
    }
    images[name] = png !== null ? `${name}.png` : `${name}.svg`;
  }
  const md = markdown(r, images);
  await writeFile(path.join(dir, 'report.md'), md);
  await writeFile(path.join(dir, 'report.html'), html(md, svgs));
  const { curves: _curves, ...summary } = r;
  await writeFile(path.join(dir, 'report.json'), `${JSON.stringify(summary, null, 2)}\n`);
  written.push('report.md', 'report.html', 'report.json');
  return written;
}
