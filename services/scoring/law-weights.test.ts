// Weights follow the law (issue #15 item 2): a substance controlled in the reporting country on the filing
// date never scores below the same substance where, or when, it is not. Walks every substance of the
// knowledge base (by CAS and by name) × jurisdiction × the dates its listings change.
import { describe, expect, it } from 'vitest';
import { type Report, reportSchema } from '../../schemas/report.ts';
import { createScorer } from './decide.ts';
import { NullModel } from './risk-model.ts';
import { loadRulesSnapshot } from './rules-store.ts';

const rules = loadRulesSnapshot();
const scorer = createScorer({ rules, model: NullModel, policy: { randomSelectionRate: 0 } });
// CA, IN and US apply their own law; DE stands for every country judged on the UN tables.
const COUNTRIES = ['CA', 'IN', 'US', 'DE'];
const PORTS: Record<string, string> = { CA: 'CAYVR', IN: 'INNSA', US: 'USLAX', DE: 'DEHAM' };

function dayBefore(d: string): string {
  return new Date(Date.parse(`${d}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

function report(country: string, date: string, description: string, cas: string[]): Report {
  return reportSchema.parse({
    schemaVersion: 1,
    messageId: `law-${country}-${date}-${description}`,
    documentType: 'DECLARATION',
    source: { system: 'TEST', reportingCountry: country },
    filedAt: `${date}T10:00:00Z`,
    consignment: {
      consignmentId: 'LAW-1',
      mode: 'SEA',
      route: {
        portOfLoading: 'JPYOK',
        portOfDischarge: PORTS[country],
        originCountry: 'JP',
        destinationCountry: country,
      },
      parties: {
        shipper: {
          name: 'Yokohama Fine Chemicals KK',
          address: { city: 'Yokohama', country: 'JP' },
          identifier: 'JP1234567890123',
        },
        consignee: {
          name: 'Harbour Chemicals Ltd',
          address: { city: 'Port City', country },
          identifier: `${country}-998877`,
        },
      },
      goods: [
        {
          lineNumber: 1,
          description,
          hsCode: '29333990',
          casNumbers: cas,
          quantity: { value: 100, unit: 'KG' },
          grossWeightKg: 110,
          declaredValue: { amount: 9000, currency: 'USD' },
        },
      ],
      containers: [],
      payment: { method: 'WIRE', payerIsThirdParty: false },
      permits: [],
    },
  });
}

describe('weights follow the law', () => {
  it('a substance controlled here on the filing date never scores below it where or when it is not', () => {
    const failures: string[] = [];
    let pairs = 0;
    for (const s of rules.knowledge.substances.values()) {
      const dates = new Set(['2012-01-01', '2026-06-01']);
      for (const l of s.listings) {
        if (l.since === null) continue;
        dates.add(l.since);
        dates.add(dayBefore(l.since));
      }
      const forms: [string, string[]][] = [[`${s.name}, 100 kg drum`, []]];
      if (s.cas[0]) forms.push([`${s.name}, 100 kg drum`, [s.cas[0].number]]);
      for (const [description, cas] of forms) {
        const controlled: { score: number; at: string }[] = [];
        const free: { score: number; at: string }[] = [];
        for (const country of COUNTRIES) {
          for (const date of dates) {
            const r = report(country, date, description, cas);
            const d = scorer.scoreBatch([r], new Date())[0]!;
            const listed = d.substances.some((m) => m.goodsLine === 1 && m.controlled === true);
            (listed ? controlled : free).push({ score: d.riskScore, at: `${country} ${date}` });
          }
        }
        if (controlled.length === 0 || free.length === 0) continue;
        pairs++;
        const low = controlled.reduce((a, b) => (b.score < a.score ? b : a));
        const high = free.reduce((a, b) => (b.score > a.score ? b : a));
        if (low.score < high.score)
          failures.push(
            `${s.id}${cas.length ? ' by CAS' : ' by name'}: controlled in ${low.at} scores ${low.score} < ${high.score} uncontrolled in ${high.at}`,
          );
      }
    }
    expect(pairs).toBeGreaterThan(10);
    expect(failures).toEqual([]);
  });
});
