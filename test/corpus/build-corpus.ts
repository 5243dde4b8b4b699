// Reads: the corpus builders (corpus-positive.ts, corpus-negative.ts), seeded. Writes: test/corpus/corpus.jsonl,
// one labelled report per line: {id, category, expected, note, report}. Guarantees: deterministic (fixed
// seed), every report valid against schemas/report.ts; run `npx tsx test/corpus/build-corpus.ts` to rebuild.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { reportSchema } from '../../schemas/report.ts';
import { createRandom } from './corpus-fixtures.ts';
import { negativeRecords } from './corpus-negative.ts';
import { type CorpusRecord, positiveRecords } from './corpus-positive.ts';

export const CORPUS_PATH = fileURLToPath(new URL('./corpus.jsonl', import.meta.url));
export const CORPUS_SEED = 20261122;

/**
 * What "flagged" (lane != GREEN) must mean per category:
 * FLAG: positives, flagged is a hit (recall). GREEN: flagged is a false flag. NOT_RED: may be YELLOW, RED is a failure.
 */
export const CATEGORY_EXPECTATIONS: Readonly<Record<string, CorpusRecord['expected']>> = {
  'controlled-name': 'FLAG',
  'controlled-synonym': 'FLAG',
  'controlled-cas-field': 'FLAG',
  'controlled-cas-text': 'FLAG',
  'controlled-salt': 'FLAG',
  analogue: 'FLAG',
  'misdeclared-hs': 'FLAG',
  'watchlist-variant': 'FLAG',
  'multi-indicator': 'FLAG',
  equipment: 'FLAG',
  'near-miss': 'GREEN',
  'general-goods': 'GREEN',
  'party-lookalike': 'GREEN',
  'weak-single': 'NOT_RED',
  'licensed-trade': 'NOT_RED',
};

export function buildCorpus(seed = CORPUS_SEED): CorpusRecord[] {
  const rnd = createRandom(seed);
  const records = [...positiveRecords(rnd), ...negativeRecords(rnd)];
  for (const r of records) {
    const parsed = reportSchema.safeParse(r.report);
    if (!parsed.success)
      throw new Error(
        `${r.id}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`,
      );
    if (CATEGORY_EXPECTATIONS[r.category] !== r.expected)
      throw new Error(`${r.id}: label does not match its category`);
  }
  return records;
}

export function corpusText(records: readonly CorpusRecord[]): string {
  return `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const records = buildCorpus();
  writeFileSync(CORPUS_PATH, corpusText(records));
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.category, (counts.get(r.category) ?? 0) + 1);
  console.log(`wrote ${records.length} reports to ${CORPUS_PATH}`);
  console.table(Object.fromEntries(counts));
}
