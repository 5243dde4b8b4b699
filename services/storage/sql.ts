// The one place values become SQL text. ClickHouse 18.16 has no server-side query parameters,
// so every value that reaches a statement goes through `literal`/`identifier` or the `sql` tag.
// Guarantees: string literals cannot be escaped out of; identifiers are validated, not quoted around.

export type SqlValue = string | number | bigint | boolean | Date | null | readonly SqlValue[] | SqlFragment;

/** Text already made safe by this module (for composing statements). */
export class SqlFragment {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A database, table or column name; only plain names are accepted, dotted paths are split and checked. */
export function identifier(name: string): SqlFragment {
  const parts = name.split('.');
  for (const part of parts) {
    if (!IDENTIFIER.test(part)) throw new TypeError(`not a safe SQL identifier: ${JSON.stringify(name)}`);
  }
  return new SqlFragment(parts.map((p) => `\`${p}\``).join('.'));
}

const STRING_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\r': '\\r',
  '\n': '\\n',
  '\t': '\\t',
};

export function escapeString(value: string): string {
  return `'${value.replace(/[\\'\0\b\f\r\n\t]/g, (c) => STRING_ESCAPES[c] ?? c)}'`;
}

const TSV_SPECIAL = /[\\\0\b\f\r\n\t]/;
const TSV_ESCAPE = /[\\\0\b\f\r\n\t]/g;
const LITERAL_SPECIAL = /[\\'\0\b\f\r\n\t]/;

// Same text as literal(v); most elements (rule ids, HS codes) have nothing to escape.
const arrayElement = (v: string | number): string =>
  typeof v === 'string'
    ? LITERAL_SPECIAL.test(v)
      ? escapeString(v)
      : `'${v}'`
    : Number.isFinite(v)
      ? String(v)
      : literal(v);

/** tsvField for one string: the same text, without the type dispatch (hot encoders). */
export function tsvText(value: string): string {
  return TSV_SPECIAL.test(value) ? value.replace(TSV_ESCAPE, (c) => STRING_ESCAPES[c] ?? c) : value;
}

/** tsvField for one number: the same text, without the type dispatch (hot encoders). */
export function tsvNumber(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
  return String(value);
}

/** tsvField of `items.map(pick)`, without building the mapped array (hot encoders). */
export function tsvArrayOf<T>(items: readonly T[], pick: (item: T) => string | number): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) out += (i === 0 ? '' : ',') + arrayElement(pick(items[i]!));
  return `${out}]`;
}

/**
 * A value as one field of ClickHouse's TabSeparated input: strings with backslash escapes (quotes need
 * none there), arrays in literal syntax, booleans as 0/1. Most strings (raw report JSON included) have
 * nothing to escape and are passed through untouched, which is what makes TSV the cheap insert format.
 * Numbers are their shortest round-trip text; ClickHouse 18.16 reads ~0.3% of such doubles one step
 * (ulp) off, today's ClickHouse reads them exactly (test/integration/sql-escape.test.ts).
 */
export function tsvField(value: string | number | bigint | boolean | readonly (string | number)[]): string {
  if (typeof value === 'string') return tsvText(value);
  if (typeof value === 'number') return tsvNumber(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return tsvArrayOf(value, (v) => v);
  throw new TypeError(`unsupported TSV value: ${typeof value}`);
}

const TSV_UNESCAPES: Record<string, string> = {
  '\\': '\\',
  t: '\t',
  n: '\n',
  r: '\r',
  '0': '\0',
  b: '\b',
  f: '\f',
  "'": "'",
};

/** A TabSeparated field's text as the string it encodes (the inverse of tsvField for strings). */
export function tsvUnescape(field: string): string {
  return field.replace(/\\(.)/g, (_m, c: string) => TSV_UNESCAPES[c] ?? c);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** 'YYYY-MM-DD hh:mm:ss' in UTC: the DateTime text both ClickHouse 18.16 and current versions parse. */
export function formatDateTime(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new TypeError('invalid Date');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}`;
}

/** A value as a SQL literal. */
export function literal(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (value instanceof SqlFragment) return value.text;
  if (typeof value === 'string') return escapeString(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
    return String(value);
  }
  if (value instanceof Date) return `toDateTime(${escapeString(formatDateTime(value))}, 'UTC')`;
  if (Array.isArray(value)) return `[${value.map((v) => literal(v)).join(', ')}]`;
  throw new TypeError(`unsupported SQL value: ${typeof value}`);
}

/** Tagged template: every interpolation is escaped with `literal`. */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): SqlFragment {
  let text = strings[0] ?? '';
  values.forEach((v, i) => {
    text += literal(v) + (strings[i + 1] ?? '');
  });
  return new SqlFragment(text);
}

/** Distinct values as the escaped, comma-separated literals of an `IN (...)` list. */
export function inList(values: Iterable<SqlValue>): SqlFragment {
  return new SqlFragment([...new Set(values)].map((v) => literal(v)).join(', '));
}

/** Joins fragments (e.g. WHERE conditions) with a separator. */
export function join(fragments: readonly SqlFragment[], separator: string): SqlFragment {
  return new SqlFragment(fragments.map((f) => f.text).join(separator));
}
