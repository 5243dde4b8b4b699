// Fixtures for sharing tests (unit and integration): a RED case with a natural person, contact data
// and an unrelated goods line; key pairs generated at run time; an in-memory audit sink (unit tests
// only: integration tests use the real audit log when it exists). Nothing here is used in production.
import { fileURLToPath } from 'node:url';
import { type Decision, decisionSchema } from '../../schemas/decision.ts';
import { type Report, reportSchema } from '../../schemas/report.ts';
import { createAuditLog } from '../audit/audit-log.ts';
import type { Logger } from '../common/logger.ts';
import type { ClickHouseClient } from '../storage/clickhouse.ts';
import { type AgreementSet, createAgreementSet, loadAgreementFiles } from './agreements.ts';
import type { AuditEntry, AuditSink } from './audit.ts';
import { createSharingService, type SharingService } from './service.ts';
import { generateSigningKey, loadPublicKey, loadSigningKey, type SigningKey } from './signing.ts';
import type { StixValidator } from './stix-validate.ts';
import type { KafkaClient } from './transport.ts';
import { createTrustStore, type TrustedKey, type TrustStore } from './trust-store.ts';

export const AGREEMENTS_DIR = fileURLToPath(new URL('../../models/agreements/', import.meta.url));

/** TEST-ONLY pseudonymisation secrets (never use outside tests). */
export const TEST_SECRETS = {
  CBSA: 'cbsa-test-only-pseudonym-secret-0123456789',
  CBIC: 'cbic-test-only-pseudonym-secret-0123456789',
} as const;

export function testAgreements(agency: 'CBSA' | 'CBIC'): AgreementSet {
  return createAgreementSet(loadAgreementFiles(AGREEMENTS_DIR), agency, {
    SHARING_PSEUDONYM_KEY_CA_IN: TEST_SECRETS[agency],
  });
}

export interface TestAgencyKeys {
  agency: string;
  signingKey: SigningKey;
  trusted: TrustedKey;
}

export function testKeys(agency: string, validFrom = new Date('2026-01-01T00:00:00Z')): TestAgencyKeys {
  const generated = generateSigningKey();
  const signingKey = loadSigningKey(generated.privateKeyPem);
  return {
    agency,
    signingKey,
    trusted: {
      agency,
      keyId: signingKey.keyId,
      publicKey: loadPublicKey(generated.publicKeyPem, 'test key'),
      validFrom,
      validUntil: new Date('2099-01-01T00:00:00Z'),
      revoked: false,
    },
  };
}

export function trustStoreOf(...keys: TestAgencyKeys[]): TrustStore {
  return createTrustStore(keys.map((k) => k.trusted));
}

export function memoryAudit(): AuditSink & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return {
    entries,
    async append(entry) {
      entries.push(structuredClone(entry));
      return { seq: entries.length, hash: `memory-${entries.length}` };
    },
  };
}

/** The real hash-chained audit log of a database, with the entries also kept for assertions. */
export function recordingAudit(
  client: ClickHouseClient,
  database: string,
  logger: Logger,
): AuditSink & { entries: AuditEntry[]; verify(): Promise<{ ok: boolean }> } {
  const log = createAuditLog({ client, database, logger });
  const entries: AuditEntry[] = [];
  return {
    entries,
    verify: () => log.verify(),
    async append(entry) {
      const r = await log.append(entry);
      entries.push(structuredClone(entry));
      return r;
    },
  };
}

export interface TestAgency {
  service: SharingService;
  audit: ReturnType<typeof recordingAudit>;
}

/** One agency's sharing service on a test database and a topic prefix of the test's own. */
export function createTestAgency(o: {
  agency: 'CBSA' | 'CBIC';
  client: ClickHouseClient;
  database: string;
  kafka: KafkaClient;
  brokers: readonly string[];
  topicPrefix: string;
  signingKey: SigningKey;
  trustStore: TrustStore;
  logger: Logger;
  validator: StixValidator;
  agreements?: AgreementSet;
  clock?: () => Date;
}): TestAgency {
  const audit = recordingAudit(o.client, o.database, o.logger);
  const service = createSharingService({
    agencyId: o.agency,
    clickhouse: o.client,
    database: o.database,
    kafka: {
      client: o.kafka,
      brokers: o.brokers,
      topicPrefix: o.topicPrefix,
      groupId: `${o.topicPrefix}${o.agency}`,
    },
    audit,
    agreements: o.agreements ?? testAgreements(o.agency),
    trustStore: o.trustStore,
    signingKey: o.signingKey,
    logger: o.logger,
    validator: o.validator,
    ...(o.clock === undefined ? {} : { clock: o.clock }),
  });
  return { service, audit };
}

/** A RED express parcel: NPP under HS 293337 as "Daily necessities", consignee a natural person. */
/** `consignmentId`: give each case of a test its own consignment (a share carries the whole consignment). */
export function redCase(
  messageId = 'e4d3c2b1-0a9f-4e8d-b7c6-a5f4e3d2c1b0',
  consignmentId = 'EXP7781203344',
): {
  report: Report;
  decision: Decision;
  rawJson: string;
} {
  const input = {
    schemaVersion: 1,
    messageId,
    documentType: 'MANIFEST',
    source: { system: 'CBSA-ACI', reportingCountry: 'CA' },
    filedAt: '2026-05-20T22:40:00Z',
    consignment: {
      consignmentId,
      masterId: 'EXPM000918273',
      mode: 'EXPRESS',
      carrier: { code: 'DHL', name: 'DHL Express' },
      route: {
        portOfLoading: 'CNCAN',
        portOfDischarge: 'CAYYZ',
        placeOfDelivery: null,
        transshipmentPorts: ['HKHKG'],
        originCountry: 'CN',
        destinationCountry: 'CA',
      },
      departureDate: '2026-05-21',
      arrivalDate: '2026-05-23',
      parties: {
        shipper: {
          name: 'Guangzhou Bright Sun Trading Co.',
          address: { street: 'Room 1203, Block B', city: 'Guangzhou', postalCode: null, country: 'CN' },
          identifier: '91440101MA5CXXXX1Q',
          phone: '+86 20 0000 0000',
          email: 'sales.brightsun@example.com',
        },
        consignee: {
          name: 'K. Dhillon',
          address: {
            street: '88 Residential Crescent',
            city: 'Brampton',
            postalCode: 'L6P 0A0',
            country: 'CA',
          },
          identifier: null,
          phone: '+86 135 0000 0000',
          email: null,
        },
        notifyParty: null,
        forwarder: null,
        declarant: null,
      },
      goods: [
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
        {
          lineNumber: 2,
          description: 'Phone cases, plastic',
          hsCode: '392690',
          casNumbers: [],
          quantity: { value: 40, unit: 'PCS' },
          packages: { count: 1, type: 'BOX' },
          grossWeightKg: 2.1,
          declaredValue: { amount: 35, currency: 'USD' },
          originCountry: 'CN',
        },
      ],
      containers: [],
      payment: { method: 'CRYPTO', payerIsThirdParty: true },
      permits: [],
    },
  };
  const report = reportSchema.parse(input);
  const decision = decisionSchema.parse({
    messageId,
    consignmentId,
    documentType: 'MANIFEST',
    scoredAt: '2026-05-20T22:40:01.204Z',
    riskScore: 0.93,
    lane: 'RED',
    flagged: true,
    ruleHits: [
      {
        ruleId: 'controlled-hs-2933-37',
        weight: 0.8,
        explanation: 'HS 293337 is NPP (UN 1988 Table I), declared as "Daily necessities"',
        goodsLine: 1,
      },
      {
        ruleId: 'contact-country-mismatch',
        weight: 0.3,
        explanation: 'Consignee K. Dhillon (CA) gives the phone +86 135 0000 0000',
        goodsLine: null,
        // The facts the real rule records (models/rules/parties.yaml): what leaves is built from these.
        evidence: { contactNote: 'consignee in CA has a CN phone number' },
      },
    ],
    modelScore: 0.71,
    modelVersion: 'model-2026-05-01',
    rulesVersion: 'rules-2026-05-10',
    substances: [
      { name: 'NPP', cas: '39742-60-4', matchedBy: 'CAS', listing: 'UN-1988-TABLE-I', goodsLine: 1 },
    ],
    topFeatures: [{ feature: 'hs6_293337', contribution: 0.31 }],
  });
  return { report, decision, rawJson: JSON.stringify(input) };
}
