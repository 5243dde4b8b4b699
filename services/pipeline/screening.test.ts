import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decisionSchema } from '../../schemas/decision.ts';
import { screenMessage } from './decode.ts';
import { markPartial, PARTIAL_RULE_ID, unscreenedDecision, unscreenedMessageId } from './screening.ts';

const example = JSON.parse(
  readFileSync(new URL('../../examples/examples.jsonl', import.meta.url), 'utf8').split('\n')[0]!,
);
const bytes = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('screenMessage', () => {
  it('reads a conforming report as COMPLETE', () => {
    expect(screenMessage(bytes(example)).status).toBe('COMPLETE');
  });

  it('reads a 10,000-character description in full as PARTIAL, naming the limit', () => {
    const r = structuredClone(example);
    r.consignment.goods[0].description = `${'padding words '.repeat(800)}4-piperidone hydrochloride`.slice(
      -10_000,
    );
    const s = screenMessage(bytes(r));
    expect(s.status).toBe('PARTIAL');
    if (s.status !== 'PARTIAL') return;
    expect(s.report.consignment.goods[0]!.description).toHaveLength(10_000);
    expect(s.report.consignment.goods[0]!.description.endsWith('4-piperidone hydrochloride')).toBe(true);
    expect(s.detail).toContain('consignment.goods.0.description');
  });

  it('keeps every one of 2,500 goods lines', () => {
    const r = structuredClone(example);
    const line = r.consignment.goods[0];
    r.consignment.goods = Array.from({ length: 2500 }, (_, i) => ({ ...line, lineNumber: i + 1 }));
    const s = screenMessage(bytes(r));
    expect(s.status).toBe('PARTIAL');
    if (s.status === 'PARTIAL') {
      expect(s.report.consignment.goods).toHaveLength(2500);
      expect(s.report.consignment.goods[2499]!.lineNumber).toBe(2500);
    }
  });

  it('drops a bad optional field and blanks a bad required code, keeping the rest', () => {
    const r = structuredClone(example);
    r.consignment.route.portOfLoading = 'NOT-A-LOCODE';
    r.consignment.goods[0].hsCode = '29.33';
    const s = screenMessage(bytes(r));
    expect(s.status).toBe('PARTIAL');
    if (s.status !== 'PARTIAL') return;
    expect(s.report.consignment.route.portOfLoading).toBe('');
    expect(s.report.consignment.goods[0]!.hsCode).toBeNull();
    expect(s.report.consignment.parties.consignee.name).toBe(example.consignment.parties.consignee.name);
    expect(s.detail).toContain('portOfLoading');
  });

  it('calls unreadable what has no identity or no goods, and keeps what identity it shows', () => {
    expect(screenMessage(Buffer.from('not json')).status).toBe('UNREADABLE');
    const noGoods = structuredClone(example);
    noGoods.consignment.goods = 'lost';
    const s = screenMessage(bytes(noGoods));
    expect(s.status).toBe('UNREADABLE');
    if (s.status === 'UNREADABLE') {
      expect(s.reason).toBe('SCHEMA_INVALID');
      expect(s.identity.consignmentId).toBe(example.consignment.consignmentId);
    }
    const noId = structuredClone(example);
    delete noId.consignment.consignmentId;
    expect(screenMessage(bytes(noId)).status).toBe('UNREADABLE');
  });
});

describe('screening decisions', () => {
  const base = {
    messageId: 'm1',
    consignmentId: 'C1',
    documentType: 'MANIFEST' as const,
    scoredAt: '2026-01-01T00:00:00.000Z',
    riskScore: 0.05,
    lane: 'GREEN' as const,
    flagged: false,
    ruleHits: [],
    modelScore: 0.05,
    modelVersion: 'm',
    rulesVersion: 'r',
    substances: [],
    topFeatures: [],
    screening: 'COMPLETE' as const,
  };

  it('PARTIAL is at least YELLOW and says why; RED stays RED', () => {
    const d = markPartial(base, 'consignment.goods: Too big');
    expect(d).toMatchObject({ lane: 'YELLOW', flagged: true, screening: 'PARTIAL' });
    expect(d.ruleHits.map((h) => h.ruleId)).toEqual([PARTIAL_RULE_ID]);
    expect(d.ruleHits[0]!.explanation).toContain('Too big');
    expect(markPartial({ ...base, lane: 'RED', flagged: true }, 'x').lane).toBe('RED');
    expect(decisionSchema.parse(d)).toEqual(d);
  });

  it('UNSCREENED is RED, says it could not be screened, and has a stable id', () => {
    const id = unscreenedMessageId('C1', Buffer.from('not json'));
    expect(id).toMatch(/^unscreened:[0-9a-f]{32}$/);
    expect(unscreenedMessageId('C1', Buffer.from('not json'))).toBe(id);
    expect(unscreenedMessageId('C2', Buffer.from('not json'))).not.toBe(id);
    const d = unscreenedDecision({
      messageId: id,
      origin: { topic: 't', partition: 0, offset: '7' },
      consignmentId: 'C1',
      documentType: 'MANIFEST',
      reason: 'INVALID_JSON',
      detail: 'Unexpected token',
      scoredAt: new Date('2026-01-01T00:00:00Z'),
      versions: { modelVersion: 'm', rulesVersion: 'r' },
    });
    expect(d).toMatchObject({ lane: 'RED', flagged: true, screening: 'UNSCREENED', messageId: id });
    expect(d.ruleHits[0]!.explanation).toMatch(/^could not be screened: the value is not valid JSON/);
    expect(decisionSchema.parse(d)).toEqual(d);
  });
});
