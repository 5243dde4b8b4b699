// Two agencies on one Kafka and one ClickHouse server (separate databases, topics under a unique
// prefix): CBSA shares a RED case, CBIC verifies it and sees exactly the agreed fields, acknowledges
// it, reports the outcome, and CBSA finds the outcome as a label; then CBSA updates and revokes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../services/pipeline/kafka.ts';
import { sealPackage, serializeEnvelope } from '../../services/sharing/envelope.ts';
import { identityOf, termsOf } from '../../services/sharing/outbox.ts';
import { PSEUDONYM, pseudonym } from '../../services/sharing/pseudonymise.ts';
import { freshIds } from '../../services/sharing/stix-package.ts';
import { parseBundle } from '../../services/sharing/stix-parse.ts';
import { createStixValidator } from '../../services/sharing/stix-validate.ts';
import {
  createTestAgency,
  redCase,
  TEST_SECRETS,
  type TestAgency,
  testAgreements,
  testKeys,
  trustStoreOf,
} from '../../services/sharing/test-fixtures.ts';
import { queryRows } from '../../services/storage/clickhouse.ts';
import { caseRows, insertCaseRows } from '../../services/storage/decision-rows.ts';
import { identifier, sql } from '../../services/storage/sql.ts';
import {
  createTestDatabase,
  infraConfig,
  type TestDatabase,
  testLogger,
  uniqueName,
  waitFor,
} from '../support/env.ts';

const MESSAGE_ID = 'e4d3c2b1-0a9f-4e8d-b7c6-a5f4e3d2c1b0';
const validator = createStixValidator();
const secret = Buffer.from(TEST_SECRETS.CBSA, 'utf8');

interface Agency extends TestAgency {
  db: TestDatabase;
}

const rows = <T>(db: TestDatabase, q: { text: string }) => queryRows<T>(db.client, q.text);
const sqlTable = (db: TestDatabase, name: string) => identifier(`${db.database}.${name}`);

describe('partner sharing between two agencies', () => {
  const prefix = `${uniqueName('test')}.`;
  const kafka = createKafka({
    brokers: infraConfig.KAFKA_BROKERS,
    clientId: 'sharing-two-agencies',
    logger: testLogger,
  });
  const cbsaKeys = testKeys('CBSA');
  const cbicKeys = testKeys('CBIC');
  let cbsa: Agency;
  let cbic: Agency;
  let shareId: string;

  function agency(name: 'CBSA' | 'CBIC', db: TestDatabase): Agency {
    const own = name === 'CBSA' ? cbsaKeys : cbicKeys;
    const partner = name === 'CBSA' ? cbicKeys : cbsaKeys;
    return {
      db,
      ...createTestAgency({
        agency: name,
        client: db.client,
        database: db.database,
        kafka,
        brokers: infraConfig.KAFKA_BROKERS,
        topicPrefix: prefix,
        signingKey: own.signingKey,
        trustStore: trustStoreOf(partner),
        logger: testLogger,
        validator,
      }),
    };
  }

  beforeAll(async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    cbsa = agency('CBSA', a);
    cbic = agency('CBIC', b);
    const { report, decision, rawJson } = redCase(MESSAGE_ID);
    await insertCaseRows(a.client, a.database, [
      caseRows(decision, report, rawJson, { topic: 'manifests.v1', partition: 0, offset: '0' }),
    ]);
    await Promise.all([cbsa.service.startReceiver(), cbic.service.startReceiver()]);
  });

  afterAll(async () => {
    await Promise.allSettled([cbsa?.service.stop(), cbic?.service.stop()]);
    await Promise.allSettled([cbsa?.db.drop(), cbic?.db.drop()]);
  });

  it('shares a RED case that CBIC verifies, sees only the agreed fields of, and answers with an outcome', async () => {
    // The liaison officer previews exactly what will leave, then shares that.
    const [preview] = await cbsa.service.previewShare([MESSAGE_ID], 'CBIC', { actor: 'cbsa.liaison' });
    expect(preview!.tlp).toBe('AMBER+STRICT');
    expect(preview!.withheld).toEqual(
      expect.arrayContaining([
        'consignment.goods[1]',
        'consignment.parties.consignee.address.street',
        'consignment.parties.consignee.address.city',
        'consignment.parties.shipper.address.street',
        'sourceSystem',
      ]),
    );
    expect(validator.validateBundle(preview!.bundle)).toEqual([]);

    const [sent] = await cbsa.service.share([MESSAGE_ID], 'CBIC', {
      actor: 'liaison.cbsa',
      expectedContent: { [MESSAGE_ID]: preview!.contentSha256 },
    });
    shareId = sent!.shareId;
    expect(sent).toMatchObject({ kind: 'CASE', version: 1, partner: 'CBIC', caseId: `CBSA:${MESSAGE_ID}` });

    // CBIC receives and verifies it, and stores exactly the agreed fields. (Its sharing_messages row
    // is written last, once everything else about the package is stored.)
    await waitFor(
      'CBIC to process the case',
      () =>
        rows<{ kind: string }>(
          cbic.db,
          sql`SELECT toString(kind) AS kind FROM ${sqlTable(cbic.db, 'sharing_messages')} WHERE shareId = ${shareId} AND direction = 'IN'`,
        ),
      (r) => r.length === 1,
    );
    const [received] = await waitFor(
      'CBIC to store the case',
      () =>
        rows<{
          caseJson: string;
          revoked: number;
          tlp: string;
          fromAgency: string;
          envelopeJson: string;
          expiresAt: string;
          receivedAt: string;
        }>(
          cbic.db,
          sql`SELECT caseJson, revoked, tlp, fromAgency, envelopeJson, toString(expiresAt) AS expiresAt, toString(receivedAt) AS receivedAt
            FROM ${sqlTable(cbic.db, 'received_cases')} FINAL WHERE shareId = ${shareId}`,
        ),
      (r) => r.length === 1,
    );
    expect(received!.fromAgency).toBe('CBSA');
    expect(received!.tlp).toBe('AMBER+STRICT');
    expect(Number(received!.revoked)).toBe(0);
    const retentionMs =
      Date.parse(`${received!.expiresAt.replace(' ', 'T')}Z`) -
      Date.parse(`${received!.receivedAt.replace(' ', 'T')}Z`);
    expect(retentionMs).toBe(365 * 86_400_000);

    const shared = JSON.parse(received!.caseJson);
    expect(Object.keys(shared).sort()).toEqual([
      'assessment',
      'consignment',
      'documentType',
      'filedAt',
      'reportingCountry',
    ]);
    expect(shared.documentType).toBe('MANIFEST');
    expect(shared.filedAt).toBe('2026-05-20T22:40:00Z');
    expect(shared.reportingCountry).toBe('CA');
    const c = shared.consignment;
    expect(Object.keys(c).sort()).toEqual([
      'arrivalDate',
      'carrier',
      'consignmentId',
      'departureDate',
      'goods',
      'masterId',
      'mode',
      'parties',
      'payment',
      'route',
    ]);
    expect(c.consignmentId).toBe('EXP7781203344');
    expect(c.masterId).toBe('EXPM000918273');
    expect(c.mode).toBe('EXPRESS');
    expect(c.carrier).toEqual({ code: 'DHL', name: 'DHL Express' });
    expect(c.route).toEqual({
      portOfLoading: 'CNCAN',
      portOfDischarge: 'CAYYZ',
      transshipmentPorts: ['HKHKG'],
      originCountry: 'CN',
      destinationCountry: 'CA',
    });
    expect(c.departureDate).toBe('2026-05-21');
    expect(c.arrivalDate).toBe('2026-05-23');
    // A company: name, registry id, city and country in clear; street withheld; contact data pseudonymised.
    expect(c.parties.shipper).toEqual({
      name: 'Guangzhou Bright Sun Trading Co.',
      address: { city: 'Guangzhou', country: 'CN' },
      identifier: '91440101MA5CXXXX1Q',
      phone: pseudonym('phone', '+86 20 0000 0000', secret),
      email: pseudonym('email', 'sales.brightsun@example.com', secret),
    });
    // A natural person: name pseudonymised (consistently), only the country of the address.
    expect(c.parties.consignee).toEqual({
      name: pseudonym('name', 'K. Dhillon', secret),
      address: { country: 'CA' },
      phone: pseudonym('phone', '+86 135 0000 0000', secret),
    });
    expect(pseudonym('name', 'k dhillon', secret)).toBe(c.parties.consignee.name);
    expect(c.parties.consignee.name).toMatch(PSEUDONYM);
    // Only the goods line the reasons point at; the unrelated line stays home.
    expect(c.goods).toEqual([
      {
        lineNumber: 1,
        description: 'Daily necessities',
        hsCode: '293337',
        casNumbers: ['39742-60-4'],
        quantity: { value: 5, unit: 'KG' },
        packages: { count: 1, type: 'BOX' },
        grossWeightKg: 5.6,
        declaredValue: { amount: 18, currency: 'USD' },
        originCountry: 'CN',
      },
    ]);
    expect(c.payment).toEqual({ method: 'CRYPTO', payerIsThirdParty: true });
    const a = shared.assessment;
    expect(Object.keys(a).sort()).toEqual([
      'lane',
      'modelScore',
      'modelVersion',
      'riskScore',
      'ruleHits',
      'rulesVersion',
      'scoredAt',
      'substances',
    ]);
    expect(a.lane).toBe('RED');
    expect(a.riskScore).toBe(0.93);
    expect(a.modelScore).toBe(0.71);
    expect(a.modelVersion).toBe('model-2026-05-01');
    expect(a.rulesVersion).toBe('rules-2026-05-10');
    expect(a.scoredAt).toBe('2026-05-20T22:40:01.204Z');
    // Explanations are rebuilt from each rule's template over the facts it recorded, never copied:
    // a rule the rules files no longer hold leaves as the generic sentence.
    expect(a.ruleHits).toEqual([
      {
        ruleId: 'controlled-hs-2933-37',
        weight: 0.8,
        explanation: 'Rule controlled-hs-2933-37 matched on goods line 1.',
        goodsLine: 1,
      },
      {
        ruleId: 'contact-country-mismatch',
        weight: 0.3,
        explanation: 'Contact data inconsistent with country: consignee in CA has a CN phone number',
      },
    ]);
    expect(a.substances).toEqual([
      { name: 'NPP', cas: '39742-60-4', matchedBy: 'CAS', listing: 'UN-1988-TABLE-I', goodsLine: 1 },
    ]);
    // Nothing personal in clear anywhere in what travelled.
    for (const clear of [
      'Dhillon',
      '135 0000',
      'Residential',
      'L6P',
      'Brampton',
      'brightsun',
      '20 0000 0000',
      'Phone cases',
    ]) {
      expect(received!.envelopeJson).not.toContain(clear);
    }

    // CBIC's officers see it as shared with them.
    const shares = await rows<{
      fromAgency: string;
      toAgency: string;
      messageId: string;
      revoked: number;
      tlp: string;
    }>(
      cbic.db,
      sql`SELECT fromAgency, toAgency, messageId, revoked, tlp FROM ${sqlTable(cbic.db, 'case_shares')} WHERE shareId = ${shareId}`,
    );
    expect(shares).toEqual([
      { fromAgency: 'CBSA', toAgency: 'CBIC', messageId: MESSAGE_ID, revoked: 0, tlp: 'AMBER+STRICT' },
    ]);

    // CBSA learns of the receipt.
    await waitFor(
      'CBSA to store the receipt',
      () =>
        rows<{ status: string }>(
          cbsa.db,
          sql`SELECT status FROM ${sqlTable(cbsa.db, 'sharing_messages')} WHERE shareId = ${shareId} AND direction = 'IN' AND kind = 'RECEIPT'`,
        ),
      (r) => r.length === 1 && r[0]!.status === 'ACCEPTED',
    );

    // CBIC examines the consignment and reports the outcome; CBSA gets it as a label of its own case.
    await cbic.service.recordOutcome({ shareId, disposition: 'SEIZED', actor: 'supervisor.cbic' });
    await waitFor(
      'CBSA to process the outcome',
      () =>
        rows<{ status: string }>(
          cbsa.db,
          sql`SELECT status FROM ${sqlTable(cbsa.db, 'sharing_messages')} WHERE shareId = ${shareId} AND direction = 'IN' AND kind = 'OUTCOME'`,
        ),
      (r) => r.length === 1,
    );
    const [label] = await rows<{
      messageId: string;
      fromAgency: string;
      disposition: string;
      positive: number;
    }>(
      cbsa.db,
      sql`SELECT messageId, fromAgency, disposition, positive FROM ${sqlTable(cbsa.db, 'partner_labels')}`,
    );
    expect(label).toEqual({ messageId: MESSAGE_ID, fromAgency: 'CBIC', disposition: 'SEIZED', positive: 1 });
    const [joined] = await rows<{ lane: string; positive: number }>(
      cbsa.db,
      sql`SELECT d.lane AS lane, l.positive AS positive FROM ${sqlTable(cbsa.db, 'decisions')} AS d
          ANY INNER JOIN ${sqlTable(cbsa.db, 'partner_labels')} AS l USING messageId`,
    );
    expect(joined).toEqual({ lane: 'RED', positive: 1 });

    const outgoing = (await cbsa.service.listShares()).find((s) => s.shareId === shareId);
    expect(outgoing).toMatchObject({
      direction: 'OUT',
      partner: 'CBIC',
      version: 1,
      revoked: false,
      receipt: { version: 1, status: 'ACCEPTED' },
      outcome: { disposition: 'SEIZED', version: 1 },
    });
    // The outcome is acknowledged too (a receipt for every authenticated package but a receipt).
    await waitFor(
      'CBIC to store the receipt of its outcome',
      () =>
        rows<{ status: string }>(
          cbic.db,
          sql`SELECT status FROM ${sqlTable(cbic.db, 'sharing_messages')} WHERE shareId = ${shareId} AND direction = 'IN' AND kind = 'RECEIPT'`,
        ),
      (r) => r.length === 1 && r[0]!.status === 'ACCEPTED',
    );
    const incoming = (await cbic.service.listShares()).find((s) => s.shareId === shareId);
    expect(incoming).toMatchObject({
      direction: 'IN',
      partner: 'CBSA',
      revoked: false,
      outcome: { disposition: 'SEIZED' },
      receipt: { version: 1, status: 'ACCEPTED' },
    });

    // Every step is in each agency's (hash-chained) audit log.
    expect(cbsa.audit.entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['sharing.share', 'sharing.receipt.received', 'sharing.outcome.received']),
    );
    expect(cbic.audit.entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['sharing.case.received', 'sharing.receipt.sent', 'sharing.outcome.sent']),
    );
    expect(cbsa.audit.entries.find((e) => e.action === 'sharing.share')).toMatchObject({
      actor: 'liaison.cbsa',
      agency: 'CBSA',
      caseId: MESSAGE_ID,
    });
    expect((await cbsa.audit.verify()).ok).toBe(true);
    expect((await cbic.audit.verify()).ok).toBe(true);
  });

  it('sends an update that replaces the partner’s copy, then a revocation that erases it', async () => {
    const updated = await cbsa.service.update(shareId, { actor: 'liaison.cbsa', tlp: 'RED' });
    expect(updated).toMatchObject({ kind: 'UPDATE', version: 2 });
    await waitFor(
      'CBIC to hold version 2',
      () =>
        rows<{ version: number; tlp: string }>(
          cbic.db,
          sql`SELECT version, tlp FROM ${sqlTable(cbic.db, 'received_cases')} FINAL WHERE shareId = ${shareId}`,
        ),
      (r) => r.length === 1 && Number(r[0]!.version) === 2 && r[0]!.tlp === 'RED',
    );
    await expect(cbsa.service.update(shareId, { actor: 'liaison.cbsa', tlp: 'AMBER' })).rejects.toMatchObject(
      {
        code: 'TLP_TOO_LOOSE',
      },
    );

    const revoked = await cbsa.service.revoke(shareId, { actor: 'liaison.cbsa', reason: 'sent in error' });
    expect(revoked).toMatchObject({ kind: 'REVOKE', version: 3 });
    await waitFor(
      'CBIC to erase the revoked case',
      async () => ({
        cases: await rows<{ version: number; revoked: number; caseJson: string }>(
          cbic.db,
          sql`SELECT version, revoked, caseJson FROM ${sqlTable(cbic.db, 'received_cases')} WHERE shareId = ${shareId}`,
        ),
        shares: await rows<{ revoked: number }>(
          cbic.db,
          sql`SELECT revoked FROM ${sqlTable(cbic.db, 'case_shares')} WHERE shareId = ${shareId}`,
        ),
      }),
      ({ cases, shares }) =>
        cases.length === 1 &&
        Number(cases[0]!.revoked) === 1 &&
        cases[0]!.caseJson === '' &&
        shares.length === 1 &&
        Number(shares[0]!.revoked) === 1,
    );
    await expect(cbsa.service.update(shareId, { actor: 'liaison.cbsa' })).rejects.toMatchObject({
      code: 'SHARE_REVOKED',
    });
    // No outcome after revocation: the receiver will not send one, and the originator refuses one.
    await expect(
      cbic.service.recordOutcome({ shareId, disposition: 'SEIZED', actor: 'officer.cbic' }),
    ).rejects.toMatchObject({ code: 'SHARE_REVOKED' });
    const agreement = testAgreements('CBIC').forPartner('CBSA')!;
    const late = sealPackage(
      {
        ids: freshIds('OUTCOME'),
        kind: 'OUTCOME',
        shareId,
        caseId: revoked.caseId,
        version: 1,
        sender: 'CBIC',
        recipient: 'CBSA',
        issuedAt: new Date().toISOString(),
        terms: termsOf(agreement, 'RED'),
        senderIdentity: identityOf(agreement, 'CBIC'),
        outcome: { disposition: 'SEIZED', decidedAt: new Date().toISOString() },
      },
      cbicKeys.signingKey,
      validator,
    );
    const refused = await cbsa.service.receive(Buffer.from(serializeEnvelope(late.envelope)), {
      channel: 'file',
      source: 'late-outcome.json',
      reply: 'file',
    });
    expect(refused).toMatchObject({ status: 'rejected', reason: 'SHARE_REVOKED' });
    expect(refused.detail).toContain('revoked');
    // The partner learns why, in a REJECTED receipt of its outcome.
    expect(refused.replies).toHaveLength(1);
    const answer = parseBundle(refused.replies[0]!.envelope.bundle);
    expect(answer).toMatchObject({ kind: 'RECEIPT', sender: 'CBSA', recipient: 'CBIC', shareId });
    if (answer.kind === 'RECEIPT') {
      expect(answer.receipt).toMatchObject({ status: 'REJECTED', forKind: 'OUTCOME' });
      expect(answer.receipt.reason).toMatch(/^SHARE_REVOKED: /);
    }
    await waitFor(
      'CBSA to receive the receipts of the update and the revocation',
      () =>
        rows<{ version: number }>(
          cbsa.db,
          sql`SELECT version FROM ${sqlTable(cbsa.db, 'sharing_messages')} FINAL
              WHERE shareId = ${shareId} AND direction = 'IN' AND kind = 'RECEIPT' AND status = 'ACCEPTED' ORDER BY version`,
        ),
      (r) => r.map((x) => Number(x.version)).join() === '1,2,3',
    );
    expect(cbic.audit.entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['sharing.update.received', 'sharing.revoke.received']),
    );
    expect(cbsa.audit.entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['sharing.update', 'sharing.revoke']),
    );
  });

  it('produced only packages that validate against the OASIS STIX 2.1 and TLP 2.0 schemas', async () => {
    const sentBy = (a: Agency) =>
      rows<{ kind: string; envelopeJson: string }>(
        a.db,
        sql`SELECT toString(kind) AS kind, envelopeJson FROM ${sqlTable(a.db, 'sharing_messages')} WHERE direction = 'OUT'`,
      );
    // A receipt is recorded as sent just after it is published, so the partner may hold it first.
    await waitFor(
      'CBIC to record its last receipt',
      () => sentBy(cbic),
      (r) => r.length === 4,
    );
    let count = 0;
    for (const a of [cbsa, cbic]) {
      for (const s of await sentBy(a)) {
        const envelope = JSON.parse(s.envelopeJson);
        expect({ kind: s.kind, problems: validator.validateBundle(envelope.bundle) }).toEqual({
          kind: s.kind,
          problems: [],
        });
        count++;
      }
    }
    // CBSA: case, update, revocation, the receipt of the outcome and the refusal of the late one;
    // CBIC: three receipts and the outcome.
    expect(count).toBe(9);
  });
});
