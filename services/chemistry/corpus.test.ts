// The chemistry room on its labelled corpus (test/corpus/chemistry/goods-lines.jsonl, >= 1,500 goods-line
// texts with the source of each name), with the real OPSIN helper: listed substances identified, designer
// analogues flagged, harmless look-alikes neither reported as controlled nor flagged. The figures printed here
// are the ones in docs/scoring.md.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildChemistryCorpus,
  CHEMISTRY_CORPUS_PATH,
  type CorpusLine,
  chemistryCorpusText,
} from '../../test/corpus/chemistry/build.ts';
import { createChemicalMatcher, type LineMatch } from '../scoring/goods-lines.ts';
import { loadKnowledge } from '../scoring/knowledge.ts';
import { createNameResolver, nameResolver, useNameResolver } from './name-resolver.ts';
import { ensureOpsinJars, type OpsinHelper, startOpsin } from './opsin.ts';

const text = readFileSync(CHEMISTRY_CORPUS_PATH, 'utf8');
const corpus: CorpusLine[] = text
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
const kb = loadKnowledge();
const LISTED = new Set(['precursor', 'opioid', 'analogue', 'reagent']);

let opsin: OpsinHelper;
const previous = nameResolver();
/** With the OPSIN helper running, and with no helper at all (the parser down: the name table alone). */
const results: LineMatch[] = [];
const resultsDown: LineMatch[] = [];

const lineOf = (t: string, i: number) =>
  ({
    lineNumber: i + 1,
    description: t,
    hsCode: null,
    casNumbers: [],
    casChecks: [],
    quantity: null,
    packages: null,
    grossWeightKg: null,
    declaredValue: null,
    originCountry: null,
  }) as never;

beforeAll(async () => {
  await ensureOpsinJars();
  opsin = startOpsin();
  const resolver = createNameResolver({ cacheFile: null });
  resolver.attach(opsin);
  useNameResolver(resolver);
  const matcher = createChemicalMatcher(kb);
  await matcher.prepare(
    corpus.map((c) => ({ consignment: { goods: [{ description: c.text }] } }) as never),
    300_000,
  );
  for (const [i, c] of corpus.entries()) results.push(matcher.matchLine(lineOf(c.text, i)));
  useNameResolver(createNameResolver({ cacheFile: null }));
  const down = createChemicalMatcher(kb);
  for (const [i, c] of corpus.entries()) resultsDown.push(down.matchLine(lineOf(c.text, i)));
}, 600_000);

afterAll(async () => {
  useNameResolver(previous);
  await opsin.stop();
});

const controlled = (r: LineMatch) =>
  r.matches.some(
    (m) =>
      m.familyId === null &&
      m.substanceId !== null &&
      m.kind !== 'CAS_NEAR' &&
      m.kind !== 'HS' &&
      m.confidence >= 0.75 &&
      LISTED.has(kb.substances.get(m.substanceId)?.role ?? ''),
  );

interface Row {
  n: number;
  identified: number;
  flagged: number;
  controlled: number;
}

/** Per category: share identified as their substance, flagged at all, reported as controlled. */
function figures(rs: readonly LineMatch[], misses: string[]) {
  const table: Record<string, Row> = {};
  corpus.forEach((c, i) => {
    const r = rs[i]!;
    table[c.category] ??= { n: 0, identified: 0, flagged: 0, controlled: 0 };
    const row = table[c.category]!;
    row.n++;
    const identified =
      c.substance !== null && r.matches.some((m) => m.substanceId === c.substance && m.familyId === null);
    if (identified) row.identified++;
    if (r.matches.length > 0) row.flagged++;
    if (controlled(r)) row.controlled++;
    if (c.substance !== null && !identified)
      misses.push(`${c.category}: ${c.text} -> ${r.matches.map((m) => m.name).join(', ') || 'nothing'}`);
    if (c.category === 'designer-analogue' && r.matches.length === 0) misses.push(`analogue: ${c.text}`);
    if (c.category === 'harmless-lookalike' && r.matches.length > 0)
      misses.push(`harmless: ${c.text} -> ${r.matches.map((m) => `${m.name}/${m.resolvedBy}`).join(', ')}`);
  });
  const rate = (a: number, n: number) => Math.round((a / n) * 1000) / 1000;
  const listed = Object.entries(table).filter(([k]) => k.startsWith('listed-'));
  const analogue = table['designer-analogue']!;
  const harmless = table['harmless-lookalike']!;
  return {
    perCategory: Object.fromEntries(
      Object.entries(table).map(([k, r]) => [
        k,
        {
          n: r.n,
          identified: rate(r.identified, r.n),
          flagged: rate(r.flagged, r.n),
          controlled: rate(r.controlled, r.n),
        },
      ]),
    ),
    listedIdentified: rate(
      listed.reduce((s, [, r]) => s + r.identified, 0),
      listed.reduce((s, [, r]) => s + r.n, 0),
    ),
    analoguesFlagged: rate(analogue.flagged, analogue.n),
    harmlessControlled: rate(harmless.controlled, harmless.n),
    harmlessFlagged: rate(harmless.flagged, harmless.n),
  };
}

describe('chemistry corpus', () => {
  it('is large enough, up to date with its builder, and says where every name comes from', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(1500);
    expect(corpus.filter((c) => c.category === 'designer-analogue').length).toBeGreaterThanOrEqual(150);
    expect(corpus.filter((c) => c.category === 'harmless-lookalike').length).toBeGreaterThanOrEqual(500);
    expect(chemistryCorpusText(buildChemistryCorpus())).toBe(text);
    for (const c of corpus) expect(c.source.length).toBeGreaterThan(10);
  });

  it('holds every listed substance in the six languages (Chinese in both scripts), each with a source', () => {
    for (const s of kb.file.substances) {
      const inForce = s.listings.some((l) => l.status === 'in-force');
      if (!LISTED.has(s.role) || !inForce) continue;
      const langs = new Set(s.translations.map((t) => t.lang));
      expect([...langs].sort(), s.id).toEqual(['de', 'es', 'fr', 'hi', 'ru', 'zh-Hans', 'zh-Hant']);
      const lines = corpus.filter((c) => c.category === 'listed-language' && c.substance === s.id);
      expect(lines.length, s.id).toBeGreaterThanOrEqual(s.translations.length);
    }
  });

  it('meets the targets per category with the parser running (issue #13)', () => {
    const misses: string[] = [];
    const f = figures(results, misses);
    console.log(JSON.stringify(f, null, 1));
    console.log(misses.slice(0, 80).join('\n'));
    expect(f.listedIdentified).toBeGreaterThanOrEqual(0.98);
    // No listed category hides behind the others.
    for (const [k, r] of Object.entries(f.perCategory))
      if (k.startsWith('listed-')) expect(r.identified, k).toBeGreaterThanOrEqual(0.95);
    expect(f.analoguesFlagged).toBeGreaterThanOrEqual(0.9);
    expect(f.harmlessControlled).toBeLessThanOrEqual(0.005);
    expect(f.harmlessFlagged).toBeLessThanOrEqual(0.05);
  });

  it('with the parser down, still reports no harmless look-alike as controlled (name table alone)', () => {
    const misses: string[] = [];
    const f = figures(resultsDown, misses);
    console.log(`parser down: ${JSON.stringify(f, null, 1)}`);
    expect(f.harmlessControlled).toBeLessThanOrEqual(0.005);
    expect(f.harmlessFlagged).toBeLessThanOrEqual(0.05);
    // Names the table holds need no parser; CAS index names and designer analogues do.
    expect(f.perCategory['listed-name']!.identified).toBeGreaterThanOrEqual(0.98);
  });
});
