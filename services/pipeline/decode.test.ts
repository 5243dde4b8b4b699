import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../schemas/report.ts';
import { decodeMessage } from './decode.ts';

const examples = readFileSync(new URL('../../../shared/examples/examples.jsonl', import.meta.url), 'utf8')
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
