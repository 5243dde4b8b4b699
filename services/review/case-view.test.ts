import { describe, expect, it } from 'vitest';
import { compareDocuments, highlight } from './case-view.ts';
import { demoCases } from './demo-cases.ts';

describe('highlight', () => {
  it('marks the longest matching term once, case-insensitively, keeping the text intact', () => {
    const text = '4-Piperidone monohydrate hydrochloride, 25 kg drum';
    const segments = highlight(text, [
      { term: '4-piperidone', label: 'name' },
      { term: '4-Piperidone monohydrate hydrochloride', label: 'evidence' },
    ]);
    expect(segments).toEqual([
      { text: '4-Piperidone monohydrate hydrochloride', mark: 'evidence' },
      { text: ', 25 kg drum' },
    ]);
    expect(segments.map((s) => s.text).join('')).toBe(text);
  });

  it('leaves text without matches alone', () => {
    expect(highlight('Oak tables', [{ term: 'npp', label: 'x' }])).toEqual([{ text: 'Oak tables' }]);
    expect(highlight('', [])).toEqual([{ text: '' }]);
  });
});

describe('compareDocuments', () => {
  it('lists the fields where the manifest and the declaration disagree', () => {
    const [manifest, declaration] = demoCases(new Date('2026-05-20T12:00:00Z'));
    const { differences, compared } = compareDocuments(
      manifest!.report as unknown as Record<string, unknown>,
      declaration!.report as unknown as Record<string, unknown>,
    );
    const fields = differences.map((d) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'Consignee phone',
        'Line 1 description',
        'Line 1 quantity',
        'Line 2 description',
      ]),
    );
    expect(fields).not.toContain('Shipper');
    expect(differences.find((d) => d.field === 'Line 2 description')?.there).toBe('(absent)');
    expect(compared).toBeGreaterThan(differences.length);
  });
});
