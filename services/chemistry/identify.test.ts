// The identifier on the name table alone (no parser answers): names in other scripts found only as whole
// names, typos of long names read only where no real chemical word explains the text.
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../scoring/knowledge.ts';
import { createIdentifier } from './identify.ts';
import { createNameResolver } from './name-resolver.ts';

const kb = loadKnowledge().file;
const down = createNameResolver({ cacheFile: null });
const identifier = createIdentifier(kb, () => down);
const ids = (description: string) =>
  identifier
    .identifyLine({ description, casChecks: [], chemicalHs: false })
    .matches.map((m) => m.familyId ?? m.substanceId);

describe('names in other scripts', () => {
  it('identifies a listed name in Chinese, Russian and Hindi, salt and packing words around it', () => {
    expect(ids('盐酸芬太尼，纯度99%')).toEqual(['fentanyl']);
    expect(ids('N-苯乙基-4-哌啶酮 25公斤/桶')).toEqual(['npp']);
    expect(ids('吩坦尼 貼片')).toEqual(['fentanyl']);
    expect(ids('гидрохлорид 4-пиперидона')).toEqual(['4-piperidone']);
    expect(ids('पाइपेरिडीन 200 किलो')).toEqual(['piperidine']);
  });

  it('never reads the shorter name inside a longer chemical name', () => {
    // 2-methylpiperidine, 4-piperidinol, 2,2,6,6-tetramethyl-4-piperidone, 2-methylpiperidine (ru, hi).
    for (const harmless of [
      '2-甲基哌啶',
      '4-哌啶醇',
      '2,2,6,6-四甲基-4-哌啶酮',
      '2-метилпиперидин',
      '2-मिथाइलपाइपेरिडीन',
    ])
      expect(ids(harmless), harmless).toEqual([]);
    expect(ids('乙酰芬太尼')).toEqual(['acetylfentanyl']);
  });

  it('reports a designer fentanyl written in another script as a fentanyl analogue, a test strip as nothing', () => {
    expect(ids('丁酰芬太尼')).toEqual(['fentanyl-related']);
    expect(ids('бутирилфентанил')).toEqual(['fentanyl-related']);
    expect(ids('芬太尼检测试纸')).toEqual([]);
  });
});

describe('typos', () => {
  it('reads a misspelt long name even when a shorter name sits inside it', () => {
    expect(ids('1-penethyl-4-piperidone')).toEqual(['npp']);
    expect(ids('4-anilino-1-obc-piperidine')).toEqual(['1-boc-4-ap']);
    expect(ids('aceytl fentanyl')).toEqual(['acetylfentanyl']);
  });

  it('never turns one chemical into another by one substituent word', () => {
    expect(ids('3-ethylpiperidin-4-one')).toEqual([]);
    expect(ids('3,3-dimethylpiperidin-4-one')).toEqual([]);
    expect(ids('tert-butyl 3-oxopiperidine-1-carboxylate')).toEqual([]);
  });
});
