// The signed envelope that travels (Kafka message value, or an offline file): the bundle, its
// Ed25519 signature and a routing header. Reads: nothing. Writes: nothing.
// Guarantees: only the bundle is signed, so every header field is also inside the signed bundle
// (the extension's `sharing`) and the receiver refuses a header that disagrees (ENVELOPE_MISMATCH); a package built
// here is validated against the STIX schemas before it is signed, so an invalid one never leaves.
import { z } from 'zod';
import { agencyIdSchema } from './agreements.ts';
import { SharingError } from './errors.ts';
import { canonicalJson, type Signature, type SigningKey, sha256Hex, signBundle } from './signing.ts';
import {
  buildBundle,
  PACKAGE_KINDS,
  type PackageKind,
  type SharingPackage,
  type StixBundle,
} from './stix-package.ts';
import type { StixValidator } from './stix-validate.ts';

/** Larger envelopes are refused unread (the contract's per-message limit). */
export const MAX_ENVELOPE_BYTES = 1024 * 1024;

export const envelopeSchema = z
  .object({
    bundle: z.record(z.string(), z.unknown()),
    signature: z
      .object({
        alg: z.literal('Ed25519'),
        keyId: z.string().min(1).max(128),
        value: z.string().min(1).max(256),
      })
      .strict(),
    sender: agencyIdSchema,
    recipient: agencyIdSchema,
    version: z.number().int().min(1).max(1_000_000),
    caseId: z.string().min(3).max(200),
    kind: z.enum(PACKAGE_KINDS),
  })
  .strict();

export interface Envelope {
  bundle: StixBundle;
  signature: Signature;
  sender: string;
  recipient: string;
  version: number;
  caseId: string;
  kind: PackageKind;
}

export interface SealedPackage {
  envelope: Envelope;
  bundleId: string;
  /** sha256 (hex) of the canonical bundle: what the signature covers; receipts quote it. */
  bundleSha256: string;
}

/** Builds, validates and signs. Throws SharingError(PACKAGE_INVALID) when our own bundle is not valid STIX. */
export function sealPackage(pkg: SharingPackage, key: SigningKey, validator: StixValidator): SealedPackage {
  const bundle = buildBundle(pkg);
  const problems = validator.validateBundle(bundle);
  if (problems.length > 0) {
    throw new SharingError(
      'PACKAGE_INVALID',
      `${pkg.kind} package for ${pkg.caseId} is not valid STIX: ${problems[0]}`,
    );
  }
  return {
    envelope: {
      bundle,
      signature: signBundle(bundle, key),
      sender: pkg.sender,
      recipient: pkg.recipient,
      version: pkg.version,
      caseId: pkg.caseId,
      kind: pkg.kind,
    },
    bundleId: bundle.id,
    bundleSha256: sha256Hex(canonicalJson(bundle)),
  };
}

/** The bytes that travel: plain JSON (the signature covers the canonical bundle, not this layout). */
export function serializeEnvelope(envelope: Envelope): string {
  return JSON.stringify(envelope);
}
