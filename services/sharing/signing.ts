// Ed25519 signatures over the RFC 8785 canonical JSON of a STIX bundle, and the agency's key pair.
// Reads: key material handed in (PKCS8 PEM or base64 DER). Writes: nothing.
// Guarantees: a key id is the key's fingerprint, so a trust-store entry cannot name the wrong key;
// a signature verifies only over the exact canonical bytes, and only in its one canonical base64 form.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import canonicalize from 'canonicalize';
import { ConfigError } from '../common/config.ts';

export interface Signature {
  alg: 'Ed25519';
  keyId: string;
  /** base64 of the 64-byte Ed25519 signature. */
  value: string;
}

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
}

/** RFC 8785 (JCS) text of a JSON value; throws on values JSON cannot carry (NaN, lone surrogates). */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `ed25519-` and the first 128 bits (hex) of the SHA-256 of the public key's SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `ed25519-${sha256Hex(der).slice(0, 32)}`;
}

/**
 * An Ed25519 key from PEM (literal `\n` escapes allowed, as environment variables often carry them)
 * or base64 DER (PKCS8 for a private key, SPKI for a public one). A public key must be a PUBLIC KEY
 * block: Node would derive one from a private key, which would hide a private key pasted by mistake.
 */
function importEd25519(text: string, kind: 'private' | 'public', what: string): KeyObject {
  const trimmed = text.trim().replace(/\\n/g, '\n');
  const pem = trimmed.startsWith('-----BEGIN');
  if (!pem && !/^[A-Za-z0-9+/=\s]+$/.test(trimmed))
    throw new ConfigError(`${what}: neither PEM nor base64 DER`);
  if (pem && kind === 'public' && !trimmed.startsWith('-----BEGIN PUBLIC KEY-----')) {
    throw new ConfigError(`${what}: expected a PUBLIC KEY block (never put a private key here)`);
  }
  const der = () => Buffer.from(trimmed.replace(/\s+/g, ''), 'base64');
  let key: KeyObject;
  try {
    key =
      kind === 'private'
        ? createPrivateKey(
            pem ? { key: trimmed, format: 'pem' } : { key: der(), format: 'der', type: 'pkcs8' },
          )
        : createPublicKey(
            pem ? { key: trimmed, format: 'pem' } : { key: der(), format: 'der', type: 'spki' },
          );
  } catch (err) {
    throw new ConfigError(
      `${what}: not ${kind === 'private' ? 'a PKCS8 private' : 'an SPKI public'} key (${(err as Error).message})`,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError(`${what}: a ${key.asymmetricKeyType ?? 'symmetric'} key, expected Ed25519`);
  }
  return key;
}

/** The agency's signing key (AGENCY_SIGNING_KEY: PKCS8 PEM or base64 PKCS8 DER). */
export function loadSigningKey(text: string): SigningKey {
  const privateKey = importEd25519(text, 'private', 'invalid setting AGENCY_SIGNING_KEY');
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: keyIdOf(publicKey),
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** A partner's public key from the trust store (SPKI PEM or base64 SPKI DER). */
export function loadPublicKey(text: string, what: string): KeyObject {
  return importEd25519(text, 'public', what);
}

/** A fresh key pair for a demo, a test, or an operator's key ceremony (`privateKeyPem` is a secret). */
export function generateSigningKey(): { privateKeyPem: string; publicKeyPem: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

export function signBundle(bundle: unknown, key: SigningKey): Signature {
  const value = sign(null, Buffer.from(canonicalJson(bundle), 'utf8'), key.privateKey).toString('base64');
  return { alg: 'Ed25519', keyId: key.keyId, value };
}

/**
 * True only when `value` is the canonical base64 of a 64-byte signature that verifies over the
 * canonical bundle. Canonical base64 matters: Node ignores the unused low bits of the last
 * character, so without the check two different texts would carry one signature.
 */
export function verifyBundleSignature(bundle: unknown, value: string, publicKey: KeyObject): boolean {
  const raw = Buffer.from(value, 'base64');
  if (raw.length !== 64 || raw.toString('base64') !== value) return false;
  let text: string;
  try {
    text = canonicalJson(bundle);
  } catch {
    return false;
  }
  return verify(null, Buffer.from(text, 'utf8'), publicKey, raw);
}
