import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../schemas/report.ts';
import {
  buildCorpus,
  CATEGORY_EXPECTATIONS,
  CORPUS_PATH,
  corpusText,
} from '../../test/corpus/build-corpus.ts';
import type { CorpusRecord } from '../../test/corpus/corpus-positive.ts';
import { createScorer } from './decide.ts';
import { NullModel } from './risk-model.ts';
import { loadRulesSnapshot } from './rules-store.ts';
import { loadWatchlistDir } from './watchlist.ts';

// "Flagged" = lane != GREEN (CONTRACT.md §2). Per category: FLAG categories count flagged as hits (recall);
// GREEN categories count flagged as false flags; NOT_RED categories may be YELLOW but never RED.
const text = readFileSync(CORPUS_PATH, 'utf8');
const records: CorpusRecord[] = text
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
const scorer = createScorer({
  rules: loadRulesSnapshot(),
  model: NullModel,
  watchlist: loadWatchlistDir(new URL('../../models/watchlists/sample/', import.meta.url).pathname),
  policy: { randomSelectionRate: 0 }, // QC draws would blur what the rules do
});
const decisions = scorer.scoreBatch(
  records.map((r) => reportSchema.parse(r.report)),
  new Date('2026-11-22T00:00:00Z'),
);

interface Row {
  expected: string;
  n: number;
  green: number;
  yellow: number;
  red: number;
  flaggedRate: number;
  redRate: number;
}
const table: Record<string, Row> = {};
records.forEach((r, i) => {
  const d = decisions[i]!;
  table[r.category] ??= {
    expected: r.expected,
    n: 0,
    green: 0,
    yellow: 0,
    red: 0,
    flaggedRate: 0,
    redRate: 0,
  };
  const row = table[r.category]!;
  row.n++;
  row[d.lane.toLowerCase() as 'green' | 'yellow' | 'red']++;
});
for (const row of Object.values(table)) {
  row.flaggedRate = Math.round(((row.yellow + row.red) / row.n) * 1000) / 1000;
  row.redRate = Math.round((row.red / row.n) * 1000) / 1000;
}

describe('labelled corpus', () => {
  it('has at least 300 reports, is up to date with its builder, and covers every category', () => {
    expect(records.length).toBeGreaterThanOrEqual(300);
    expect(corpusText(buildCorpus())).toBe(text);
    expect(Object.keys(table).sort()).toEqual(Object.keys(CATEGORY_EXPECTATIONS).sort());
  });

  it('meets the recall and false-flag targets per category', () => {
    console.table(table);
    for (const [category, row] of Object.entries(table)) {
      if (row.expected === 'FLAG') expect(row.flaggedRate, `${category} recall`).toBeGreaterThanOrEqual(0.95);
      if (row.expected === 'GREEN')
        expect(row.flaggedRate, `${category} false-flag rate`).toBeLessThanOrEqual(0.02);
      if (row.expected === 'NOT_RED') expect(row.red, `${category} RED count`).toBe(0);
    }
  });

  it('explains every flag with at least one rule hit', () => {
    for (const d of decisions) if (d.flagged) expect(d.ruleHits.length).toBeGreaterThan(0);
  });
});
