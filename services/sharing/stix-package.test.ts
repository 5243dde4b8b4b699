import { describe, expect, it } from 'vitest';
import { caseDocument, redactCase } from './case-fields.ts';
import { shareIdFor } from './ids.ts';
import { canonicalJson } from './signing.ts';
import {
  buildBundle,
  CONSIGNMENT_EXTENSION_ID,
  consignmentIdFor,
  reportIdFor,
  type SharingPackage,
  type StixObject,
} from './stix-package.ts';
import { parseBundle } from './stix-parse.ts';
import { createStixValidator, patchBundleSchema } from './stix-validate.ts';
import { redCase, testAgreements } from './test-fixtures.ts';
import { TLP_MARKING_IDS } from './tlp.ts';

const validator = createStixValidator();
const agreements = testAgreements('CBSA');
const a = agreements.forPartner('CBIC')!;
const { report, decision } = redCase();
const redacted = redactCase(caseDocument(report, decision), a, agreements.secretFor(a.id));
const shareId = shareIdFor('CBSA', 'CBIC', report.messageId);
const common = {
  shareId,
  caseId: `CBSA:${report.messageId}`,
  sender: 'CBSA',
  recipient: 'CBIC',
  terms: {
    agreementId: a.id,
    effectiveFrom: '2026-01-01T00:00:00.000Z',
    legalBasis: a.legalBasis,
    tlp: 'AMBER+STRICT' as const,
    retentionDays: 365,
    onwardSharing: false,
  },
  senderIdentity: {
    agency: 'CBSA',
    name: 'Canada Border Services Agency',
    contact: 'desk',
    since: '2026-01-01T00:00:00.000Z',
  },
};
const back = {
  ...common,
  sender: 'CBIC',
  recipient: 'CBSA',
  senderIdentity: { agency: 'CBIC', name: 'CBIC', since: '2026-01-01T00:00:00.000Z' },
};

const packages: SharingPackage[] = [
  {
    ...common,
    kind: 'CASE',
    version: 1,
    issuedAt: '2026-06-01T10:00:00.000Z',
    firstSharedAt: '2026-06-01T10:00:00.000Z',
    case: redacted.case,
    pseudonymised: redacted.pseudonymised,
  },
  {
    ...common,
    kind: 'UPDATE',
    version: 2,
    issuedAt: '2026-06-02T10:00:00.000Z',
    firstSharedAt: '2026-06-01T10:00:00.000Z',
    case: redacted.case,
    pseudonymised: redacted.pseudonymised,
  },
  {
    ...common,
    kind: 'REVOKE',
    version: 3,
    issuedAt: '2026-06-03T10:00:00.000Z',
    firstSharedAt: '2026-06-01T10:00:00.000Z',
    reason: 'sent in error',
  },
  {
    ...back,
    kind: 'RECEIPT',
    version: 1,
    issuedAt: '2026-06-01T10:00:05.000Z',
    receipt: {
      status: 'ACCEPTED',
      forKind: 'CASE',
      forBundleId: 'bundle--x',
      forBundleSha256: 'a'.repeat(64),
    },
  },
  {
    ...back,
    kind: 'RECEIPT',
    version: 2,
    issuedAt: '2026-06-02T10:00:05.000Z',
    receipt: {
      status: 'REJECTED',
      forKind: 'UPDATE',
      forBundleId: 'bundle--y',
      forBundleSha256: 'b'.repeat(64),
      reason: 'DISALLOWED_FIELD: x',
    },
  },
  {
    ...back,
    kind: 'OUTCOME',
    version: 1,
    issuedAt: '2026-06-05T10:00:00.000Z',
    outcome: { disposition: 'SEIZED', decidedAt: '2026-06-04T09:00:00.000Z' },
  },
];

describe('STIX 2.1 packages', () => {
  it.each(packages.map((p) => [`${p.kind} ${p.version}`, p] as const))(
    '%s validates against the OASIS schemas',
    (_, p) => {
      expect(validator.validateBundle(buildBundle(p))).toEqual([]);
    },
  );

  it.each(packages.map((p) => [`${p.kind} ${p.version}`, p] as const))(
    '%s parses back to the same package',
    (_, p) => {
      const bundle = buildBundle(p);
      const parsed = parseBundle(JSON.parse(JSON.stringify(bundle)));
      expect(parsed).toEqual(p);
      expect(canonicalJson(buildBundle(parsed))).toBe(canonicalJson(bundle));
    },
  );

  it('marks every object, with the official TLP 2.0 definitions and the agreement’s statement in the bundle', () => {
    const bundle = buildBundle(packages[0]!);
    const ids = new Set(bundle.objects.map((o) => o.id));
    expect(ids.has(TLP_MARKING_IDS['AMBER+STRICT'])).toBe(true);
    const statement = bundle.objects.find((o) => o.definition_type === 'statement')!;
    expect((statement.definition as { statement: string }).statement).toMatch(
      /legal basis: .*1988.*TLP:AMBER\+STRICT; keep no longer than 365 days after receipt; no onward sharing/,
    );
    for (const o of bundle.objects) {
      const isTlp = Object.values(TLP_MARKING_IDS).includes(String(o.id));
      if (isTlp) continue;
      const refs = o.object_marking_refs as string[];
      expect(refs.length, String(o.id)).toBeGreaterThan(0);
      for (const ref of refs) expect(ids.has(ref), `${String(o.id)} → ${ref}`).toBe(true);
    }
    const consignment = bundle.objects.find((o) => o.id === consignmentIdFor(shareId))!;
    expect(consignment.object_marking_refs).toEqual([TLP_MARKING_IDS['AMBER+STRICT'], statement.id]);
    expect(consignment.extensions).toEqual({ [CONSIGNMENT_EXTENSION_ID]: { extension_type: 'new-sdo' } });
    expect(bundle.objects.find((o) => o.id === CONSIGNMENT_EXTENSION_ID)).toMatchObject({
      extension_types: ['new-sdo'],
    });
  });

  it('keeps object ids across versions, so an update replaces what the partner holds', () => {
    const [v1, v2] = [buildBundle(packages[0]!), buildBundle(packages[1]!)];
    const ids = (b: { objects: StixObject[] }) => b.objects.map((o) => o.id);
    expect(ids(v2)).toEqual(ids(v1));
    expect(v2.id).not.toBe(v1.id);
    const report = (b: { objects: StixObject[] }) => b.objects.find((o) => o.id === reportIdFor(shareId))!;
    expect(report(v2).created).toBe(report(v1).created);
    expect(report(v2).modified).toBe('2026-06-02T10:00:00.000Z');
    expect(report(buildBundle(packages[2]!))).toMatchObject({ revoked: true, created: report(v1).created });
  });

  it('shows the reasons as notes, and the handling terms on the report', () => {
    const bundle = buildBundle(packages[0]!);
    const notes = bundle.objects.filter((o) => o.type === 'note');
    expect(notes.map((n) => n.abstract)).toEqual([
      'Risk assessment',
      'Rule hit: controlled-hs-2933-37',
      'Rule hit: contact-country-mismatch',
      'Substance identified',
    ]);
    expect(notes[0]!.content).toBe(
      'Lane RED; combined risk score 0.93; model score 0.71; model model-2026-05-01; rules rules-2026-05-10; scored 2026-05-20T22:40:01.204Z.',
    );
    expect(notes[3]!.content).toBe('NPP; CAS 39742-60-4; listed in UN-1988-TABLE-I; matched by CAS.');
    const report = bundle.objects.find((o) => o.type === 'report')!;
    expect(report.x_terms).toMatchObject({ tlp: 'AMBER+STRICT', retention_days: 365, onward_sharing: false });
  });
});

describe('the OASIS bundle schema', () => {
  it('upstream rejects any bundle with a note, an extension-definition or a custom SDO: the defects the patch fixes', () => {
    const bundle = buildBundle(packages[0]!);
    const { unpatchedBundle } = validator.schemas;
    expect(unpatchedBundle(bundle)).toBe(false);
    // Object by object, exactly the objects upstream forgot to list and the custom SDO fail upstream...
    const failing = bundle.objects
      .filter((o) => !unpatchedBundle({ type: 'bundle', id: bundle.id, objects: [o] }))
      .map((o) => o.type);
    expect([...new Set(failing)]).toEqual(['extension-definition', 'x-customs-consignment', 'note']);
    // ...while each of them passes its own OASIS schema (note.json, extension-definition.json, core.json).
    expect(validator.validateBundle(bundle)).toEqual([]);
    // ...and a minimal custom SDO fails too, so no producer could pass: not a problem of ours.
    const minimal = {
      type: 'x-anything',
      spec_version: '2.1',
      id: 'x-anything--6ba7b810-9dad-51d1-80b4-00c04fd430c8',
      created: '2026-01-01T00:00:00.000Z',
      modified: '2026-01-01T00:00:00.000Z',
    };
    expect(unpatchedBundle({ type: 'bundle', id: bundle.id, objects: [minimal] })).toBe(false);
    expect(validator.schemas.bundle({ type: 'bundle', id: bundle.id, objects: [minimal] })).toBe(true);
  });

  it('the patch refuses to touch a bundle schema of another shape', () => {
    expect(() => patchBundleSchema({ $id: 'x', properties: {} })).toThrow(/no longer has the shape/);
  });

  it('still catches invalid objects after the patch', () => {
    const bundle = buildBundle(packages[0]!);
    const broken = structuredClone(bundle);
    const note = broken.objects.find((o) => o.type === 'note')!;
    delete note.content;
    expect(validator.validateBundle(broken).join()).toMatch(/note.json/);
    const badTlp = structuredClone(bundle);
    const marking = badTlp.objects.find((o) => o.id === TLP_MARKING_IDS['AMBER+STRICT'])!;
    marking.name = 'TLP:AMBER';
    expect(validator.validateBundle(badTlp).join()).toMatch(/TLP 2.0 marking extension schema/);
    const extra = structuredClone(bundle);
    extra.objects.find((o) => o.type === 'x-customs-consignment')!.secret_field = 'x';
    expect(validator.validateBundle(extra).join()).toMatch(/x-customs-consignment.schema.json/);
  });
});
