// Reads: validated reports, the current rules snapshot, the watchlist and the injected RiskModel.
// Writes: one decision record per report (CONTRACT.md §2): riskScore, lane, rule hits, substances, features.
// Guarantees: pure apart from scoredAt: the same report and versions give the same decision, including
// random QC selection (a hash of messageId, so replays agree). Combination: docs/scoring.md — the model's
// learned combination when it has one (a probability), else the noisy-OR; the guard rails raise the lane.
import { hash } from 'node:crypto';
import type { Decision, FeatureContribution, Lane, RuleHit } from '../../schemas/decision.ts';
import type { Report } from '../../schemas/report.ts';
import { DEFAULT_FACT_OPTIONS, type FactOptions } from './fact-catalogue.ts';
import { type ComputedFacts, computeFacts } from './facts.ts';
import type { ImporterHistory } from './importer-history.ts';
import type { LanePolicy } from './lane-policy.ts';
import { type Combination, combinedProbability } from './model/combination.ts';
import { createPermitLedger, type PermitLedger } from './permit-ledger.ts';
import { loadPermitRegister, type PermitRegister } from './permit-register.ts';
import { reconcile } from './reconcile.ts';
import type { ModelPrediction, RiskModel } from './risk-model.ts';
import { NullModel } from './risk-model.ts';
import { evaluateRules } from './rule-engine.ts';
import { createRulesStore, type RulesSnapshot, type RulesStore, type StoreLogger } from './rules-store.ts';
import type { Scorer } from './scorer.ts';
import { EMPTY_WATCHLIST, loadWatchlistDir, type Watchlist } from './watchlist.ts';

export interface LaneThresholds {
  /** riskScore at or above this is at least YELLOW (document check). */
  yellow: number;
  /** riskScore at or above this is RED (physical examination). */
  red: number;
}

export interface DecisionPolicy {
  /** Thresholds on the learned combination's probability. */
  thresholds: LaneThresholds;
  /** Thresholds on the rules' noisy-OR, used while the model has no learned combination (or none is loaded). */
  rulesOnlyThresholds: LaneThresholds;
  /** A hit of at least this weight keeps the report RED, of at least `medium` YELLOW (learned combination). */
  guardRails: { strong: number; medium: number };
  /** How far the model alone can lift the score: its probability is scaled by this before noisy-OR. */
  modelWeight: number;
  /** Minimum share of reports sent to at least YELLOW at random (ASYCUDA-style quality control). */
  randomSelectionRate: number;
  /** Model feature contributions kept on each decision. */
  topFeatures: number;
}

export const DEFAULT_POLICY: Readonly<DecisionPolicy> = Object.freeze({
  thresholds: Object.freeze({ yellow: 0.4, red: 0.75 }),
  rulesOnlyThresholds: Object.freeze({ yellow: 0.4, red: 0.75 }),
  guardRails: Object.freeze({ strong: 0.8, medium: 0.45 }),
  modelWeight: 0.6,
  randomSelectionRate: 0.01,
  topFeatures: 5,
});

export const RANDOM_SELECTION_RULE_ID = 'random-selection';

/**
 * Noisy-OR over rules: each rule is an independent chance `weight` that the consignment is a risk, so
 * rules = 1 - prod(1 - w). A rule that fires on several lines counts once, with its largest weight, so ten
 * vague lines are not ten independent signals. The model joins as one more source with weight
 * modelWeight * p: risk = 1 - (1 - rules) * (1 - modelWeight * p). With NullModel (p = 0) risk = rules.
 */
export function combineScore(hits: readonly RuleHit[], modelScore: number, modelWeight: number): number {
  const perRule = new Map<string, number>();
  for (const h of hits) perRule.set(h.ruleId, Math.max(perRule.get(h.ruleId) ?? 0, clamp01(h.weight)));
  let keep = 1;
  for (const w of perRule.values()) keep *= 1 - w;
  keep *= 1 - clamp01(modelWeight) * clamp01(modelScore);
  return round4(1 - keep);
}

export function laneFor(riskScore: number, t: LaneThresholds): Lane {
  return riskScore >= t.red ? 'RED' : riskScore >= t.yellow ? 'YELLOW' : 'GREEN';
}

/** Deterministic draw in [0, 1) from the messageId: replays and re-deliveries get the same answer. */
export function selectionDraw(messageId: string): number {
  // One-shot hash: no Hash object per report (a third of the cost).
  const hex = hash('sha256', `random-selection:${messageId}`, 'hex').slice(0, 8);
  return Number.parseInt(hex, 16) / 0x1_0000_0000;
}

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
// The learned probability sits near 0.001–0.01 at the YELLOW line: four decimals would tie hundreds of reports.
const round6 = (x: number) => Math.round(x * 1_000_000) / 1_000_000;

/** The guard rails' lane for these hits: 2 RED (a strong indicator), 1 at least YELLOW (a medium one), 0 none. */
export function guardRailFloor(hits: readonly RuleHit[], rails: DecisionPolicy['guardRails']): 0 | 1 | 2 {
  let max = 0;
  for (const h of hits) if (h.weight > max) max = h.weight;
  return max >= rails.strong ? 2 : max >= rails.medium ? 1 : 0;
}

/**
 * riskScore and the thresholds that turn it into a lane: the learned combination's probability when the
 * model has one, else the noisy-OR of rules and model. The guard rails act on the lane (laneOf), not on
 * the score, so a strong indicator on licit trade does not outrank every report the score ranks below it.
 */
export function riskScoreOf(
  hits: readonly RuleHit[],
  modelScore: number,
  combination: Combination | null,
  policy: DecisionPolicy,
): { riskScore: number; thresholds: LaneThresholds } {
  if (combination === null)
    return {
      riskScore: combineScore(hits, modelScore, policy.modelWeight),
      thresholds: policy.rulesOnlyThresholds,
    };
  return {
    riskScore: round6(combinedProbability(combination, hits, modelScore)),
    thresholds: policy.thresholds,
  };
}

const FLOOR_LANES: readonly Lane[] = ['GREEN', 'YELLOW', 'RED'];

/** The lane of a riskScore, raised by the guard rails: a strong indicator is RED, a medium one at least YELLOW. */
export function laneOf(riskScore: number, thresholds: LaneThresholds, floor: 0 | 1 | 2): Lane {
  const byScore = laneFor(riskScore, thresholds);
  return FLOOR_LANES.indexOf(byScore) >= floor ? byScore : FLOOR_LANES[floor]!;
}

/**
 * The n largest contributions by magnitude, ties in the model's feature order: what a stable sort of
 * all ~70 and a slice give, without copying and sorting them for every decision.
 */
export function topFeatures(p: ModelPrediction, n: number): FeatureContribution[] {
  const top: FeatureContribution[] = [];
  if (n <= 0) return top;
  for (const c of p.contributions) {
    const size = Math.abs(c.contribution);
    if (!Number.isFinite(size)) continue;
    if (top.length === n && size <= Math.abs(top[n - 1]!.contribution)) continue;
    let i = top.length;
    while (i > 0 && Math.abs(top[i - 1]!.contribution) < size) i--;
    top.splice(i, 0, c);
    if (top.length > n) top.pop();
  }
  return top;
}

/** One decision from already-computed facts, hits and prediction. */
export function decide(
  report: Report,
  facts: ComputedFacts,
  ruleHits: RuleHit[],
  prediction: ModelPrediction,
  versions: { modelVersion: string; rulesVersion: string },
  policy: DecisionPolicy,
  scoredAt: Date,
  combination: Combination | null = null,
): Decision {
  const modelScore = clamp01(prediction.score);
  const { riskScore, thresholds } = riskScoreOf(ruleHits, modelScore, combination, policy);
  let lane = laneOf(riskScore, thresholds, guardRailFloor(ruleHits, policy.guardRails));
  const hits = [...ruleHits].sort((a, b) => b.weight - a.weight);
  const selected =
    policy.randomSelectionRate > 0 && selectionDraw(report.messageId) < policy.randomSelectionRate;
  if (selected) {
    if (lane === 'GREEN') lane = 'YELLOW';
    hits.push({
      ruleId: RANDOM_SELECTION_RULE_ID,
      weight: 0,
      explanation: `Selected at random for quality control (rate ${policy.randomSelectionRate})`,
      goodsLine: null,
    });
  }
  return {
    messageId: report.messageId,
    consignmentId: report.consignment.consignmentId,
    documentType: report.documentType,
    scoredAt: scoredAt.toISOString(),
    riskScore,
    lane,
    flagged: lane !== 'GREEN',
    ruleHits: hits,
    modelScore: round4(modelScore),
    modelVersion: versions.modelVersion,
    rulesVersion: versions.rulesVersion,
    substances: facts.substances,
    topFeatures: topFeatures(prediction, policy.topFeatures),
    ...(selected ? { randomSelection: true } : {}),
    screening: 'COMPLETE',
    ...(facts.permitDraws.length > 0 ? { permitUse: facts.permitDraws } : {}),
  };
}

export interface ScorerOptions {
  /** A RulesStore (hot reload) or a fixed snapshot. */
  rules: RulesStore | RulesSnapshot;
  model?: RiskModel;
  watchlist?: Watchlist;
  policy?: Partial<DecisionPolicy>;
  factOptions?: Partial<FactOptions>;
  /** The permit register, or a source whose register may change (hot reload); absent: permits unverified. */
  permits?: PermitRegister | PermitSource | null;
  /** Quantities already drawn on permits; default a fresh one (earlier reports of this scorer count). */
  ledger?: PermitLedger;
  /** Consignees already seen (first-time importer); absent or null: that indicator is not judged. */
  history?: ImporterHistory | null;
}

/** A permit register that may be replaced while running (file watch, ClickHouse poll). */
export interface PermitSource {
  readonly current: PermitRegister | null;
}

export function resolvePolicy(p: Partial<DecisionPolicy> = {}): DecisionPolicy {
  const policy = {
    ...DEFAULT_POLICY,
    ...p,
    thresholds: { ...DEFAULT_POLICY.thresholds, ...p.thresholds },
    rulesOnlyThresholds: { ...DEFAULT_POLICY.rulesOnlyThresholds, ...p.rulesOnlyThresholds },
    guardRails: { ...DEFAULT_POLICY.guardRails, ...p.guardRails },
  };
  for (const { yellow, red } of [policy.thresholds, policy.rulesOnlyThresholds])
    if (!(yellow > 0 && yellow <= red && red <= 1))
      throw new RangeError(`lane thresholds need 0 < yellow <= red <= 1`);
  if (!(policy.randomSelectionRate >= 0 && policy.randomSelectionRate <= 1))
    throw new RangeError('randomSelectionRate');
  return Object.freeze(policy);
}

/**
 * The policy for one rules snapshot: thresholds and random selection from its lane policy file
 * (models/lanes.yaml), anything given explicitly in `explicit` winning (tests, what-if evaluation).
 */
export function policyForSnapshot(
  snap: RulesSnapshot,
  explicit: Partial<DecisionPolicy> = {},
): DecisionPolicy {
  return policyForLanes(snap.lanes, explicit);
}

/** Explicit `thresholds` without explicit `rulesOnlyThresholds` set both (tests, what-if evaluation). */
export function policyForLanes(
  lanes: LanePolicy | undefined,
  explicit: Partial<DecisionPolicy> = {},
): DecisionPolicy {
  return resolvePolicy({
    ...(lanes === undefined
      ? {}
      : {
          randomSelectionRate: lanes.randomSelectionRate,
          guardRails: {
            strong: lanes.guardRails.strongIndicator,
            medium: lanes.guardRails.mediumIndicator,
          },
        }),
    ...explicit,
    thresholds: { ...DEFAULT_POLICY.thresholds, ...lanes?.thresholds, ...explicit.thresholds },
    rulesOnlyThresholds: {
      ...DEFAULT_POLICY.rulesOnlyThresholds,
      ...lanes?.rulesOnly.thresholds,
      ...explicit.thresholds,
      ...explicit.rulesOnlyThresholds,
    },
  });
}

export function createScorer(options: ScorerOptions): Scorer {
  const model = options.model ?? NullModel;
  const watchlist = options.watchlist ?? EMPTY_WATCHLIST;
  resolvePolicy(options.policy); // reject a bad explicit policy at construction, not on the first batch
  let policyCache: { snap: RulesSnapshot; policy: DecisionPolicy } | undefined;
  const policyOf = (snap: RulesSnapshot): DecisionPolicy => {
    if (policyCache?.snap !== snap) policyCache = { snap, policy: policyForSnapshot(snap, options.policy) };
    return policyCache.policy;
  };
  const factOptions: FactOptions = { ...DEFAULT_FACT_OPTIONS, ...options.factOptions };
  const snapshot = (): RulesSnapshot => ('current' in options.rules ? options.rules.current : options.rules);
  const ledger = options.ledger ?? createPermitLedger();
  const permits = options.permits ?? null;
  const history = options.history ?? null;
  const register = (): PermitRegister | null =>
    permits === null ? null : 'current' in permits ? permits.current : permits;

  return {
    get modelVersion() {
      return model.version;
    },
    get rulesVersion() {
      return snapshot().version;
    },
    get lanePolicy() {
      return snapshot().lanes;
    },
    prepare: (reports, deadlineMs) => snapshot().matcher.prepare(reports, deadlineMs),
    scoreBatch(reports, scoredAt, scoreOptions) {
      // One snapshot per batch: a reload mid-batch never mixes two rule versions in one batch.
      const snap = snapshot();
      const policy = policyOf(snap);
      const versions = { modelVersion: model.version, rulesVersion: snap.version };
      const combination = model.combination ?? null;
      const predictions = reports.length === 0 ? [] : model.predictBatch(reports);
      const reg = register();
      const ctx = {
        knowledge: snap.knowledge,
        matcher: snap.matcher,
        watchlist,
        options: factOptions,
        permits: reg === null ? null : { register: reg, ledger },
        history,
      };
      return reports.map((report, i) => {
        const facts = computeFacts(report, ctx);
        // Recorded at once, so the next report of the batch sees what this one drew.
        if (reg !== null) ledger.record(report.consignment.consignmentId, facts.permitDraws);
        history?.record(report.consignment.parties.consignee.name, report.consignment.consignmentId);
        const hits = evaluateRules(snap.rules, facts);
        // Both documents of the consignment have arrived: their disagreements are evidence too.
        const other = scoreOptions?.counterparts?.get(report.messageId);
        if (other !== undefined && other.documentType !== report.documentType) {
          hits.push(
            ...(report.documentType === 'MANIFEST' ? reconcile(report, other) : reconcile(other, report)),
          );
        }
        const prediction = predictions[i] ?? { score: 0, contributions: [] };
        return decide(report, facts, hits, prediction, versions, policy, scoredAt, combination);
      });
    },
  };
}

export interface DefaultScorerOptions extends Omit<ScorerOptions, 'rules' | 'watchlist' | 'permits'> {
  rulesDir?: string;
  /** A permit register file or folder of *.csv (models/permits/ is the pipeline's default). */
  permitsPath?: string;
  knowledgePath?: string;
  watchlistDir?: string;
  /** Hot-reload rules when their files change. */
  watch?: boolean;
  /** Receives reloads (info) and rejected rule changes (error). */
  logger?: StoreLogger;
}

/** The scorer the CLI and pipeline use: rules and knowledge from models/, optional watchlist directory. */
export function createDefaultScorer(options: DefaultScorerOptions = {}): {
  scorer: Scorer;
  rules: RulesStore;
} {
  const rules = createRulesStore({
    ...(options.rulesDir === undefined ? {} : { rulesDir: options.rulesDir }),
    ...(options.knowledgePath === undefined ? {} : { knowledgePath: options.knowledgePath }),
    watch: options.watch ?? false,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const watchlist =
    options.watchlistDir === undefined ? EMPTY_WATCHLIST : loadWatchlistDir(options.watchlistDir);
  const permits = options.permitsPath === undefined ? null : loadPermitRegister(options.permitsPath);
  return { scorer: createScorer({ ...options, rules, watchlist, permits }), rules };
}
