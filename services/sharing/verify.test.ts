import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAgreementSet } from './agreements.ts';
import { redactDecision } from './case-fields.ts';
import { type Envelope, sealPackage, serializeEnvelope } from './envelope.ts';
import { shareIdFor } from './ids.ts';
import { signBundle } from './signing.ts';
import {
  buildBundle,
  type CasePackage,
  freshIds,
  noteCount,
  SHARING_EXTENSION_ID,
  type StixBundle,
} from './stix-package.ts';
import { createStixValidator } from './stix-validate.ts';
import { redCase, testAgreements, testKeys, trustStoreOf } from './test-fixtures.ts';
import { type VerifyContext, verifyInbound } from './verify.ts';

const validator = createStixValidator();
const cbsa = testKeys('CBSA');
const cbsaAgreements = testAgreements('CBSA');
const agreement = cbsaAgreements.forPartner('CBIC')!;
const { report, decision } = redCase();
const redacted = redactDecision(report, decision, agreement, cbsaAgreements.secretFor(agreement.id));
const now = new Date('2026-06-01T10:00:01.000Z');

const pkg: CasePackage = {
  ids: freshIds('CASE', { notes: noteCount(redacted.case) }),
  kind: 'CASE',
  shareId: shareIdFor('CBSA', 'CBIC', report.messageId),
  caseId: `CBSA:${report.messageId}`,
  version: 1,
  sender: 'CBSA',
  recipient: 'CBIC',
  issuedAt: '2026-06-01T10:00:00.000Z',
  firstSharedAt: '2026-06-01T10:00:00.000Z',
  terms: {
    agreementId: agreement.id,
    effectiveFrom: '2026-01-01T00:00:00.000Z',
    legalBasis: agreement.legalBasis,
    tlp: 'AMBER+STRICT',
    retentionDays: 365,
    onwardSharing: false,
  },
  senderIdentity: {
    agency: 'CBSA',
    id: 'identity--a51ff3e3-2a3d-4a2b-8f3e-93582952d384',
    name: 'Canada Border Services Agency',
    since: '2026-01-01T00:00:00.000Z',
  },
  case: redacted.case,
  pseudonymised: redacted.pseudonymised,
};

const ctx: VerifyContext = {
  me: 'CBIC',
  trustStore: trustStoreOf(cbsa),
  agreements: testAgreements('CBIC'),
  validator,
  now,
};

const genuine = sealPackage(pkg, cbsa.signingKey, validator).envelope;
const bytes = (e: Envelope | Record<string, unknown>) => Buffer.from(JSON.stringify(e));
/** A bundle changed and then properly signed by the trusted key: only the later checks can catch it. */
const resigned = (bundle: StixBundle, header: Partial<Envelope> = {}) =>
  bytes({ ...genuine, ...header, bundle, signature: signBundle(bundle, cbsa.signingKey) });
const reasonOf = (b: Buffer, c: VerifyContext = ctx) => {
  const r = verifyInbound(b, c);
  return r.ok ? 'OK' : `${r.rejection.reason}: ${r.rejection.detail}`;
};

describe('verifyInbound', () => {
  it('accepts a genuine package and recovers it exactly', () => {
    const r = verifyInbound(bytes(genuine), ctx);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.verified.pkg).toEqual(pkg);
      expect(r.verified.agreement.id).toBe('ca-in-cmaa');
      expect(r.verified.bundleSha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('refuses what is not an envelope', () => {
    expect(reasonOf(Buffer.from('{"bundle":'))).toMatch(/^INVALID_ENVELOPE: not UTF-8 JSON/);
    expect(reasonOf(Buffer.from([0x7b, 0xff, 0x7d]))).toMatch(/^INVALID_ENVELOPE: not UTF-8 JSON/);
    expect(reasonOf(Buffer.alloc(1024 * 1024 + 1, 0x20))).toMatch(/^INVALID_ENVELOPE: 1048577 bytes exceeds/);
    expect(reasonOf(bytes({ ...genuine, extra: 'unsigned data' }))).toMatch(/^INVALID_ENVELOPE: .*extra/);
    expect(reasonOf(bytes({ ...genuine, kind: 'GOSSIP' }))).toMatch(/^INVALID_ENVELOPE: kind/);
  });

  it('refuses a package for someone else, from a stranger, or under an untrusted or expired key', () => {
    expect(reasonOf(bytes(genuine), { ...ctx, me: 'USCBP' })).toBe(
      'WRONG_RECIPIENT: addressed to CBIC, this is USCBP',
    );
    expect(reasonOf(bytes(genuine), { ...ctx, trustStore: trustStoreOf(testKeys('USCBP')) })).toBe(
      'UNKNOWN_SENDER: no trusted key of CBSA',
    );
    const other = testKeys('CBSA');
    expect(reasonOf(bytes(sealPackage(pkg, other.signingKey, validator).envelope))).toBe(
      `UNKNOWN_KEY: CBSA has no trusted key ${other.signingKey.keyId}`,
    );
    expect(reasonOf(bytes(genuine), { ...ctx, now: new Date('2100-01-01T00:00:00Z') })).toMatch(
      /^KEY_NOT_VALID: .* expired/,
    );
  });

  it('refuses a changed bundle (BAD_SIGNATURE)', () => {
    const changed = structuredClone(genuine);
    const report = changed.bundle.objects.find((o) => o.type === 'report')!;
    const ext = (report.extensions as Record<string, { consignment: { mode: string } }>)[
      SHARING_EXTENSION_ID
    ]!;
    ext.consignment.mode = 'SEA';
    expect(reasonOf(bytes(changed))).toMatch(
      /^BAD_SIGNATURE: signature by ed25519-\w+ does not verify over the bundle$/,
    );
  });

  it('refuses a trusted sender without an agreement', () => {
    expect(reasonOf(bytes(genuine), { ...ctx, agreements: createAgreementSet([], 'CBIC', {}) })).toBe(
      'NO_AGREEMENT: no sharing agreement between CBIC and CBSA',
    );
  });

  it('refuses signed bundles that break the schemas, the format or the header binding', () => {
    const noContent = structuredClone(genuine.bundle);
    delete noContent.objects.find((o) => o.type === 'note')!.content;
    expect(reasonOf(resigned(noContent))).toMatch(/^SCHEMA_INVALID: .*note\.json/);

    const extraProperty = structuredClone(genuine.bundle);
    extraProperty.objects.find((o) => o.type === 'report')!.x_comment = 'smuggled';
    expect(reasonOf(resigned(extraProperty))).toMatch(
      /^UNEXPECTED_CONTENT: object report--\S+ differs from the format in: x_comment$/,
    );

    const extraObject = structuredClone(genuine.bundle);
    extraObject.objects.push({
      type: 'note',
      spec_version: '2.1',
      id: 'note--6ba7b810-9dad-51d1-80b4-00c04fd430c8',
      created: '2026-06-01T10:00:00.000Z',
      modified: '2026-06-01T10:00:00.000Z',
      content: 'smuggled',
      object_refs: ['report--6ba7b810-9dad-51d1-80b4-00c04fd430c8'],
    });
    // Open import (#14): an object the format does not model is kept as partner context, not refused…
    const withContext = verifyInbound(resigned(extraObject), ctx);
    expect(withContext.ok && withContext.verified.context.map((o) => o.id)).toEqual([
      'note--6ba7b810-9dad-51d1-80b4-00c04fd430c8',
    ]);
    // …but case content anywhere but a note on the case's report is still refused.
    const strayHit = structuredClone(extraObject);
    strayHit.objects.at(-1)!.extensions = {
      [SHARING_EXTENSION_ID]: {
        extension_type: 'property-extension',
        rule_hit: { rule_id: 'smuggled', weight: 1, explanation: 'smuggled' },
      },
    };
    expect(reasonOf(resigned(strayHit))).toMatch(
      /^UNEXPECTED_CONTENT: object note--\S+ carries case content but is not a note on report--/,
    );

    expect(reasonOf(resigned(genuine.bundle, { version: 2 }))).toBe(
      'ENVELOPE_MISMATCH: header version disagrees with the signed bundle',
    );
    const foreignShare = { ...pkg, shareId: shareIdFor('CBSA', 'CBIC', 'another-case') };
    expect(reasonOf(resigned(buildBundle(foreignShare)))).toMatch(
      /^ENVELOPE_MISMATCH: share id .* does not belong to case/,
    );
  });

  it('refuses handling terms looser than the agreement', () => {
    const looser = { ...pkg, terms: { ...pkg.terms, tlp: 'AMBER' as const } };
    expect(reasonOf(resigned(buildBundle(looser)))).toBe(
      'TERMS_MISMATCH: TLP:AMBER is looser than the agreed TLP:AMBER+STRICT',
    );
    const longer = { ...pkg, terms: { ...pkg.terms, retentionDays: 3650 } };
    expect(reasonOf(resigned(buildBundle(longer)))).toBe(
      'TERMS_MISMATCH: retention 3650 days exceeds the agreed 365',
    );
    const onward = { ...pkg, terms: { ...pkg.terms, onwardSharing: true } };
    expect(reasonOf(resigned(buildBundle(onward)))).toBe(
      'TERMS_MISMATCH: package permits onward sharing; the agreement does not',
    );
    const stricter = { ...pkg, terms: { ...pkg.terms, tlp: 'RED' as const } };
    expect(reasonOf(resigned(buildBundle(stricter)))).toBe('OK');
  });

  it('refuses fields the agreement does not allow, and contact data in clear', () => {
    const extra = { ...pkg, case: { ...pkg.case, sourceSystem: 'CBSA-ACI' } };
    expect(reasonOf(resigned(buildBundle(extra)))).toBe(
      'DISALLOWED_FIELD: not allowed by ca-in-cmaa: sourceSystem',
    );
    const clear = structuredClone(pkg);
    (clear.case.consignment as { parties: { shipper: { phone: string } } }).parties.shipper.phone =
      '+86 20 0000 0000';
    expect(reasonOf(resigned(buildBundle(clear)))).toBe(
      'DISALLOWED_FIELD: personal data in clear: consignment.parties.shipper.phone',
    );
  });

  it('refuses what the sender’s redaction would never let leave: a person in clear, a named watchlist entry', () => {
    const named = structuredClone(pkg);
    const parties = (named.case.consignment as { parties: Record<string, Record<string, unknown>> }).parties;
    parties.consignee!.name = 'Maria Fernandez';
    expect(reasonOf(resigned(buildBundle(named)))).toBe(
      'DISALLOWED_FIELD: personal data in clear: consignment.parties.consignee.name',
    );
    const addressed = structuredClone(pkg);
    (addressed.case.consignment as { parties: Record<string, { address: Record<string, string> }> }).parties
      .consignee!.address.city = 'Brampton';
    expect(reasonOf(resigned(buildBundle(addressed)))).toBe(
      'DISALLOWED_FIELD: personal data in clear: consignment.parties.consignee.address.city',
    );
    const listed = structuredClone(pkg);
    const assessment = listed.case.assessment as { ruleHits: Record<string, unknown>[] };
    assessment.ruleHits.push({
      ruleId: 'watchlist-drug-hit',
      weight: 0.55,
      explanation: 'consignee resembles OFAC-SDN entry FERNANDEZ, Maria [SDNTK] (score 0.91)',
    });
    listed.ids = freshIds('CASE', { notes: noteCount(listed.case) });
    expect(reasonOf(resigned(buildBundle(listed)))).toBe(
      `DISALLOWED_FIELD: personal data in clear: assessment.ruleHits[${assessment.ruleHits.length - 1}].explanation`,
    );
  });

  it('never accepts a package with any one byte changed', () => {
    const text = Buffer.from(serializeEnvelope(genuine));
    fc.assert(
      fc.property(fc.nat({ max: text.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const changed = Buffer.from(text);
        changed[at] = (changed[at]! + delta) % 256;
        const r = verifyInbound(changed, ctx);
        return !r.ok;
      }),
      { numRuns: 300 },
    );
  });

  it('reports what an unverified envelope claims, for the record only', () => {
    const r = verifyInbound(bytes({ ...genuine, signature: { ...genuine.signature, value: 'AAAA' } }), ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.rejection).toMatchObject({
        reason: 'BAD_SIGNATURE',
        authenticated: false,
        claimed: {
          sender: 'CBSA',
          recipient: 'CBIC',
          kind: 'CASE',
          caseId: pkg.caseId,
          version: 1,
          keyId: cbsa.signingKey.keyId,
        },
      });
      expect(r.rejection.pkg).toBeUndefined();
    }
  });
});
