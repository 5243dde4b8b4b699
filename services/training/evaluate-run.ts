// `precursor-risk evaluate`: a model (and optionally a second one) against labelled reports, alone and
// inside the full scorer (its learned combination with the rules), compared with rules only, on patterns the
// model never saw in training, and (--baseline) with gradient-boosted trees trained on the model's own rows.
// Reads the registry, the rules and a labelled NDJSON file or generated reports; writes an evaluation report
// (Markdown, HTML, SVG/PNG plots) when asked. Guarantees: rules-only and rules+model use the same rules
// snapshot and policy, with random QC selection off (it would add noise to both sides).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Report } from '../../schemas/report.ts';
import { reportSchema } from '../../schemas/report.ts';
import { generateReports, PATTERNS } from '../generator/index.ts';
import { readPointer, versionDir } from '../registry/registry.ts';
import { createScorer, type DecisionPolicy, policyForSnapshot } from '../scoring/decide.ts';
import { extractBatch, FEATURE_COUNT } from '../scoring/features.ts';
import { validationSplit } from '../scoring/model/train.ts';
import { loadModel, type TfRiskModel } from '../scoring/model.ts';
import { DEFAULT_PERMITS_DIR, loadPermitRegister, type PermitRegister } from '../scoring/permit-register.ts';
import { NullModel, type RiskModel } from '../scoring/risk-model.ts';
import { loadRulesSnapshot } from '../scoring/rules-store.ts';
import { EMPTY_WATCHLIST, loadWatchlistDir, type Watchlist } from '../scoring/watchlist.ts';
import { type BaselineResult, runGbmBaseline } from './baseline.ts';
import {
  brierScore,
  CAPACITIES,
  type CalibrationBin,
  calibrationBins,
  histogram,
  type LaneSummary,
  laneSummary,
  prCurve,
  type RankingSummary,
  rankingSummary,
  recallAtCapacity,
} from './evaluation.ts';
import { readLabelledFile } from './labelled-data.ts';

/** Smuggling with no chemical named: only combinations of weak signs give it away (docs/generator.md). */
export const WEAK_SIGNAL_PATTERNS = ['smuggle-weak-indicators', 'smuggle-vague-express'] as const;
/** The capacity the headline figures use: officers can examine 5 % of reports. */
export const HEADLINE_CAPACITY = 0.05;

export type EvalData = { file: string; labelsFile?: string } | { seed: number; count: number };

export interface SystemResult {
  id: string;
  label: string;
  kind: 'model' | 'rules' | 'rules+model' | 'baseline';
  ranking: RankingSummary;
  lanes: LaneSummary | null;
  calibration: { brier: number; ece: number; meanScore: number; bins: CalibrationBin[] } | null;
}

export interface PatternRow {
  pattern: string;
  positives: number;
  recallAtCapacity: Record<string, number>;
  laneRecall: Record<string, number>;
}

/** Recall on a pattern the model was trained without, per system (at HEADLINE_CAPACITY and by lane). */
export interface HeldOutPatternRow {
  pattern: string;
  positives: number;
  recallAtCapacity: Record<string, number>;
  laneRecall: Record<string, number>;
}

export interface BaselineSummary extends Omit<BaselineResult, 'scores'> {
  trainData: string;
  trainReports: number;
}

export interface EvaluationResult {
  data: { source: string; reports: number; positives: number; positiveRate: number };
  models: { id: string; version: string; trainedOn: unknown }[];
  policy: Pick<DecisionPolicy, 'thresholds' | 'modelWeight'>;
  rulesVersion: string;
  watchlist: string | null;
  systems: SystemResult[];
  patterns: PatternRow[];
  /** Patterns model A was trained without (manifest training.data.excludedPatterns). */
  heldOutPatterns: HeldOutPatternRow[];
  baseline: BaselineSummary | null;
  weakSignal: {
    patterns: readonly string[];
    positives: number;
    capacity: number;
    rulesOnly: { recallAtCapacity: number; laneRecall: number };
    rulesPlusModel: { recallAtCapacity: number; laneRecall: number };
    margin: { recallAtCapacity: number; laneRecall: number };
  };
  curves: {
    pr: { id: string; points: { recall: number; precision: number }[] }[];
    histograms: { id: string; positives: number[]; negatives: number[] }[];
  };
  durationMs: number;
}

/** A model by version, by 'champion'/'challenger', or by a folder path. */
export async function resolveModel(registryDir: string, ref: string): Promise<TfRiskModel> {
  if (existsSync(path.join(ref, 'manifest.json'))) return loadModel(ref);
  if (ref === 'champion' || ref === 'challenger') {
    const v = await readPointer(registryDir, ref);
    if (v === null) throw new Error(`no ${ref}.json in ${registryDir}`);
    return loadModel(versionDir(registryDir, v));
  }
  return loadModel(versionDir(registryDir, ref));
}

export async function loadEvalData(
  data: EvalData,
): Promise<{ reports: Report[]; positive: boolean[]; patterns: (string | null)[]; source: string }> {
  if ('file' in data) {
    const f = await readLabelledFile(data.file, data.labelsFile);
    return {
      reports: f.reports,
      positive: f.labels.map((l) => l.positive),
      patterns: f.labels.map((l) => l.pattern ?? null),
      source: data.file,
    };
  }
  const g = generateReports({ count: data.count, seed: data.seed });
  return {
    reports: g.reports.map((r) => reportSchema.parse(r)),
    positive: g.labels.map((l) => l.positive),
    patterns: g.labels.map((l) => l.pattern),
    source: `generator seed ${data.seed}, ${data.count} reports`,
  };
}

function scoreAll(
  model: RiskModel,
  rules: ReturnType<typeof loadRulesSnapshot>,
  watchlist: Watchlist,
  policy: Partial<DecisionPolicy>,
  reports: readonly Report[],
  permits: PermitRegister | null,
) {
  // A fresh ledger per system: each replays the same reports in order, drawing on the same permits.
  const scorer = createScorer({
    rules,
    model,
    watchlist,
    permits,
    policy: { ...policy, randomSelectionRate: 0 },
  });
  const risk = new Float64Array(reports.length);
  const lanes: string[] = new Array(reports.length);
  const at = new Date(0);
  for (let i = 0; i < reports.length; i += 2048) {
    scorer.scoreBatch(reports.slice(i, i + 2048), at).forEach((d, k) => {
      risk[i + k] = d.riskScore;
      lanes[i + k] = d.lane;
    });
  }
  return { risk, lanes };
}

export async function evaluate(opts: {
  registryDir: string;
  model: string;
  against?: string;
  data: EvalData;
  rulesDir?: string;
  /** Lane policy file (default models/lanes.yaml). */
  lanePolicyPath?: string;
  /** OFAC-style watchlist folder for the rules (as `score --watchlist`); none by default. */
  watchlistDir?: string;
  /** Permit register file or folder (default models/permits/, as the pipeline); null for none. */
  permitsPath?: string | null;
  policy?: Partial<DecisionPolicy>;
  /** Train a gradient-boosted baseline on this file (the model's training data) and score it beside. */
  baseline?: { trainData: string; labelsFile?: string; venvDir?: string } | null;
  onStage?: (stage: string) => void;
}): Promise<EvaluationResult> {
  const started = Date.now();
  const stage = opts.onStage ?? (() => undefined);
  stage('loading models');
  const refs = [{ id: 'A', ref: opts.model }, ...(opts.against ? [{ id: 'B', ref: opts.against }] : [])];
  const models = await Promise.all(
    refs.map(async (r) => ({ id: r.id, model: await resolveModel(opts.registryDir, r.ref) })),
  );
  stage('loading data');
  const data = await loadEvalData(opts.data);
  const { reports, positive, patterns } = data;
  const policy = opts.policy ?? {};
  const rules = loadRulesSnapshot(opts.rulesDir, undefined, opts.lanePolicyPath);
  const resolved = policyForSnapshot(rules, policy);
  const watchlist = opts.watchlistDir === undefined ? EMPTY_WATCHLIST : loadWatchlistDir(opts.watchlistDir);
  const permitsPath = opts.permitsPath === undefined ? DEFAULT_PERMITS_DIR : opts.permitsPath;
  const permits = permitsPath === null ? null : loadPermitRegister(permitsPath);

  stage('scoring with rules only');
  const rulesOnly = scoreAll(NullModel, rules, watchlist, policy, reports, permits);
  const systems: SystemResult[] = [];
  const rankings: { id: string; scores: ArrayLike<number>; lanes?: string[] }[] = [];
  systems.push({
    id: 'rules-only',
    label: 'rules only',
    kind: 'rules',
    ranking: rankingSummary(rulesOnly.risk, positive),
    lanes: laneSummary(rulesOnly.lanes, positive),
    calibration: null,
  });
  rankings.push({ id: 'rules-only', scores: rulesOnly.risk, lanes: rulesOnly.lanes });

  for (const { id, model } of models) {
    stage(`scoring with model ${model.version}`);
    const scores = model.scoreBatch(reports);
    const cal = calibrationBins(scores, positive);
    systems.push({
      id: `model-${id}`,
      label: `model ${model.version} alone`,
      kind: 'model',
      ranking: rankingSummary(scores, positive),
      lanes: null,
      calibration: {
        brier: brierScore(scores, positive),
        ece: cal.ece,
        meanScore: scores.reduce((s, v) => s + v, 0) / Math.max(1, scores.length),
        bins: cal.bins,
      },
    });
    rankings.push({ id: `model-${id}`, scores });
    const combined = scoreAll(model, rules, watchlist, policy, reports, permits);
    systems.push({
      id: `rules+${id}`,
      label: `rules + model ${model.version}`,
      kind: 'rules+model',
      ranking: rankingSummary(combined.risk, positive),
      lanes: laneSummary(combined.lanes, positive),
      calibration: null,
    });
    rankings.push({ id: `rules+${id}`, scores: combined.risk, lanes: combined.lanes });
  }

  let baseline: BaselineSummary | null = null;
  if (opts.baseline) {
    const a = models[0]!.model;
    stage(`reading the baseline's training data ${opts.baseline.trainData}`);
    const train = await readLabelledFile(opts.baseline.trainData, opts.baseline.labelsFile);
    const excluded = excludedPatterns(a.manifest.training);
    const keep = train.labels.map((l) => l.pattern === undefined || !excluded.includes(l.pattern));
    const trainReports = train.reports.filter((_, i) => keep[i]);
    const trainY = train.labels.filter((_, i) => keep[i]).map((l) => l.positive);
    if (trainReports.length !== a.manifest.training.reports)
      stage(
        `warning: ${trainReports.length} training reports, the model's manifest says ${a.manifest.training.reports}: not the same rows`,
      );
    const validation = new Uint8Array(trainReports.length);
    const fraction = (a.manifest.training.validation as { fraction?: number } | undefined)?.fraction ?? 0.15;
    for (const i of validationSplit(trainReports, a.manifest.training.seed, fraction).valIdx)
      validation[i] = 1;
    const b = await runGbmBaseline({
      trainX: extractBatch(trainReports),
      trainY,
      validation,
      testX: extractBatch(reports),
      features: FEATURE_COUNT,
      seed: a.manifest.training.seed,
      ...(opts.baseline.venvDir ? { venvDir: opts.baseline.venvDir } : {}),
      onStage: stage,
    });
    const { scores, ...rest } = b;
    baseline = { ...rest, trainData: opts.baseline.trainData, trainReports: trainReports.length };
    systems.push({
      id: 'gbm-baseline',
      label: `gradient-boosted baseline (${b.library}, ${b.bestIteration} trees) on model ${a.version}'s rows`,
      kind: 'baseline',
      ranking: rankingSummary(scores, positive),
      lanes: null,
      calibration: null,
    });
    rankings.push({ id: 'gbm-baseline', scores });
  }

  stage('per-pattern recall');
  const patternNames = (Object.keys(PATTERNS) as string[]).filter((p) => patterns.some((q) => q === p));
  const rows: PatternRow[] = [];
  for (const pattern of patternNames) {
    const mask = patterns.map((p) => p === pattern);
    const positives = mask.reduce((s, m, i) => s + (m && positive[i] ? 1 : 0), 0);
    if (positives === 0) continue;
    const recall: Record<string, number> = {};
    const laneRecall: Record<string, number> = {};
    for (const r of rankings) {
      recall[r.id] = recallAtCapacity(r.scores, positive, HEADLINE_CAPACITY, mask);
      if (r.lanes) laneRecall[r.id] = laneSummary(r.lanes, positive, mask).recall;
    }
    rows.push({ pattern, positives, recallAtCapacity: recall, laneRecall });
  }

  const heldOut: HeldOutPatternRow[] = [];
  for (const pattern of excludedPatterns(models[0]!.model.manifest.training)) {
    const row = rows.find((r) => r.pattern === pattern);
    if (row) heldOut.push(row);
  }

  const weakMask = patterns.map((p) => (WEAK_SIGNAL_PATTERNS as readonly (string | null)[]).includes(p));
  const weakPositives = weakMask.reduce((s, m, i) => s + (m && positive[i] ? 1 : 0), 0);
  const plusA = rankings.find((r) => r.id === 'rules+A')!;
  const weak = (r: { scores: ArrayLike<number>; lanes?: string[] }) => ({
    recallAtCapacity: recallAtCapacity(r.scores, positive, HEADLINE_CAPACITY, weakMask),
    laneRecall: r.lanes ? laneSummary(r.lanes, positive, weakMask).recall : Number.NaN,
  });
  const weakRules = weak(rankings[0]!);
  const weakPlus = weak(plusA);

  const negatives = positive.map((p) => !p);
  const result: EvaluationResult = {
    data: {
      source: data.source,
      reports: reports.length,
      positives: positive.filter(Boolean).length,
      positiveRate: positive.filter(Boolean).length / Math.max(1, reports.length),
    },
    models: models.map(({ id, model }) => ({
      id,
      version: model.version,
      trainedOn: model.manifest.training.generator ?? model.manifest.training.data ?? null,
    })),
    policy: { thresholds: resolved.thresholds, modelWeight: resolved.modelWeight },
    rulesVersion: rules.version,
    watchlist: opts.watchlistDir ?? null,
    systems,
    patterns: rows,
    heldOutPatterns: heldOut,
    baseline,
    weakSignal: {
      patterns: WEAK_SIGNAL_PATTERNS,
      positives: weakPositives,
      capacity: HEADLINE_CAPACITY,
      rulesOnly: weakRules,
      rulesPlusModel: weakPlus,
      margin: {
        recallAtCapacity: weakPlus.recallAtCapacity - weakRules.recallAtCapacity,
        laneRecall: weakPlus.laneRecall - weakRules.laneRecall,
      },
    },
    curves: {
      pr: rankings.map((r) => ({ id: r.id, points: prCurve(r.scores, positive, 200) })),
      histograms: rankings
        .filter((r) => r.id.startsWith('model-'))
        .map((r) => ({
          id: r.id,
          positives: histogram(r.scores, 20, positive),
          negatives: histogram(r.scores, 20, negatives),
        })),
    },
    durationMs: Date.now() - started,
  };
  for (const { model } of models) model.dispose();
  return result;
}

/** Generator patterns a model was trained without (`train --exclude-pattern`). */
export function excludedPatterns(training: Record<string, unknown> & { data?: unknown }): string[] {
  const ex = (training.data as { excludedPatterns?: unknown } | undefined)?.excludedPatterns;
  return Array.isArray(ex) ? ex.filter((p): p is string => typeof p === 'string') : [];
}

export { CAPACITIES };
