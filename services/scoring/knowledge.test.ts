import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { checkCas } from '../../schemas/cas.ts';
import { DEFAULT_KNOWLEDGE_PATH, type KnowledgeFile, loadKnowledge, parseKnowledge } from './knowledge.ts';

const kb = loadKnowledge();
const ctx = (reportingCountry: string, date: string) => ({
  reportingCountry,
  date,
  direction: 'import' as const,
});
const listings = (id: string) => kb.substances.get(id)!.listings;

describe('knowledge base', () => {
  it('holds the DOMAIN.md §7 core CAS set with valid check digits', () => {
    const cas = new Set(kb.file.substances.flatMap((s) => s.cas.map((c) => c.number)));
    for (const c of [
      '21409-26-7',
      '39742-60-4',
      '23056-29-3',
      '125541-22-2',
      '1609-66-1',
      '41661-47-6',
      '79099-07-3',
    ]) {
      expect(cas.has(c), c).toBe(true);
    }
    for (const c of cas) expect(checkCas(c).valid, c).toBe(true);
  });

  it('gives every substance, listing, family and look-alike a source', () => {
    for (const s of kb.file.substances) {
      expect(s.source.length).toBeGreaterThan(3);
      for (const l of s.listings) expect(l.source.length, `${s.id} ${l.id}`).toBeGreaterThan(3);
    }
    for (const f of kb.file.analogueFamilies) expect(f.source.length).toBeGreaterThan(3);
    for (const l of kb.file.lookalikes) expect(l.source.length).toBeGreaterThan(3);
  });

  it('marks aniline as related and not controlled anywhere', () => {
    const aniline = kb.substances.get('aniline')!;
    expect(aniline.role).toBe('related');
    expect(aniline.listings).toEqual([]);
  });
});

describe('control status as of the filing date', () => {
  it('applies the reporting country and names listing and date', () => {
    const s = kb.statusOf('NPP', listings('npp'), ctx('CA', '2026-05-20'));
    expect(s.controlled).toBe(true);
    expect(s.listing?.id).toBe('CA-PCR-CLASS-A');
    expect(s.explanation).toBe('NPP is controlled in CA (PCR item 27, since 2016-11-30 [M]) on 2026-05-20');
  });

  it('follows the staged scheduling dates (US 2023-05-12, UN 2024-12-03, IN 2025-01-23 for 4-piperidone)', () => {
    const l = listings('4-piperidone');
    expect(kb.statusOf('4-piperidone', l, ctx('US', '2023-05-11')).controlled).toBe(false);
    expect(kb.statusOf('4-piperidone', l, ctx('US', '2023-05-12')).controlled).toBe(true);
    expect(kb.statusOf('4-piperidone', l, ctx('MX', '2024-12-02')).controlled).toBe(false);
    expect(kb.statusOf('4-piperidone', l, ctx('MX', '2024-12-03')).listing?.id).toBe('UN-1988-TABLE-I');
    const before = kb.statusOf('4-piperidone', l, ctx('IN', '2024-12-01'));
    expect(before.controlled).toBe(false);
    expect(before.explanation).toContain('listed from 2025-01-23');
    expect(before.elsewhere.map((x) => x.jurisdiction)).toContain('US');
    // Between the UN date and India's own order, Table I applies through the UN fallback.
    const between = kb.statusOf('4-piperidone', l, ctx('IN', '2025-01-22'));
    expect(between).toMatchObject({ controlled: true, viaUnFallback: true });
    expect(kb.statusOf('4-piperidone', l, ctx('IN', '2025-01-23')).listing?.id).toBe(
      'IN-RCS-ORDER-SCHEDULE-C',
    );
  });

  it('picks the Indian export schedule for exports', () => {
    const s = kb.statusOf('4-piperidone', listings('4-piperidone'), {
      reportingCountry: 'IN',
      date: '2026-01-01',
      direction: 'export',
    });
    expect(s.listing?.id).toBe('IN-RCS-ORDER-SCHEDULE-B');
  });

  it('falls back to UN Table I where a national listing is only [U], and says so', () => {
    const s = kb.statusOf('ANPP', listings('anpp'), ctx('IN', '2026-04-11'));
    expect(s.controlled).toBe(true);
    expect(s.viaUnFallback).toBe(true);
    expect(s.explanation).toContain('judged against the UN 1988 table');
    expect(s.explanation).not.toContain('applies');
  });

  it('never counts proposed listings as in force', () => {
    const s = kb.statusOf('propionyl chloride', listings('propionyl-chloride'), ctx('US', '2026-06-01'));
    expect(s.controlled).toBe(false);
    expect(
      kb.statusOf('propionyl chloride', listings('propionyl-chloride'), ctx('CA', '2026-06-01')).controlled,
    ).toBe(true);
  });

  it('uses UN for countries without a national mapping', () => {
    expect(kb.jurisdictionFor('DE')).toBe('UN');
    expect(
      kb.statusOf('benzylfentanyl', listings('benzylfentanyl'), ctx('DE', '2026-01-01')).controlled,
    ).toBe(false);
  });
});

describe('validation', () => {
  const file = () => parseYaml(readFileSync(DEFAULT_KNOWLEDGE_PATH, 'utf8'));
  const parse = (mutate: (kb: KnowledgeFile) => void) => {
    const kb = file() as KnowledgeFile;
    mutate(kb);
    return () => parseKnowledge(stringifyYaml(kb), 'kb.yaml');
  };

  it('rejects a CAS number with a wrong check digit, naming the path', () => {
    expect(parse((kb) => (kb.substances[1]!.cas[0]!.number = '39742-60-5'))).toThrow(
      /kb\.yaml: at substances\.1\.cas\.0\.number: not a valid CAS/,
    );
  });

  it('rejects an unknown listing id, an unknown family and a bad pattern', () => {
    expect(parse((kb) => (kb.substances[1]!.listings[0]!.id = 'CA-PCR-X'))).toThrow(
      /unknown listing id "CA-PCR-X"/,
    );
    expect(parse((kb) => (kb.substances[0]!.substituentFamily = 'nope'))).toThrow(/unknown family "nope"/);
    expect(parse((kb) => (kb.analogueFamilies[0]!.requireAll = ['(']))).toThrow(/invalid pattern/);
  });

  it('rejects a look-alike that reuses a listed CAS number', () => {
    expect(parse((kb) => kb.lookalikes[0]!.cas.push('41661-47-6'))).toThrow(
      /CAS 41661-47-6 is also a listed substance/,
    );
  });
});
