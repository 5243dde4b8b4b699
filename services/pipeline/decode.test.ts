import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_MESSAGE_BYTES, reportSchema } from '../../schemas/report.ts';
import { generateMalformed, generateReports } from '../generator/index.ts';
import { type DecodeResult, decodeMessage, decodeText, decodeTextWith, reportParser } from './decode.ts';

const examples = readFileSync(new URL('../../examples/examples.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim().length > 0);

describe('decodeMessage', () => {
  it('accepts the contract examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const line of examples) {
      const r = decodeMessage(Buffer.from(line));
      expect(r.ok, JSON.stringify(r)).toBe(true);
    }
  });

  it('gives each kind of bad input its reason', () => {
    const good = JSON.parse(examples[0]!);
    const cases: [Buffer | null, string][] = [
      [null, 'EMPTY'],
      [Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20), 'TOO_LARGE'],
      [Buffer.from([0xff, 0xfe, 0x7b]), 'INVALID_UTF8'],
      [Buffer.from('{"schemaVersion":1,'), 'INVALID_JSON'],
      [Buffer.from('[1,2]'), 'NOT_AN_OBJECT'],
      [Buffer.from(JSON.stringify({ ...good, schemaVersion: 2 })), 'UNKNOWN_SCHEMA_VERSION'],
      [Buffer.from(JSON.stringify({ ...good, documentType: 'INVOICE' })), 'SCHEMA_INVALID'],
    ];
    for (const [value, reason] of cases) {
      const r = decodeMessage(value);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.reason).toBe(reason);
        expect(r.detail.length).toBeGreaterThan(0);
      }
    }
  });

  it('names the failing path in schema errors', () => {
    const good = JSON.parse(examples[0]!);
    good.consignment.route.portOfLoading = 'XX1';
    const r = decodeMessage(Buffer.from(JSON.stringify(good)));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.detail).toContain('consignment.route.portOfLoading');
  });
});

/**
 * Where two values differ, or null when they are identical: the same prototypes, the same own keys in
 * the same order (a report's JSON form is stored and hashed), and Object.is-equal leaves (so -0 and 0,
 * or an undefined property and a missing one, differ). Stricter than toStrictEqual and much faster.
 */
function difference(a: unknown, b: unknown, at = '$'): string | null {
  if (Object.is(a, b)) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return at;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${at} (prototype)`;
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return `${at} (keys)`;
  for (const k of ka) {
    const d = difference(
      (a as Record<string | symbol, unknown>)[k],
      (b as Record<string | symbol, unknown>)[k],
      `${at}.${String(k)}`,
    );
    if (d !== null) return d;
  }
  return null;
}

// The compiled parser must answer exactly as the interpreted schema: the same reports out, the same
// verdict, reason and detail for anything else. decodeTextWith(reportSchema, ...) is that reference.
describe('decodeMessage with the compiled parser', () => {
  const interpreted = (bytes: Uint8Array): DecodeResult => {
    const r = decodeMessage(Buffer.from(bytes));
    // decodeMessage's own checks (empty, size, UTF-8) do not depend on the schema.
    if (
      !r.ok &&
      !['INVALID_JSON', 'NOT_AN_OBJECT', 'UNKNOWN_SCHEMA_VERSION', 'SCHEMA_INVALID'].includes(r.reason)
    )
      return r;
    return decodeTextWith(reportSchema, new TextDecoder().decode(bytes));
  };

  const expectSame = (text: string) => {
    const fast = decodeText(text);
    expect(difference(fast, decodeTextWith(reportSchema, text))).toBeNull();
    return fast.ok;
  };

  it('is the compiled clone, and reportSchema compiles with no part left to the runtime', () => {
    expect(reportParser()).not.toBe(reportSchema);
    expect(() => z.compile(reportSchema, { strict: true })).not.toThrow();
  });

  it('gives the same output as reportSchema on 5,000 generated reports', () => {
    const { reports } = generateReports({ count: 5000, seed: 20260210 });
    const texts = reports.map((r) => JSON.stringify(r));
    const fast = texts.map((t) => decodeMessage(Buffer.from(t)));
    const slow = texts.map((t) => decodeTextWith(reportSchema, t));
    expect(fast.every((r) => r.ok)).toBe(true);
    expect(difference(fast, slow)).toBeNull();
  });

  it('gives every malformed kind the same reason and detail as reportSchema', () => {
    const malformed = generateMalformed(7, 300, { extended: true });
    expect(new Set(malformed.map((m) => m.kind)).size).toBeGreaterThanOrEqual(25);
    for (const m of malformed) {
      const r = decodeMessage(Buffer.from(m.bytes));
      expect(r.ok, m.kind).toBe(false);
      if (!r.ok) expect(r.reason, m.kind).toBe(m.reason);
      expect(difference(r, interpreted(m.bytes)), m.kind).toBeNull();
    }
  });

  // Random edits of valid reports, biased to the schema's edges, so both accepting and rejecting
  // branches of every field are reached: the compiled path may never accept what reportSchema
  // rejects, nor build a different report.
  it('agrees with reportSchema on randomly edited reports', () => {
    const { reports } = generateReports({ count: 200, seed: 99 });
    const edges: unknown[] = [
      ...'CN XX UK cn CNSHA CNSH1 CNSH0 XXSHA cnsha USD usd RMB KG TONNE AIR SHIP WIRE PEN'.split(' '),
      ...'MANIFEST manifest 293339 2933.39 29333 12345678901 40064-34-4 40064-34-5'.split(' '),
      ...'MSCU1234565 HLX1234567 x'.split(' '),
      ...'2026-02-10 2026-02-30 2024-02-29 2026-02-10T08:15:00Z 2026-02-10T08:15:00+01:00'.split(' '),
      ...'2026-02-10T08:15:00.123Z 2026-02-10T08:15:00'.split(' '),
      ...['', ' ', '  x  ', 'CN SHA', ' CAS 040064 – 34 – 4 ', '2026-02-10 08:15', ` ${'b'.repeat(64)} `],
      ...['a'.repeat(64), 'a'.repeat(65), '😀'.repeat(64), '😀'.repeat(65), 'é'.repeat(129)],
      ...[null, true, false, 0, -0, 1, -1, 0.5, 25, 9999, 10000, 10_000_000, 10_000_001, 1e21, -1e-9],
      ...[[], {}, ['CNSHA'], ['40064-34-4', 'nope'], ['MSCU1234565'], { amount: 1, currency: 'USD' }],
      ...[
        { value: 0, unit: 'KG' },
        { count: 0, type: ' ' },
        { method: 'CASH' },
        { type: 'PEN', reference: ' r ' },
      ],
      ...[
        { name: 'N', address: null },
        { name: ' ', address: { country: 'CN' } },
      ],
    ];
    let accepted = 0;
    const paths = (v: unknown, at: (string | number)[] = []): (string | number)[][] => {
      if (typeof v !== 'object' || v === null) return [at];
      const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
      return [at, ...keys.flatMap((k) => paths((v as Record<string | number, unknown>)[k], [...at, k]))];
    };
    fc.assert(
      fc.property(
        fc.nat(reports.length - 1),
        // edit e: an edge value, delete (edges.length), an unknown sibling (+1), or (above) the value at
        // the same path in another report, which keeps many edited reports valid.
        fc.array(fc.tuple(fc.nat(), fc.nat(edges.length + 40)), { minLength: 1, maxLength: 3 }),
        (which, edits) => {
          const report = structuredClone(reports[which]) as Record<string, unknown>;
          for (const [p, e] of edits) {
            const all = paths(report).filter((q) => q.length > 0);
            const path = all[p % all.length]!;
            const parent = path
              .slice(0, -1)
              .reduce<Record<string | number, unknown>>(
                (o, k) => o[k] as Record<string | number, unknown>,
                report,
              );
            const key = path.at(-1)!;
            if (e === edges.length) delete parent[key];
            else if (e === edges.length + 1) parent[`${key}Extra`] = 1;
            else if (e < edges.length) parent[key] = structuredClone(edges[e]);
            else {
              const donor = path.reduce<unknown>(
                (o, k) => (o as Record<string | number, unknown> | null)?.[k],
                reports[(which + e) % reports.length],
              );
              if (donor === undefined) delete parent[key];
              else parent[key] = structuredClone(donor);
            }
          }
          if (expectSame(JSON.stringify(report))) accepted++;
        },
      ),
      { numRuns: 2000, seed: 42 },
    );
    // Both sides of the verdict are exercised.
    expect(accepted).toBeGreaterThan(300);
    expect(accepted).toBeLessThan(1700);
  });
});
