// Reads: validated rule definitions and, per report, the computed facts. Writes: rule hits with
// explanations filled from the facts and the evidence they name. Guarantees: conditions are compiled once
// (into one generated function over catalogued fact names, or closures where code generation is unavailable;
// no interpretation per report); evaluation is pure and allocates only for hits.
import type { RuleHit } from '../../schemas/decision.ts';
import { type FactValue, factType, type LineFacts, type ReportFacts } from './fact-catalogue.ts';
import type { ComputedFacts } from './facts.ts';
import { type Condition, type RuleDefinition, templateFacts } from './rule-schema.ts';

type Getter = (r: ReportFacts, l: LineFacts | null) => FactValue;
type Predicate = (r: ReportFacts, l: LineFacts | null) => boolean;

export interface CompiledRule {
  readonly id: string;
  readonly description: string;
  readonly scope: 'report' | 'line';
  readonly weight: number;
  readonly source: RuleDefinition['source'];
  readonly file: string;
  readonly test: Predicate;
  explain(r: ReportFacts, l: LineFacts | null): string;
  evidence(r: ReportFacts, l: LineFacts | null): Record<string, FactValue>;
}

function getter(name: string): Getter {
  if (name.startsWith('line.')) {
    const key = name.slice(5) as keyof LineFacts;
    return (_r, l) => (l === null ? '' : l[key]);
  }
  const key = name as keyof ReportFacts;
  return (r) => r[key];
}

export function compileCondition(c: Condition): Predicate {
  if ('all' in c) {
    const parts = c.all.map(compileCondition);
    // Fixed arities as direct calls: most rules are "this line fact and that report fact".
    if (parts.length === 1) return parts[0]!;
    if (parts.length === 2) {
      const [a, b] = parts as [Predicate, Predicate];
      return (r, l) => a(r, l) && b(r, l);
    }
    if (parts.length === 3) {
      const [a, b, d] = parts as [Predicate, Predicate, Predicate];
      return (r, l) => a(r, l) && b(r, l) && d(r, l);
    }
    return (r, l) => {
      for (let i = 0; i < parts.length; i++) if (!parts[i]!(r, l)) return false;
      return true;
    };
  }
  if ('any' in c) {
    const parts = c.any.map(compileCondition);
    if (parts.length === 1) return parts[0]!;
    if (parts.length === 2) {
      const [a, b] = parts as [Predicate, Predicate];
      return (r, l) => a(r, l) || b(r, l);
    }
    return (r, l) => {
      for (let i = 0; i < parts.length; i++) if (parts[i]!(r, l)) return true;
      return false;
    };
  }
  if ('not' in c) {
    const inner = compileCondition(c.not);
    return (r, l) => !inner(r, l);
  }
  // eq / ne read the fact directly (the commonest leaves); other operators go through a getter.
  if (c.eq !== undefined || c.ne !== undefined) {
    const v = c.eq !== undefined ? c.eq : c.ne;
    const negate = c.eq === undefined;
    if (c.fact.startsWith('line.')) {
      const key = c.fact.slice(5) as keyof LineFacts;
      return negate
        ? (_r, l) => (l === null ? '' : l[key]) !== v
        : (_r, l) => (l === null ? '' : l[key]) === v;
    }
    const key = c.fact as keyof ReportFacts;
    return negate ? (r) => r[key] !== v : (r) => r[key] === v;
  }
  const get = getter(c.fact);
  if (c.in !== undefined) {
    const set = new Set<FactValue>(c.in);
    return (r, l) => set.has(get(r, l));
  }
  if (c.notIn !== undefined) {
    const set = new Set<FactValue>(c.notIn);
    return (r, l) => !set.has(get(r, l));
  }
  if (c.matches !== undefined) {
    const re = new RegExp(c.matches);
    return (r, l) => re.test(String(get(r, l)));
  }
  const [op, bound] =
    c.gt !== undefined
      ? (['gt', c.gt] as const)
      : c.gte !== undefined
        ? (['gte', c.gte] as const)
        : c.lt !== undefined
          ? (['lt', c.lt] as const)
          : (['lte', c.lte!] as const);
  switch (op) {
    case 'gt':
      return (r, l) => (get(r, l) as number) > bound;
    case 'gte':
      return (r, l) => (get(r, l) as number) >= bound;
    case 'lt':
      return (r, l) => (get(r, l) as number) < bound;
    default:
      return (r, l) => (get(r, l) as number) <= bound;
  }
}

/**
 * The condition as one JavaScript expression over `r` and `l`, or null when it cannot be written safely.
 * Only catalogued fact names shaped like identifiers are spliced into the source (as property names); every
 * value, set and pattern from the rule file stays data, passed in `consts`. Operators are chosen in the same
 * order as compileCondition, so the expression means exactly what the closures mean.
 */
function conditionSource(c: Condition, consts: unknown[]): string | null {
  if ('all' in c || 'any' in c) {
    const list = 'all' in c ? c.all : c.any;
    const parts: string[] = [];
    for (const p of list) {
      const src = conditionSource(p, consts);
      if (src === null) return null;
      parts.push(src);
    }
    if (parts.length === 0) return 'all' in c ? 'true' : 'false';
    return `(${parts.join('all' in c ? ' && ' : ' || ')})`;
  }
  if ('not' in c) {
    const inner = conditionSource(c.not, consts);
    return inner === null ? null : `!${inner}`;
  }
  const line = c.fact.startsWith('line.');
  const key = line ? c.fact.slice(5) : c.fact;
  if (factType(c.fact) === undefined || !/^[A-Za-z][A-Za-z0-9]*$/.test(key)) return null;
  const get = line ? `(l === null ? '' : l.${key})` : `r.${key}`;
  const k = (value: unknown) => `k[${consts.push(value) - 1}]`;
  if (c.eq !== undefined) return `(${get} === ${k(c.eq)})`;
  if (c.ne !== undefined) return `(${get} !== ${k(c.ne)})`;
  if (c.in !== undefined) return `${k(new Set<FactValue>(c.in))}.has(${get})`;
  if (c.notIn !== undefined) return `!${k(new Set<FactValue>(c.notIn))}.has(${get})`;
  if (c.matches !== undefined) return `${k(new RegExp(c.matches))}.test(String(${get}))`;
  if (c.gt !== undefined) return `(${get} > ${k(c.gt)})`;
  if (c.gte !== undefined) return `(${get} >= ${k(c.gte)})`;
  if (c.lt !== undefined) return `(${get} < ${k(c.lt)})`;
  return `(${get} <= ${k(c.lte)})`;
}

/**
 * A rule condition as one straight-line function with fixed property names: several times faster than the
 * closure tree (whose shared fact getters make every property read megamorphic). Falls back to the closures
 * when the condition cannot be written as source or code generation is disabled.
 */
export function compilePredicate(c: Condition): Predicate {
  const consts: unknown[] = [];
  const src = conditionSource(c, consts);
  if (src !== null) {
    try {
      return new Function('k', `'use strict'; return (r, l) => ${src};`)(consts) as Predicate;
    } catch {
      // e.g. node --disallow-code-generation-from-strings
    }
  }
  return compileCondition(c);
}

function format(v: FactValue): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return v;
}

/** Splits "{a} and {b}" once, so filling a template is a loop over parts. */
function compileTemplate(template: string): (r: ReportFacts, l: LineFacts | null) => string {
  const pieces = template.split(/\{([A-Za-z.]+)\}/);
  const parts = pieces.map((p, i) => (i % 2 === 1 ? getter(p) : p));
  const literals = pieces.map((p, i) => (i % 2 === 1 ? null : spacing(p)));
  return (r, l) => {
    let out = '';
    // Whether replace(/\s+/g, ' ').trim() would change the text, tracked piece by piece: literal pieces
    // were measured once, filled-in values are scanned.
    let tidy = true;
    let prevSpace = true; // a space at the start is untidy
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (typeof p === 'string') {
        out += p;
        const lit = literals[i]!;
        if (lit.length === 0 || !tidy) continue;
        if (!lit.inner || (lit.leading && prevSpace)) tidy = false;
        prevSpace = lit.trailing;
        continue;
      }
      const v = p(r, l);
      if (typeof v === 'string') {
        out += v;
        if (tidy && v.length > 0) {
          const after = scanSpacing(v, prevSpace);
          if (after === UNTIDY) tidy = false;
          else prevSpace = after === ENDS_SPACE;
        }
      } else {
        // Numbers and yes/no never hold white space.
        out += format(v);
        prevSpace = false;
      }
    }
    return tidy && !(prevSpace && out.length > 0) ? out : out.replace(/\s+/g, ' ').trim();
  };
}

interface Spacing {
  length: number;
  leading: boolean;
  trailing: boolean;
  /** No white space other than single spaces inside. */
  inner: boolean;
}

function spacing(text: string): Spacing {
  return {
    length: text.length,
    leading: text.charCodeAt(0) === 32,
    trailing: text.charCodeAt(text.length - 1) === 32,
    inner: scanSpacing(text, false) !== UNTIDY,
  };
}

const UNTIDY = 0;
const ENDS_SPACE = 1;
const ENDS_WORD = 2;

/** Scans text that follows a space (prevSpace) or not: UNTIDY on a second space or other white space. */
function scanSpacing(text: string, prevSpace: boolean): number {
  let space = prevSpace;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      if (space) return UNTIDY;
      space = true;
    } else if (isSpace(c)) return UNTIDY;
    else space = false;
  }
  return space ? ENDS_SPACE : ENDS_WORD;
}

/** JavaScript's \s (WhiteSpace and LineTerminator): what the regex and trim() treat as space. */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return (
    c === 160 ||
    c === 5760 ||
    (c >= 8192 && c <= 8202) ||
    c === 8232 ||
    c === 8233 ||
    c === 8239 ||
    c === 8287 ||
    c === 12288 ||
    c === 65279
  );
}

export function compileRule(def: RuleDefinition, file: string): CompiledRule {
  const names = [...new Set([...templateFacts(def.explanation), ...def.evidence])];
  const getters = names.map((n) => [n, getter(n)] as const);
  return Object.freeze({
    id: def.id,
    description: def.description,
    scope: def.scope,
    weight: def.weight,
    source: def.source,
    file,
    test: compilePredicate(def.when),
    explain: compileTemplate(def.explanation),
    evidence: (r: ReportFacts, l: LineFacts | null) => {
      const out: Record<string, FactValue> = {};
      for (const [n, g] of getters) out[n] = g(r, l);
      return out;
    },
  });
}

/** Every rule on the report, line rules once per goods line; hits in rule order then line order. */
export function evaluateRules(rules: readonly CompiledRule[], facts: ComputedFacts): RuleHit[] {
  const hits: RuleHit[] = [];
  const r = facts.report;
  for (const rule of rules) {
    if (rule.scope === 'report') {
      if (rule.test(r, null))
        hits.push({
          ruleId: rule.id,
          weight: rule.weight,
          explanation: rule.explain(r, null),
          goodsLine: null,
          evidence: rule.evidence(r, null),
        });
      continue;
    }
    for (const l of facts.lines) {
      if (rule.test(r, l))
        hits.push({
          ruleId: rule.id,
          weight: rule.weight,
          explanation: rule.explain(r, l),
          goodsLine: l.number,
          evidence: rule.evidence(r, l),
        });
    }
  }
  return hits;
}

/** Counts matching rules without building hits: used to time the predicates alone. */
export function countMatches(rules: readonly CompiledRule[], facts: ComputedFacts): number {
  let n = 0;
  for (const rule of rules) {
    if (rule.scope === 'report') n += rule.test(facts.report, null) ? 1 : 0;
    else for (const l of facts.lines) n += rule.test(facts.report, l) ? 1 : 0;
  }
  return n;
}
