// Deterministic identifiers for shared packages. Reads: nothing. Writes: nothing.
// Guarantees: the same case, partner and object role always get the same STIX id (RFC 4122 v5, SHA-1
// name-based), so an UPDATE replaces what the partner holds instead of adding beside it.
import { createHash } from 'node:crypto';

/** Namespace of every name-based id this module makes (a random v4 uuid, fixed once for the format). */
export const SHARING_NAMESPACE = '2f1c7a0e-5b8d-4e3a-9c61-7d4b0e8f2a15';

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new TypeError(`not a uuid: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

/** RFC 4122 §4.3 name-based uuid, version 5. */
export function uuidv5(name: string, namespace: string = SHARING_NAMESPACE): string {
  const digest = createHash('sha1').update(uuidBytes(namespace)).update(Buffer.from(name, 'utf8')).digest();
  const b = digest.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `type--uuidv5(type/part/part...)`: the type is part of the name, so two types never share a uuid. */
export function stixId(type: string, ...parts: readonly (string | number)[]): string {
  return `${type}--${uuidv5([type, ...parts.map(String)].join('/'))}`;
}

/** One share = one case sent by one agency to one partner; re-shares and updates keep the id. */
export function shareIdFor(sender: string, recipient: string, messageId: string): string {
  return uuidv5(['share', sender, recipient, messageId].join('/'));
}

/** `CBSA:<messageId>`: the originating agency and its report's messageId. */
export function caseIdFor(originator: string, messageId: string): string {
  return `${originator}:${messageId}`;
}

export function parseCaseId(caseId: string): { originator: string; messageId: string } | undefined {
  const i = caseId.indexOf(':');
  if (i <= 0 || i === caseId.length - 1) return undefined;
  return { originator: caseId.slice(0, i), messageId: caseId.slice(i + 1) };
}
