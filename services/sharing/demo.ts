// DEMO ONLY: sharing set-ups for both demo agencies when no signing key is configured, so the
// liaison flow works out of the box in `npm run demo`. Key pairs and pseudonymisation secrets are
// generated in memory at every start, never written anywhere, and each agency's trust store holds
// exactly the other's fresh public key. Nothing here may run in production: a real agency's key
// comes from its key ceremony (`sharing keygen`) and its secrets from the environment.
import { randomBytes } from 'node:crypto';
import { loadConfig, type SharingConfig, sharingConfigSchema } from '../common/config.ts';
import { createAgreementSet, loadAgreementFiles } from './agreements.ts';
import type { SharingSetup } from './config.ts';
import { generateSigningKey, loadPublicKey, loadSigningKey } from './signing.ts';
import { createStixValidator, DEFAULT_STIX_SCHEMAS_DIR } from './stix-validate.ts';
import { createTrustStore } from './trust-store.ts';

/**
 * One set-up per agency, each trusting the others' ephemeral keys. `base` supplies the Kafka,
 * ClickHouse and topic settings (AGENCY_ID and AGENCY_SIGNING_KEY are generated here).
 */
export function createDemoSharingSetups(
  agencies: readonly string[],
  base: Readonly<Record<string, string | undefined>> = {},
): SharingSetup[] {
  const keys = agencies.map((agency) => {
    const g = generateSigningKey();
    return { agency, generated: g, signingKey: loadSigningKey(g.privateKeyPem) };
  });
  const validFrom = new Date(Date.now() - 60_000);
  const validUntil = new Date(Date.now() + 30 * 86_400_000);
  let validator: SharingSetup['validator'] | undefined;
  return keys.map(({ agency, generated, signingKey }) => {
    const config: Readonly<SharingConfig> = loadConfig(sharingConfigSchema, {
      ...base,
      AGENCY_ID: agency,
      AGENCY_SIGNING_KEY: generated.privateKeyPem,
    });
    const files = loadAgreementFiles(config.SHARING_AGREEMENTS_DIR);
    const secrets = Object.fromEntries(
      files.map((a) => [a.pseudonymisation.secretEnv, randomBytes(32).toString('hex')]),
    );
    validator ??= createStixValidator(config.SHARING_STIX_SCHEMAS_DIR ?? DEFAULT_STIX_SCHEMAS_DIR);
    return {
      config,
      signingKey,
      agreements: createAgreementSet(files, agency, secrets),
      trustStore: createTrustStore(
        keys
          .filter((k) => k.agency !== agency)
          .map((k) => ({
            agency: k.agency,
            keyId: k.signingKey.keyId,
            publicKey: loadPublicKey(k.generated.publicKeyPem, `demo key of ${k.agency}`),
            validFrom,
            validUntil,
            revoked: false,
          })),
      ),
      validator,
    };
  });
}
