// Reads: validated reports. Writes: one probability and its feature contributions per report.
// Guarantees: the scorer depends only on this interface; the trained model (services/scoring/model.ts)
// and the NullModel stub are interchangeable, and predictBatch returns exactly one result per report, in order.
import type { Report } from '../../schemas/report.ts';
import type { Combination } from './model/combination.ts';

export interface ModelPrediction {
  /** Probability in [0, 1] that the consignment is a precursor risk. */
  score: number;
  contributions: { feature: string; contribution: number }[];
}

export interface RiskModel {
  readonly version: string;
  /** How rule hits and this model's score make the riskScore; absent or null: the noisy-OR. */
  readonly combination?: Combination | null;
  predictBatch(reports: readonly Report[]): ModelPrediction[];
}

/** Stand-in until a trained model is promoted: scores 0, explains nothing, version "none". */
export const NullModel: RiskModel = Object.freeze({
  version: 'none',
  predictBatch: (reports: readonly Report[]): ModelPrediction[] =>
    reports.map(() => ({ score: 0, contributions: [] })),
});
