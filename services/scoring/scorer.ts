// The scoring stage's interface. Reads validated reports; writes one decision record per report.
// Guarantees: pure with respect to its inputs and loaded versions (same report + same versions =>
// same decision, apart from scoredAt), so the stream, the batch CLI and the trainer agree.
import type { Decision, Lane } from '../../schemas/decision.ts';
import type { Report } from '../../schemas/report.ts';
import type { LanePolicy } from './lane-policy.ts';

/** What a challenger model would have decided; stored for comparison, never changes a lane. */
export interface ShadowScore {
  messageId: string;
  consignmentId: string;
  modelVersion: string;
  modelScore: number;
  riskScore: number;
  lane: Lane;
  championModelVersion: string;
  championModelScore: number;
  championLane: Lane;
  scoredAt: string;
}

export interface ScoreOptions {
  counterparts?: ReadonlyMap<string, Report>;
}

export interface Scorer {
  /** Versions of what is loaded now (they change on hot reload / promotion). */
  readonly modelVersion: string;
  readonly rulesVersion: string;
  /** The lane policy in force (expected rates, thresholds), when the scorer reads one. */
  readonly lanePolicy?: LanePolicy | undefined;
  /**
   * Scores a batch; one decision per report, in order. Batching lets the model use predictOnBatch.
   * `counterparts` maps a report's messageId to the other document of its consignment (a MANIFEST's
   * DECLARATION or the reverse), when both have arrived: the two are then judged against each other.
   */
  scoreBatch(reports: readonly Report[], scoredAt: Date, options?: ScoreOptions): Decision[];
  /**
   * Resolves the chemical names of a batch with the name parser (OPSIN) before scoring it, waiting at most
   * `deadlineMs`; scoring without it (or after the deadline) uses the name table and the cache.
   */
  prepare?(reports: readonly Report[], deadlineMs?: number): Promise<void>;
  /**
   * Scores without leaving a trace (its own permit ledger, no importer history, no drift window): for
   * warming V8's optimised code on sample reports before live traffic.
   */
  warmUp?(reports: readonly Report[]): Decision[];
  /** Challenger scores for the same batch when a challenger runs in shadow; otherwise absent or []. */
  shadowBatch?(
    reports: readonly Report[],
    decisions: readonly Decision[],
    scoredAt: Date,
    options?: ScoreOptions,
  ): ShadowScore[];
}
