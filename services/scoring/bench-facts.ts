// Reads: 20,000 generated reports (seed 3), the default rules/knowledge, the sample watchlist and the champion
// model. Writes (stdout): a hash of the decisions (JSON without scoredAt; also one without model outputs)
// and µs/report per stage, best of N passes in one process. Usage: npx tsx services/scoring/bench-facts.ts [N]
// Not part of the product: a before/after check for the scoring hot path.
import { createHash } from 'node:crypto';
import { reportSchema } from '../../schemas/report.ts';
import { generateReports } from '../generator/index.ts';
import { createDefaultScorer, decide, resolvePolicy } from './decide.ts';
import { DEFAULT_FACT_OPTIONS } from './fact-catalogue.ts';
import { computeFacts } from './facts.ts';
import { extractBatch } from './features.ts';
import { loadChampion } from './model.ts';
import { evaluateRules } from './rule-engine.ts';
import { loadWatchlistDir } from './watchlist.ts';

const passes = Number(process.argv[2] ?? 5);
const watchlistDir = new URL('../../models/watchlists/sample/', import.meta.url).pathname;
const BATCH = 256;

const model = await loadChampion();
const { scorer, rules } = createDefaultScorer({ model, watchlistDir });
const { reports } = generateReports({ count: 20000, seed: 3 });
const parsed = reports.map((r) => reportSchema.parse(r));
const n = parsed.length;
const lineCount = parsed.reduce((s, r) => s + r.consignment.goods.length, 0);
const partyCount = parsed.reduce(
  (s, r) => s + Object.values(r.consignment.parties).filter((p) => p !== null && p !== undefined).length,
  0,
);

// Decision hashes (first pass doubles as warm-up).
const when = new Date('2026-01-01T00:00:00Z');
const full = createHash('sha256');
const noModel = createHash('sha256');
for (let i = 0; i < n; i += BATCH) {
  for (const d of scorer.scoreBatch(parsed.slice(i, i + BATCH), when)) {
    const { scoredAt: _s, ...rest } = d;
    full.update(JSON.stringify(rest));
    const { modelScore: _m, topFeatures: _t, riskScore: _r, lane: _l, flagged: _f, ...core } = rest;
    noModel.update(JSON.stringify(core));
  }
}
console.log(`decisions hash      ${full.digest('hex').slice(0, 16)}`);
console.log(`hash without model  ${noModel.digest('hex').slice(0, 16)}`);

const snap = rules.current;
const watchlist = loadWatchlistDir(watchlistDir);
const ctx = { knowledge: snap.knowledge, matcher: snap.matcher, watchlist, options: DEFAULT_FACT_OPTIONS };
const facts = parsed.map((r) => computeFacts(r, ctx));
const goods = parsed.flatMap((r) => r.consignment.goods);
const names = parsed.flatMap((r) =>
  Object.values(r.consignment.parties)
    .filter((p) => p !== null && p !== undefined)
    .map((p) => p.name),
);
const hitsOf = facts.map((f) => evaluateRules(snap.rules, f));
const predictions = model.predictBatch(parsed);
const versions = { modelVersion: model.version, rulesVersion: snap.version };
const policy = resolvePolicy();
let sink = 0;

type Stage = [name: string, perUnit: number, fn: () => void];
const stages: Stage[] = [
  [
    'scoreBatch',
    n,
    () => {
      for (let i = 0; i < n; i += BATCH) sink += scorer.scoreBatch(parsed.slice(i, i + BATCH), when).length;
    },
  ],
  [
    'computeFacts',
    n,
    () => {
      for (const r of parsed) sink += computeFacts(r, ctx).lines.length;
    },
  ],
  [
    '  matchLine /line',
    lineCount,
    () => {
      for (const g of goods) sink += snap.matcher.matchLine(g).matches.length;
    },
  ],
  [
    '  screen /party',
    partyCount,
    () => {
      for (const name of names)
        sink += watchlist.screen(name, DEFAULT_FACT_OPTIONS.watchlistThreshold).length;
    },
  ],
  [
    'evaluateRules',
    n,
    () => {
      for (const f of facts) sink += evaluateRules(snap.rules, f).length;
    },
  ],
  [
    'decide',
    n,
    () => {
      for (let i = 0; i < n; i++)
        sink += decide(parsed[i]!, facts[i]!, hitsOf[i]!, predictions[i]!, versions, policy, when).riskScore;
    },
  ],
  [
    'features',
    n,
    () => {
      for (let i = 0; i < n; i += BATCH) sink += extractBatch(parsed.slice(i, i + BATCH)).length;
    },
  ],
  [
    'model.predictBatch',
    n,
    () => {
      for (let i = 0; i < n; i += BATCH) sink += model.predictBatch(parsed.slice(i, i + BATCH)).length;
    },
  ],
];

const best = new Map<string, number>();
for (let p = 0; p < passes; p++) {
  for (const [name, per, fn] of stages) {
    const t = performance.now();
    fn();
    const us = ((performance.now() - t) * 1000) / per;
    best.set(name, Math.min(best.get(name) ?? Number.POSITIVE_INFINITY, us));
  }
}
console.log(`${n} reports, ${lineCount} goods lines, ${partyCount} parties; best of ${passes}`);
for (const [name, per] of stages) {
  const unit = per === n ? 'report' : per === lineCount ? 'line' : 'party';
  console.log(`${name.padEnd(20)} ${best.get(name)!.toFixed(2).padStart(8)} µs/${unit}`);
}
if (sink === -1) console.log('');
