// Reads: an OFAC SDN list in legacy CSV (sdn.csv, optional alt.csv: no header, "-0-" = empty) and
// national lists (*.list.json / *.list.csv, see docs/watchlists.md). Writes: a Watchlist that screens party
// names against every name and alias. Guarantees: only drug programs (SDNT, SDNTK, ILLICIT-DRUGS-EO14059, TCO)
// or lists marked drug-related yield drug hits; files are parsed positionally; a malformed file is an error;
// screening scores only names sharing a block key, and results are memoised per Watchlist instance.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { PrecursorRiskError } from '../common/errors.ts';
import { canonicalJson, shortHash } from './canonical.ts';
import {
  isDistinctiveToken,
  JOINED_JARO_MIN,
  jaroUpperBound,
  jaroWinkler,
  tokenSimilarity,
  weightOf,
} from './fuzzy.ts';
import { BoundedCache, type CacheStats } from './memo.ts';
import { GENERIC_WORDS, normalizePartyName } from './party-names.ts';

export const DRUG_PROGRAMS: ReadonlySet<string> = new Set(['SDNT', 'SDNTK', 'ILLICIT-DRUGS-EO14059', 'TCO']);
export const DEFAULT_MATCH_THRESHOLD = 0.88;
/** Screening results kept per threshold (names, not entries: one party name is one cache entry). */
export const SCREEN_MEMO_SIZE = 50_000;
const MAX_MEMO_THRESHOLDS = 4;

export interface WatchlistEntry {
  /** `<list>:<id>`, e.g. "OFAC-SDN:36". */
  id: string;
  list: string;
  name: string;
  aliases: string[];
  type: string;
  programs: string[];
  drugRelated: boolean;
  remarks: string | null;
}

export interface WatchlistHit {
  entryId: string;
  list: string;
  /** The listed name or alias that matched. */
  matchedName: string;
  primaryName: string;
  alias: boolean;
  score: number;
  programs: string[];
  drugRelated: boolean;
}

export interface Watchlist {
  readonly version: string;
  readonly size: number;
  /** Hits at or above `threshold` (default 0.88), best first, one per entry. */
  screen(name: string, threshold?: number): WatchlistHit[];
  /** Hit rate of the screening memo and the work done on misses (for benchmarks and metrics). */
  cacheStats?(): WatchlistCacheStats;
}

const empty = (v: string | undefined) =>
  v === undefined || v.trim() === '' || v.trim() === '-0-' ? null : v.trim();

/** "SDNTK] [ILLICIT-DRUGS-EO14059" -> ["SDNTK", "ILLICIT-DRUGS-EO14059"]. */
export function splitPrograms(field: string | null): string[] {
  if (field === null) return [];
  return field
    .split(/\]\s*\[/)
    .map((p) => p.replace(/[[\]]/g, '').trim())
    .filter((p) => p.length > 0);
}

function readText(path: string): string {
  // Legacy OFAC files are Windows-1252 and may end with a DOS end-of-file byte (0x1A).
  let text = readFileSync(path, 'utf8');
  if (text.includes('\uFFFD')) text = readFileSync(path, 'latin1');
  return text.replaceAll(String.fromCharCode(0x1a), '');
}

function csvRows(path: string): string[][] {
  try {
    return parseCsv(readText(path), {
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    }) as string[][];
  } catch (cause) {
    throw new PrecursorRiskError('RULES_INVALID', `${path}: not valid CSV: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/** sdn.csv: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks. */
export function loadOfacSdn(dir: string): WatchlistEntry[] {
  const byNum = new Map<string, WatchlistEntry>();
  csvRows(join(dir, 'sdn.csv')).forEach((row, i) => {
    const num = empty(row[0]);
    const name = empty(row[1]);
    if (num === null || name === null || !/^\d+$/.test(num)) {
      throw new PrecursorRiskError(
        'RULES_INVALID',
        `${join(dir, 'sdn.csv')}: row ${i + 1}: expected ent_num and SDN_Name`,
      );
    }
    const programs = splitPrograms(empty(row[3]));
    byNum.set(num, {
      id: `OFAC-SDN:${num}`,
      list: 'OFAC-SDN',
      name,
      aliases: [],
      type: empty(row[2]) ?? 'entity',
      programs,
      drugRelated: programs.some((p) => DRUG_PROGRAMS.has(p)),
      remarks: empty(row[11]),
    });
  });
  const altPath = join(dir, 'alt.csv');
  if (existsSync(altPath)) {
    // alt.csv: ent_num, alt_num, alt_type (aka, fka, nka), alt_name, alt_remarks.
    for (const row of csvRows(altPath)) {
      const entry = byNum.get(empty(row[0]) ?? '');
      const alias = empty(row[3]);
      if (entry !== undefined && alias !== null) entry.aliases.push(alias);
    }
  }
  return [...byNum.values()];
}

const nationalEntrySchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]),
  type: z.string().default('entity'),
  programs: z.array(z.string()).default([]),
  drugRelated: z.boolean(),
  remarks: z.string().nullish(),
});
const nationalListSchema = z.object({
  list: z.string().regex(/^[A-Z0-9-]+$/),
  version: z.string().optional(),
  entries: z.array(nationalEntrySchema),
});

/** A national list: JSON {list, entries[]} or CSV with header id,name,aliases,type,programs,drugRelated. */
export function loadNationalList(path: string): WatchlistEntry[] {
  let parsed: z.infer<typeof nationalListSchema>;
  if (path.endsWith('.json')) {
    const result = nationalListSchema.safeParse(JSON.parse(readText(path)));
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new PrecursorRiskError('RULES_INVALID', `${path}: at ${issue.path.join('.')}: ${issue.message}`);
    }
    parsed = result.data;
  } else {
    const records = parseCsv(readText(path), { columns: true, skip_empty_lines: true, trim: true }) as Record<
      string,
      string
    >[];
    const list = (path.split('/').pop() ?? 'NATIONAL').replace(/\.list\.csv$/, '').toUpperCase();
    parsed = nationalListSchema.parse({
      list,
      entries: records.map((r) => ({
        id: r.id,
        name: r.name,
        aliases: (r.aliases ?? '').split('|').filter((a) => a.trim() !== ''),
        type: r.type || 'entity',
        programs: (r.programs ?? '').split(';').filter((p) => p.trim() !== ''),
        drugRelated: /^(true|yes|1)$/i.test(r.drugRelated ?? ''),
      })),
    });
  }
  return parsed.entries.map((e) => ({
    id: `${parsed.list}:${e.id}`,
    list: parsed.list,
    name: e.name,
    aliases: e.aliases,
    type: e.type,
    programs: e.programs,
    drugRelated: e.drugRelated,
    remarks: e.remarks ?? null,
  }));
}

/** Everything in DIR: sdn.csv (+ alt.csv) when present, and every *.list.json / *.list.csv. */
export function loadWatchlistDir(dir: string): Watchlist {
  const entries: WatchlistEntry[] = [];
  if (existsSync(join(dir, 'sdn.csv'))) entries.push(...loadOfacSdn(dir));
  for (const f of readdirSync(dir).sort()) {
    if (f.endsWith('.list.json') || f.endsWith('.list.csv')) entries.push(...loadNationalList(join(dir, f)));
  }
  if (entries.length === 0)
    throw new PrecursorRiskError('RULES_INVALID', `${dir}: no sdn.csv and no *.list.* file`);
  return createWatchlist(entries);
}

interface NameRecord {
  entry: number;
  text: string;
  alias: boolean;
  core: string[];
  /** Vocabulary ids of `core`, in order. */
  ids: Int32Array;
  /** core.join(''), its length and its character counts (a-z, 0-9): for the run-together comparison. */
  joined: string;
  hist: Uint16Array;
}

/** Candidate keys: 3-letter prefix and suffix of each distinctive token, so a slip at either end still meets. */
function blockKeys(core: readonly string[]): string[] {
  const keys: string[] = [];
  for (const t of core) {
    if (t.length < 3 || GENERIC_WORDS.has(t)) continue;
    keys.push(`p:${t.slice(0, 3)}`, `s:${t.slice(-3)}`);
  }
  if (keys.length === 0) for (const t of core) keys.push(`p:${t.slice(0, 3)}`);
  return keys;
}

/** Counts of a-z and 0-9 (the only characters normalised tokens contain; anything else is not counted). */
function charCounts(text: string): Uint16Array {
  const h = new Uint16Array(36);
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c >= 97 && c <= 122) h[c - 87]!++;
    else if (c >= 48 && c <= 57) h[c - 48]!++;
  }
  return h;
}

/**
 * True when a run-together Jaro of at most `bound` cannot change a screening outcome: it counts as 0 below
 * JOINED_JARO_MIN; with a distinctive token agreement the score is max(mean, joined), the same when
 * joined <= mean and a miss either way when joined < threshold; without one the score is 0 or
 * max(mean, joined), a miss either way when both are below the threshold.
 */
function joinedIrrelevant(bound: number, distinctive: number, mean: number, threshold: number): boolean {
  if (bound < JOINED_JARO_MIN) return true;
  return distinctive > 0 ? bound <= mean || bound < threshold : bound < threshold && mean < threshold;
}

export interface WatchlistCacheStats extends CacheStats {
  /** Names screened without the memo (misses) and the candidate names they were scored against. */
  screened: number;
  candidates: number;
}

export function createWatchlist(entries: readonly WatchlistEntry[]): Watchlist {
  const records: NameRecord[] = [];
  const blocks = new Map<string, number[]>();
  // Every distinct core token of the list gets an id: a query scores each distinct token once.
  const vocabIds = new Map<string, number>();
  const vocab: string[] = [];
  const idOf = (t: string): number => {
    let id = vocabIds.get(t);
    if (id === undefined) {
      id = vocab.length;
      vocab.push(t);
      vocabIds.set(t, id);
    }
    return id;
  };
  entries.forEach((e, entry) => {
    for (const [text, alias] of [[e.name, false] as const, ...e.aliases.map((a) => [a, true] as const)]) {
      const idx = records.length;
      const core = normalizePartyName(text).core;
      const joined = core.join('');
      records.push({
        entry,
        text,
        alias,
        core,
        ids: Int32Array.from(core, idOf),
        joined,
        hist: charCounts(joined),
      });
      for (const key of new Set(blockKeys(core))) {
        const list = blocks.get(key);
        if (list === undefined) blocks.set(key, [idx]);
        else list.push(idx);
      }
    }
  });
  const vocabWeight = Float64Array.from(vocab, weightOf);
  const vocabDistinctive = Uint8Array.from(vocab, (t) => (isDistinctiveToken(t) ? 1 : 0));
  const version = shortHash(canonicalJson(entries));

  // Party names repeat heavily across a stream; screening is pure, so a bounded memo is safe. It lives in this
  // closure: a reloaded list is a new Watchlist with an empty memo.
  const memos = new Map<number, BoundedCache<string, WatchlistHit[]>>();
  let lastThreshold = Number.NaN;
  let lastMemo: BoundedCache<string, WatchlistHit[]> | undefined;
  let screened = 0;
  let candidateCount = 0;

  function screen(name: string, threshold = DEFAULT_MATCH_THRESHOLD): WatchlistHit[] {
    let memo = threshold === lastThreshold ? lastMemo : memos.get(threshold);
    if (memo === undefined) {
      if (memos.size >= MAX_MEMO_THRESHOLDS) memos.clear();
      memo = new BoundedCache(SCREEN_MEMO_SIZE);
      memos.set(threshold, memo);
    }
    lastThreshold = threshold;
    lastMemo = memo;
    const cached = memo.get(name);
    if (cached !== undefined) return cached;
    const hits = screenUncached(name, threshold);
    memo.set(name, hits);
    return hits;
  }

  // Scratch state of one uncached screening (synchronous, so one set per list is enough).
  let epoch = 0;
  const seen = new Int32Array(records.length);
  const tokenEpoch = new Int32Array(vocab.length);
  const tokenSlot = new Int32Array(vocab.length);
  const candidates: number[] = [];
  // tokenSimilarity(query token, list token) per slot; symmetric, so it serves both directions.
  let sims = new Float64Array(256);

  /**
   * tokenSetSimilarity(query, r.core) exactly (same operations in the same order), but each distinct token
   * pair's similarity is computed once per query and serves both directions (tokenSimilarity is exactly
   * symmetric, see jaroWinkler), not once per candidate name holding the token; and the run-together Jaro
   * is skipped when a character-count bound shows it cannot change the outcome.
   */
  function screenUncached(name: string, threshold: number): WatchlistHit[] {
    const query = normalizePartyName(name).core;
    const qn = query.length;
    if (qn === 0) return [];
    epoch++;
    if (epoch === 0x3fffffff) {
      seen.fill(0);
      tokenEpoch.fill(0);
      epoch = 1;
    }
    candidates.length = 0;
    for (const key of blockKeys(query)) {
      const list = blocks.get(key);
      if (list === undefined) continue;
      for (const idx of list) {
        if (seen[idx] === epoch) continue;
        seen[idx] = epoch;
        candidates.push(idx);
      }
    }
    if (candidates.length === 0) return [];
    screened++;
    candidateCount += candidates.length;

    const qWeight = query.map(weightOf);
    const qDistinctive = query.map(isDistinctiveToken);
    const qJoined = query.join('');
    const qHist = charCounts(qJoined);
    let slots = 0;
    const best = new Map<number, WatchlistHit>();
    for (const idx of candidates) {
      const r = records[idx]!;
      const ids = r.ids;
      const rn = ids.length;
      let score = 0;
      if (rn > 0) {
        for (let k = 0; k < rn; k++) {
          const v = ids[k]!;
          if (tokenEpoch[v] === epoch) continue;
          tokenEpoch[v] = epoch;
          tokenSlot[v] = slots;
          const base = slots * qn;
          slots++;
          if (base + qn > sims.length) {
            const grown = new Float64Array(2 * (base + qn));
            grown.set(sims);
            sims = grown;
          }
          const u = vocab[v]!;
          for (let i = 0; i < qn; i++) sims[base + i] = tokenSimilarity(query[i]!, u);
        }
        // directed(query, core)
        let num = 0;
        let den = 0;
        let distinctive = 0;
        for (let i = 0; i < qn; i++) {
          let top = 0;
          for (let k = 0; k < rn; k++) {
            const s = sims[tokenSlot[ids[k]!]! * qn + i]!;
            if (s > top) top = s;
            if (top === 1) break;
          }
          const w = qWeight[i]!;
          num += w * top;
          den += w;
          if (top >= 0.9 && qDistinctive[i]) distinctive++;
        }
        const forward = den === 0 ? 0 : num / den;
        // directed(core, query)
        num = 0;
        den = 0;
        for (let k = 0; k < rn; k++) {
          const v = ids[k]!;
          const base = tokenSlot[v]! * qn;
          let top = 0;
          for (let i = 0; i < qn; i++) {
            const s = sims[base + i]!;
            if (s > top) top = s;
            if (top === 1) break;
          }
          const w = vocabWeight[v]!;
          num += w * top;
          den += w;
          if (top >= 0.9 && vocabDistinctive[v] === 1) distinctive++;
        }
        const backward = den === 0 ? 0 : num / den;
        const mean = (forward + backward) / 2;
        let joined = 0;
        const lq = qJoined.length;
        const lr = r.joined.length;
        // The run-together Jaro only where a character-count bound says it could change the outcome.
        if (
          lq >= 6 &&
          lr >= 6 &&
          !joinedIrrelevant(jaroUpperBound(lq, lr, Math.min(lq, lr)), distinctive, mean, threshold)
        ) {
          let common = 0;
          const h = r.hist;
          for (let c = 0; c < 36; c++) common += Math.min(qHist[c]!, h[c]!);
          if (!joinedIrrelevant(jaroUpperBound(lq, lr, common), distinctive, mean, threshold)) {
            const jaro = jaroWinkler(qJoined, r.joined, 0);
            joined = jaro >= JOINED_JARO_MIN ? jaro : 0;
          }
        }
        score = distinctive === 0 && joined === 0 ? 0 : Math.max(mean, joined);
      }
      if (score < threshold) continue;
      const e = entries[r.entry]!;
      const prev = best.get(r.entry);
      if (prev !== undefined && prev.score >= score) continue;
      best.set(r.entry, {
        entryId: e.id,
        list: e.list,
        matchedName: r.text,
        primaryName: e.name,
        alias: r.alias,
        score: Math.round(score * 1000) / 1000,
        programs: e.programs,
        drugRelated: e.drugRelated,
      });
    }
    return [...best.values()].sort((a, b) => b.score - a.score);
  }

  function cacheStats(): WatchlistCacheStats {
    const total = { capacity: 0, size: 0, hits: 0, misses: 0 };
    for (const m of memos.values()) {
      const st = m.stats();
      total.capacity += st.capacity;
      total.size += st.size;
      total.hits += st.hits;
      total.misses += st.misses;
    }
    return { ...total, screened, candidates: candidateCount };
  }

  return { version, size: entries.length, screen, cacheStats };
}

/** An empty list, for runs without --watchlist. */
export const EMPTY_WATCHLIST: Watchlist = createWatchlist([]);
