import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCas } from '../../schemas/cas.ts';
import type { GoodsLine } from '../../schemas/report.ts';
import { createNameResolver, nameResolver, useNameResolver } from '../chemistry/name-resolver.ts';
import { ensureOpsinJars, type OpsinHelper, startOpsin } from '../chemistry/opsin.ts';
import { createChemicalMatcher } from './goods-lines.ts';
import { buildKnowledge, type KnowledgeFile, loadKnowledge } from './knowledge.ts';

// Families are judged by structure: these tests run the real OPSIN helper (fetched by infra/opsin/pom.xml).
let opsin: OpsinHelper;
const tableOnly = nameResolver();
beforeAll(async () => {
  await ensureOpsinJars();
  opsin = startOpsin();
}, 300_000);
afterAll(async () => {
  useNameResolver(tableOnly);
  await opsin.stop();
});

async function withParser<T>(descriptions: string[], fn: () => T): Promise<T> {
  const resolver = createNameResolver({ cacheFile: null });
  resolver.attach(opsin);
  useNameResolver(resolver);
  try {
    const m = createChemicalMatcher(kb);
    await m.prepare(
      descriptions.map((d) => ({ consignment: { goods: [{ description: d }] } }) as never),
      60_000,
    );
    return fn();
  } finally {
    useNameResolver(tableOnly);
  }
}

const kb = loadKnowledge();
const matcher = createChemicalMatcher(kb);

function line(description: string, hsCode: string | null = null, cas: string[] = []): GoodsLine {
  return {
    lineNumber: 1,
    description,
    hsCode,
    casNumbers: cas,
    casChecks: cas.map(checkCas),
    quantity: null,
    packages: null,
    grossWeightKg: null,
    declaredValue: null,
    originCountry: null,
  };
}
const best = (d: string, hs: string | null = null, cas: string[] = []) =>
  matcher.matchLine(line(d, hs, cas)).matches[0];

describe('names and synonyms', () => {
  it.each([
    ['1-Phenethyl-4-piperidone', 'NPP', 'NAME'],
    ['phenethyl-4-piperidone', 'NPP', 'SYNONYM'],
    ['N-PHENETHYL-4-PIPERIDONE 99%', 'NPP', 'NAME'],
    ['despropionyl fentanyl', 'ANPP', 'NAME'],
    ['4 anilinopiperidine', '4-AP', 'NAME'],
    ['4‑Anilino piperidine', '4-AP', 'NAME'],
    ['4-Piperidinone', '4-piperidone', 'NAME'],
    ['piperidin-4-one', '4-piperidone', 'NAME'],
    ['N-Boc-4-piperidone', '1-boc-4-piperidone', 'NAME'],
    ['tert-butyl 4-oxopiperidine-1-carboxylate', '1-boc-4-piperidone', 'NAME'],
    ['Boc-4-AP, 98%', '1-boc-4-AP', 'SYNONYM'],
    ['Norfentanyl HCl', 'norfentanyl', 'NAME'],
  ])('%s -> %s by %s', (d, name, kind) => {
    const m = best(d);
    expect(m?.name).toBe(name);
    expect(m?.kind).toBe(kind);
    expect(m!.confidence).toBeGreaterThanOrEqual(0.75);
  });

  it('prefers the longest name: NPP is not reported as 4-piperidone', () => {
    const r = matcher.matchLine(line('N-Phenethyl-4-piperidone (NPP)'));
    expect(r.matches.map((m) => m.name)).toEqual(['NPP']);
  });

  it('records salt and hydrate forms', () => {
    expect(best('4-Piperidone hydrochloride monohydrate')?.salt).toBe(true);
    expect(best('4-Anilinopiperidine 2HCl')?.salt).toBe(true);
  });

  it('finds single-letter typos of long names, never across digits', () => {
    expect(best('N-Phenethyl-4-piperdone')?.name).toBe('NPP');
    expect(best('Norfentanyle')?.name).toBe('norfentanyl');
    expect(best('4-Piperdone')?.name).toBe('4-piperidone');
    expect(matcher.matchLine(line('3-Piperidinol')).matches).toEqual([]);
  });

  it('survives case, hyphen and space changes (property)', () => {
    const names = [
      '1-phenethyl-4-piperidone',
      '4-anilinopiperidine',
      'tert-butyl 4-oxopiperidine-1-carboxylate',
      'norfentanyl',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.array(fc.constantFrom('-', ' ', '', '‐'), { minLength: 60, maxLength: 60 }),
        fc.boolean(),
        (name, seps, upper) => {
          let i = 0;
          const variant = name.replace(/[- ]/g, () => seps[i++] ?? '-');
          const text = upper ? variant.toUpperCase() : variant;
          return best(text)?.substanceId === best(name)?.substanceId;
        },
      ),
    );
  });
});

describe('abbreviations', () => {
  it('trusts unambiguous abbreviations in chemical context', () => {
    expect(best('NPP, 99% purity', '293337')?.confidence).toBe(0.8);
  });

  it('treats 4-AP as ambiguous (4-aminopyridine) and drops it when 4-aminopyridine is named', () => {
    expect(best('4-AP powder 1kg')!.confidence).toBeLessThan(0.75);
    expect(best('4-AP access point', '851762')!.confidence).toBeLessThan(0.5);
    expect(matcher.matchLine(line('4-Aminopyridine (4-AP) 99%', '293339', ['504-24-5'])).matches).toEqual([]);
  });
});

describe('CAS evidence', () => {
  it('matches base and salt CAS from the field and from the text', () => {
    expect(best('Pharmaceutical intermediate', null, ['39742-60-4'])).toMatchObject({
      name: 'NPP',
      kind: 'CAS',
    });
    expect(best('Intermediate, CAS No. 21409-26-7')).toMatchObject({ name: 'ANPP', kind: 'CAS_TEXT' });
    expect(best('Organic chemical', null, ['40064-34-4'])).toMatchObject({
      name: '4-piperidone',
      kind: 'CAS',
      salt: true,
    });
  });

  it('treats an invalid CAS one digit off a controlled CAS as evidence', () => {
    const r = matcher.matchLine(line('white powder cas 1609-66-5'));
    expect(r.matches[0]).toMatchObject({ name: 'norfentanyl', kind: 'CAS_NEAR' });
    expect(r.bareCas).toBe(true);
    expect(matcher.matchLine(line('part 1234-56-1')).invalidCas).toEqual(['1234-56-1']);
  });
});

describe('analogue families (by structure, OPSIN running)', () => {
  // Expectations changed by issue #13: fentanyl citrate is fentanyl itself (a listed opioid), no longer only a
  // "fentanyl-related" family hit; ethyl 4-oxopiperidine-1-carboxylate is a carbamate of 4-piperidone (US List I).
  it.each([
    ['1-Boc-4-(4-fluoroanilino)piperidine', 'halogenated-4-ap'],
    ['tert-Butyl 4-(4-fluorophenylamino)piperidine-1-carboxylate', 'halogenated-4-ap'],
    ['Ethyl 4-anilinopiperidine-1-carboxylate', 'boc-protected-4-ap'],
    ['1-Benzyl-4-anilinopiperidine', 'substituted-4-ap'],
    ['1-Methyl-4-piperidone', 'substituted-4-piperidone'],
    ['4-Piperidone ethylene ketal', 'piperidone-amide-acetal'],
    ['Ethyl 4-oxopiperidine-1-carboxylate', 'boc-protected-piperidone'],
    ['N-[1-(2-(4-fluorophenyl)ethyl)piperidin-4-yl]-N-phenylbutanamide', 'fentanyl-related'],
  ])('%s -> %s', async (d, family) => {
    const r = await withParser([d], () => createChemicalMatcher(kb).matchLine(line(d)));
    expect(r.matches.map((m) => m.familyId)).toContain(family);
    const m = r.matches.find((x) => x.familyId === family)!;
    expect(m.kind).toBe('ANALOGUE');
    expect(m.resolvedBy).toBe('FAMILY');
    expect(m.smiles).not.toBeNull();
    expect(m.smarts).not.toBeNull();
  });

  it('identifies CAS index, systematic and pharmacopoeial names by structure', async () => {
    const cases: [string, string][] = [
      ['4-Piperidinamine, N-phenyl-1-(2-phenylethyl)-', 'anpp'],
      ['1-Piperidinecarboxylic acid, 4-oxo-, 1,1-dimethylethyl ester', '1-boc-4-piperidone'],
      ['Propanamide, N-phenyl-N-4-piperidinyl-', 'norfentanyl'],
      ['4,4-Piperidinediol hydrochloride', '4-piperidone'],
      ['Propanamide, N-phenyl-N-[1-(2-phenylethyl)-4-piperidinyl]-', 'fentanyl'],
      ['N-(1-phenethyl-4-piperidyl)propionanilide citrate', 'fentanyl'],
      ['n-(1-phenethyl-4-piperidyl)acetanilide', 'acetylfentanyl'],
      ['1-tert-butoxycarbonylpiperidin-4-one', '1-boc-4-piperidone'],
    ];
    await withParser(
      cases.map((c) => c[0]),
      () => {
        const m = createChemicalMatcher(kb);
        for (const [d, id] of cases) expect(m.matchLine(line(d)).matches[0]?.substanceId, d).toBe(id);
      },
    );
  });

  it('never turns one real chemical into another, and leaves ring-C-substituted piperidones alone', async () => {
    const harmless = [
      '1-phenethylpiperidine',
      'benzylpiperidine',
      '2,2,6,6-tetramethyl-4-piperidone',
      'alpha-piperidone',
      '2,6-dimethylpiperidin-4-one',
    ];
    await withParser(harmless, () => {
      const m = createChemicalMatcher(kb);
      for (const d of harmless) expect(m.matchLine(line(d)).matches, d).toEqual([]);
    });
  });

  it('matches named analogues exactly', () => {
    expect(best('N-(4-Fluorophenyl)-4-piperidinamine')?.name).toBe('halogenated 4-AP analogue');
    expect(best('1-Benzyl-4-piperidone')?.name).toBe('1-benzyl-4-piperidone');
  });

  it('falls back to the class wording when no structure is known (parser down)', () => {
    expect(matcher.matchLine(line('4-fluoro ANPP')).matches.map((m) => m.familyId)).toEqual([
      'anpp-analogue',
    ]);
    expect(matcher.matchLine(line('fentanyl citrate')).matches[0]).toMatchObject({ substanceId: 'fentanyl' });
  });
});

describe('near-miss protection', () => {
  it.each([
    ['Piperidine 99%', 'piperidine'],
    ['Aniline hydrochloride', 'aniline'],
  ])('%s is itself, not a fentanyl precursor', (d, name) => {
    expect(matcher.matchLine(line(d)).matches.map((m) => m.name)).toEqual([name]);
  });

  it.each([
    '4-Methylpiperidine',
    '4-methyl piperidine',
    '2-Piperidone (delta-valerolactam)',
    'δ-Valerolactam',
    '4-Piperidinol',
    '4-Hydroxypiperidine',
    'Piperazine anhydrous',
    'N-Phenylpiperazine',
    '4-Aminopyridine',
    '4-Aminopiperidine',
    'Piperidine-4-carboxylic acid',
    '4-Benzylpiperidine',
    '1-Boc-piperazine',
    '4-(Boc-amino)piperidine',
    'Phenethyl alcohol',
    'Propionic acid',
    '4-Fluoroaniline',
    'Fentanyl test strips',
    'Oak dining tables',
  ])('%s matches nothing controlled', (d) => {
    expect(matcher.matchLine(line(d)).matches).toEqual([]);
  });
});

describe('HS evidence', () => {
  it('makes 2933.36/.37 strong and 2933.39 weak, comparing on 6 digits', () => {
    expect(best('Daily necessities', '2933370000')).toMatchObject({ name: 'NPP', kind: 'HS' });
    expect(best('Daily necessities', '29333999')).toBeUndefined();
    expect(matcher.matchLine(line('Daily necessities', '29333999')).heading?.strength).toBe('weak');
  });
});

describe('speed', () => {
  it('matches a goods line in a few microseconds', () => {
    const lines = [
      line('4-Piperidone monohydrate hydrochloride, 25 kg drum', '293339', ['40064-34-4']),
      line('Oak dining tables, knocked down', '940360'),
      line('Daily necessities', '293337'),
      line('tert-butyl 4-(phenylamino)piperidine-1-carboxylate 99% white powder', '293339'),
    ];
    const n = 20_000;
    for (let i = 0; i < n; i++) matcher.matchLine(lines[i % 4]!);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) matcher.matchLine(lines[i % 4]!);
    const us = ((performance.now() - t0) * 1000) / n;
    console.log(`chemical matching: ${us.toFixed(2)} µs per goods line`);
    expect(us).toBeLessThan(100); // loose: shared CI machines; the target (10 µs) is reported, not asserted
  });
});

describe('description memo', () => {
  const DESCRIPTIONS = [
    'N-Phenethyl-4-piperidone (NPP)',
    '4-AP 99% powder',
    'white powder cas 1609-66-5',
    'Daily necessities',
    '4-Piperdone hydrochloride',
    'tert-butyl 4-oxopiperidine-1-carboxylate',
    'Tablet press machine TDP-5',
    'part 1234-56-1',
    'Propionyl chloride',
  ];
  const HS = [null, '293339', '29333990', '293336', '850760', '2933'];
  const CAS = [[], ['40064-34-4'], ['504-24-5'], ['40064-34-5'], ['1234-56-1'], ['79-03-8', '79-03-8']];
  const lineOf = (d: number, h: number, c: number, n: number): GoodsLine => ({
    ...line(DESCRIPTIONS[d]!, HS[h]!, CAS[c]!),
    lineNumber: n,
  });

  it('answers every line as a fresh matcher does, whatever came before (property)', () => {
    const index = fc.tuple(
      fc.nat(DESCRIPTIONS.length - 1),
      fc.nat(HS.length - 1),
      fc.nat(CAS.length - 1),
      fc.integer({ min: 1, max: 5 }),
    );
    fc.assert(
      fc.property(fc.array(index, { minLength: 1, maxLength: 12 }), (lines) => {
        const shared = createChemicalMatcher(kb);
        for (const [d, h, c, n] of lines) {
          const fresh = createChemicalMatcher(kb);
          expect(shared.matchLine(lineOf(d, h, c, n))).toEqual(fresh.matchLine(lineOf(d, h, c, n)));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('belongs to its matcher: a reloaded knowledge base starts with an empty memo', () => {
    const before = createChemicalMatcher(kb);
    expect(before.matchLine(line('Propionyl chloride')).matches[0]?.substanceId).toBe('propionyl-chloride');
    const file = structuredClone(kb.file) as KnowledgeFile;
    const s = file.substances.find((x) => x.id === 'propionyl-chloride')!;
    s.names = ['Zzyzx acid chloride'];
    s.synonyms = [];
    s.name = 'Zzyzx acid chloride';
    const after = createChemicalMatcher(buildKnowledge(file));
    expect(after.matchLine(line('Propionyl chloride')).matches).toEqual([]);
    expect(before.cacheStats?.()).toMatchObject({ misses: 1 });
  });

  it('shares the frozen token list and wording of a description', () => {
    const a = matcher.matchLine(line('Daily necessities'));
    const b = matcher.matchLine(line('Daily necessities', '950300'));
    expect(a.tokens).toBe(b.tokens);
    expect(Object.isFrozen(a.tokens)).toBe(true);
    expect(a.wording).toEqual({
      vague: true,
      consolidatedWording: false,
      consumerWording: true,
      pillPress: false,
    });
  });
});
