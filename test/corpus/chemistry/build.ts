// Builds the labelled goods-line corpus of the chemistry room (test/corpus/chemistry/goods-lines.jsonl):
// every listed substance in its names, CAS index form, salts, CAS numbers in seven notations, look-alike
// letters, digit swaps and typos; designer analogues written systematically from the legal class wordings;
// harmless look-alikes. Each text says where its name comes from (`source`).
// `npx tsx test/corpus/chemistry/build.ts` rewrites the file; the corpus test checks it is up to date.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chemicalWords } from '../../../services/chemistry/identify.ts';
import { chemTokens } from '../../../services/chemistry/tokens.ts';
import { loadKnowledge } from '../../../services/scoring/knowledge.ts';

export const CHEMISTRY_CORPUS_PATH = fileURLToPath(new URL('./goods-lines.jsonl', import.meta.url));

export type Category =
  | 'listed-name'
  | 'listed-cas-index'
  | 'listed-salt'
  | 'listed-cas-notation'
  | 'listed-lookalike-letters'
  | 'listed-typo'
  | 'listed-language'
  | 'listed-trade-name'
  | 'designer-analogue'
  | 'harmless-lookalike';

export interface CorpusLine {
  text: string;
  category: Category;
  /** The listed substance the text names, or null. */
  substance: string | null;
  /** True for designer analogues: must be flagged. */
  analogue: boolean;
  source: string;
}

const LISTED_ROLES = new Set(['precursor', 'opioid', 'analogue', 'reagent']);

// CAS index (inverted) names, written for this corpus from each substance's structure; each is checked
// against the substance's structure by OPSIN in the corpus test (a wrong one would fail there).
const CAS_INDEX: Record<string, string[]> = {
  anpp: ['4-Piperidinamine, N-phenyl-1-(2-phenylethyl)-'],
  npp: ['4-Piperidinone, 1-(2-phenylethyl)-'],
  '4-ap': ['4-Piperidinamine, N-phenyl-'],
  '1-boc-4-ap': ['1-Piperidinecarboxylic acid, 4-(phenylamino)-, 1,1-dimethylethyl ester'],
  norfentanyl: ['Propanamide, N-phenyl-N-4-piperidinyl-'],
  '4-piperidone': ['4,4-Piperidinediol hydrochloride', '4,4-Piperidinediol, hydrochloride (1:1)'],
  '1-boc-4-piperidone': ['1-Piperidinecarboxylic acid, 4-oxo-, 1,1-dimethylethyl ester'],
  benzylfentanyl: ['Propanamide, N-phenyl-N-[1-(phenylmethyl)-4-piperidinyl]-'],
  'halogenated-4-ap': ['4-Piperidinamine, N-(4-fluorophenyl)-'],
  'phenethyl-bromide': ['Benzene, (2-bromoethyl)-'],
  'propionic-anhydride': ['Propanoic acid, anhydride', "Propanoic acid, 1,1'-anhydride"],
  '1-benzyl-4-piperidone': ['4-Piperidinone, 1-(phenylmethyl)-'],
  fentanyl: [
    'Propanamide, N-phenyl-N-[1-(2-phenylethyl)-4-piperidinyl]-',
    'N-(1-phenethyl-4-piperidyl)propionanilide citrate',
  ],
  sufentanil: ['Propanamide, N-[4-(methoxymethyl)-1-[2-(2-thienyl)ethyl]-4-piperidinyl]-N-phenyl-'],
  carfentanil: ['4-Piperidinecarboxylic acid, 4-[(1-oxopropyl)phenylamino]-1-(2-phenylethyl)-, methyl ester'],
  remifentanil: [
    '1-Piperidinepropanoic acid, 4-(methoxycarbonyl)-4-[(1-oxopropyl)phenylamino]-, methyl ester',
  ],
  acetylfentanyl: [
    'Acetamide, N-phenyl-N-[1-(2-phenylethyl)-4-piperidinyl]-',
    'Acetanilide, N-(1-phenethyl-4-piperidyl)-',
  ],
  '3-methylfentanyl': ['Propanamide, N-[3-methyl-1-(2-phenylethyl)-4-piperidinyl]-N-phenyl-'],
  'alpha-methylfentanyl': ['Propanamide, N-[1-(1-methyl-2-phenylethyl)-4-piperidinyl]-N-phenyl-'],
};

const CYRILLIC: Record<string, string> = {
  a: '\u0430',
  e: '\u0435',
  o: '\u043e',
  p: '\u0440',
  c: '\u0441',
  x: '\u0445',
  y: '\u0443',
};
const FILLERS = ['', ' 99%', ', 25 kg drum', ' (98% min), white powder', ' pharmaceutical intermediate'];

function lookalikeLetters(name: string, k: number): string {
  let n = 0;
  return name.replace(/[aeopcxy]/g, (c) => (n++ % 2 === k % 2 ? (CYRILLIC[c] ?? c) : c));
}

function digitSwap(name: string): string | null {
  const out = name.replace(/(?<=[a-z]{3})o(?=n[ea])/, '0').replace(/(?<=[a-z]{2})l(?=i)/, '1');
  return out === name ? null : out;
}

/**
 * A one-letter deletion (k even) or swap (k odd) in a long name. A slip that turns a word into another real
 * chemical word ("propanoyl" -> "propanol") writes another chemical's name, not a typo: the next letter is tried.
 */
function typo(name: string, k: number, words: ReadonlySet<string>): string | null {
  const letters = [...name]
    .map((c, i) => (/[a-z]/.test(c) ? i : -1))
    .filter((i) => i > 2 && i < name.length - 4);
  if (name.replace(/[^a-z]/gi, '').length < 12 || letters.length === 0) return null;
  const before = new Set(chemTokens(name));
  for (let a = 0; a < letters.length; a++) {
    const i = letters[(k * 7 + a) % letters.length]!;
    const t =
      k % 2 === 0
        ? name.slice(0, i) + name.slice(i + 1)
        : name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2);
    if (t === name || chemTokens(t).some((w) => !before.has(w) && words.has(w))) continue;
    return t;
  }
  return null;
}

function casNotations(cas: string): [string, string][] {
  const [a, b, c] = cas.split('-') as [string, string, string];
  const full = (s: string) =>
    s.replace(/[0-9-]/g, (ch) => (ch === '-' ? '\uff0d' : String.fromCharCode(ch.charCodeAt(0) + 0xfee0)));
  return [
    [`Organic intermediate CAS ${cas}`, 'hyphens'],
    [`Organic intermediate CAS# ${a}${b}${c}`, 'no separators, CAS#'],
    [`Organic intermediate CAS No. ${a} ${b} ${c}`, 'spaces, CAS No.'],
    [`Organic intermediate ${a}\u2013${b}\u2013${c}`, 'en dashes'],
    [`Organic intermediate ${a}\u2014${b}\u2014${c}`, 'em dashes'],
    [`Organic intermediate ${full(cas)}`, 'full-width digits'],
    [`Organic intermediate CAS RN: ${a}.${b}.${c}`, 'dots, CAS RN'],
  ];
}

// Designer analogues: systematic names written from the class wordings (US 21 CFR fentanyl-related
// substances (A)-(E); US List I carbamates/amides/acetals/halides; Canada "derivatives and analogues").
const HALO = ['fluoro', 'chloro', 'bromo', 'iodo'];
const POS = ['2', '3', '4'];
const ACYL = [
  'butanamide',
  'pentanamide',
  '2-methylpropanamide',
  'cyclopropanecarboxamide',
  'furan-2-carboxamide',
  'prop-2-enamide',
  '2-methoxyacetamide',
  'benzamide',
  'cyclopentanecarboxamide',
  'hexanamide',
];
const N_SUB = [
  'methyl',
  'ethyl',
  'propyl',
  'butyl',
  'propan-2-yl',
  'prop-2-en-1-yl',
  'cyclohexylmethyl',
  '2-(4-fluorophenyl)ethyl',
  '2-(4-chlorophenyl)ethyl',
  '2-(thiophen-2-yl)ethyl',
  '3-phenylpropyl',
  '(4-fluorophenyl)methyl',
  '2-(4-methylphenyl)ethyl',
  '2-(4-methoxyphenyl)ethyl',
  'pentyl',
];
const CARBAMATE = [
  'methyl',
  'ethyl',
  'propyl',
  'propan-2-yl',
  'butyl',
  '2-methylpropyl',
  'benzyl',
  'prop-2-en-1-yl',
  'phenyl',
  '2,2,2-trichloroethyl',
];

function designerAnalogues(): [string, string][] {
  const out: [string, string][] = [];
  const frs = 'US fentanyl-related substances class';
  for (const a of ACYL)
    out.push([`N-phenyl-N-[1-(2-phenylethyl)piperidin-4-yl]${a}`, `${frs} (E): other acyl`]);
  for (const h of HALO)
    for (const p of POS) {
      out.push([
        `N-(${p}-${h}phenyl)-N-[1-(2-phenylethyl)piperidin-4-yl]propanamide`,
        `${frs} (D): substituted aniline ring`,
      ]);
      out.push([
        `N-phenyl-N-{1-[2-(${p}-${h}phenyl)ethyl]piperidin-4-yl}propanamide`,
        `${frs} (B): substituted phenethyl`,
      ]);
      out.push([
        `N-(${p}-${h}phenyl)-1-(2-phenylethyl)piperidin-4-amine`,
        'Canada: ANPP derivatives and analogues (SOR/2019-120)',
      ]);
      out.push([
        `N-(${p}-${h}phenyl)piperidin-4-amine`,
        'US List I halides of 4-AP; Canada 4-AP derivatives',
      ]);
      out.push([
        `tert-butyl 4-[(${p}-${h}phenyl)amino]piperidine-1-carboxylate`,
        'US List I halides/carbamates of 4-AP; SOR/2022-185',
      ]);
    }
  for (const m of ['methyl', 'methoxy', 'trifluoromethyl'])
    for (const p of POS)
      out.push([
        `N-(${p}-${m}phenyl)-N-[1-(2-phenylethyl)piperidin-4-yl]propanamide`,
        `${frs} (D): substituted aniline ring`,
      ]);
  for (const r of ['thiophen-2-yl', 'furan-2-yl', 'pyridin-2-yl', 'cyclohexyl'])
    out.push([
      `N-phenyl-N-{1-[2-(${r})ethyl]piperidin-4-yl}propanamide`,
      `${frs} (A): phenyl replaced by a monocycle`,
    ]);
  for (const n of N_SUB) {
    out.push([`1-[${n}]piperidin-4-one`, 'Canada: 4-piperidone derivatives and analogues (PCR item 28)']);
    out.push([`1-[${n}]-N-phenylpiperidin-4-amine`, 'Canada: 4-AP derivatives and analogues (PCR item 31)']);
  }
  for (const c of CARBAMATE) {
    out.push([`${c} 4-oxopiperidine-1-carboxylate`, 'US List I carbamates of 4-piperidone (88 FR 21902)']);
    out.push([`${c} 4-anilinopiperidine-1-carboxylate`, 'US List I carbamates of 4-AP (85 FR 20822)']);
    out.push([
      `${c} 1,4-dioxa-8-azaspiro[4.5]decane-8-carboxylate`,
      'US List I carbamates/acetals of 4-piperidone',
    ]);
  }
  for (const a of [
    'acetamide',
    'butanamide',
    '2-methylpropanamide',
    'pentanamide',
    'benzamide',
    'cyclopropanecarboxamide',
  ])
    out.push([`N-phenyl-N-(piperidin-4-yl)${a}`, 'US List I amides of 4-AP']);
  for (const k of [
    '4,4-dimethoxypiperidine',
    '4,4-diethoxypiperidine',
    '1,4-dioxa-8-azaspiro[4.5]decane',
    '1-acetylpiperidin-4-one',
    '1-propanoylpiperidin-4-one',
    '1-benzoylpiperidin-4-one',
  ])
    out.push([k, 'US List I acetals and amides of 4-piperidone']);
  return out;
}

// Harmless look-alikes: substituted piperidines, piperidones (ring-carbon substituted), piperazines and
// pyranones, phenethyl compounds, aminopyridines, anilines and other common chemicals of heading 2933.
const R = [
  'methyl',
  'ethyl',
  'propyl',
  'butyl',
  'phenyl',
  'benzyl',
  '2-phenylethyl',
  'hydroxymethyl',
  '2-hydroxyethyl',
  'propan-2-yl',
  'tert-butyl',
  'aminomethyl',
];
const PACKING: Record<string, (name: string) => string> = {
  'zh-Hans': (n) => `${n}，纯度99%，25公斤/桶`,
  'zh-Hant': (n) => `${n}，純度99%，25公斤/桶`,
  es: (n) => `${n}, pureza 99%, tambor de 25 kg`,
  fr: (n) => `${n}, pureté 99 %, fût de 25 kg`,
  de: (n) => `${n}, Reinheit 99 %, 25-kg-Fass`,
  ru: (n) => `${n}, чистота 99%, бочка 25 кг`,
  hi: (n) => `${n}, शुद्धता 99%, 25 किलो ड्रम`,
};

// Look-alikes and analogues written in the other languages of the knowledge base, so that its foreign names
// are checked against the chemicals that contain them: names constructed for this corpus by each language's
// chemical nomenclature (the same way as the knowledge base's constructed names).
const FOREIGN_HARMLESS: [string, string][] = [
  ['2-甲基哌啶', 'zh-Hans 2-methylpiperidine'],
  ['4-甲基哌啶', 'zh-Hans 4-methylpiperidine'],
  ['2-哌啶酮', 'zh-Hans 2-piperidone'],
  ['4-哌啶醇', 'zh-Hans 4-piperidinol'],
  ['哌啶-4-甲酸', 'zh-Hans isonipecotic acid'],
  ['2,2,6,6-四甲基-4-哌啶酮', 'zh-Hans triacetonamine'],
  ['4-氨基吡啶', 'zh-Hans 4-aminopyridine'],
  ['哌嗪', 'zh-Hans piperazine'],
  ['苯乙醇', 'zh-Hans 2-phenylethanol'],
  ['丙酸', 'zh-Hans propionic acid'],
  ['芬太尼检测试纸', 'zh-Hans fentanyl test strips (harm reduction)'],
  ['2-甲基哌啶，純度99%', 'zh-Hant 2-methylpiperidine'],
  ['4-哌啶醇，純度99%', 'zh-Hant 4-piperidinol'],
  ['2-метилпиперидин', 'ru 2-methylpiperidine'],
  ['4-метилпиперидин', 'ru 4-methylpiperidine'],
  ['2-пиперидон', 'ru 2-piperidone'],
  ['2,2,6,6-тетраметил-4-пиперидон', 'ru triacetonamine'],
  ['4-аминопиридин', 'ru 4-aminopyridine'],
  ['пиперазин', 'ru piperazine'],
  ['пропионовая кислота', 'ru propionic acid'],
  ['тест-полоски на фентанил', 'ru fentanyl test strips (harm reduction)'],
  ['2-मिथाइलपाइपेरिडीन', 'hi 2-methylpiperidine'],
  ['पाइपेराज़ीन', 'hi piperazine'],
  ['2-metilpiperidina', 'es 2-methylpiperidine'],
  ['2,2,6,6-tetrametil-4-piperidona', 'es triacetonamine'],
  ['ácido propiónico', 'es propionic acid'],
  ['tiras reactivas de fentanilo', 'es fentanyl test strips (harm reduction)'],
  ['2-méthylpipéridine', 'fr 2-methylpiperidine'],
  ['acide propionique', 'fr propionic acid'],
  ['2,2,6,6-Tetramethyl-4-piperidon', 'de triacetonamine'],
  ['Propionsäure', 'de propionic acid'],
];
const FOREIGN_ANALOGUES: [string, string][] = [
  ['丁酰芬太尼', 'zh-Hans butyrylfentanyl'],
  ['呋喃芬太尼', 'zh-Hans furanylfentanyl'],
  ['丙烯酰芬太尼', 'zh-Hans acrylfentanyl'],
  ['4-氟异丁酰芬太尼', 'zh-Hans 4-fluoroisobutyrylfentanyl'],
  ['對氟丁醯吩坦尼', 'zh-Hant para-fluorobutyrylfentanyl (Taiwan usage of 吩坦尼)'],
  ['бутирилфентанил', 'ru butyrylfentanyl'],
  ['акрилфентанил', 'ru acrylfentanyl (https://narko.ee/ru/narkotiki/fentanil)'],
  ['фуранилфентанил', 'ru furanylfentanyl (https://narko.ee/ru/narkotiki/fentanil)'],
  ['ब्यूटिरिलफेंटानिल', 'hi butyrylfentanyl'],
];

function harmless(): [string, string][] {
  const out: [string, string][] = [];
  for (const r of R)
    for (const p of ['1', '2', '3', '4']) out.push([`${p}-(${r})piperidine`, 'substituted piperidine']);
  for (const x of [
    '2,2,6,6-tetramethylpiperidin-4-one',
    '2,6-dimethylpiperidin-4-one',
    '2,2-dimethylpiperidin-4-one',
    '3,3-dimethylpiperidin-4-one',
    '2-methylpiperidin-4-one',
    '2-phenylpiperidin-4-one',
    '2,6-diphenylpiperidin-4-one',
    '3-ethylpiperidin-4-one',
    '2,2,6,6-tetramethyl-1-oxylpiperidin-4-one',
    '1,2,2,6,6-pentamethylpiperidin-4-one',
    'piperidin-2-one',
    'piperidin-3-one',
    '1-methylpiperidin-2-one',
    '1-benzylpiperidin-3-one',
    'tert-butyl 3-oxopiperidine-1-carboxylate',
    '6-methylpiperidin-2-one',
    '3,3,5,5-tetramethylpiperidin-2-one',
    '1-phenylpiperidin-2-one',
    '2,2,6,6-tetramethylpiperidin-4-ol',
    '1-(2-phenylethyl)piperidin-4-ol',
    'tert-butyl 4-hydroxypiperidine-1-carboxylate',
    '1-(tert-butoxycarbonyl)piperidine-4-carboxylic acid',
    'ethyl piperidine-4-carboxylate',
    'piperidine-4-carboxamide',
    'tert-butyl 4-(aminomethyl)piperidine-1-carboxylate',
    '1-benzylpiperidin-4-amine',
    '1-methylpiperidin-4-amine',
    'N-benzylpiperidin-4-amine',
    '4-(dimethylamino)piperidine',
    '4-phenylpiperidin-4-ol',
  ])
    out.push([x, 'ring-substituted or other piperidone / piperidine (industrial)']);
  for (const r of R) {
    out.push([`1-(${r})piperazine`, 'substituted piperazine']);
    out.push([`1,4-bis(${r})piperazine`, 'substituted piperazine']);
  }
  for (const x of [
    'oxan-4-one',
    '2,2-dimethyloxan-4-one',
    '2H-pyran-2-one',
    '4H-pyran-4-one',
    '2,6-dimethyl-4H-pyran-4-one',
    'tetrahydro-4H-thiopyran-4-one',
    'cyclohexanone',
    '4-methylcyclohexanone',
    '4-phenylcyclohexanone',
    '1,4-cyclohexanedione',
  ])
    out.push([x, 'pyranone / cyclic ketone look-alike']);
  for (const x of [
    '2-phenylethanol',
    '2-phenylethylamine',
    'N-methyl-2-phenylethylamine',
    '2-phenylethyl acetate',
    '(2-chloroethyl)benzene',
    '2-(4-fluorophenyl)ethanol',
    '2-phenylacetaldehyde',
    'phenylacetic acid',
    '2-phenylethyl propanoate',
    '4-methoxyphenethyl alcohol',
    'styrene',
    'ethylbenzene',
    '1-phenylethanol',
    '2-phenoxyethanol',
    'phenethyl isothiocyanate',
  ])
    out.push([x, 'phenethyl compound']);
  for (const x of [
    'pyridin-2-amine',
    'pyridin-3-amine',
    'pyridin-4-amine',
    'N,N-dimethylpyridin-4-amine',
    '3-methylpyridin-2-amine',
    '4-methylpyridin-2-amine',
    '2-amino-5-chloropyridine',
    '2,6-diaminopyridine',
    'pyridine-4-carboxamide',
    '4-(aminomethyl)pyridine',
  ])
    out.push([x, 'aminopyridine']);
  for (const x of [
    'N-methylaniline',
    'N-ethylaniline',
    '4-fluoroaniline',
    '4-chloroaniline',
    '2,6-dimethylaniline',
    'acetanilide',
    'N,N-dimethylaniline',
    '4-bromoaniline',
    'diphenylamine',
    'N-phenylacetamide',
    '4-aminophenol',
    '2-methylaniline',
  ])
    out.push([x, 'aniline']);
  for (const x of [
    'pyridine',
    '2-methylpyridine',
    '3-methylpyridine',
    '4-methylpyridine',
    'quinoline',
    'melamine',
    'caprolactam',
    'nicotinic acid',
    'nicotinamide',
    'isoniazid',
    'hydantoin',
    'imidazole',
    'benzimidazole',
    'pyrimidine',
    'morpholine',
    '4-methylmorpholine',
    'pyrrolidine',
    '1-methylpyrrolidin-2-one',
    'piperidine-4-carboxylic acid',
    '4-hydroxypiperidine',
    '2,2,6,6-tetramethylpiperidine',
    'piperazine',
    '1-(2-hydroxyethyl)piperazine',
    'triethylenediamine',
    'hexamethylenetetramine',
  ])
    out.push([x, 'common chemical of headings 2933/2934']);
  return out;
}

export function buildChemistryCorpus(): CorpusLine[] {
  const kb = loadKnowledge();
  const words = chemicalWords(kb.file);
  const lines: CorpusLine[] = [];
  const add = (l: CorpusLine) => lines.push(l);
  for (const s of kb.file.substances) {
    if (!LISTED_ROLES.has(s.role) || s.listings.every((l) => l.status !== 'in-force')) continue;
    const names = [...new Set([...s.names, ...s.synonyms])];
    names.forEach((n, i) => {
      add({
        text: `${n}${FILLERS[i % FILLERS.length]}`,
        category: 'listed-name',
        substance: s.id,
        analogue: false,
        source: `knowledge base names of ${s.id} (${s.source})`,
      });
      if (i < 3) {
        add({
          text: n.toUpperCase(),
          category: 'listed-name',
          substance: s.id,
          analogue: false,
          source: `knowledge base name of ${s.id}, upper case as filers write it`,
        });
        add({
          text: n.toLowerCase(),
          category: 'listed-name',
          substance: s.id,
          analogue: false,
          source: `knowledge base name of ${s.id}, lower case (locant case lost)`,
        });
        add({
          text: lookalikeLetters(n, i),
          category: 'listed-lookalike-letters',
          substance: s.id,
          analogue: false,
          source: `knowledge base name of ${s.id} with Cyrillic look-alike letters`,
        });
        const d = digitSwap(n);
        if (d !== null)
          add({
            text: d,
            category: 'listed-lookalike-letters',
            substance: s.id,
            analogue: false,
            source: `knowledge base name of ${s.id} with digits typed for letters`,
          });
        for (const k of [0, 1]) {
          const t = typo(n, i + k, words);
          if (t !== null)
            add({
              text: t,
              category: 'listed-typo',
              substance: s.id,
              analogue: false,
              source: `knowledge base name of ${s.id} with a one-letter ${(i + k) % 2 === 0 ? 'deletion' : 'swap'}`,
            });
        }
      }
    });
    for (const a of s.abbreviations.filter((x) => !['piperidone', 'piperidinone', '4-AP'].includes(x)))
      add({
        text: `${a}, 99% purity`,
        category: 'listed-name',
        substance: s.id,
        analogue: false,
        source: `knowledge base abbreviation of ${s.id}`,
      });
    for (const n of s.names.slice(0, 2))
      for (const salt of s.role === 'opioid' ? ['citrate', 'hydrochloride'] : ['hydrochloride', 'HCl'])
        add({
          text: `${n} ${salt}`,
          category: 'listed-salt',
          substance: s.id,
          analogue: false,
          source: `knowledge base name of ${s.id} + salt word`,
        });
    for (const c of s.cas)
      for (const [text, how] of casNotations(c.number))
        add({
          text,
          category: 'listed-cas-notation',
          substance: s.id,
          analogue: false,
          source: `CAS ${c.number} of ${s.id} (${c.source}), ${how}`,
        });
    for (const n of CAS_INDEX[s.id] ?? []) {
      add({
        text: n,
        category: 'listed-cas-index',
        substance: s.id,
        analogue: false,
        source: `CAS index name form of ${s.id}, written for this corpus`,
      });
      add({
        text: `${n} (9CI)`,
        category: 'listed-cas-index',
        substance: s.id,
        analogue: false,
        source: `CAS index name form of ${s.id} with a (9CI) annotation`,
      });
    }
    const withPacking = new Set<string>();
    for (const t of s.translations) {
      add({
        text: t.name,
        category: 'listed-language',
        substance: s.id,
        analogue: false,
        source: `${t.lang} name of ${s.id}: ${t.source}`,
      });
      // Once per language: the name as a filer in that language writes the line, with purity and packing.
      if (withPacking.has(t.lang)) continue;
      withPacking.add(t.lang);
      add({
        text: PACKING[t.lang]!(t.name),
        category: 'listed-language',
        substance: s.id,
        analogue: false,
        source: `${t.lang} name of ${s.id} with purity and packing words in that language: ${t.source}`,
      });
    }
    for (const t of s.tradeNames) {
      add({
        text: `${t.name} transdermal system`,
        category: 'listed-trade-name',
        substance: s.id,
        analogue: false,
        source: `brand of ${s.id}: ${t.source}`,
      });
      add({
        text: t.name.toUpperCase(),
        category: 'listed-trade-name',
        substance: s.id,
        analogue: false,
        source: `brand of ${s.id}: ${t.source}`,
      });
    }
  }
  for (const [name, source] of designerAnalogues()) {
    add({
      text: name,
      category: 'designer-analogue',
      substance: null,
      analogue: true,
      source: `designer analogue written from the class wording: ${source}`,
    });
  }
  for (const [name, what] of FOREIGN_ANALOGUES)
    add({
      text: name,
      category: 'designer-analogue',
      substance: null,
      analogue: true,
      source: `designer fentanyl written in another language (${what}), constructed for this corpus`,
    });
  for (const [name, what] of FOREIGN_HARMLESS)
    add({
      text: name,
      category: 'harmless-lookalike',
      substance: null,
      analogue: false,
      source: `harmless look-alike written in another language (${what}), constructed for this corpus`,
    });
  harmless().forEach(([name, source], i) => {
    add({
      text: `${name}${FILLERS[i % FILLERS.length]}`,
      category: 'harmless-lookalike',
      substance: null,
      analogue: false,
      source: `harmless look-alike (${source}), systematic or common name`,
    });
    add({
      text: name.toUpperCase(),
      category: 'harmless-lookalike',
      substance: null,
      analogue: false,
      source: `harmless look-alike (${source}), upper case`,
    });
    add({
      text: `${name.charAt(0).toUpperCase()}${name.slice(1)}, industrial grade, 200 kg drums`,
      category: 'harmless-lookalike',
      substance: null,
      analogue: false,
      source: `harmless look-alike (${source}), with packing words`,
    });
  });
  return lines;
}

export function chemistryCorpusText(lines: readonly CorpusLine[]): string {
  return `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const lines = buildChemistryCorpus();
  writeFileSync(CHEMISTRY_CORPUS_PATH, chemistryCorpusText(lines));
  const by: Record<string, number> = {};
  for (const l of lines) by[l.category] = (by[l.category] ?? 0) + 1;
  console.log(lines.length, by);
}
