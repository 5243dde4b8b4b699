import { describe, expect, it } from 'vitest';
import { caseIdFor, parseCaseId, shareIdFor, stixId, uuidv5 } from './ids.ts';

describe('uuidv5', () => {
  it('matches the RFC 4122 name-based (SHA-1) test vector', () => {
    const dns = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
    expect(uuidv5('www.example.com', dns)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('gives STIX identifiers (version 5, RFC variant) that depend on type and every part', () => {
    const id = stixId('report', 'share', 1);
    expect(id).toMatch(/^report--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stixId('report', 'share', 1)).toBe(id);
    expect(stixId('note', 'share', 1).slice(6)).not.toBe(id.slice(8));
    expect(stixId('report', 'share', 2)).not.toBe(id);
  });

  it('derives one share per sender, recipient and case', () => {
    const s = shareIdFor('CBSA', 'CBIC', 'm-1');
    expect(shareIdFor('CBSA', 'CBIC', 'm-1')).toBe(s);
    expect(shareIdFor('CBIC', 'CBSA', 'm-1')).not.toBe(s);
  });

  it('round-trips case ids, whatever the message id holds', () => {
    expect(parseCaseId(caseIdFor('CBSA', 'a:b/c'))).toEqual({ originator: 'CBSA', messageId: 'a:b/c' });
    expect(parseCaseId('no-separator')).toBeUndefined();
    expect(parseCaseId('CBSA:')).toBeUndefined();
  });
});
