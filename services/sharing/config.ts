// Sharing's settings (sharingConfigSchema, in services/common/config.ts like every service's), and
// what they load: the agency's signing key, its agreements (with their pseudonymisation secrets) and
// the partners' trust store. Reads: nothing from process.env itself — the config module hands in the
// parsed settings and a lookup for the secret variables the agreements name.
// Guarantees: any bad setting, file or key stops start-up with one line naming it (ConfigError).
import { loadConfig, type SharingConfig, secretFromEnv, sharingConfigSchema } from '../common/config.ts';
import { type AgreementSet, createAgreementSet, loadAgreementFiles } from './agreements.ts';
import { loadSigningKey, type SigningKey } from './signing.ts';
import { createStixValidator, DEFAULT_STIX_SCHEMAS_DIR, type StixValidator } from './stix-validate.ts';
import { loadTrustStore, type TrustStore } from './trust-store.ts';

export { type SharingConfig, sharingConfigSchema };

export interface SharingSetup {
  config: Readonly<SharingConfig>;
  signingKey: SigningKey;
  agreements: AgreementSet;
  trustStore: TrustStore;
  validator: StixValidator;
}

/** Loads files and keys for parsed settings; `secret(name)` answers the agreements' secret variables. */
export function createSharingSetup(
  config: Readonly<SharingConfig>,
  secret: (name: string) => string | undefined = secretFromEnv,
  validator?: StixValidator,
): SharingSetup {
  const agreementFiles = loadAgreementFiles(config.SHARING_AGREEMENTS_DIR);
  const names = agreementFiles.map((a) => a.pseudonymisation.secretEnv);
  const secrets = Object.fromEntries(names.map((n) => [n, secret(n)]));
  return {
    config,
    signingKey: loadSigningKey(config.AGENCY_SIGNING_KEY),
    agreements: createAgreementSet(agreementFiles, config.AGENCY_ID, secrets),
    trustStore: loadTrustStore(config.SHARING_TRUST_STORE),
    validator: validator ?? createStixValidator(config.SHARING_STIX_SCHEMAS_DIR ?? DEFAULT_STIX_SCHEMAS_DIR),
  };
}

/** Everything sharing needs from an environment, checked before anything connects (~1.5 s: schemas). */
export function loadSharingSetup(env: NodeJS.ProcessEnv): SharingSetup {
  return createSharingSetup(loadConfig(sharingConfigSchema, env), (name) => secretFromEnv(name, env));
}
