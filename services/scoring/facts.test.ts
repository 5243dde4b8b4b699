import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Report, reportSchema } from '../../schemas/report.ts';
import { createScorer } from './decide.ts';
import { computeFacts } from './facts.ts';
import { loadRulesSnapshot } from './rules-store.ts';
import { EMPTY_WATCHLIST } from './watchlist.ts';

const raw = readFileSync(new URL('../../examples/examples.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
const rules = loadRulesSnapshot();
const ctx = { knowledge: rules.knowledge, matcher: rules.matcher, watchlist: EMPTY_WATCHLIST };
const scorer = createScorer({ rules, policy: { randomSelectionRate: 0 } });

// biome-ignore lint/suspicious/noExplicitAny: patches raw JSON fixtures before validation
function variant(index: number, patch: (r: Record<string, any>) => void): Report {
  const r = structuredClone(raw[index]);
  patch(r);
  return reportSchema.parse(r);
}
const decide = (r: Report) => scorer.scoreBatch([r], new Date())[0]!;

describe('control status follows the filing date and the reporting country', () => {
  const unlicensed = (filedAt: string, reportingCountry = 'IN') =>
    variant(1, (r) => {
      r.filedAt = filedAt;
      r.source.reportingCountry = reportingCountry;
      r.consignment.permits = [];
    });

  it('4-piperidone without permits into India: RED once listed, near-controlled before', () => {
    const after = decide(unlicensed('2026-04-11T06:05:00Z'));
    expect(after.lane).toBe('RED');
    expect(after.ruleHits[0]!.ruleId).toBe('controlled-substance-no-permit');

    const before = decide(unlicensed('2024-06-01T06:05:00Z'));
    expect(before.lane).toBe('YELLOW');
    expect(before.ruleHits.map((h) => h.ruleId)).toContain('analogue-near-controlled');
    expect(before.ruleHits[0]!.explanation).toContain(
      'not controlled in IN on 2024-06-01 (listed from 2025-01-23)',
    );
    expect(before.substances[0]).toMatchObject({ controlled: false, listing: 'US-LIST-I' });
  });

  it('uses the UN tables for other reporting countries', () => {
    const d = decide(unlicensed('2026-04-11T06:05:00Z', 'DE'));
    expect(d.substances[0]).toMatchObject({ controlled: true, listing: 'UN-1988-TABLE-I' });
  });
});

describe('report facts', () => {
  it('reads corridor, routing, parties, contact and payment signs of the suspicious parcel', () => {
    const f = computeFacts(reportSchema.parse(raw[2]), ctx).report;
    expect(f).toMatchObject({
      highRiskCorridor: true,
      corridor: 'CN → CA by EXPRESS',
      thirdCountryRouting: true,
      routeText: 'CN → HK → CA',
      isHouseBill: true,
      consigneeIsPerson: true,
      consigneeResidential: true,
      contactMismatch: true,
      contactNote: 'consignee in CA has a CN phone number',
      paymentMethod: 'CRYPTO',
      payerIsThirdParty: true,
      lowValueExpress: true,
      totalValueUsd: 18,
    });
  });

  it('flags "To order", e-mail country mismatch, forwarders and weight problems', () => {
    const r = variant(0, (x) => {
      x.consignment.parties.consignee.name = 'TO ORDER';
      x.consignment.parties.shipper.email = 'sales@fictive-example.mx';
      x.consignment.goods[0].packages = { count: 2, type: 'CARTON' };
    });
    const f = computeFacts(r, ctx);
    expect(f.report.consigneeToOrder).toBe(true);
    expect(f.report.contactNote).toBe('shipper in DE has a .mx e-mail address');
    expect(f.lines[0]!.weightNote).toBe('2700.0 kg per carton (max 100)');
    const fwd = variant(0, (x) => {
      x.consignment.parties.consignee.name = 'Northbound Freight Forwarding Inc.';
    });
    expect(computeFacts(fwd, ctx).report.consigneeLooksForwarder).toBe(true);
  });

  it('sees a pill press co-shipped with powder', () => {
    const r = variant(2, (x) => {
      x.consignment.goods = [
        {
          ...x.consignment.goods[0],
          lineNumber: 1,
          description: 'TDP-5 tablet press machine',
          hsCode: '847930',
        },
        { ...x.consignment.goods[0], lineNumber: 2, description: 'White powder', hsCode: null },
      ];
    });
    const d = decide(r);
    expect(d.ruleHits.map((h) => [h.ruleId, h.goodsLine])).toContainEqual(['pill-press-with-chemical', 1]);
    expect(d.lane).toBe('RED');
  });
});
