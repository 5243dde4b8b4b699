// Further benchmark sections (scoring cost per stage); each returns Markdown. Kept apart from the
// stream benchmark so stages can add their own measurements without touching it.
import type { Report } from '../schemas/report.ts';
import type { Scorer } from '../services/scoring/scorer.ts';

export interface BenchContext {
  reports: readonly Report[];
  scorer: Scorer;
}

export async function extraSections(_ctx: BenchContext): Promise<string> {
  return '';
}
