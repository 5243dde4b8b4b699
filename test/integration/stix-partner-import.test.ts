// Open import: bundles a partner builds with the OASIS stix2 library (test/support/stix-partner-bundles.py,
// run from the venv under .local/), signed with the partner's trusted key, received by CBSA as any
// package is. Plain STIX (indicator, observed-data with SCOs, report, identity, note, TLP 2.0 and
// statement markings, microsecond timestamps) becomes a received case whose every object is partner
// context; an outcome and a case in our format with more objects beside them are accepted, the rest
// kept as context. The receiver still refuses what it refused before (changed bytes, broken schemas,
// a header not bound to the bundle, fields the agreement does not allow, an unknown share), and
// answers every authenticated package but a receipt with a receipt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../services/pipeline/kafka.ts';
import { receivedCase, receivedCases } from '../../services/review/received.ts';
import { type Envelope, serializeEnvelope } from '../../services/sharing/envelope.ts';
import { shareIdFor } from '../../services/sharing/ids.ts';
import { termsOf } from '../../services/sharing/outbox.ts';
import type { InboundResult } from '../../services/sharing/service.ts';
import { signBundle } from '../../services/sharing/signing.ts';
import { SHARING_EXTENSION_ID, type StixBundle } from '../../services/sharing/stix-package.ts';
import { parseBundle } from '../../services/sharing/stix-parse.ts';
import { createStixValidator } from '../../services/sharing/stix-validate.ts';
import {
  createTestAgency,
  redCase,
  type TestAgency,
  testAgreements,
  testKeys,
  trustStoreOf,
} from '../../services/sharing/test-fixtures.ts';
import { TLP_EXTENSION_ID, TLP_MARKING_IDS } from '../../services/sharing/tlp.ts';
import { queryRows } from '../../services/storage/clickhouse.ts';
import { caseRows, insertCaseRows } from '../../services/storage/decision-rows.ts';
import { identifier, sql } from '../../services/storage/sql.ts';
import {
  createTestDatabase,
  infraConfig,
  type TestDatabase,
  testLogger,
  uniqueName,
} from '../support/env.ts';
import { runPython } from '../support/python-venv.ts';

const validator = createStixValidator();
const MESSAGE_ID = '6f1c2a3b-4d5e-4f60-8a71-b2c3d4e5f607';
const PARTNER_CASE = '0b9d8c7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e';
const agreement = testAgreements('CBSA').forPartner('CBIC')!;
const snake = (t: ReturnType<typeof termsOf>) => ({
  agreement_id: t.agreementId,
  effective_from: t.effectiveFrom,
  legal_basis: t.legalBasis,
  tlp: t.tlp,
  retention_days: t.retentionDays,
  onward_sharing: t.onwardSharing,
});

describe('open import of bundles built with the stix2 library', () => {
  const cbicKeys = testKeys('CBIC');
  const kafka = createKafka({
    brokers: infraConfig.KAFKA_BROKERS,
    clientId: 'stix-partner-import',
    logger: testLogger,
  });
  let db: TestDatabase;
  let cbsa: TestAgency;
  let sharedShareId: string;
  let sharedCaseId: string;
  const bundles = new Map<string, StixBundle>();

  const envelopeOf = (bundle: StixBundle, header: Pick<Envelope, 'kind' | 'caseId' | 'version'>): Buffer =>
    Buffer.from(
      serializeEnvelope({
        bundle,
        signature: signBundle(bundle, cbicKeys.signingKey),
        sender: 'CBIC',
        recipient: 'CBSA',
        ...header,
      }),
    );
  const receive = (bytes: Buffer, source: string): Promise<InboundResult> =>
    cbsa.service.receive(bytes, { channel: 'file', source, reply: 'file' });
  const plainHeader = (b: StixBundle) => ({
    kind: 'CASE' as const,
    version: 1,
    caseId: `CBIC:${b.id.replace('bundle--', '')}`,
  });
  const receiptOf = (r: InboundResult) => {
    expect(r.replies).toHaveLength(1);
    const p = parseBundle(r.replies[0]!.envelope.bundle);
    if (p.kind !== 'RECEIPT') throw new Error(`expected a receipt, got ${p.kind}`);
    expect(validator.validateBundle(r.replies[0]!.envelope.bundle)).toEqual([]);
    return p.receipt;
  };
  const ctx = () => ({ client: db.client, database: db.database });

  beforeAll(async () => {
    db = await createTestDatabase();
    cbsa = createTestAgency({
      agency: 'CBSA',
      client: db.client,
      database: db.database,
      kafka,
      brokers: infraConfig.KAFKA_BROKERS,
      topicPrefix: `${uniqueName('test')}.`,
      signingKey: testKeys('CBSA').signingKey,
      trustStore: trustStoreOf(cbicKeys),
      logger: testLogger,
      validator,
    });
    const { report, decision, rawJson } = redCase(MESSAGE_ID);
    await insertCaseRows(db.client, db.database, [
      caseRows(decision, report, rawJson, { topic: 'manifests.v1', partition: 0, offset: '0' }),
    ]);
    const [sent] = await cbsa.service.share([MESSAGE_ID], 'CBIC', { actor: 'liaison.cbsa', channel: 'file' });
    sharedShareId = sent!.shareId;
    sharedCaseId = sent!.caseId;
    const reportId = String(sent!.envelope.bundle.objects.find((o) => o.type === 'report')!.id);
    const terms = snake(termsOf(agreement, 'AMBER+STRICT'));
    const config = {
      extensionId: SHARING_EXTENSION_ID,
      tlpExtensionId: TLP_EXTENSION_ID,
      tlpIds: TLP_MARKING_IDS,
      tlp: 'AMBER+STRICT',
      intelTlp: 'AMBER',
      identity: { id: agreement.parties.CBIC!.stixIdentity, name: agreement.parties.CBIC!.name },
      outcome: {
        reportId,
        shareId: sharedShareId,
        caseId: sharedCaseId,
        sender: 'CBIC',
        recipient: 'CBSA',
        terms,
      },
      case: {
        shareId: shareIdFor('CBIC', 'CBSA', PARTNER_CASE),
        caseId: `CBIC:${PARTNER_CASE}`,
        sender: 'CBIC',
        recipient: 'CBSA',
        terms,
        consignment: {
          document_type: 'MANIFEST',
          filed_at: '2026-06-01T08:00:00Z',
          reporting_country: 'IN',
          consignment_id: 'INNSA2026-0042',
          mode: 'SEA',
          route: {
            port_of_loading: 'INNSA',
            port_of_discharge: 'CAVAN',
            origin_country: 'IN',
            destination_country: 'CA',
          },
          goods: [{ line_number: 1, description: '4-piperidone hydrochloride', cas_numbers: ['40064-34-4'] }],
        },
      },
    };
    for (const line of runPython('stix-partner-bundles.py', [], JSON.stringify(config)).trim().split('\n')) {
      const { name, bundle } = JSON.parse(line) as { name: string; bundle: StixBundle };
      bundles.set(name, bundle);
    }
  }, 600_000);

  afterAll(async () => {
    await cbsa?.service.stop().catch(() => undefined);
    await db?.drop();
  });

  it('built the bundles the issue names, with microsecond timestamps', () => {
    expect([...bundles.keys()]).toEqual(['intel', 'outcome', 'case']);
    const types = new Set(bundles.get('intel')!.objects.map((o) => String(o.type)));
    for (const t of [
      'indicator',
      'observed-data',
      'email-addr',
      'domain-name',
      'file',
      'report',
      'identity',
      'note',
    ])
      expect(types, t).toContain(t);
    const markings = bundles.get('intel')!.objects.filter((o) => o.type === 'marking-definition');
    expect(markings.map((m) => (m.definition_type === 'statement' ? 'statement' : m.name)).sort()).toEqual([
      'TLP:AMBER',
      'statement',
    ]);
    expect(String(bundles.get('intel')!.objects.find((o) => o.type === 'report')!.created)).toMatch(
      /\.\d{6}Z$/,
    );
  });

  it('accepts plain STIX as a received case whose every object is partner context, shown to the officer', async () => {
    const intel = bundles.get('intel')!;
    const uuid = intel.id.replace('bundle--', '');
    const r = await receive(envelopeOf(intel, plainHeader(intel)), 'intel.json');
    expect(r, r.detail).toMatchObject({
      status: 'accepted',
      kind: 'CASE',
      shareId: shareIdFor('CBIC', 'CBSA', uuid),
    });
    expect(receiptOf(r)).toMatchObject({ status: 'ACCEPTED', forKind: 'CASE', forBundleId: intel.id });

    const view = await receivedCase(ctx(), 'CBSA', uuid);
    expect(view).toBeDefined();
    // Marked TLP:AMBER by the partner, handled here at least as strictly as the agreement says.
    expect(view!.tlp).toBe('AMBER+STRICT');
    expect(view!.case).toEqual({});
    const kept = view!.context.map((c) => c.type).sort();
    expect(kept).toEqual([
      'domain-name',
      'email-addr',
      'file',
      'identity',
      'indicator',
      'marking-definition',
      'note',
      'observed-data',
      'report',
    ]);
    const indicator = view!.context.find((c) => c.type === 'indicator')!;
    expect(indicator.summary).toContain("[email-addr:value = 'sales@example-chem.test']");
    expect(indicator.tlp).toBe('AMBER');
    // Kept exactly as sent (microseconds included).
    expect(indicator.object).toEqual(intel.objects.find((o) => o.id === indicator.id));
    expect((await receivedCases(ctx(), 'CBSA', { limit: 50 })).map((i) => i.messageId)).toContain(uuid);
    // An outcome on it refers to the partner's own report.
    const outcome = await cbsa.service.recordOutcome({
      shareId: view!.shareId,
      disposition: 'EXAMINED_NOTHING_FOUND',
      actor: 'officer.cbsa',
      channel: 'file',
    });
    expect(validator.validateBundle(outcome.envelope.bundle)).toEqual([]);
    const note = outcome.envelope.bundle.objects.find((o) => o.type === 'note')!;
    expect(note.object_refs).toEqual([intel.objects.find((o) => o.type === 'report')!.id]);
    // A re-delivery is recognised.
    expect((await receive(envelopeOf(intel, plainHeader(intel)), 'intel-again.json')).status).toBe(
      'duplicate',
    );
  });

  it('accepts an outcome built with stix2 beside other objects; the outcome becomes a label and is acknowledged', async () => {
    const r = await receive(
      envelopeOf(bundles.get('outcome')!, { kind: 'OUTCOME', version: 1, caseId: sharedCaseId }),
      'outcome.json',
    );
    expect(r, r.detail).toMatchObject({ status: 'accepted', kind: 'OUTCOME', shareId: sharedShareId });
    expect(receiptOf(r)).toMatchObject({ status: 'ACCEPTED', forKind: 'OUTCOME' });
    const [label] = await queryRows<{ messageId: string; disposition: string; decidedAt: string }>(
      db.client,
      sql`SELECT messageId, toString(disposition) AS disposition, toString(decidedAt) AS decidedAt
          FROM ${identifier(`${db.database}.partner_labels`)}`.text,
    );
    expect(label).toEqual({ messageId: MESSAGE_ID, disposition: 'SEIZED', decidedAt: '2026-06-02 09:00:00' });
  });

  it('accepts a case in our format built with stix2, keeping the objects it does not model as context', async () => {
    const r = await receive(
      envelopeOf(bundles.get('case')!, { kind: 'CASE', version: 1, caseId: `CBIC:${PARTNER_CASE}` }),
      'case.json',
    );
    expect(r, r.detail).toMatchObject({ status: 'accepted', kind: 'CASE' });
    expect(receiptOf(r)).toMatchObject({ status: 'ACCEPTED', forKind: 'CASE' });
    const view = (await receivedCase(ctx(), 'CBSA', PARTNER_CASE))!;
    expect(view.case).toMatchObject({
      documentType: 'MANIFEST',
      reportingCountry: 'IN',
      consignment: { consignmentId: 'INNSA2026-0042', mode: 'SEA' },
      assessment: { ruleHits: [{ ruleId: 'cas-controlled', goodsLine: 1 }] },
    });
    expect(view.legalBasis).toEqual(agreement.legalBasis);
    expect(view.context.map((c) => c.type).sort()).toEqual(['email-addr', 'indicator', 'observed-data']);
  });

  it('still refuses what it refused before, telling the authenticated sender why', async () => {
    const intel = bundles.get('intel')!;
    // One byte changed: not authenticated, no answer.
    const text = serializeEnvelope({
      bundle: intel,
      signature: signBundle(intel, cbicKeys.signingKey),
      sender: 'CBIC',
      recipient: 'CBSA',
      ...plainHeader(intel),
    }).replace('example-chem.test', 'example-chem.tesT');
    expect(await receive(Buffer.from(text), 'changed.json')).toMatchObject({
      status: 'rejected',
      reason: 'BAD_SIGNATURE',
      replies: [],
    });

    // The unsigned header may not choose the case a plain bundle becomes.
    const rekeyed = await receive(
      envelopeOf(intel, { ...plainHeader(intel), caseId: 'CBIC:elsewhere' }),
      'h.json',
    );
    expect(rekeyed).toMatchObject({ status: 'rejected', reason: 'ENVELOPE_MISMATCH' });
    expect(receiptOf(rekeyed)).toMatchObject({ status: 'REJECTED' });

    // An observable that fails its own OASIS schema.
    const broken = structuredClone(bundles.get('case')!);
    delete broken.objects.find((o) => o.type === 'email-addr')!.value;
    const schema = await receive(
      envelopeOf(broken, { kind: 'CASE', version: 1, caseId: `CBIC:${PARTNER_CASE}` }),
      'broken.json',
    );
    expect(schema).toMatchObject({ status: 'rejected', reason: 'SCHEMA_INVALID' });
    expect(schema.detail).toContain('email-addr.json');
    expect(receiptOf(schema).reason).toMatch(/^SCHEMA_INVALID: /);

    // A case field the agreement does not allow.
    const lax = structuredClone(bundles.get('case')!);
    const report = lax.objects.find((o) => o.type === 'report')!;
    (report.extensions as Record<string, { consignment: Record<string, unknown> }>)[
      SHARING_EXTENSION_ID
    ]!.consignment.source_system = 'ICEGATE';
    const disallowed = await receive(
      envelopeOf(lax, { kind: 'CASE', version: 1, caseId: `CBIC:${PARTNER_CASE}` }),
      'lax.json',
    );
    expect(disallowed).toMatchObject({ status: 'rejected', reason: 'DISALLOWED_FIELD' });
    expect(receiptOf(disallowed).reason).toBe('DISALLOWED_FIELD: not allowed by ca-in-cmaa: sourceSystem');

    // An outcome for a share CBSA never sent: refused, and the partner is told.
    const stray = structuredClone(bundles.get('outcome')!);
    const note = stray.objects.find((o) => o.type === 'note')!;
    const ext = (note.extensions as Record<string, { sharing: Record<string, unknown> }>)[
      SHARING_EXTENSION_ID
    ]!;
    ext.sharing.case_id = 'CBSA:never-shared';
    ext.sharing.share_id = shareIdFor('CBSA', 'CBIC', 'never-shared');
    const unknown = await receive(
      envelopeOf(stray, { kind: 'OUTCOME', version: 1, caseId: 'CBSA:never-shared' }),
      'stray-outcome.json',
    );
    expect(unknown).toMatchObject({ status: 'rejected', reason: 'UNKNOWN_SHARE' });
    expect(receiptOf(unknown)).toMatchObject({ status: 'REJECTED', forKind: 'OUTCOME' });

    const [{ n }] = (await queryRows<{ n: string }>(
      db.client,
      sql`SELECT count() AS n FROM ${identifier(`${db.database}.rejected_packages`)}`.text,
    )) as [{ n: string }];
    expect(Number(n)).toBe(5);
  });
});
