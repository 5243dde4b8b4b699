// What the receiver refuses, over Kafka and over the offline file channel: a package with one byte
// changed, one signed by a key the trust store does not hold, and one carrying a field the
// agreement does not allow. Each is stored in rejected_packages with its reason and audited; only
// an authenticated sender is told (a REJECTED receipt).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, createProducer, type Producer } from '../../services/pipeline/kafka.ts';
import { createAgreementSet, loadAgreementFiles } from '../../services/sharing/agreements.ts';
import { type Envelope, serializeEnvelope } from '../../services/sharing/envelope.ts';
import { signBundle } from '../../services/sharing/signing.ts';
import { parseBundle } from '../../services/sharing/stix-parse.ts';
import { createStixValidator } from '../../services/sharing/stix-validate.ts';
import {
  AGREEMENTS_DIR,
  createTestAgency,
  redCase,
  TEST_SECRETS,
  type TestAgency,
  testKeys,
  trustStoreOf,
} from '../../services/sharing/test-fixtures.ts';
import { partnerTopic } from '../../services/sharing/transport.ts';
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

const validator = createStixValidator();
const IDS = {
  tampered: '11111111-1111-4111-8111-111111111111',
  rogue: '22222222-2222-4222-8222-222222222222',
  file: '33333333-3333-4333-8333-333333333333',
  lax: '44444444-4444-4444-8444-444444444444',
  receipt: '55555555-5555-4555-8555-555555555555',
};

interface RejectedRow {
  reason: string;
  detail: string;
  authenticated: number;
  claimedSender: string;
  claimedKind: string;
  claimedCaseId: string;
  keyId: string;
  rawBase64: string;
  channel: string;
}

/** Changes one byte of the text (upper/lower case of one letter), keeping it valid JSON. */
function changeOneByte(text: string, near: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const at = bytes.indexOf(near);
  if (at < 0) throw new Error(`"${near}" not in the envelope`);
  bytes[at] = bytes[at]! ^ 0x20;
  return bytes;
}

describe('partner sharing refuses what it cannot trust', () => {
  const prefix = `${uniqueName('test')}.`;
  const kafka = createKafka({
    brokers: infraConfig.KAFKA_BROKERS,
    clientId: 'sharing-rejections',
    logger: testLogger,
  });
  const cbsaKeys = testKeys('CBSA');
  const cbicKeys = testKeys('CBIC');
  const rogueKeys = testKeys('CBSA'); // claims to be CBSA; CBIC's trust store does not hold this key
  let cbsaDb: TestDatabase;
  let cbicDb: TestDatabase;
  let cbsa: TestAgency;
  let cbic: TestAgency;
  let producer: Producer;
  let dir: string;

  const agencyOn = (
    db: TestDatabase,
    agency: 'CBSA' | 'CBIC',
    extra: Partial<Parameters<typeof createTestAgency>[0]> = {},
  ) =>
    createTestAgency({
      agency,
      client: db.client,
      database: db.database,
      kafka,
      brokers: infraConfig.KAFKA_BROKERS,
      topicPrefix: prefix,
      signingKey: (agency === 'CBSA' ? cbsaKeys : cbicKeys).signingKey,
      trustStore: trustStoreOf(agency === 'CBSA' ? cbicKeys : cbsaKeys),
      logger: testLogger,
      validator,
      ...extra,
    });

  const rejected = () =>
    queryRows<RejectedRow>(
      cbicDb.client,
      sql`SELECT reason, detail, authenticated, claimedSender, claimedKind, claimedCaseId, keyId, rawBase64, channel
          FROM ${identifier(`${cbicDb.database}.rejected_packages`)} ORDER BY receivedAt`.text,
    );
  const receivedCount = async () =>
    Number(
      (
        await queryRows<{ n: string }>(
          cbicDb.client,
          sql`SELECT count() AS n FROM ${identifier(`${cbicDb.database}.received_cases`)}`.text,
        )
      )[0]?.n ?? 0,
    );
  const refusals = () => cbic.audit.entries.filter((e) => e.action === 'sharing.rejected');
  const publishRaw = (value: Buffer) =>
    producer.send({ topic: partnerTopic('CBIC', prefix), acks: -1, messages: [{ key: 'test', value }] });

  beforeAll(async () => {
    [cbsaDb, cbicDb] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    cbsa = agencyOn(cbsaDb, 'CBSA');
    cbic = agencyOn(cbicDb, 'CBIC');
    await insertCaseRows(
      cbsaDb.client,
      cbsaDb.database,
      Object.values(IDS).map((id, i) => {
        // One consignment each: sharing a case shares its consignment's other documents too.
        const { report, decision, rawJson } = redCase(id, `EXP${String(i).padStart(10, '0')}`);
        return caseRows(decision, report, rawJson, {
          topic: 'manifests.v1',
          partition: 0,
          offset: String(i),
        });
      }),
    );
    producer = createProducer(kafka);
    await producer.connect();
    dir = await mkdtemp(join(tmpdir(), 'sharing-files-'));
    await Promise.all([cbsa.service.startReceiver(), cbic.service.startReceiver()]);
  });

  afterAll(async () => {
    await Promise.allSettled([cbsa?.service.stop(), cbic?.service.stop(), producer?.disconnect()]);
    await Promise.allSettled([
      cbsaDb?.drop(),
      cbicDb?.drop(),
      dir ? rm(dir, { recursive: true }) : undefined,
    ]);
  });

  it('refuses a package with one byte changed (BAD_SIGNATURE), stores the bytes and audits it', async () => {
    const [sent] = await cbsa.service.share([IDS.tampered], 'CBIC', {
      actor: 'liaison.cbsa',
      channel: 'file',
    });
    const tampered = changeOneByte(serializeEnvelope(sent!.envelope), 'Daily necessities');
    await publishRaw(tampered);

    // The audit entry is written after the rejected_packages row: once it is there, both are.
    await waitFor(
      'CBIC to audit the refusal',
      async () => refusals(),
      (e) => e.length >= 1,
    );
    const [row] = await rejected();
    expect(row).toMatchObject({
      reason: 'BAD_SIGNATURE',
      authenticated: 0,
      claimedSender: 'CBSA',
      claimedKind: 'CASE',
      claimedCaseId: `CBSA:${IDS.tampered}`,
      keyId: cbsaKeys.signingKey.keyId,
      channel: 'kafka',
    });
    expect(row!.detail).toMatch(/does not verify/);
    expect(Buffer.from(row!.rawBase64, 'base64').equals(tampered)).toBe(true);
    expect(refusals()).toEqual([
      expect.objectContaining({
        actor: 'system:sharing-receiver',
        agency: 'CBIC',
        details: expect.objectContaining({
          reason: 'BAD_SIGNATURE',
          claimedSender: 'CBSA',
          channel: 'kafka',
        }),
      }),
    ]);
    expect(await receivedCount()).toBe(0);
  });

  it('refuses a package signed by a key CBIC does not trust (UNKNOWN_KEY) and audits it', async () => {
    const rogue = agencyOn(cbsaDb, 'CBSA', { signingKey: rogueKeys.signingKey });
    const [sent] = await rogue.service.share([IDS.rogue], 'CBIC', { actor: 'someone', channel: 'file' });
    await publishRaw(Buffer.from(serializeEnvelope(sent!.envelope)));

    await waitFor(
      'CBIC to audit the refusal',
      async () => refusals(),
      (e) => e.length >= 2,
    );
    // receivedAt has one-second resolution, so rows are picked by reason, not by position.
    const rows = (await rejected()).filter((r) => r.reason === 'UNKNOWN_KEY');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      reason: 'UNKNOWN_KEY',
      authenticated: 0,
      claimedSender: 'CBSA',
      keyId: rogueKeys.signingKey.keyId,
    });
    expect(rows[0]!.detail).toBe(`CBSA has no trusted key ${rogueKeys.signingKey.keyId}`);
    expect(refusals().map((e) => e.details?.reason)).toEqual(['BAD_SIGNATURE', 'UNKNOWN_KEY']);
    expect(await receivedCount()).toBe(0);
    expect((await cbic.audit.verify()).ok).toBe(true);
  });

  it('carries packages and receipts over the offline file channel, refusing a changed file', async () => {
    const [sent] = await cbsa.service.share([IDS.file], 'CBIC', { actor: 'liaison.cbsa', channel: 'file' });
    const original = join(dir, 'case.json');
    await cbsa.service.exportFile(sent!.envelope, original);

    const changed = join(dir, 'case-changed.json');
    await writeFile(changed, changeOneByte(await readFile(original, 'utf8'), 'EXP0000000002'));
    const refused = await cbic.service.importFile(changed);
    expect(refused).toMatchObject({ status: 'rejected', reason: 'BAD_SIGNATURE', replies: [] });
    expect((await rejected()).filter((r) => r.channel === 'file')).toEqual([
      expect.objectContaining({ reason: 'BAD_SIGNATURE', claimedCaseId: `CBSA:${IDS.file}` }),
    ]);

    const accepted = await cbic.service.importFile(original);
    expect(accepted).toMatchObject({ status: 'accepted', kind: 'CASE', shareId: sent!.shareId });
    expect(await cbic.service.importFile(original)).toMatchObject({ status: 'duplicate' });

    const receipt = accepted.replies[0]!;
    expect(receipt).toMatchObject({ kind: 'RECEIPT', channel: 'file', partner: 'CBSA' });
    expect(validator.validateBundle(receipt.envelope.bundle)).toEqual([]);
    const receiptFile = join(dir, 'receipt.json');
    await cbic.service.exportFile(receipt.envelope, receiptFile);
    expect(await cbsa.service.importFile(receiptFile)).toMatchObject({ status: 'accepted', kind: 'RECEIPT' });
    const share = (await cbsa.service.listShares()).find((s) => s.shareId === sent!.shareId);
    expect(share).toMatchObject({ receipt: { version: 1, status: 'ACCEPTED' } });
  });

  it('refuses a field the agreement does not allow (DISALLOWED_FIELD) and tells the authenticated sender', async () => {
    // A CBSA deployment whose copy of the agreement was edited to let street addresses leave.
    const [agreement] = loadAgreementFiles(AGREEMENTS_DIR);
    const edited = { ...agreement!, fields: [...agreement!.fields, 'consignment.parties.*.address.street'] };
    const lax = agencyOn(cbsaDb, 'CBSA', {
      agreements: createAgreementSet([edited], 'CBSA', { SHARING_PSEUDONYM_KEY_CA_IN: TEST_SECRETS.CBSA }),
    });
    const [sent] = await lax.service.share([IDS.lax], 'CBIC', { actor: 'liaison.cbsa' });
    const envelope: Envelope = sent!.envelope;
    expect(JSON.stringify(envelope)).toContain('Room 1203, Block B');

    const [receipt] = await waitFor(
      'CBSA to hear of the refusal',
      () =>
        queryRows<{ status: string; detail: string }>(
          cbsaDb.client,
          sql`SELECT status, detail FROM ${identifier(`${cbsaDb.database}.sharing_messages`)}
              WHERE shareId = ${sent!.shareId} AND direction = 'IN' AND kind = 'RECEIPT'`.text,
        ),
      (r) => r.length === 1,
    );
    expect(receipt).toEqual({
      status: 'REJECTED',
      detail: 'DISALLOWED_FIELD: not allowed by ca-in-cmaa: consignment.parties.shipper.address.street',
    });
    // The receipt left after the refusal was stored and audited.
    const row = (await rejected()).find((x) => x.reason === 'DISALLOWED_FIELD')!;
    expect(row.authenticated).toBe(1);
    expect(row.detail).toBe('not allowed by ca-in-cmaa: consignment.parties.shipper.address.street');
    expect(refusals().at(-1)).toMatchObject({
      details: expect.objectContaining({
        reason: 'DISALLOWED_FIELD',
        authenticated: true,
        claimedSender: 'CBSA',
      }),
    });
    expect(await receivedCount()).toBe(1); // only the file-channel case of the previous test
  });

  it('answers an authenticated package it cannot read with a REJECTED receipt naming the reason', async () => {
    const [sent] = await cbsa.service.share([IDS.receipt], 'CBIC', {
      actor: 'liaison.cbsa',
      channel: 'file',
    });
    // Genuinely signed by CBSA, but carrying a property the format does not define.
    const bundle = structuredClone(sent!.envelope.bundle) as { objects: Record<string, unknown>[] };
    bundle.objects.find((o) => o.type === 'report')!.x_extra = 'not in the format';
    const envelope = { ...sent!.envelope, bundle, signature: signBundle(bundle, cbsaKeys.signingKey) };
    const result = await cbic.service.receive(Buffer.from(serializeEnvelope(envelope as Envelope)), {
      channel: 'file',
      source: 'unreadable.json',
      reply: 'file',
    });
    expect(result.status).toBe('rejected');
    expect(['SCHEMA_INVALID', 'UNEXPECTED_CONTENT']).toContain(result.reason);
    expect(result.replies).toHaveLength(1);
    const receipt = parseBundle(result.replies[0]!.envelope.bundle);
    expect(receipt).toMatchObject({
      kind: 'RECEIPT',
      sender: 'CBIC',
      recipient: 'CBSA',
      shareId: sent!.shareId,
    });
    if (receipt.kind === 'RECEIPT') {
      expect(receipt.receipt.status).toBe('REJECTED');
      expect(receipt.receipt.reason).toContain(String(result.reason));
    }
    // A package that does not authenticate gets no answer (its sender may not be who it claims).
    const forged = { ...envelope, signature: signBundle(bundle, rogueKeys.signingKey) };
    const silent = await cbic.service.receive(Buffer.from(serializeEnvelope(forged as Envelope)), {
      channel: 'file',
      source: 'forged.json',
      reply: 'file',
    });
    expect(silent.status).toBe('rejected');
    expect(silent.replies).toEqual([]);
  });

  it('deletes received cases past their retention, with their case_shares rows, and audits it', async () => {
    const [held] = await queryRows<{ shareId: string }>(
      cbicDb.client,
      sql`SELECT shareId FROM ${identifier(`${cbicDb.database}.received_cases`)} FINAL`.text,
    );
    expect(await cbic.service.purgeExpired()).toEqual([]);
    const yearLater = agencyOn(cbicDb, 'CBIC', { clock: () => new Date(Date.now() + 366 * 86_400_000) });
    expect(await yearLater.service.purgeExpired()).toEqual([held!.shareId]);
    await waitFor(
      'the deletions to apply',
      async () => ({
        cases: await receivedCount(),
        shares: (
          await queryRows<{ n: string }>(
            cbicDb.client,
            sql`SELECT count() AS n FROM ${identifier(`${cbicDb.database}.case_shares`)} WHERE shareId = ${held!.shareId}`
              .text,
          )
        )[0]?.n,
      }),
      (n) => n.cases === 0 && Number(n.shares) === 0,
    );
    expect(yearLater.audit.entries).toEqual([
      expect.objectContaining({ action: 'sharing.purged', details: { shareIds: [held!.shareId] } }),
    ]);
  });

  it('produced only packages that validate against the OASIS STIX 2.1 and TLP 2.0 schemas', async () => {
    const sentFrom = (db: TestDatabase) =>
      queryRows<{ envelopeJson: string }>(
        db.client,
        sql`SELECT envelopeJson FROM ${identifier(`${db.database}.sharing_messages`)} WHERE direction = 'OUT'`
          .text,
      );
    // A receipt is recorded as sent just after it is published, so CBSA may hold it first.
    await waitFor(
      'CBIC to record its receipts',
      () => sentFrom(cbicDb),
      (r) => r.length === 3,
    );
    let count = 0;
    for (const db of [cbsaDb, cbicDb]) {
      for (const s of await sentFrom(db)) {
        expect(validator.validateBundle(JSON.parse(s.envelopeJson).bundle)).toEqual([]);
        count++;
      }
    }
    // CBSA: five cases (tampered, rogue, file, lax, receipt); CBIC: the file receipt, the refusal
    // receipt and the receipt of the unreadable package.
    expect(count).toBe(8);
  });
});
