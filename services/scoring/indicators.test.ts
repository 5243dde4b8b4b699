// The indicators the domain names that the rules lacked (issue #15 item 5): first-time importer of a
// controlled chemical (decision history), free-zone routing, and the further corridors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../schemas/decision.ts';
import { type ReportInput, reportSchema } from '../../schemas/report.ts';
import { loadHistoryFile } from '../runtime/history-source.ts';
import { createScorer } from './decide.ts';
import { createImporterHistory } from './importer-history.ts';
import { NullModel } from './risk-model.ts';
import { loadRulesSnapshot } from './rules-store.ts';

const rules = loadRulesSnapshot();
const at = new Date('2026-11-22T00:00:00Z');
const ids = (d: Decision) => d.ruleHits.map((h) => h.ruleId);

function report(over: {
  id?: string;
  consignment?: string;
  consignee?: string;
  description?: string;
  route?: Partial<ReportInput['consignment']['route']>;
  mode?: ReportInput['consignment']['mode'];
}): ReturnType<typeof reportSchema.parse> {
  return reportSchema.parse({
    schemaVersion: 1,
    messageId: over.id ?? 'm-1',
    documentType: 'DECLARATION',
    source: { system: 'TEST', reportingCountry: 'CA' },
    filedAt: '2026-06-01T10:00:00Z',
    consignment: {
      consignmentId: over.consignment ?? 'C-1',
      mode: over.mode ?? 'SEA',
      route: {
        portOfLoading: 'DEHAM',
        portOfDischarge: 'CAMTR',
        originCountry: 'DE',
        destinationCountry: 'CA',
        ...over.route,
      },
      parties: {
        shipper: {
          name: 'Hamburg Feinchemie GmbH',
          address: { city: 'Hamburg', country: 'DE' },
          identifier: 'DE111',
        },
        consignee: {
          name: over.consignee ?? 'Laurentian Labs Inc.',
          address: { city: 'Montreal', country: 'CA' },
          identifier: 'CA222',
        },
      },
      goods: [
        {
          lineNumber: 1,
          description: over.description ?? 'Propionyl chloride 99%, 200 kg drum',
          hsCode: '291590',
          quantity: { value: 200, unit: 'KG' },
          packages: { count: 1, type: 'DRUM' },
          grossWeightKg: 215,
        },
      ],
      containers: [],
      payment: { method: 'WIRE', payerIsThirdParty: false },
      permits: [],
    },
  });
}

describe('first-time importer of a controlled chemical', () => {
  it('fires when the history knows no other consignment of the consignee, and not once it does', () => {
    const scorer = createScorer({
      rules,
      model: NullModel,
      policy: { randomSelectionRate: 0 },
      history: createImporterHistory(),
    });
    const [first, sameConsignment, later] = scorer.scoreBatch(
      [report({}), report({ id: 'm-2' }), report({ id: 'm-3', consignment: 'C-2' })],
      at,
    );
    expect(ids(first!)).toContain('first-time-importer-controlled');
    expect(first!.ruleHits.find((h) => h.ruleId === 'first-time-importer-controlled')!.explanation).toBe(
      'Laurentian Labs Inc. has no earlier consignment in the decision history and imports a controlled chemical',
    );
    // The other document of the same consignment does not make the consignee known.
    expect(ids(sameConsignment!)).toContain('first-time-importer-controlled');
    expect(ids(later!)).not.toContain('first-time-importer-controlled');
  });

  it('reads the history (company forms and case do not matter), ignores benign goods, and is off without history', () => {
    const history = createImporterHistory([['LAURENTIAN LABS INCORPORATED', 'OLD-1']]);
    const withHistory = createScorer({
      rules,
      model: NullModel,
      policy: { randomSelectionRate: 0 },
      history,
    });
    expect(ids(withHistory.scoreBatch([report({})], at)[0]!)).not.toContain('first-time-importer-controlled');
    const fresh = createScorer({
      rules,
      model: NullModel,
      policy: { randomSelectionRate: 0 },
      history: createImporterHistory(),
    });
    expect(ids(fresh.scoreBatch([report({ description: 'Office chairs' })], at)[0]!)).not.toContain(
      'first-time-importer-controlled',
    );
    const none = createScorer({ rules, model: NullModel, policy: { randomSelectionRate: 0 } });
    expect(ids(none.scoreBatch([report({})], at)[0]!)).not.toContain('first-time-importer-controlled');
  });

  it('loads a history file of earlier reports, with the line of a bad one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'history-'));
    const good = join(dir, 'h.jsonl');
    writeFileSync(good, `${JSON.stringify(report({ consignment: 'OLD' }))}\n\n`);
    expect(loadHistoryFile(good).known('Laurentian Labs Inc.', 'NEW')).toBe(true);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${JSON.stringify(report({}))}\n{"messageId": "x"}\n`);
    expect(() => loadHistoryFile(bad)).toThrow(/bad\.jsonl: line 2: not a report/);
  });
});

describe('route indicators', () => {
  const scorer = createScorer({ rules, model: NullModel, policy: { randomSelectionRate: 0 } });
  const one = (r: ReturnType<typeof report>) => scorer.scoreBatch([r], at)[0]!;

  it('free-zone routing: through Jebel Ali or Colón, or a free-zone entity as consignee', () => {
    const viaJebelAli = one(report({ route: { transshipmentPorts: ['AEJEA'] } }));
    expect(ids(viaJebelAli)).toContain('free-zone-routing');
    expect(viaJebelAli.ruleHits.find((h) => h.ruleId === 'free-zone-routing')!.explanation).toContain(
      'through Jebel Ali Free Zone (AEJEA)',
    );
    expect(ids(one(report({ route: { transshipmentPorts: ['PAMIT'] } })))).toContain('free-zone-routing');
    expect(ids(one(report({ consignee: 'Gulf Star Trading FZE' })))).toContain('free-zone-routing');
    expect(ids(one(report({ route: { transshipmentPorts: ['NLRTM'] } })))).not.toContain('free-zone-routing');
    expect(ids(one(report({})))).not.toContain('free-zone-routing');
  });

  it('corridors: India and Hong Kong to the US or Canada, China to Canada by sea', () => {
    const corridor = (r: ReturnType<typeof report>) =>
      one(r).ruleHits.find((h) => h.ruleId === 'secondary-corridor')?.explanation ?? null;
    expect(corridor(report({ route: { portOfLoading: 'INNSA', originCountry: 'IN' } }))).toBe(
      'Route IN → CA is a reported precursor corridor',
    );
    expect(
      corridor(
        report({
          route: {
            portOfLoading: 'HKHKG',
            originCountry: 'HK',
            destinationCountry: 'US',
            portOfDischarge: 'USLAX',
          },
        }),
      ),
    ).toBe('Route HK → US is a reported precursor corridor');
    expect(corridor(report({ route: { portOfLoading: 'CNSHA', originCountry: 'CN' } }))).toBe(
      'Route CN → CA by sea is a reported precursor corridor',
    );
    // The documented CN → CA by air stays the stronger rule; China to the US by sea and Germany to Canada are neither.
    const byAir = one(report({ mode: 'AIR', route: { portOfLoading: 'CNPVG', originCountry: 'CN' } }));
    expect(byAir.ruleHits.map((h) => h.ruleId)).toContain('high-risk-corridor');
    expect(byAir.ruleHits.map((h) => h.ruleId)).not.toContain('secondary-corridor');
    expect(
      corridor(
        report({
          route: {
            portOfLoading: 'CNSHA',
            originCountry: 'CN',
            destinationCountry: 'US',
            portOfDischarge: 'USLAX',
          },
        }),
      ),
    ).toBeNull();
    expect(corridor(report({}))).toBeNull();
  });
});
