import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FactValue, LineFacts, ReportFacts } from './fact-catalogue.ts';
import { compileCondition, compilePredicate, compileRule } from './rule-engine.ts';
import type { Condition, RuleDefinition } from './rule-schema.ts';

// A few facts of each type, report and line scope.
const NUMBERS = ['watchlistScore', 'lineCount', 'line.possibleConfidence', 'line.valuePerKgUsd'] as const;
const BOOLEANS = ['permitPresent', 'isHouseBill', 'line.controlled', 'line.vague'] as const;
const STRINGS = ['mode', 'paymentMethod', 'line.matchedBy', 'line.hs'] as const;

const number = fc.oneof(fc.constantFrom(-1, 0, 0.5, 0.95, 1, 2), fc.double({ noNaN: true, min: -5, max: 5 }));
const text = fc.constantFrom('', 'AIR', 'SEA', 'CASH', 'CAS', 'NAME', '2933', '293337');

const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ fact: fc.constantFrom(...BOOLEANS), eq: fc.boolean() }),
  fc.record({ fact: fc.constantFrom(...BOOLEANS), ne: fc.boolean() }),
  fc.record({ fact: fc.constantFrom(...STRINGS), eq: text }),
  fc.record({ fact: fc.constantFrom(...STRINGS), in: fc.array(text, { minLength: 1, maxLength: 3 }) }),
  fc.record({ fact: fc.constantFrom(...STRINGS), notIn: fc.array(text, { minLength: 1, maxLength: 3 }) }),
  fc.record({ fact: fc.constantFrom(...STRINGS), matches: fc.constantFrom('^29', 'A', '^$', 'CAS|NAME') }),
  fc.record({ fact: fc.constantFrom(...NUMBERS), gt: number }),
  fc.record({ fact: fc.constantFrom(...NUMBERS), gte: number }),
  fc.record({ fact: fc.constantFrom(...NUMBERS), lt: number }),
  fc.record({ fact: fc.constantFrom(...NUMBERS), lte: number }),
) as fc.Arbitrary<Condition>;

const condition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ all: fc.array(tie('c'), { maxLength: 4 }) }),
    fc.record({ any: fc.array(tie('c'), { maxLength: 4 }) }),
    fc.record({ not: tie('c') }),
  ),
})).c;

function facts(values: FactValue[]): { r: ReportFacts; l: LineFacts } {
  const all = [...NUMBERS, ...BOOLEANS, ...STRINGS];
  const r: Record<string, FactValue> = {};
  const l: Record<string, FactValue> = {};
  all.forEach((name, i) => {
    const v = values[i % values.length]!;
    const typed = (NUMBERS as readonly string[]).includes(name)
      ? typeof v === 'number'
        ? v
        : 0.5
      : (BOOLEANS as readonly string[]).includes(name)
        ? typeof v === 'boolean'
          ? v
          : false
        : String(v);
    if (name.startsWith('line.')) l[name.slice(5)] = typed;
    else r[name] = typed;
  });
  return { r: r as unknown as ReportFacts, l: l as unknown as LineFacts };
}

describe('generated predicates', () => {
  it('agree with the closure compiler on every condition and fact values (property)', () => {
    fc.assert(
      fc.property(
        condition,
        fc.array(fc.oneof(number, fc.boolean(), text), { minLength: 1 }),
        (c, values) => {
          const { r, l } = facts(values);
          const closures = compileCondition(c);
          const generated = compilePredicate(c);
          return closures(r, l) === generated(r, l) && closures(r, null) === generated(r, null);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never splice a name that is not a catalogued fact into code', () => {
    const evil = { fact: 'constructor) || process.exit(1) || (r', eq: true } as unknown as Condition;
    const p = compilePredicate(evil);
    expect(p({} as ReportFacts, null)).toBe(false);
  });
});

describe('explanation templates', () => {
  const rule = (explanation: string): RuleDefinition =>
    ({
      id: 't',
      description: 'd',
      scope: 'report',
      weight: 0.1,
      when: { fact: 'lineCount', gte: 0 },
      explanation,
      evidence: [],
      source: { indicator: 1, citation: 'x' },
      enabled: true,
    }) as unknown as RuleDefinition;
  const space = fc.constantFrom(
    ' ',
    '  ',
    '\t',
    '\n',
    '\u00a0',
    '\u2003',
    '\ufeff',
    'a',
    'b',
    '.',
    '\u0085',
    '\u200b',
  );
  const filler = fc.array(space, { maxLength: 6 }).map((a) => a.join(''));

  it('collapse white space exactly as replace(/\\s+/g, " ").trim() (property)', () => {
    const templates = [
      '{consigneeName} and {contactNote}',
      '  {consigneeName}',
      '{consigneeName}  x ',
      '\t{lineCount}{contactNote} ',
      '{contactNote}{consigneeName}',
      ' {isHouseBill} {totalValueUsd} {consigneeName}.',
      '',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...templates),
        filler,
        filler,
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        (template, a, b, n, bool) => {
          const r = {
            consigneeName: a,
            contactNote: b,
            lineCount: n,
            isHouseBill: bool,
            totalValueUsd: n / 3,
          } as unknown as ReportFacts;
          const raw = template
            .replace('{consigneeName}', a)
            .replace('{contactNote}', b)
            .replace('{lineCount}', String(n))
            .replace('{isHouseBill}', bool ? 'yes' : 'no')
            .replace('{totalValueUsd}', Number.isInteger(n / 3) ? String(n / 3) : (n / 3).toFixed(2));
          return compileRule(rule(template), 'f').explain(r, null) === raw.replace(/\s+/g, ' ').trim();
        },
      ),
      { numRuns: 3000 },
    );
  });
});
