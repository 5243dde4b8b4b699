// Reads: an OFAC SDN list in legacy CSV (sdn.csv, optional alt.csv: no header, "-0-" = empty) and
// national lists (*.list.json / *.list.csv, see docs/watchlists.md). Writes: a Watchlist that screens party
// names against every name and alias. Guarantees: only drug programs (SDNT, SDNTK, ILLICIT-DRUGS-EO14059, TCO)
// or lists marked drug-related yield drug hits; files are parsed positionally; a malformed file is an error.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { PrecursorRiskError } from '../common/errors.ts';
import { canonicalJson, shortHash } from './canonical.ts';
import { tokenSetSimilarity } from './fuzzy.ts';
import { GENERIC_WORDS, normalizePartyName } from './party-names.ts';

export const DRUG_PROGRAMS: ReadonlySet<string> = new Set(['SDNT', 'SDNTK', 'ILLICIT-DRUGS-EO14059', 'TCO']);
export const DEFAULT_MATCH_THRESHOLD = 0.88;
const SCREEN_MEMO_SIZE = 50_000;

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

export function createWatchlist(entries: readonly WatchlistEntry[]): Watchlist {
  const records: NameRecord[] = [];
  const blocks = new Map<string, number[]>();
  entries.forEach((e, entry) => {
    for (const [text, alias] of [[e.name, false] as const, ...e.aliases.map((a) => [a, true] as const)]) {
      const idx = records.length;
      const core = normalizePartyName(text).core;
      records.push({ entry, text, alias, core });
      for (const key of new Set(blockKeys(core))) {
        const list = blocks.get(key);
        if (list === undefined) blocks.set(key, [idx]);
        else list.push(idx);
      }
    }
  });
  const version = shortHash(canonicalJson(entries));

  // Party names repeat heavily across a stream; screening is pure, so a bounded memo is safe.
  const memo = new Map<string, WatchlistHit[]>();

  function screen(name: string, threshold = DEFAULT_MATCH_THRESHOLD): WatchlistHit[] {
    const key = `${threshold}|${name}`;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    const hits = screenUncached(name, threshold);
    if (memo.size >= SCREEN_MEMO_SIZE) memo.clear();
    memo.set(key, hits);
    return hits;
  }

  function screenUncached(name: string, threshold: number): WatchlistHit[] {
    const core = normalizePartyName(name).core;
    const candidates = new Set<number>();
    for (const key of blockKeys(core)) for (const idx of blocks.get(key) ?? []) candidates.add(idx);
    const best = new Map<number, WatchlistHit>();
    for (const idx of candidates) {
      const r = records[idx]!;
      const score = tokenSetSimilarity(core, r.core);
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

  return { version, size: entries.length, screen };
}

/** An empty list, for runs without --watchlist. */
export const EMPTY_WATCHLIST: Watchlist = createWatchlist([]);
