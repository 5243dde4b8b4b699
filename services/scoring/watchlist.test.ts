import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { jaroWinkler, tokenSetSimilarity } from './fuzzy.ts';
import { looksLikeForwarder, looksLikePerson, normalizePartyName } from './party-names.ts';
import { loadNationalList, loadOfacSdn, loadWatchlistDir, splitPrograms } from './watchlist.ts';

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
