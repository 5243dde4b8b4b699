// Consistent pseudonyms for natural persons and contact data: HMAC-SHA256 under a per-agreement
// secret that never leaves the sending agency. Reads: nothing. Writes: nothing.
// Guarantees: the same person (however the name was spelled: case, dots, diacritics, company-form
// noise) gets the same pseudonym in every package under one agreement, so the partner can join
// records; without the secret the pseudonym cannot be reversed or recomputed from a guess.
import { createHmac } from 'node:crypto';
import { looksLikePerson, normalizePartyName } from '../scoring/party-names.ts';

export const PSEUDONYM_KINDS = ['name', 'id', 'phone', 'email'] as const;
export type PseudonymKind = (typeof PSEUDONYM_KINDS)[number];

/** What a pseudonym looks like: `psn:<kind>:<128-bit hex>`. The receiver checks contact fields against it. */
export const PSEUDONYM = /^psn:(name|id|phone|email):[0-9a-f]{32}$/;

/** A secret must carry at least 256 bits: 32 bytes of hex or base64, or a 32+ character passphrase. */
export const MIN_SECRET_BYTES = 32;

function normalise(kind: PseudonymKind, value: string): string {
  switch (kind) {
    case 'name':
      return normalizePartyName(value).tokens.join(' ');
    case 'phone':
      return value.replace(/[^0-9+]/g, '').replace(/^00/, '+');
    case 'email':
      return value.trim().toLowerCase();
    case 'id':
      return value.replace(/[\s.-]/g, '').toUpperCase();
  }
}

export function pseudonym(kind: PseudonymKind, value: string, secret: Buffer): string {
  const mac = createHmac('sha256', secret)
    .update(`${kind}\u0000${normalise(kind, value)}`, 'utf8')
    .digest('hex');
  return `psn:${kind}:${mac.slice(0, 32)}`;
}

/** Whether a party name denotes a natural person (no company-form or business word: "K. Dhillon"). */
export function isNaturalPerson(name: string): boolean {
  return looksLikePerson(name);
}
