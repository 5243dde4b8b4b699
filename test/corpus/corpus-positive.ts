// Reads: corpus fixtures and the chemical facts of DOMAIN.md §1 (names, synonyms, CAS, salts, HS).
// Writes: labelled reports a customs officer should send to at least a document check (expected FLAG).
// Guarantees: written from the domain facts, not from the rules: parties and routes vary independently of
// the chemical evidence, and many positives have otherwise clean, company-to-company paperwork.
import { buildReport, chemicalLine, type Random, type ReportSpec } from './corpus-fixtures.ts';
import { equipment, misdeclaredHs, multiIndicator, watchlistVariants } from './corpus-patterns.ts';
import { CHEMICAL_ROUTES, type CorpusRecord, chemicalSpec, hsAsFiled } from './corpus-trade.ts';

export type { CorpusRecord };

interface Core {
  key: string;
  names: string[];
  synonyms: string[];
  cas: string;
  hs: string;
  salts: { text: string; cas?: string }[];
}

/** DOMAIN.md §1.2 core table, as traders actually write these chemicals. */
export const CORE: Core[] = [
  {
    key: 'anpp',
    names: [
      '4-Anilino-N-phenethylpiperidine',
      'N-Phenyl-1-(2-phenylethyl)piperidin-4-amine',
      'Despropionyl fentanyl',
    ],
    synonyms: [
      'ANPP 99% powder',
      '4-ANPP, white crystalline powder',
      'despropionylfentanyl 98%',
      '1-Phenethyl-4-anilinopiperidine',
      '4-Anilino-N-phenetylpiperidine',
    ],
    cas: '21409-26-7',
    hs: '293336',
    salts: [{ text: 'ANPP hydrochloride, 99%' }, { text: '4-Anilino-N-phenethylpiperidine HCl salt' }],
  },
  {
    key: 'npp',
    names: ['1-Phenethyl-4-piperidone', 'N-Phenethyl-4-piperidone', '1-(2-Phenylethyl)piperidin-4-one'],
    synonyms: [
      'NPP, 99% purity, chemical intermediate',
      'Phenethyl-4-piperidone',
      'N-phenethyl-4-piperidinone',
      '1-phenethylpiperidin-4-one',
      'N-Phenethyl-4-piperdone',
    ],
    cas: '39742-60-4',
    hs: '293337',
    salts: [{ text: 'NPP hydrochloride' }, { text: '1-Phenethyl-4-piperidone HCl' }],
  },
  {
    key: '4-ap',
    names: ['4-Anilinopiperidine', 'N-Phenylpiperidin-4-amine', 'N-Phenyl-4-piperidinamine'],
    synonyms: [
      '4-AP powder, 99% purity',
      '4 anilino piperidine',
      '4-(phenylamino)piperidine',
      '4-Anilinopiperdine',
      '4-Anilinopiperidne',
    ],
    cas: '23056-29-3',
    hs: '293339',
    salts: [{ text: '4-Anilinopiperidine dihydrochloride', cas: '99918-43-1' }, { text: '4-AP 2HCl powder' }],
  },
  {
    key: '1-boc-4-ap',
    names: [
      'tert-Butyl 4-(phenylamino)piperidine-1-carboxylate',
      '1-Boc-4-anilinopiperidine',
      '4-Anilino-1-Boc-piperidine',
    ],
    synonyms: [
      '1-Boc-4-AP',
      'Boc-4-AP, 98%',
      'N-Boc-4-anilinopiperidine',
      'tert-Butyl 4-(phenylamino)piperidin-1-carboxylat',
    ],
    cas: '125541-22-2',
    hs: '293339',
    salts: [{ text: '1-Boc-4-anilinopiperidine hydrochloride' }],
  },
  {
    key: 'norfentanyl',
    names: ['Norfentanyl', 'N-Phenyl-N-(piperidin-4-yl)propanamide'],
    synonyms: [
      'Nor-fentanyl base',
      'Norfentanil (research chemical)',
      'N-phenyl-N-(piperidin-4-yl)propionamide',
      'Norfentanyle',
    ],
    cas: '1609-66-1',
    hs: '293339',
    salts: [{ text: 'Norfentanyl hydrochloride' }, { text: 'Norfentanyl oxalate salt' }],
  },
  {
    key: '4-piperidone',
    names: ['4-Piperidone', 'Piperidin-4-one', '4-Piperidinone'],
    synonyms: [
      '4-Piperidon (technisch)',
      '4 Piperidinone 98%',
      'Piperidine-4-one, intermediate',
      '4-Piperdone',
    ],
    cas: '41661-47-6',
    hs: '293339',
    salts: [
      { text: '4-Piperidone hydrochloride monohydrate', cas: '40064-34-4' },
      { text: '4-Piperidone HCl hydrate', cas: '41979-39-9' },
      { text: '4-Piperidinone hydrochloride' },
      { text: '4-Piperidone monohydrate hydrochloride, 25 kg drum' },
    ],
  },
  {
    key: '1-boc-4-piperidone',
    names: ['tert-Butyl 4-oxopiperidine-1-carboxylate', 'N-Boc-4-piperidone', '1-Boc-4-piperidone'],
    synonyms: [
      '1-Boc-4-piperidinone',
      'N-tert-Butoxycarbonyl-4-piperidone',
      'Boc-piperidone 99%',
      'N-Boc-4-pipridone',
    ],
    cas: '79099-07-3',
    hs: '293339',
    salts: [],
  },
];

export function positiveRecords(rnd: Random): CorpusRecord[] {
  const out: CorpusRecord[] = [];
  const add = (category: string, note: string, spec: ReportSpec) =>
    out.push({ id: spec.id, category, expected: 'FLAG', note, report: buildReport(spec, rnd) });
  let n = 0;
  const id = (cat: string) => `corpus-${cat}-${String(++n).padStart(4, '0')}`;

  for (const c of CORE) {
    for (const name of c.names) {
      const line = chemicalLine(rnd, name, hsAsFiled(rnd, c.hs));
      add('controlled-name', `${c.key} by name`, chemicalSpec(rnd, id('name'), line));
    }
    for (const syn of c.synonyms) {
      const line = chemicalLine(rnd, syn, hsAsFiled(rnd, c.hs));
      add(
        'controlled-synonym',
        `${c.key} by synonym/abbreviation/misspelling`,
        chemicalSpec(rnd, id('syn'), line),
      );
    }
    for (const generic of [
      'Pharmaceutical intermediate',
      'Organic chemical for laboratory use',
      'Heterocyclic compound',
    ]) {
      const line = chemicalLine(rnd, generic, hsAsFiled(rnd, rnd.pick([c.hs, '293399'])), { cas: [c.cas] });
      add(
        'controlled-cas-field',
        `${c.key} CAS in the casNumbers field`,
        chemicalSpec(rnd, id('casf'), line),
      );
    }
    for (const text of [
      `Intermediate, CAS No. ${c.cas}, 99%`,
      `CAS#${c.cas} white powder`,
      `Research chemical (CAS ${c.cas})`,
    ]) {
      const line = chemicalLine(rnd, text, hsAsFiled(rnd, c.hs), { kg: [1, 50] });
      add(
        'controlled-cas-text',
        `${c.key} CAS written in the description`,
        chemicalSpec(rnd, id('cast'), line),
      );
    }
    for (const salt of c.salts) {
      const line = chemicalLine(rnd, salt.text, hsAsFiled(rnd, c.hs), {
        cas: salt.cas === undefined ? [] : [salt.cas],
      });
      add('controlled-salt', `${c.key} salt or hydrate`, chemicalSpec(rnd, id('salt'), line));
    }
  }
  // Listed only in some jurisdictions: judged in the one that lists them.
  add(
    'controlled-name',
    'benzylfentanyl, US List I',
    chemicalSpec(rnd, id('name'), chemicalLine(rnd, 'Benzylfentanyl', '293339'), CHEMICAL_ROUTES[5]),
  );
  add(
    'controlled-name',
    'NPP-aniline imine, CA PCR item 30',
    chemicalSpec(
      rnd,
      id('name'),
      chemicalLine(rnd, 'N-(1-Phenethylpiperidin-4-ylidene)aniline', '293339'),
      CHEMICAL_ROUTES[8],
    ),
  );
  add(
    'controlled-name',
    'propionyl chloride, CA PCR item 26',
    chemicalSpec(
      rnd,
      id('name'),
      chemicalLine(rnd, 'Propionyl chloride 99%', '291590', { usdPerKg: [3, 8] }),
      CHEMICAL_ROUTES[7],
    ),
  );
  add(
    'controlled-salt',
    '4-piperidone salt, no CAS, export from IN',
    chemicalSpec(rnd, id('salt'), chemicalLine(rnd, '4-Piperidone HCl', '29333999'), CHEMICAL_ROUTES[4]),
  );

  // Analogue families (DOMAIN.md §2 evasion pattern): boc-, halo-, benzyl-, substituted forms.
  const analogues = [
    '1-Boc-4-(4-fluoroanilino)piperidine',
    'N-(4-Fluorophenyl)-4-piperidinamine',
    '4-Bromo anilino-1-Boc-piperidine',
    '4-(4-Chloroanilino)-1-Boc-piperidine',
    'tert-Butyl 4-(4-fluorophenylamino)piperidine-1-carboxylate',
    '1-Benzyl-4-piperidone',
    'N-Benzyl-4-piperidinone 98%',
    '1-Benzyl-4-anilinopiperidine',
    '1-Methyl-4-piperidone',
    '3-Methyl-4-piperidone',
    '4-Piperidone ethylene ketal',
    'Ethyl 4-oxopiperidine-1-carboxylate',
    'N-Cbz-4-piperidone',
    '4-Fluoro NPP analogue',
    'para-Fluoro 4-ANPP',
  ];
  for (const a of analogues) {
    add(
      'analogue',
      'analogue family',
      chemicalSpec(rnd, id('ana'), chemicalLine(rnd, a, hsAsFiled(rnd, '293339'))),
    );
  }
  add(
    'analogue',
    'benzylfentanyl where only the US lists it',
    chemicalSpec(rnd, id('ana'), chemicalLine(rnd, 'Benzyl fentanyl', '293339'), CHEMICAL_ROUTES[1]),
  );
  add(
    'analogue',
    'halogenated 4-AP with boc, into CA',
    chemicalSpec(
      rnd,
      id('ana'),
      chemicalLine(rnd, '4-Fluoro anilino-1-boc-piperidine', null),
      CHEMICAL_ROUTES[8],
    ),
  );
  for (let i = 0; i < 7; i++) {
    const a = rnd.pick(analogues);
    add(
      'analogue',
      'analogue family, repeated on another route',
      chemicalSpec(rnd, id('ana'), chemicalLine(rnd, a, hsAsFiled(rnd, '293339'))),
    );
  }

  out.push(
    ...misdeclaredHs(rnd, id),
    ...watchlistVariants(rnd, id),
    ...multiIndicator(rnd, id),
    ...equipment(rnd, id),
  );
  return out;
}
