import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { jaroWinkler, tokenSetSimilarity, tokenSimilarity } from './fuzzy.ts';
import {
  GENERIC_WORDS,
  looksLikeForwarder,
  looksLikePerson,
  normalizePartyName,
  partyNameProfile,
} from './party-names.ts';
import {
  createWatchlist,
  loadNationalList,
  loadOfacSdn,
  loadWatchlistDir,
  splitPrograms,
  type WatchlistEntry,
  type WatchlistHit,
} from './watchlist.ts';

const SAMPLE = new URL('../../models/watchlists/sample/', import.meta.url).pathname;
const list = loadWatchlistDir(SAMPLE);
const top = (name: string) => list.screen(name)[0];

describe('OFAC SDN legacy CSV', () => {
  const entries = loadOfacSdn(SAMPLE);

  it('parses positionally, with -0- as empty and bracket-joined programs', () => {
    const qilin = entries.find((e) => e.id === 'OFAC-SDN:990001')!;
    expect(qilin.name).toBe('QILIN FICTIVE CHEMICAL TECHNOLOGY CO., LTD.');
    expect(qilin.type).toBe('entity');
    expect(qilin.programs).toEqual(['SDNTK', 'ILLICIT-DRUGS-EO14059']);
    expect(qilin.drugRelated).toBe(true);
    expect(qilin.aliases).toEqual(['QILIN FICTIVE CHEM TECH', 'HUBEI QILIN FICTIVE NEW MATERIAL CO LTD']);
    expect(entries.find((e) => e.id === 'OFAC-SDN:990005')!.drugRelated).toBe(false);
  });

  it('splits program fields', () => {
    expect(splitPrograms('SDNTK] [ILLICIT-DRUGS-EO14059')).toEqual(['SDNTK', 'ILLICIT-DRUGS-EO14059']);
    expect(splitPrograms('TCO')).toEqual(['TCO']);
    expect(splitPrograms(null)).toEqual([]);
  });

  it('tolerates the DOS end-of-file byte and a missing alt.csv', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdn-'));
    try {
      writeFileSync(
        join(dir, 'sdn.csv'),
        '36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\u001a',
      );
      const [e] = loadOfacSdn(dir);
      expect(e).toMatchObject({
        name: 'AEROCARIBBEAN AIRLINES',
        programs: ['CUBA'],
        drugRelated: false,
        remarks: null,
        aliases: [],
      });
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('national lists', () => {
  const dir = mkdtempSync(join(tmpdir(), 'national-'));
  afterAll(() => rmSync(dir, { recursive: true }));

  it('reads the JSON format', () => {
    const entries = loadNationalList(join(SAMPLE, 'in-ncb-sample.list.json'));
    expect(entries[0]).toMatchObject({
      id: 'IN-NCB-SAMPLE:S-0001',
      drugRelated: true,
      aliases: ['Konkan Fictive Labs', 'KFL Fictive Chem'],
    });
  });

  it('reads the CSV format with a header row', () => {
    const path = join(dir, 'ca-sample.list.csv');
    writeFileSync(
      path,
      'id,name,aliases,type,programs,drugRelated\nX1,Synthetic Test Exporters,STE|Synth Test Exp,entity,PCR-DIVERSION;OTHER,true\n',
    );
    expect(loadNationalList(path)[0]).toMatchObject({
      id: 'CA-SAMPLE:X1',
      aliases: ['STE', 'Synth Test Exp'],
      programs: ['PCR-DIVERSION', 'OTHER'],
      drugRelated: true,
    });
  });

  it('rejects a malformed JSON list with the path of the problem', () => {
    const path = join(dir, 'bad.list.json');
    writeFileSync(path, JSON.stringify({ list: 'BAD', entries: [{ id: 'x', name: 'n' }] }));
    expect(() => loadNationalList(path)).toThrow(/bad\.list\.json: at entries\.0\.drugRelated/);
  });
});

describe('party name normalisation', () => {
  it.each([
    ['Guangzhou Bright Sun Trading Co., Ltd.', ['guangzhou', 'bright', 'sun']],
    ['Los Ficticios Importadora S.A. de C.V.', ['los', 'ficticios', 'importadora']],
    ['Zentra Ficta Pharma Pvt. Ltd.', ['zentra', 'ficta', 'pharma']],
    ['Nordhafen Möbel GmbH', ['nordhafen', 'mobel']],
    ['ООО «Фиктив Химия»', ['fiktiv', 'khimiya']],
    ['Smith & Sons LLC', ['smith', 'sons']],
  ])('%s', (name, core) => {
    expect(normalizePartyName(name).core).toEqual(core);
  });

  it('tells people and forwarders from firms', () => {
    expect(looksLikePerson('K. Dhillon')).toBe(true);
    expect(looksLikePerson('Maria Lopez Ruiz')).toBe(true);
    expect(looksLikePerson('Maplewood Home Furnishings Inc.')).toBe(false);
    expect(looksLikeForwarder('Pacific Gateway Freight Forwarding LLC')).toBe(true);
    expect(looksLikeForwarder('Laurentian Chemical Supply Ltd.')).toBe(false);
  });
});

describe('fuzzy similarity', () => {
  it('matches the textbook Jaro-Winkler values', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.813, 3);
  });

  it('Jaro-Winkler and token similarity are exactly symmetric (property)', () => {
    const text = fc.oneof(fc.stringMatching(/^[ab]{0,9}$/), fc.stringMatching(/^[a-e]{0,14}$/), fc.string());
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(Object.is(jaroWinkler(a, b), jaroWinkler(b, a))).toBe(true);
        expect(Object.is(jaroWinkler(a, b, 0), jaroWinkler(b, a, 0))).toBe(true);
        if (a.length > 0 && b.length > 0)
          expect(Object.is(tokenSimilarity(a, b), tokenSimilarity(b, a))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('is symmetric and bounded (property)', () => {
    const word = fc.stringMatching(/^[a-z]{1,10}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 4 }),
        fc.array(word, { minLength: 1, maxLength: 4 }),
        (a, b) => {
          const s = tokenSetSimilarity(a, b);
          return s >= 0 && s <= 1 && Math.abs(s - tokenSetSimilarity(b, a)) < 1e-9;
        },
      ),
    );
  });
});

describe('screening', () => {
  it.each([
    'Qilin Fictive Chemical Technology Co Ltd',
    'QILIN FICTIVE CHEM. TECH. CO.',
    'Qiling Fictive Chemical Technology Company Limited',
    'Hubei Qilin Fictive New Material',
    'Ramón Morales Sintético',
    'Importadora Ficticios, S. de R.L.',
    'ZentraFicta Labs',
    'Sino Fict Biopharm',
    'ООО Фиктив Химия',
    'Fictus Wang',
    'Konkan Fictive Labs Pvt Ltd',
  ])('finds drug-program entry for %s', (name) => {
    const hit = top(name);
    expect(hit?.drugRelated).toBe(true);
    expect(hit!.score).toBeGreaterThanOrEqual(0.88);
  });

  it('reports non-drug programs as non-drug', () => {
    expect(top('Nordstar Fictive Shipping')?.drugRelated).toBe(false);
    expect(top('Aravali Fictive Exports')?.drugRelated).toBe(false);
  });

  it.each([
    'Qilin Furniture GmbH',
    'Sino Pharm Holdings Ltd',
    'Wang Lei',
    'Guangzhou Bright Sun Trading Co.',
    'Deccan Generics Pvt. Ltd.',
    'Morales Trucking LLC',
  ])('does not match %s', (name) => {
    expect(list.screen(name)).toEqual([]);
  });
});

describe('party name normalisation fast path', () => {
  // The general definition: fold, split on non-alphanumerics, join runs of single letters, drop company forms.
  function reference(name: string): string[] {
    const raw = name
      .toLowerCase()
      .replace(/&/g, ' and ')
      .replace(/['’`]/g, '')
      .split(/[^a-z0-9]+/)
      .filter((t) => t.length > 0);
    const tokens: string[] = [];
    let run = '';
    for (const t of raw) {
      if (t.length === 1 && /[a-z]/.test(t)) {
        run += t;
        continue;
      }
      if (run !== '') tokens.push(run);
      run = '';
      tokens.push(t);
    }
    if (run !== '') tokens.push(run);
    return tokens;
  }

  it('gives the tokens of the general definition for ASCII names (property)', () => {
    const piece = fc.constantFrom(
      'Co.',
      'Ltd',
      'S',
      'A',
      'de',
      'C.V.',
      '&',
      "O'Neil",
      'x',
      '4-AP',
      ' ',
      '  ',
      ',',
      'l l c',
      '`',
      '.',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 6 })), { maxLength: 8 }), (parts) => {
        const name = parts.join(' ');
        // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range test
        if (/[^\u0000-\u007f]/.test(name)) return true;
        return JSON.stringify(normalizePartyName(name).tokens) === JSON.stringify(reference(name));
      }),
      { numRuns: 5000 },
    );
  });

  it('caches a frozen profile per name', () => {
    const a = partyNameProfile('Maria Lopez Ruiz');
    expect(a).toBe(partyNameProfile('Maria Lopez Ruiz'));
    expect(a.person).toBe(looksLikePerson('Maria Lopez Ruiz'));
    expect(Object.isFrozen(a) && Object.isFrozen(a.core)).toBe(true);
  });
});

describe('screening index', () => {
  // Screening as first written: score every name sharing a block key, in block order, best per entry.
  function reference(entries: readonly WatchlistEntry[], name: string, threshold: number): WatchlistHit[] {
    const keysOf = (core: readonly string[]) => {
      const keys: string[] = [];
      for (const t of core) {
        if (t.length < 3 || GENERIC_WORDS.has(t)) continue;
        keys.push(`p:${t.slice(0, 3)}`, `s:${t.slice(-3)}`);
      }
      if (keys.length === 0) for (const t of core) keys.push(`p:${t.slice(0, 3)}`);
      return keys;
    };
    const records: { entry: number; text: string; alias: boolean; core: string[] }[] = [];
    const blocks = new Map<string, number[]>();
    entries.forEach((e, entry) => {
      for (const [text, alias] of [[e.name, false] as const, ...e.aliases.map((a) => [a, true] as const)]) {
        const core = normalizePartyName(text).core;
        for (const key of new Set(keysOf(core)))
          blocks.set(key, [...(blocks.get(key) ?? []), records.length]);
        records.push({ entry, text, alias, core });
      }
    });
    const query = normalizePartyName(name).core;
    const candidates = new Set<number>();
    for (const key of keysOf(query)) for (const idx of blocks.get(key) ?? []) candidates.add(idx);
    const best = new Map<number, WatchlistHit>();
    for (const idx of candidates) {
      const r = records[idx]!;
      const score = tokenSetSimilarity(query, r.core);
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

  const WORDS = [
    'qilin',
    'qiling',
    'fictive',
    'fiktiv',
    'chem',
    'chemical',
    'shanghai',
    'golden',
    'star',
    'brightsun',
  ];
  const MORE = [
    'bright',
    'sun',
    'co',
    'ltd',
    'trading',
    'morales',
    'moralez',
    'ramon',
    'k',
    'wang',
    'sino',
    'sinofict',
  ];
  const word = fc.constantFrom(...WORDS, ...MORE);
  const name = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
  const entry = fc.record({
    name,
    aliases: fc.array(name, { maxLength: 2 }),
    drugRelated: fc.boolean(),
  });

  it('finds the same hits with the same scores as scoring every blocked name (property)', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { minLength: 1, maxLength: 12 }),
        fc.array(name, { maxLength: 6 }),
        (raw, names) => {
          const entries: WatchlistEntry[] = raw.map((e, i) => ({
            id: `T:${i}`,
            list: 'T',
            type: 'entity',
            programs: ['SDNTK'],
            remarks: null,
            ...e,
          }));
          const wl = createWatchlist(entries);
          for (const n of names) {
            for (const threshold of [0.88, 0.7, 0]) {
              expect(wl.screen(n, threshold)).toEqual(reference(entries, n, threshold));
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps its memo on the list instance: a reloaded list never answers from the old one', () => {
    const entry = (name: string): WatchlistEntry => ({
      id: 'T:1',
      list: 'T',
      name,
      aliases: [],
      type: 'entity',
      programs: ['SDNTK'],
      drugRelated: true,
      remarks: null,
    });
    const before = createWatchlist([entry('Qilin Fictive Chemical')]);
    expect(before.screen('Qilin Fictive Chemical Co')).toHaveLength(1);
    const after = createWatchlist([entry('Morales Synthetico')]);
    expect(after.screen('Qilin Fictive Chemical Co')).toEqual([]);
    expect(before.screen('Qilin Fictive Chemical Co')).toHaveLength(1);
    expect(before.cacheStats?.()).toMatchObject({ hits: 1, misses: 1, size: 1 });
  });
});
