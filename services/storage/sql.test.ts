import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escapeString,
  formatDateTime,
  identifier,
  inList,
  join,
  literal,
  SqlFragment,
  sql,
  tsvField,
  tsvUnescape,
} from './sql.ts';

describe('escapeString / literal(string)', () => {
  it('quotes plain text', () => {
    expect(literal('abc')).toBe("'abc'");
    expect(literal('')).toBe("''");
  });

  it('escapes single quotes so they cannot end the literal', () => {
    expect(literal("O'Brien")).toBe("'O\\'Brien'");
    expect(literal("'; DROP TABLE x; --")).toBe("'\\'; DROP TABLE x; --'");
  });

  it('escapes backslashes, including a trailing one', () => {
    expect(literal('a\\b')).toBe("'a\\\\b'");
    expect(literal('a\\')).toBe("'a\\\\'");
    expect(literal("\\'")).toBe("'\\\\\\''");
  });

  it('escapes newlines, tabs and other control characters ClickHouse knows', () => {
    expect(literal('a\nb')).toBe("'a\\nb'");
    expect(literal('a\r\nb')).toBe("'a\\r\\nb'");
    expect(literal('a\tb')).toBe("'a\\tb'");
    expect(literal('\b\f')).toBe("'\\b\\f'");
  });

  it('escapes NUL', () => {
    expect(literal('a\0b')).toBe("'a\\0b'");
  });

  it('leaves double quotes, backticks and non-ASCII text alone', () => {
    expect(literal('"`é中😀')).toBe("'\"`é中😀'");
  });

  it('never leaves an unescaped quote inside the literal', () => {
    const nasty = ["'", "\\'", "\\\\'", "''", "x'||'y", '\\'];
    for (const s of nasty) {
      const body = escapeString(s).slice(1, -1);
      // Every quote in the body is preceded by an odd number of backslashes.
      for (let i = 0; i < body.length; i++) {
        if (body[i] !== "'") continue;
        let slashes = 0;
        for (let j = i - 1; j >= 0 && body[j] === '\\'; j--) slashes++;
        expect(slashes % 2).toBe(1);
      }
    }
  });
});

describe('identifier', () => {
  it('accepts plain names and dotted database.table', () => {
    expect(identifier('decisions').text).toBe('`decisions`');
    expect(identifier('precursor_risk.decisions_raw').text).toBe('`precursor_risk`.`decisions_raw`');
    expect(identifier('_x9').text).toBe('`_x9`');
  });

  it.each(['a;DROP', 'a b', '', '1abc', 'a-b', 'a`b', "a'b", 'a.', '.a', 'a..b', 'db.t;--', 'é'])(
    'rejects %j',
    (name) => {
      expect(() => identifier(name)).toThrow(TypeError);
    },
  );
});

describe('literal(other values)', () => {
  it('formats finite numbers, bigints, booleans and null', () => {
    expect(literal(42)).toBe('42');
    expect(literal(-0.5)).toBe('-0.5');
    expect(literal(12345678901234567890n)).toBe('12345678901234567890');
    expect(literal(true)).toBe('1');
    expect(literal(false)).toBe('0');
    expect(literal(null)).toBe('NULL');
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('rejects %s', (n) => {
    expect(() => literal(n)).toThrow(TypeError);
  });

  it('formats dates as UTC DateTime text', () => {
    const d = new Date('2026-02-10T08:15:01.204Z');
    expect(formatDateTime(d)).toBe('2026-02-10 08:15:01');
    expect(literal(d)).toBe("toDateTime('2026-02-10 08:15:01', 'UTC')");
    expect(formatDateTime(new Date('2026-12-31T23:59:59.999Z'))).toBe('2026-12-31 23:59:59');
    expect(formatDateTime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe('2026-01-02 03:04:05');
  });

  it('rejects an invalid Date', () => {
    expect(() => literal(new Date('nope'))).toThrow(TypeError);
  });

  it('formats arrays element by element', () => {
    expect(literal(['a', "b'c", 1])).toBe("['a', 'b\\'c', 1]");
    expect(literal([])).toBe('[]');
    expect(literal([['x'], []])).toBe("[['x'], []]");
  });

  it('passes fragments through untouched', () => {
    expect(literal(new SqlFragment('now()'))).toBe('now()');
  });

  it('rejects values it does not know', () => {
    expect(() => literal({} as unknown as string)).toThrow(TypeError);
    expect(() => literal(undefined as unknown as string)).toThrow(TypeError);
  });
});

describe('sql tag and join', () => {
  it('escapes every interpolation', () => {
    const name = "x' OR 1=1 --";
    const q = sql`SELECT * FROM ${identifier('db.t')} WHERE name = ${name} AND n > ${3}`;
    expect(q.text).toBe("SELECT * FROM `db`.`t` WHERE name = 'x\\' OR 1=1 --' AND n > 3");
  });

  it('composes fragments', () => {
    const where = join([sql`a = ${1}`, sql`b = ${'x'}`], ' AND ');
    expect(sql`SELECT 1 WHERE ${where}`.text).toBe("SELECT 1 WHERE a = 1 AND b = 'x'");
  });
});

describe('inList', () => {
  it('escapes each value and lists each once, in first-seen order', () => {
    expect(inList(["a'b", 'c', "a'b", 'x\\y']).text).toBe("'a\\'b', 'c', 'x\\\\y'");
    expect(sql`k IN (${inList([1, 2, 2])})`.text).toBe('k IN (1, 2)');
  });
});

describe('tsvUnescape', () => {
  it('undoes ClickHouse TabSeparated escapes', () => {
    expect(tsvUnescape('a\\tb\\\\c\\nd')).toBe('a\tb\\c\nd');
  });

  it('reads back any string tsvField wrote', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(tsvUnescape(tsvField(text))).toBe(text);
      }),
    );
  });
});
