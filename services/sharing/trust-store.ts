// Partners' public signing keys (models/agreements/trust-store.yaml), keyed by agency and key id,
// each with a validity window. Reads: the YAML file. Writes: nothing.
// Guarantees: every entry is an Ed25519 key whose fingerprint is its key id (a mismatch stops start-up);
// a lookup answers for one instant: a revoked, not-yet-valid or expired key is never "ok".

import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../common/config.ts';
import { agencyIdSchema } from './agreements.ts';
import { keyIdOf, loadPublicKey } from './signing.ts';

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((s) => new Date(s));

const entrySchema = z
  .object({
    publicKey: z.string().min(1).describe('SPKI PEM or base64 SPKI DER'),
    validFrom: instant.describe('first instant the key may sign'),
    validUntil: instant.describe('last instant the key may sign; ends the rotation overlap'),
    revoked: z.boolean().default(false).describe('true at once when the key is compromised or retired'),
    note: z.string().optional(),
  })
  .strict();

export const trustStoreFileSchema = z
  .object({
    version: z.literal(1),
    agencies: z.record(agencyIdSchema, z.record(z.string().regex(/^ed25519-[0-9a-f]{32}$/), entrySchema)),
  })
  .strict();

export interface TrustedKey {
  agency: string;
  keyId: string;
  publicKey: KeyObject;
  validFrom: Date;
  validUntil: Date;
  revoked: boolean;
}

export type KeyLookup =
  | { status: 'ok'; key: TrustedKey }
  | { status: 'unknown-sender' }
  | { status: 'unknown-key' }
  | { status: 'not-valid'; why: string };

export interface TrustStore {
  lookup(agency: string, keyId: string, at: Date): KeyLookup;
  agencies(): string[];
}

export function createTrustStore(keys: readonly TrustedKey[]): TrustStore {
  const byAgency = new Map<string, Map<string, TrustedKey>>();
  for (const key of keys) {
    if (keyIdOf(key.publicKey) !== key.keyId) {
      throw new ConfigError(
        `trust store: ${key.agency} key ${key.keyId} is not the fingerprint of its public key`,
      );
    }
    if (key.validUntil.getTime() <= key.validFrom.getTime()) {
      throw new ConfigError(`trust store: ${key.agency} key ${key.keyId} has validUntil before validFrom`);
    }
    const forAgency = byAgency.get(key.agency) ?? new Map<string, TrustedKey>();
    forAgency.set(key.keyId, key);
    byAgency.set(key.agency, forAgency);
  }
  return {
    lookup(agency, keyId, at) {
      const forAgency = byAgency.get(agency);
      if (forAgency === undefined) return { status: 'unknown-sender' };
      const key = forAgency.get(keyId);
      if (key === undefined) return { status: 'unknown-key' };
      if (key.revoked) return { status: 'not-valid', why: `key ${keyId} of ${agency} is revoked` };
      if (at < key.validFrom) {
        return {
          status: 'not-valid',
          why: `key ${keyId} of ${agency} is valid from ${key.validFrom.toISOString()}`,
        };
      }
      if (at > key.validUntil) {
        return {
          status: 'not-valid',
          why: `key ${keyId} of ${agency} expired ${key.validUntil.toISOString()}`,
        };
      }
      return { status: 'ok', key };
    },
    agencies: () => [...byAgency.keys()].sort(),
  };
}

export function parseTrustStore(text: string, file: string): TrustStore {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${file}: not YAML (${(err as Error).message})`);
  }
  const parsed = trustStoreFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const keys: TrustedKey[] = [];
  for (const [agency, entries] of Object.entries(parsed.data.agencies)) {
    for (const [keyId, entry] of Object.entries(entries)) {
      keys.push({
        agency,
        keyId,
        publicKey: loadPublicKey(entry.publicKey, `${file}: ${agency} key ${keyId}`),
        validFrom: entry.validFrom,
        validUntil: entry.validUntil,
        revoked: entry.revoked,
      });
    }
  }
  return createTrustStore(keys);
}

export function loadTrustStore(file: string): TrustStore {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read trust store ${file}: ${(err as Error).message}`);
  }
  return parseTrustStore(text, file);
}

/** The YAML lines to add under `agencies:` when a partner publishes a new key (docs/sharing.md, rotation). */
export function trustStoreEntryYaml(
  agency: string,
  keyId: string,
  publicKeyPem: string,
  validFrom: string,
  validUntil: string,
): string {
  const pem = publicKeyPem
    .trim()
    .split('\n')
    .map((l) => `        ${l}`)
    .join('\n');
  return [
    `  ${agency}:`,
    `    ${keyId}:`,
    '      publicKey: |',
    pem,
    `      validFrom: ${validFrom}`,
    `      validUntil: ${validUntil}`,
    '      revoked: false',
  ].join('\n');
}
