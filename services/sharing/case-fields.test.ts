import { describe, expect, it } from 'vitest';
import {
  CASE_LEAF_PATHS,
  caseDocument,
  checkSharedCase,
  type JsonObject,
  redactCase,
  redactDecision,
} from './case-fields.ts';
import { PSEUDONYM, pseudonym } from './pseudonymise.ts';
import { redCase, testAgreements } from './test-fixtures.ts';

const agreements = testAgreements('CBSA');
const agreement = agreements.forPartner('CBIC')!;
const secret = agreements.secretFor(agreement.id);
const { report, decision } = redCase();
const doc = caseDocument(report, decision);

describe('the case document', () => {
  it('holds report facts and the decision’s reasons, without nulls, empty lists or internal evidence', () => {
    expect(doc.sourceSystem).toBe('CBSA-ACI');
    const c = doc.consignment as JsonObject;
    expect(c.containers).toBeUndefined();
    expect(c.permits).toBeUndefined();
    expect((c.parties as JsonObject).notifyParty).toBeUndefined();
    expect(JSON.stringify(doc)).not.toContain('evidence');
    expect(JSON.stringify(doc)).not.toContain('casChecks');
    expect(
      checkSharedCase(doc, [
        'documentType',
        'filedAt',
        'reportingCountry',
        'sourceSystem',
        'consignment',
        'assessment',
      ]),
    ).toEqual({
      unexpected: [],
      disallowed: [],
      clearPersonal: [
        'consignment.parties.shipper.phone',
        'consignment.parties.shipper.email',
        'consignment.parties.consignee.phone',
        // A phone number in clear in a rule explanation (unredacted document): refused too.
        'assessment.ruleHits[1].explanation',
        // A natural person's name and address in clear.
        'consignment.parties.consignee.name',
        'consignment.parties.consignee.address.street',
        'consignment.parties.consignee.address.city',
        'consignment.parties.consignee.address.postalCode',
      ],
    });
  });

  it('names every leaf in the catalogue an agreement may allow', () => {
    expect(CASE_LEAF_PATHS.map((p) => p.join('.'))).toContain('consignment.goods.[].declaredValue.currency');
    expect(CASE_LEAF_PATHS.length).toBeGreaterThan(60);
  });
});

describe('redaction under the agreement', () => {
  const r = redactDecision(report, decision, agreement, secret);
  const parties = (r.case.consignment as JsonObject).parties as Record<string, JsonObject>;

  it('pseudonymises natural persons and all contact data, keeping companies in clear', () => {
    expect(parties.shipper!.name).toBe('Guangzhou Bright Sun Trading Co.');
    expect(parties.consignee!.name).toBe(pseudonym('name', 'K. Dhillon', secret));
    expect(parties.shipper!.phone).toMatch(PSEUDONYM);
    expect(parties.shipper!.email).toMatch(PSEUDONYM);
    expect(r.pseudonymised).toEqual([
      'consignment.parties.consignee.name',
      'consignment.parties.consignee.phone',
      'consignment.parties.shipper.email',
      'consignment.parties.shipper.phone',
    ]);
  });

  it('gives a person the same pseudonym however the name is spelled, and another under another secret', () => {
    const p = pseudonym('name', 'K. Dhillon', secret);
    expect(pseudonym('name', 'k dhillon', secret)).toBe(p);
    expect(pseudonym('name', 'K.  DHILLON', secret)).toBe(p);
    expect(pseudonym('name', 'K. Dhillon', Buffer.from('x'.repeat(32)))).not.toBe(p);
    expect(pseudonym('phone', '+86 135 0000 0000', secret)).toBe(
      pseudonym('phone', '0086-135-0000-0000', secret),
    );
  });

  it('withholds a person’s street, city and postal code, every street, and what the list does not name', () => {
    expect(parties.consignee!.address).toEqual({ country: 'CA' });
    expect(parties.shipper!.address).toEqual({ city: 'Guangzhou', country: 'CN' });
    expect(r.withheld).toEqual([
      'assessment.topFeatures[0].contribution',
      'assessment.topFeatures[0].feature',
      'consignment.goods[1]',
      'consignment.parties.consignee.address.city',
      'consignment.parties.consignee.address.postalCode',
      'consignment.parties.consignee.address.street',
      'consignment.parties.shipper.address.street',
      'sourceSystem',
    ]);
  });

  it('scrubs clear personal values out of free text', () => {
    const text = JSON.stringify(r.case);
    for (const clear of ['Dhillon', '+86 135 0000 0000', 'sales.brightsun@example.com'])
      expect(text).not.toContain(clear);
  });

  it('rebuilds every rule explanation from its template, never copying the officer’s text', () => {
    const hits = (r.case.assessment as JsonObject).ruleHits as JsonObject[];
    // No rule of that id in the rules files: the generic sentence.
    expect(hits[0]!.explanation).toBe('Rule controlled-hs-2933-37 matched on goods line 1.');
    // contact-country-mismatch: its template over the fact it recorded.
    expect(hits[1]!.explanation).toBe(
      'Contact data inconsistent with country: consignee in CA has a CN phone number',
    );
    // Without the recorded facts (a document alone), nothing of the text is kept.
    const bare = redactCase(doc, agreement, secret);
    expect(((bare.case.assessment as JsonObject).ruleHits as JsonObject[])[1]!.explanation).toBe(
      'Rule contact-country-mismatch matched.',
    );
  });

  it('keeps every goods line when no reason points at one', () => {
    const noLines = { ...doc, assessment: { lane: 'YELLOW' } };
    const all = redactCase(noLines, agreement, secret);
    expect(((all.case.consignment as JsonObject).goods as JsonObject[]).map((g) => g.lineNumber)).toEqual([
      1, 2,
    ]);
    const every = redactCase(doc, { ...agreement, goodsLines: 'all' }, secret);
    expect(((every.case.consignment as JsonObject).goods as JsonObject[]).length).toBe(2);
  });

  it('passes the receiver’s check with the same agreement, and fails it with a narrower one', () => {
    expect(checkSharedCase(r.case, agreement.fields)).toEqual({
      unexpected: [],
      disallowed: [],
      clearPersonal: [],
    });
    const narrower = agreement.fields.filter((f) => f !== 'consignment.payment');
    expect(checkSharedCase(r.case, narrower).disallowed).toEqual([
      'consignment.payment.method',
      'consignment.payment.payerIsThirdParty',
    ]);
  });

  it('flags unknown keys, wrong types and clear contact data at the receiver', () => {
    const bad = structuredClone(r.case) as JsonObject & {
      consignment: JsonObject & { parties: Record<string, JsonObject> };
    };
    bad.consignment.parties.shipper!.phone = '+86 20 0000 0000';
    bad.consignment.mode = 7;
    bad.surprise = 'x';
    expect(checkSharedCase(bad, agreement.fields)).toEqual({
      unexpected: ['consignment.mode', 'surprise'],
      disallowed: [],
      clearPersonal: ['consignment.parties.shipper.phone'],
    });
  });
});
