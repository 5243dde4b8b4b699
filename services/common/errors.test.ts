import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_REASONS } from '../pipeline/decode.ts';
import { ErrorCodes, isRetriable, PrecursorRiskError } from './errors.ts';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

function tableRows(section: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  const body = doc.split(section)[1]?.split('\n## ')[0] ?? '';
  for (const line of body.split('\n')) {
    const m = /^\| `([A-Z_0-9]+)` \| (.+) \|$/.exec(line);
    if (m) rows.set(m[1]!, m[2]!.split(' | '));
  }
  return rows;
}

describe('error catalogue', () => {
  it('matches docs/errors.md, code by code', () => {
    const rows = tableRows('# Error codes');
    expect([...rows.keys()].sort()).toEqual(Object.keys(ErrorCodes).sort());
    for (const [code, spec] of Object.entries(ErrorCodes)) {
      expect(rows.get(code)).toEqual([spec.retriable ? 'yes' : 'no', spec.summary]);
    }
  });

  it('matches the dead-letter reasons of the decoder', () => {
    const rows = tableRows('## Dead-letter reasons');
    expect([...rows.keys()].sort()).toEqual(Object.keys(DEAD_LETTER_REASONS).sort());
    for (const [reason, text] of Object.entries(DEAD_LETTER_REASONS))
      expect(rows.get(reason)).toEqual([text]);
  });

  it('says whether an error is retriable', () => {
    expect(isRetriable(new PrecursorRiskError('CLICKHOUSE_UNAVAILABLE', 'x'))).toBe(true);
    expect(isRetriable(new PrecursorRiskError('CLICKHOUSE_QUERY', 'x'))).toBe(false);
    expect(isRetriable(new Error('plain'))).toBe(false);
  });
});
