import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../schemas/report.ts';
import { decodeMessage } from '../pipeline/decode.ts';
import { generateMalformed } from './index.ts';

describe('generateMalformed', () => {
  it('gives each message the reason the decoder reports', () => {
    const cases = generateMalformed(7, 60, { extended: true });
    const reasons = new Set(cases.map((c) => c.reason));
    expect(reasons).toEqual(
      new Set([
        'INVALID_JSON',
        'SCHEMA_INVALID',
        'UNKNOWN_SCHEMA_VERSION',
        'TOO_LARGE',
        'EMPTY',
        'INVALID_UTF8',
        'NOT_AN_OBJECT',
      ]),
    );
    for (const c of cases) {
      const result = decodeMessage(Buffer.from(c.bytes));
      expect(result.ok, c.kind).toBe(false);
      if (!result.ok) expect(result.reason, `${c.kind}: ${result.detail}`).toBe(c.reason);
    }
  });

  it('sticks to the four core reasons by default, and is deterministic', () => {
    const a = generateMalformed(3, 30);
    expect(new Set(a.map((c) => c.reason))).toEqual(
      new Set(['INVALID_JSON', 'SCHEMA_INVALID', 'UNKNOWN_SCHEMA_VERSION', 'TOO_LARGE']),
    );
    const b = generateMalformed(3, 30);
    expect(b.map((c) => Buffer.from(c.bytes).toString('base64'))).toEqual(
      a.map((c) => Buffer.from(c.bytes).toString('base64')),
    );
    for (const c of a.filter((x) => x.reason === 'TOO_LARGE'))
      expect(c.bytes.length).toBeGreaterThan(MAX_MESSAGE_BYTES);
  });
});
