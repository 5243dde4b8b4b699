// Sharing's settings, parsed once at start-up like every service's (services/common/config.ts), and
// what they load: the agency's signing key, its agreements (with their pseudonymisation secrets) and
// the partners' trust store. Reads: the environment it is handed (the caller passes process.env).
// Guarantees: any bad setting, file or key stops start-up with one line naming it (ConfigError).
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { baseShape, clickhouseShape, kafkaShape, loadConfig } from '../common/config.ts';
import { type AgreementSet, agencyIdSchema, createAgreementSet, loadAgreementFiles } from './agreements.ts';
import { loadSigningKey, type SigningKey } from './signing.ts';
import { createStixValidator, DEFAULT_STIX_SCHEMAS_DIR, type StixValidator } from './stix-validate.ts';
import { loadTrustStore, type TrustStore } from './trust-store.ts';

const AGREEMENTS_DIR = fileURLToPath(new URL('../../models/agreements/', import.meta.url));

export const sharingConfigSchema = z
  .object({
    ...baseShape,
    ...kafkaShape,
    ...clickhouseShape,
    AGENCY_ID: agencyIdSchema.describe('this agency, as agreements and the trust store name it (CBSA, CBIC)'),
    AGENCY_SIGNING_KEY: z
      .string()
      .min(1)
      .describe("this agency's Ed25519 private key, PKCS8 PEM or base64 DER (secret: environment only)"),
    SHARING_AGREEMENTS_DIR: z
      .string()
      .min(1)
      .default(AGREEMENTS_DIR)
      .describe('directory of agreement files'),
    SHARING_TRUST_STORE: z
      .string()
      .min(1)
      .default(`${AGREEMENTS_DIR}trust-store.yaml`)
      .describe("partners' public keys"),
    SHARING_TOPIC_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9._-]*$/)
      .default('')
      .describe('prepended to partner.<agency>.cases.v1 (isolates environments on one cluster)'),
    SHARING_GROUP_ID: z
      .string()
      .min(1)
      .optional()
      .describe('consumer group (default precursor-risk-sharing-<agency>)'),
    SHARING_STIX_SCHEMAS_DIR: z
      .string()
      .min(1)
      .optional()
      .describe('OASIS cti-stix2-json-schemas checkout with tlp-2.0/ (default ../shared/stix2-json-schemas)'),
  })
  .strict();

export type SharingConfig = z.output<typeof sharingConfigSchema>;

export interface SharingSetup {
  config: Readonly<SharingConfig>;
  signingKey: SigningKey;
  agreements: AgreementSet;
  trustStore: TrustStore;
  validator: StixValidator;
}

/** Everything sharing needs from the environment, checked before anything connects (~1.5 s: schemas). */
export function loadSharingSetup(env: NodeJS.ProcessEnv): SharingSetup {
  const config = loadConfig(sharingConfigSchema, env);
  return {
    config,
    signingKey: loadSigningKey(config.AGENCY_SIGNING_KEY),
    agreements: createAgreementSet(loadAgreementFiles(config.SHARING_AGREEMENTS_DIR), config.AGENCY_ID, env),
    trustStore: loadTrustStore(config.SHARING_TRUST_STORE),
    validator: createStixValidator(config.SHARING_STIX_SCHEMAS_DIR ?? DEFAULT_STIX_SCHEMAS_DIR),
  };
}
