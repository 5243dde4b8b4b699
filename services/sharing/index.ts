// Partner case sharing (docs/sharing.md): what other modules and the review app use.
export type { Agreement, AgreementSet } from './agreements.ts';
export { createAgreementSet, loadAgreementFiles, parseAgreement } from './agreements.ts';
export type { AuditEntry, AuditSink } from './audit.ts';
export {
  createSharingSetup,
  loadSharingSetup,
  type SharingConfig,
  type SharingSetup,
  sharingConfigSchema,
} from './config.ts';
export { createDemoSharingSetups } from './demo.ts';
export type { Envelope } from './envelope.ts';
export { RejectionReasons, SharingError, SharingErrorCodes } from './errors.ts';
export { registerSharingRoutes, type SharingRoutesOptions } from './routes.ts';
export { sharingServiceFromSetup } from './runtime.ts';
export {
  type Channel,
  createSharingService,
  type InboundResult,
  type PartnerInfo,
  type SentPackage,
  type SharePreview,
  type SharingService,
  type SharingServiceOptions,
} from './service.ts';
export { generateSigningKey, loadSigningKey } from './signing.ts';
export { OUTCOME_DISPOSITIONS, PACKAGE_KINDS } from './stix-package.ts';
export { createStixValidator, DEFAULT_STIX_SCHEMAS_DIR, type StixValidator } from './stix-validate.ts';
export type { ShareSummary } from './store.ts';
export { TLP_LEVELS, type Tlp } from './tlp.ts';
export { partnerTopic, readEnvelopeFile, writeEnvelopeFile } from './transport.ts';
export { loadTrustStore, type TrustStore, trustStoreEntryYaml } from './trust-store.ts';
