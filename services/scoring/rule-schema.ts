// Reads: the parsed content of one rules file (models/rules/*.yaml). Writes: typed rule definitions.
// Guarantees: every condition names a catalogued fact with an operator fit for its type, every template
// placeholder is a catalogued fact, ids are kebab-case; an error names the rule id and the path in it.
import { z } from 'zod';
import { factType } from './fact-catalogue.ts';

const scalar = z.union([z.boolean(), z.number(), z.string()]);

const leafSchema = z
  .object({
    fact: z.string().min(1),
    eq: scalar.optional(),
    ne: scalar.optional(),
    in: z.array(scalar).min(1).optional(),
    notIn: z.array(scalar).min(1).optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    matches: z.string().optional(),
  })
  .strict();

export type LeafCondition = z.infer<typeof leafSchema>;
export type Condition = LeafCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(conditionSchema).min(1) }).strict(),
    z.object({ any: z.array(conditionSchema).min(1) }).strict(),
    z.object({ not: conditionSchema }).strict(),
    leafSchema,
  ]),
);

export const ruleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'rule id must be kebab-case'),
    description: z.string().min(5),
    scope: z.enum(['report', 'line']),
    weight: z.number().min(0).max(1),
    when: conditionSchema,
    explanation: z.string().min(5),
    evidence: z.array(z.string()).default([]),
    enabled: z.boolean().default(true),
    source: z
      .object({
        indicator: z.union([z.number().int().min(1).max(15), z.string().min(1)]),
        citation: z.string().min(5),
      })
      .strict(),
  })
  .strict();

export type RuleDefinition = z.output<typeof ruleSchema>;

export const rulesFileSchema = z
  .object({ description: z.string().optional(), rules: z.array(ruleSchema) })
  .strict();

export const OPERATORS = ['eq', 'ne', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'matches'] as const;
export type Operator = (typeof OPERATORS)[number];

export interface RuleProblem {
  path: string;
  message: string;
}

const PLACEHOLDER = /\{([A-Za-z.]+)\}/g;

export function templateFacts(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Semantic checks zod cannot do: fact names and types against the catalogue, scope of line facts. */
export function checkRule(rule: RuleDefinition): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const checkFact = (name: string, path: string) => {
    const type = factType(name);
    if (type === undefined) problems.push({ path, message: `unknown fact "${name}"` });
    else if (rule.scope === 'report' && name.startsWith('line.'))
      problems.push({ path, message: `line fact "${name}" in a report-scope rule` });
    return type;
  };
  const walk = (c: Condition, path: string): void => {
    if ('all' in c) {
      c.all.forEach((x, i) => {
        walk(x, `${path}.all[${i}]`);
      });
      return;
    }
    if ('any' in c) {
      c.any.forEach((x, i) => {
        walk(x, `${path}.any[${i}]`);
      });
      return;
    }
    if ('not' in c) {
      walk(c.not, `${path}.not`);
      return;
    }
    const ops = OPERATORS.filter((op) => c[op] !== undefined);
    if (ops.length !== 1) {
      problems.push({
        path,
        message: `expected exactly one operator of ${OPERATORS.join(', ')}, got ${ops.length}`,
      });
      return;
    }
    const op = ops[0]!;
    const type = checkFact(c.fact, `${path}.fact`);
    if (type === undefined) return;
    const values = op === 'in' || op === 'notIn' ? (c[op] as unknown[]) : [c[op]];
    if (['gt', 'gte', 'lt', 'lte'].includes(op) && type !== 'number')
      problems.push({ path: `${path}.${op}`, message: `${op} needs a number fact, "${c.fact}" is ${type}` });
    else if (op === 'matches') {
      if (type !== 'string')
        problems.push({ path: `${path}.matches`, message: `matches needs a string fact` });
      try {
        new RegExp(c.matches!);
      } catch (e) {
        problems.push({
          path: `${path}.matches`,
          message: `invalid regular expression: ${(e as Error).message}`,
        });
      }
    } else if (values.some((v) => typeof v !== type)) {
      problems.push({ path: `${path}.${op}`, message: `value type does not match ${type} fact "${c.fact}"` });
    }
  };
  walk(rule.when, 'when');
  for (const f of templateFacts(rule.explanation)) checkFact(f, `explanation {${f}}`);
  rule.evidence.forEach((f, i) => {
    checkFact(f, `evidence[${i}]`);
  });
  return problems;
}
