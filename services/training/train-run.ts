// `precursor-risk train`: labelled data (ClickHouse or a file) → inverse-propensity weights → the shared
// trainer (services/scoring/model/train.ts, early stopping) → the learned combination of rule hits and the
// network, fitted on the validation rows the network did not train on → held-out metrics → a new version
// folder in the registry (artifacts, manifest, reference.json) and a `model_registry` row with status candidate.
// Reads the sources named; writes the registry folder and ClickHouse. Guarantees: features come from
// services/scoring/features.ts like serving; a new model is never promoted by training.
import path from 'node:path';
import { type Report, reportSchema } from '../../schemas/report.ts';
import { PrecursorRiskError } from '../common/errors.ts';
import type { Logger } from '../common/logger.ts';
import { buildReference, saveReference } from '../drift/reference.ts';
import { generateReports } from '../generator/index.ts';
import { type RegistryTable, recordModel } from '../registry/registry-table.ts';
import { createScorer, type DecisionPolicy, policyForLanes } from '../scoring/decide.ts';
import { extractBatch } from '../scoring/features.ts';
import { loadLanePolicy } from '../scoring/lane-policy.ts';
import { fitCombination } from '../scoring/model/fit-combination.ts';
import { brierScore, prAuc, rocAuc } from '../scoring/model/metrics.ts';
import { trainModel } from '../scoring/model/train.ts';
import type { ModelMetrics } from '../scoring/model.ts';
import { saveModel } from '../scoring/model.ts';
import { DEFAULT_PERMITS_DIR, loadPermitRegister } from '../scoring/permit-register.ts';
import { loadRulesSnapshot } from '../scoring/rules-store.ts';
import type { Scorer } from '../scoring/scorer.ts';
import {
  type LabelledData,
  readClickHouseLabels,
  readLabelledFile,
  simulateFieldLabels,
} from './labelled-data.ts';
import { type Progress, silentProgress } from './progress.ts';
import { effectiveSampleSize, type InspectionPolicy } from './propensity.ts';

export type TrainSource =
  | { kind: 'clickhouse'; since?: Date; until?: Date }
  | { kind: 'file'; file: string; labelsFile?: string; simulateInspection?: InspectionPolicy };

export interface TrainRunOptions {
  source: TrainSource;
  registryDir: string;
  epochs?: number;
  seed?: number;
  /** Networks trained from different initial weights; served as their merged mean logit (model/train.ts). */
  members?: number;
  /** Units of the network's two hidden layers (of each member); default [32, 16]. */
  hidden?: readonly [number, number];
  /** Distil the members into one network of the served size (share of the soft target; 0: none). */
  distill?: number;
  /** Generated reports for the held-out metrics in the manifest (generator truth: every report labelled). */
  holdout?: { seed: number; count: number } | null;
  /** ClickHouse for `--from clickhouse` and for the model_registry row; null = neither. */
  table?: RegistryTable | null;
  /** The scorer whose lanes decide simulated inspection (generated data only). */
  scorer?: Scorer;
  policy?: Partial<DecisionPolicy>;
  /** Lane policy whose thresholds stratify the labels (default models/lanes.yaml). */
  lanePolicyPath?: string;
  /** Do not weight by inverse propensity (for comparing with the corrected model). */
  noWeights?: boolean;
  /** Generator patterns left out of training (to measure recall on a pattern the model never saw). */
  excludePatterns?: readonly string[];
  /** Rules folder for the learned combination (default models/rules). */
  rulesDir?: string;
  /** Permit register for the rules' permit checks (default models/permits/; null for none). */
  permitsPath?: string | null;
  progress?: Progress;
  logger?: Logger;
}

export interface TrainRunResult {
  version: string;
  dir: string;
  metrics: ModelMetrics | null;
  data: Record<string, unknown>;
  epochsRun: number;
  bestEpoch: number;
  timings: { loadMs: number; trainMs: number; evaluateMs: number; totalMs: number };
  recorded: boolean;
  recordError?: string;
}

export function heldOutMetrics(
  model: { scoreBatch(reports: readonly Report[]): Float32Array },
  seed: number,
  count: number,
): ModelMetrics {
  const { reports, labels } = generateReports({ count, seed });
  const scores = model.scoreBatch(reports.map((r) => reportSchema.parse(r)));
  const y = labels.map((l) => l.positive);
  const positives = y.filter(Boolean).length;
  return {
    heldOut: { generatorSeed: seed, count, positives },
    prAuc: prAuc(scores, y),
    rocAuc: rocAuc(scores, y),
    brier: brierScore(scores, y),
    meanScore: scores.reduce((s, v) => s + v, 0) / Math.max(1, scores.length),
    positiveRate: positives / Math.max(1, count),
  };
}

async function loadData(opts: TrainRunOptions, progress: Progress): Promise<LabelledData> {
  const thresholds = policyForLanes(loadLanePolicy(opts.lanePolicyPath), opts.policy).thresholds;
  const src = opts.source;
  if (src.kind === 'clickhouse') {
    if (!opts.table) throw new Error('--from clickhouse needs a ClickHouse connection');
    progress.stage(`reading officers' labels from ClickHouse ${opts.table.database}`);
    return readClickHouseLabels({
      client: opts.table.client,
      database: opts.table.database,
      thresholds,
      ...(src.since ? { since: src.since } : {}),
      ...(src.until ? { until: src.until } : {}),
    });
  }
  progress.stage(`reading ${src.file} and its labels`);
  const f = await readLabelledFile(src.file, src.labelsFile);
  progress.stage(
    `${f.reports.length} labelled reports (${f.invalid} invalid lines, ${f.unlabelled} without a label skipped)`,
  );
  const fileDesc = {
    source: 'file',
    file: path.basename(src.file),
    invalid: f.invalid,
    unlabelled: f.unlabelled,
  };
  if (src.simulateInspection) {
    if (!opts.scorer) throw new Error('simulated inspection needs a scorer');
    progress.stage('scoring to simulate which reports officers would have inspected');
    const sim = simulateFieldLabels({
      reports: f.reports,
      labels: f.labels,
      scorer: opts.scorer,
      thresholds,
      policy: src.simulateInspection,
    });
    return { ...sim, description: { ...fileDesc, ...sim.description } };
  }
  return {
    reports: f.reports,
    positive: f.labels.map((l) => l.positive),
    patterns: f.labels.map((l) => l.pattern ?? null),
    weights: null,
    propensity: null,
    description: { ...fileDesc, labelled: f.reports.length },
  };
}

/** Leaves out the reports of the given generator patterns. */
function withoutPatterns(data: LabelledData, patterns: readonly string[]): LabelledData {
  if (patterns.length === 0) return data;
  const keep = data.patterns.map((p) => p === null || !patterns.includes(p));
  const pick = <T>(a: readonly T[]) => a.filter((_, i) => keep[i]);
  const weights = data.weights === null ? null : Float64Array.from(pick(Array.from(data.weights)));
  return {
    ...data,
    reports: pick(data.reports),
    positive: pick(data.positive),
    patterns: pick(data.patterns),
    weights,
    description: {
      ...data.description,
      excludedPatterns: patterns,
      excludedReports: keep.filter((k) => !k).length,
    },
  };
}

export async function runTraining(opts: TrainRunOptions): Promise<TrainRunResult> {
  const progress = opts.progress ?? silentProgress;
  const t0 = Date.now();
  const data = withoutPatterns(await loadData(opts, progress), opts.excludePatterns ?? []);
  const positives = data.positive.filter(Boolean).length;
  if (positives === 0 || positives === data.reports.length)
    throw new PrecursorRiskError(
      'CLI_USAGE',
      `training needs labelled reports of both classes; got ${data.reports.length} labelled, ${positives} positive`,
    );
  const weights = opts.noWeights ? null : data.weights;
  const weighting =
    weights === null
      ? null
      : {
          method: 'inverse propensity of inspection per risk lane (docs/data-science.md)',
          strata: data.propensity?.strata ?? [],
          maxWeight: data.propensity?.maxWeight ?? null,
          unrepresentedDecisions: data.propensity?.unrepresented ?? 0,
          effectiveSampleSize: Math.round(effectiveSampleSize(weights)),
        };
  if (weighting !== null)
    progress.stage(
      `inspection weights: ${weighting.strata.map((s) => `${s.stratum} p=${s.propensity.toFixed(4)} (${s.labelled}/${s.decisions})`).join(', ')}; effective sample ${weighting.effectiveSampleSize} of ${data.reports.length}`,
    );
  const loadMs = Date.now() - t0;

  const epochs = opts.epochs ?? 60;
  const seed = opts.seed ?? 1;
  progress.stage(`training on ${data.reports.length} reports (${positives} positive), seed ${seed}`);
  progress.startEpochs(epochs);
  const t1 = Date.now();
  const { model, bestEpoch, history, validation } = await trainModel({
    reports: data.reports,
    labels: data.positive,
    epochs,
    seed,
    members: opts.members ?? 1,
    ...(opts.hidden ? { hidden: opts.hidden } : {}),
    distill: opts.distill ?? 0,
    ...(weights ? { sampleWeights: weights } : {}),
    generator: null,
    ...(opts.logger ? { logger: { info: (o: object, m: string) => opts.logger?.debug(o, m) } } : {}),
    onEpoch: (e) => progress.epoch(e),
  });
  const trainMs = Date.now() - t1;
  progress.stopEpochs(
    `trained: ${history.length} epochs (best ${bestEpoch}, early stopping ${history.length < epochs ? 'ended it' : 'not triggered'}) in ${(trainMs / 1000).toFixed(1)} s`,
  );

  const t2 = Date.now();
  progress.stage(
    `fitting the combination of rule hits and network on ${validation.indices.length} validation reports`,
  );
  const rules = loadRulesSnapshot(opts.rulesDir, undefined, opts.lanePolicyPath);
  const permitsPath = opts.permitsPath === undefined ? DEFAULT_PERMITS_DIR : opts.permitsPath;
  const rulesOnly = createScorer({
    rules,
    permits: permitsPath === null ? null : loadPermitRegister(permitsPath),
    policy: { randomSelectionRate: 0 },
  });
  const valReports = validation.indices.map((i) => data.reports[i]!);
  const hits = [];
  for (let i = 0; i < valReports.length; i += 2048)
    for (const d of rulesOnly.scoreBatch(valReports.slice(i, i + 2048), new Date(0))) hits.push(d.ruleHits);
  const valLabels = validation.indices.map((i) => data.positive[i]!);
  const valPositives = valLabels.filter(Boolean).length;
  // Too few labels to fit it: the model scores with the noisy-OR (and rules-only thresholds) instead.
  const combination =
    valPositives < 5 || valPositives === valLabels.length
      ? null
      : fitCombination({
          hits,
          networkScores: validation.scores,
          labels: valLabels,
          rulesVersion: rules.version,
          l2: 1e-3,
        });
  if (combination === null)
    progress.stage(`no learned combination: ${valPositives} positive validation reports (at least 5 needed)`);
  let metrics: ModelMetrics | null = null;
  if (opts.holdout) {
    progress.stage(`held-out metrics on generator seed ${opts.holdout.seed} (${opts.holdout.count} reports)`);
    metrics = heldOutMetrics(model, opts.holdout.seed, opts.holdout.count);
  }
  const dataDescription = { ...data.description, positives, weighting };
  const final = model.withManifest({
    metrics,
    combination,
    training: { ...model.manifest.training, data: dataDescription },
  });
  const dir = path.join(opts.registryDir, final.version);
  progress.stage(`writing ${dir} (artifacts, manifest, drift reference)`);
  await saveModel(final, dir);
  await saveReference(
    dir,
    buildReference({
      features: extractBatch(data.reports),
      n: data.reports.length,
      model: final,
      source: {
        kind: 'training',
        reports: data.reports.length,
        description: `training data of ${final.version} (${JSON.stringify(data.description).slice(0, 200)})`,
      },
    }),
  );
  const evaluateMs = Date.now() - t2;

  let recorded = false;
  let recordError: string | undefined;
  if (opts.table) {
    try {
      await recordModel(opts.table, final.manifest, 'candidate');
      recorded = true;
    } catch (err) {
      recordError = (err as Error).message;
    }
  }
  const result: TrainRunResult = {
    version: final.version,
    dir,
    metrics,
    data: dataDescription,
    epochsRun: history.length,
    bestEpoch,
    timings: { loadMs, trainMs, evaluateMs, totalMs: Date.now() - t0 },
    recorded,
    ...(recordError === undefined ? {} : { recordError }),
  };
  final.dispose();
  return result;
}
