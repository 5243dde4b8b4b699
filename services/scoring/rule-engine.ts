// Reads: validated rule definitions and, per report, the computed facts. Writes: rule hits with
// explanations filled from the facts and the evidence they name. Guarantees: conditions are compiled once
// into closures (no interpretation per report); evaluation is pure and allocates only for hits.
import type { RuleHit } from '../../schemas/decision.ts';
import type { FactValue, LineFacts, ReportFacts } from './fact-catalogue.ts';
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
    return (r, l) => {
      for (const p of parts) if (!p(r, l)) return false;
      return true;
    };
  }
  if ('any' in c) {
    const parts = c.any.map(compileCondition);
    return (r, l) => {
      for (const p of parts) if (p(r, l)) return true;
      return false;
    };
  }
  if ('not' in c) {
    const inner = compileCondition(c.not);
    return (r, l) => !inner(r, l);
  }
  const get = getter(c.fact);
  if (c.eq !== undefined) {
    const v = c.eq;
    return (r, l) => get(r, l) === v;
  }
  if (c.ne !== undefined) {
    const v = c.ne;
    return (r, l) => get(r, l) !== v;
  }
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

function format(v: FactValue): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return v;
}

/** Splits "{a} and {b}" once, so filling a template is a loop over parts. */
function compileTemplate(template: string): (r: ReportFacts, l: LineFacts | null) => string {
  const pieces = template.split(/\{([A-Za-z.]+)\}/);
  const parts = pieces.map((p, i) => (i % 2 === 1 ? getter(p) : p));
  return (r, l) => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : format(p(r, l));
    return out.replace(/\s+/g, ' ').trim();
  };
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
    test: compileCondition(def.when),
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
