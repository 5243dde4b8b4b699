import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../common/config.ts';
import {
  canonicalJson,
  generateSigningKey,
  keyIdOf,
  loadPublicKey,
  loadSigningKey,
  signBundle,
  verifyBundleSignature,
} from './signing.ts';
import { loadTrustStore, parseTrustStore, trustStoreEntryYaml } from './trust-store.ts';

const bundle = { type: 'bundle', id: 'bundle--x', objects: [{ b: 2, a: 1, s: 'é' }] };

describe('signing keys', () => {
  it('loads PKCS8 PEM (also with escaped newlines, as env vars carry it) and base64 DER alike', () => {
    const g = generateSigningKey();
    const der = createPrivateKey(g.privateKeyPem).export({ type: 'pkcs8', format: 'der' }).toString('base64');
    const fromPem = loadSigningKey(g.privateKeyPem);
    expect(loadSigningKey(g.privateKeyPem.replace(/\n/g, '\\n')).keyId).toBe(fromPem.keyId);
    expect(loadSigningKey(der).keyId).toBe(fromPem.keyId);
    expect(fromPem.keyId).toBe(g.keyId);
    expect(fromPem.keyId).toMatch(/^ed25519-[0-9a-f]{32}$/);
  });

  it('refuses keys that are not Ed25519 private keys, naming the setting', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    expect(() => loadSigningKey(String(rsa))).toThrow(/AGENCY_SIGNING_KEY.*rsa key, expected Ed25519/);
    expect(() => loadSigningKey('not a key!')).toThrow(ConfigError);
    expect(() => loadSigningKey(generateSigningKey().publicKeyPem)).toThrow(/AGENCY_SIGNING_KEY/);
  });

  it('refuses a private key where a partner’s public key belongs', () => {
    const g = generateSigningKey();
    expect(keyIdOf(loadPublicKey(g.publicKeyPem, 'k'))).toBe(g.keyId);
    expect(() => loadPublicKey(g.privateKeyPem, 'trust store CBIC')).toThrow(
      /trust store CBIC: expected a PUBLIC KEY block \(never put a private key here\)/,
    );
  });
});

describe('bundle signatures', () => {
  const key = loadSigningKey(generateSigningKey().privateKeyPem);

  it('sign the RFC 8785 canonical JSON: key order and spacing do not matter, content does', () => {
    expect(canonicalJson(bundle)).toBe(
      '{"id":"bundle--x","objects":[{"a":1,"b":2,"s":"é"}],"type":"bundle"}',
    );
    const sig = signBundle(bundle, key);
    expect(sig).toMatchObject({ alg: 'Ed25519', keyId: key.keyId });
    const reordered = JSON.parse(
      JSON.stringify({ objects: [{ s: 'é', a: 1, b: 2 }], id: 'bundle--x', type: 'bundle' }),
    );
    expect(verifyBundleSignature(reordered, sig.value, key.publicKey)).toBe(true);
    expect(verifyBundleSignature({ ...bundle, id: 'bundle--y' }, sig.value, key.publicKey)).toBe(false);
    const other = loadSigningKey(generateSigningKey().privateKeyPem);
    expect(verifyBundleSignature(bundle, sig.value, other.publicKey)).toBe(false);
  });

  it('accepts a signature only in its one canonical base64 spelling', () => {
    const { value } = signBundle(bundle, key);
    expect(value).toMatch(/==$/);
    // The last data character carries 2 unused bits: Node decodes these variants to the same bytes.
    const last = value.at(-3)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    const variant = `${value.slice(0, -3)}${sibling}==`;
    expect(Buffer.from(variant, 'base64').equals(Buffer.from(value, 'base64'))).toBe(true);
    expect(verifyBundleSignature(bundle, variant, key.publicKey)).toBe(false);
    expect(verifyBundleSignature(bundle, value.slice(0, -2), key.publicKey)).toBe(false);
  });
});

describe('trust store', () => {
  const g = generateSigningKey();
  const yaml = (keyId: string, extra = '') =>
    `version: 1\nagencies:\n${trustStoreEntryYaml('CBIC', keyId, g.publicKeyPem, '2026-01-01T00:00:00Z', '2026-12-31T00:00:00Z')}${extra}\n`;

  it('reads the entry format it documents and answers per instant', () => {
    const store = parseTrustStore(yaml(g.keyId), 'trust-store.yaml');
    expect(store.agencies()).toEqual(['CBIC']);
    expect(store.lookup('CBIC', g.keyId, new Date('2026-06-01T00:00:00Z'))).toMatchObject({ status: 'ok' });
    expect(store.lookup('CBIC', g.keyId, new Date('2025-12-31T23:59:59Z'))).toMatchObject({
      status: 'not-valid',
    });
    expect(store.lookup('CBIC', g.keyId, new Date('2027-01-01T00:00:00Z'))).toEqual({
      status: 'not-valid',
      why: `key ${g.keyId} of CBIC expired 2026-12-31T00:00:00.000Z`,
    });
    expect(store.lookup('CBIC', 'ed25519-00000000000000000000000000000000', new Date('2026-06-01'))).toEqual({
      status: 'unknown-key',
    });
    expect(store.lookup('USCBP', g.keyId, new Date('2026-06-01'))).toEqual({ status: 'unknown-sender' });
  });

  it('treats a revoked key as invalid at any time', () => {
    const store = parseTrustStore(
      yaml(g.keyId).replace('revoked: false', 'revoked: true'),
      'trust-store.yaml',
    );
    expect(store.lookup('CBIC', g.keyId, new Date('2026-06-01T00:00:00Z'))).toEqual({
      status: 'not-valid',
      why: `key ${g.keyId} of CBIC is revoked`,
    });
  });

  it('refuses an entry whose key id is not its key’s fingerprint', () => {
    const wrong = generateSigningKey().keyId;
    expect(() => parseTrustStore(yaml(wrong), 'trust-store.yaml')).toThrow(
      /is not the fingerprint of its public key/,
    );
    expect(keyIdOf(loadPublicKey(g.publicKeyPem, 'k'))).toBe(g.keyId);
  });

  it('refuses malformed files with the path of the problem', () => {
    expect(() => parseTrustStore('version: 2\nagencies: {}\n', 'ts.yaml')).toThrow(/ts\.yaml: version/);
    expect(() => parseTrustStore(yaml(g.keyId, '\nextra: 1'), 'ts.yaml')).toThrow(/ts\.yaml/);
  });

  it('parses the committed (empty) trust store', () => {
    const file = fileURLToPath(new URL('../../models/agreements/trust-store.yaml', import.meta.url));
    expect(loadTrustStore(file).agencies()).toEqual([]);
  });
});
