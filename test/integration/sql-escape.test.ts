// Property: for any string, `SELECT <literal(s)>` returns exactly s from a real ClickHouse server.
// Needs ClickHouse at CLICKHOUSE_URL (default http://127.0.0.1:8123); `npm run infra:up` starts one.
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTsv } from '../../services/storage/clickhouse.ts';
import { literal, tsvField } from '../../services/storage/sql.ts';

const url = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
let client: ClickHouseClient;

beforeAll(() => {
  client = createClient({
    url,
    username: process.env.CLICKHOUSE_USER ?? 'default',
    password: process.env.CLICKHOUSE_PASSWORD ?? '',
  });
});

afterAll(async () => {
  await client.close();
});

async function row<T>(query: string): Promise<T> {
  const rs = await client.query({ query, format: 'JSONEachRow' });
  const rows = await rs.json<T>();
  expect(rows).toHaveLength(1);
  return rows[0] as T;
}

const utf8Hex = (s: string) => Buffer.from(s, 'utf8').toString('hex').toUpperCase();

// Characters that matter to a SQL string literal, mixed in often.
const tricky = fc.constantFrom(
  "'",
  '\\',
  '"',
  '`',
  '\n',
  '\r',
  '\t',
  '\0',
  '\b',
  '\f',
  '\v',
  '\x1a',
  '\x7f',
  ';',
  '--',
  '/*',
  '?',
  '{',
  '}',
  '%',
  '\u2028',
  'é',
  '😀',
);
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.oneof(tricky, fc.string({ unit: 'binary-ascii', maxLength: 1 })), maxLength: 40 }),
);

describe('literal() round-trips through ClickHouse', () => {
  it('fixed nasty strings', async () => {
    const samples = ["'; DROP DATABASE x; --", "\\'", "\\\\'", 'a\\', "''", '\0\0', "x'||'y", '\\N', '\\0'];
    for (const s of samples) {
      const r = await row<{ h: string; v: string }>(`SELECT hex(${literal(s)}) AS h, ${literal(s)} AS v`);
      expect(r.h).toBe(utf8Hex(s));
      expect(r.v).toBe(s);
    }
  });

  it('any strings (bytes and text)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyString, { minLength: 1, maxLength: 6 }), async (strings) => {
        const cols = strings.map((s, i) => `hex(${literal(s)}) AS h${i}, ${literal(s)} AS v${i}`).join(', ');
        const r = await row<Record<string, string>>(`SELECT ${cols}`);
        strings.forEach((s, i) => {
          expect(r[`h${i}`]).toBe(utf8Hex(s));
          expect(r[`v${i}`]).toBe(s);
        });
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('arrays of strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyString, { minLength: 1, maxLength: 5 }), async (strings) => {
        const r = await row<{ a: string[] }>(`SELECT ${literal(strings)} AS a`);
        expect(r.a).toEqual(strings);
      }),
      { numRuns: 100 },
    );
  }, 60_000);

  it('dates become the same instant (second precision, UTC)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.date({
          min: new Date('1971-01-01T00:00:00Z'),
          max: new Date('2105-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        async (d) => {
          const r = await row<{ t: number | string }>(`SELECT toUnixTimestamp(${literal(d)}) AS t`);
          expect(Number(r.t)).toBe(Math.floor(d.getTime() / 1000));
        },
      ),
      { numRuns: 100 },
    );
  }, 60_000);

  it('64-bit integers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), async (n) => {
        const r = await row<{ s: string }>(`SELECT toString(toInt64(${literal(n)})) AS s`);
        expect(r.s).toBe(n.toString());
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});

// Steps between two doubles in the ordered set of doubles (0 when equal; -0 and 0 are equal).
function ulpsApart(a: number, b: number): number {
  const key = (x: number) => {
    const bits = new DataView(new Float64Array([x === 0 ? 0 : x]).buffer).getBigInt64(0, true);
    return bits < 0n ? -(bits & 0x7fffffffffffffffn) : bits;
  };
  const d = key(a) - key(b);
  return Number(d < 0n ? -d : d);
}

describe('tsvField() round-trips through a TabSeparated insert', () => {
  const table = `default.tsv_escape_${process.pid}`;
  // tsvField writes the shortest text that reads back as the same double. Today's ClickHouse parses
  // it correctly rounded; 18.16's text float parser is not, and lands one step off for ~0.3% of
  // values (-69.8491 reads as -69.84909999999999; measured over 45,000 values, no text form avoids it).
  let floatTolerance = 0;
  beforeAll(async () => {
    const [v] = await (await client.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' })).json<{
      v: string;
    }>();
    floatTolerance = v!.v.startsWith('18.') ? 1 : 0;
    await client.command({
      query: `CREATE TABLE IF NOT EXISTS ${table} (id UInt32, s String, a Array(String), n Float64) ENGINE = Memory`,
    });
  });
  afterAll(async () => {
    await client.command({ query: `DROP TABLE IF EXISTS ${table}` });
  });

  it('counts float steps the way the tolerance assumes', () => {
    expect(ulpsApart(-69.84909999999999, -69.8491)).toBe(1);
    expect(ulpsApart(0.1 + 0.2, 0.3)).toBe(1);
    expect(ulpsApart(-0, 0)).toBe(0);
    expect(ulpsApart(Number.MIN_VALUE, -Number.MIN_VALUE)).toBe(2);
    expect(ulpsApart(1, 1 + 2 ** -52 * 3)).toBe(3);
  });

  it('any strings, arrays of strings and numbers come back as written', async () => {
    let id = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            anyString,
            fc.array(anyString, { maxLength: 4 }),
            fc.integer({ min: -1e9, max: 1e9 }).map((x) => x / 1e4),
          ),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        async (rows) => {
          const first = id;
          const lines = rows.map(([s, a, n]) =>
            [String(id++), tsvField(s), tsvField(a), tsvField(n)].join('\t'),
          );
          await insertTsv(client, table, ['id', 's', 'a', 'n'], lines);
          const rs = await client.query({
            query: `SELECT id, s, a, n FROM ${table} WHERE id >= ${first} AND id < ${id} ORDER BY id`,
            format: 'JSONEachRow',
            clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
          });
          const back = await rs.json<{ s: string; a: string[]; n: number }>();
          expect(back.map((r) => [r.s, r.a])).toEqual(rows.map(([s, a]) => [s, a]));
          const steps = back.map((r, i) => ulpsApart(Number(r.n), rows[i]![2]));
          expect(steps.every((d) => d <= floatTolerance)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  }, 120_000);
});
