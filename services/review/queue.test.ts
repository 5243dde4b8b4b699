import { describe, expect, it } from 'vitest';
import { join } from '../storage/sql.ts';
import { decodeCursor, encodeCursor, queueConditions } from './queue.ts';
import { queueQuerySchema } from './request-schemas.ts';

describe('queue conditions', () => {
  it('puts every filter value into SQL only as an escaped literal', () => {
    const nasty = "x' OR 1=1 -- \\";
    const filters = queueQuerySchema.parse({
      q: nasty,
      substance: nasty,
      assignee: 'me',
      state: 'SEIZED',
      lane: 'RED,YELLOW',
    });
    const text = join(queueConditions('db', 'CBSA', filters, "o'brien"), ' AND ').text;
    expect(text).toContain("'x\\' OR 1=1 -- \\\\'");
    expect(text).toContain("currentAssignee = 'o\\'brien'");
    expect(text).toContain("lane IN ('RED', 'YELLOW')");
    expect(text).toContain("reportingCountry IN ('CA')");
    // Shared cases are never read from decisions (visibility.ts): no share table in the condition.
    expect(text).not.toContain('case_shares');
    expect(text).not.toContain("x' OR");
  });

  it('refuses malformed filters with the field named', () => {
    for (const [query, field] of [
      [{ lane: 'PURPLE' }, 'lane'],
      [{ port: "CAYVR' --" }, 'port'],
      [{ from: '2026-13-01' }, 'from'],
      [{ limit: '1000' }, 'limit'],
      [{ other: 'x' }, ''],
    ] as const) {
      const r = queueQuerySchema.safeParse(query);
      expect(r.success).toBe(false);
      if (!r.success && field) expect(r.error.issues[0]?.path[0]).toBe(field);
    }
  });

  it('cursors round-trip and forged ones are refused', () => {
    const c = encodeCursor({
      riskScore: 0.30000000000000004,
      scoredAtMs: 1_700_000_000_123,
      messageId: "a'b",
    });
    expect(decodeCursor(c)).toEqual([0.30000000000000004, 1_700_000_000_123, "a'b"]);
    expect(() => decodeCursor('not-a-cursor')).toThrow(/cursor/);
    expect(() => decodeCursor(Buffer.from('[2, 1, "x"]').toString('base64url'))).toThrow(/cursor/);
  });
});
