// Builds the Scorer every front door uses (stream, batch CLI, trainer), from the rules, knowledge
// and model on disk. One place, so the three can never load different judgement.
import type { Decision } from '../../schemas/decision.ts';
import type { Report } from '../../schemas/report.ts';
import type { Logger } from '../common/logger.ts';
import type { Scorer } from '../scoring/scorer.ts';

export interface LoadScorerOptions {
  logger: Logger;
  rulesDir?: string;
  modelsDir?: string;
  watchlistDir?: string;
  /** Watch rules and the champion pointer for changes (long-running services). */
  watch?: boolean;
}

export interface LoadedScorer extends Scorer {
  close(): Promise<void>;
}

/** Placeholder until the precursor-intelligence scorer lands: scores nothing as risky, says so. */
export class NoJudgementScorer implements LoadedScorer {
  readonly modelVersion = 'none';
  readonly rulesVersion = 'none';
  scoreBatch(reports: readonly Report[], scoredAt: Date): Decision[] {
    return reports.map((r) => ({
      messageId: r.messageId,
      consignmentId: r.consignment.consignmentId,
      documentType: r.documentType,
      scoredAt: scoredAt.toISOString(),
      riskScore: 0,
      lane: 'GREEN',
      flagged: false,
      ruleHits: [],
      modelScore: 0,
      modelVersion: this.modelVersion,
      rulesVersion: this.rulesVersion,
      substances: [],
      topFeatures: [],
    }));
  }
  async close(): Promise<void> {}
}

export async function loadScorer(_opts: LoadScorerOptions): Promise<LoadedScorer> {
  return new NoJudgementScorer();
}
