// The receiver's checks of one inbound envelope, in order: shape, addressee, sender's key, signature,
// agreement, every object against its own OASIS schema, our extension's parts (stix-parse.ts),
// header binding, terms, allowed fields and personal data. Open import: any valid STIX 2.1 bundle
// from a trusted key passes; what our format does not model is partner context, kept and shown.
// Reads: the bytes as received, the trust store, the agreements, the schema validator, the clock.
// Writes: nothing (the caller stores and audits). Guarantees: pure for its inputs; never throws for
// bad input, whatever the bytes: every failure is a Rejection with a reason from the catalogue.
import type { Agreement, AgreementSet } from './agreements.ts';
import { checkSharedCase, clearContactIn } from './case-fields.ts';
import { type Envelope, envelopeSchema, MAX_ENVELOPE_BYTES } from './envelope.ts';
import { PackageRejected, type RejectionReason } from './errors.ts';
import { caseIdFor, shareIdFor } from './ids.ts';
import { identityOf, termsOf } from './outbox.ts';
import { canonicalJson, sha256Hex, verifyBundleSignature } from './signing.ts';
import type { CasePackage, SharingPackage, StixObject } from './stix-package.ts';
import {
  expectedShareId,
  latestTimestamp,
  partnerContext,
  type ReadBundle,
  readBundle,
  strictestTlp,
  tlpOfMarking,
} from './stix-parse.ts';
import type { StixValidator } from './stix-validate.ts';
import { atLeastAsStrict } from './tlp.ts';
import type { TrustStore } from './trust-store.ts';

export interface VerifyContext {
  me: string;
  trustStore: TrustStore;
  agreements: AgreementSet;
  validator: StixValidator;
  now: Date;
}

export interface VerifiedPackage {
  envelope: Envelope;
  pkg: SharingPackage;
  agreement: Agreement;
  bundleSha256: string;
  /** Objects the format does not model, kept as the partner sent them (partnerContext). */
  context: StixObject[];
}

/** What an unverified envelope says about itself (for the rejection record only: never trusted). */
export interface ClaimedHeader {
  sender: string;
  recipient: string;
  kind: string;
  caseId: string;
  version: number;
  keyId: string;
}

export interface Rejection {
  reason: RejectionReason;
  detail: string;
  claimed: ClaimedHeader;
  /** The signature verified: the sender is who it claims, so it may be told of the refusal. */
  authenticated: boolean;
  pkg?: SharingPackage;
  bundleId?: string;
  bundleSha256?: string;
}

export type InboundResult = { ok: true; verified: VerifiedPackage } | { ok: false; rejection: Rejection };

const text = (v: unknown, max = 200) => (typeof v === 'string' ? v.slice(0, max) : '');

function claimedOf(raw: unknown): ClaimedHeader {
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const sig = (typeof o.signature === 'object' && o.signature !== null ? o.signature : {}) as Record<
    string,
    unknown
  >;
  return {
    sender: text(o.sender, 16),
    recipient: text(o.recipient, 16),
    kind: text(o.kind, 16),
    caseId: text(o.caseId),
    version:
      typeof o.version === 'number' && Number.isInteger(o.version) && o.version >= 0
        ? Math.min(o.version, 4e9)
        : 0,
    keyId: text(sig.keyId, 128),
  };
}

function termsProblem(pkg: SharingPackage, a: Agreement, primary?: StixObject): string | undefined {
  const t = pkg.terms;
  // The package's TLP marking and its terms say the same (a partner's tool reads only the marking).
  const refs = Array.isArray(primary?.object_marking_refs) ? primary.object_marking_refs : [];
  const marked = refs.map((r) => tlpOfMarking(String(r))).filter((l) => l !== undefined && l !== t.tlp);
  if (marked.length > 0) return `marked TLP:${marked[0]} but its terms say TLP:${t.tlp}`;
  if (t.agreementId !== a.id)
    return `package cites agreement ${t.agreementId}, ours with ${pkg.sender} is ${a.id}`;
  if (!atLeastAsStrict(t.tlp, a.tlp)) return `TLP:${t.tlp} is looser than the agreed TLP:${a.tlp}`;
  if (t.retentionDays > a.retentionDays)
    return `retention ${t.retentionDays} days exceeds the agreed ${a.retentionDays}`;
  if (t.onwardSharing && !a.onwardSharing) return 'package permits onward sharing; the agreement does not';
  if (canonicalJson(t.legalBasis) !== canonicalJson(a.legalBasis))
    return 'legal basis differs from the agreement';
  const party = a.parties[pkg.sender];
  if (party !== undefined && pkg.senderIdentity.id !== party.stixIdentity)
    return `sender identity ${pkg.senderIdentity.id} is not ${pkg.sender}'s (${party.stixIdentity})`;
  return undefined;
}

/**
 * A bundle without our extension (plain STIX from the partner's own tool) is a one-off case keyed by
 * its bundle id, handled under the agreement's terms at the strictest TLP it is marked with (never
 * looser than agreed). Its header must say so: the header is not signed, so it may not choose the key.
 */
function plainStixCase(
  read: ReadBundle,
  envelope: Envelope,
  a: Agreement,
  me: string,
  now: Date,
): CasePackage | string {
  const uuid = read.bundleId.replace(/^bundle--/, '');
  const caseId = caseIdFor(envelope.sender, uuid);
  if (envelope.kind !== 'CASE' || envelope.version !== 1 || envelope.caseId !== caseId) {
    return `a bundle without the sharing extension travels as CASE version 1 of case ${caseId}`;
  }
  const marked = strictestTlp(read.objects);
  const tlp = marked !== undefined && atLeastAsStrict(marked, a.tlp) ? marked : a.tlp;
  const at = latestTimestamp(read.objects) ?? now.toISOString();
  const report = read.objects.find((o) => o.type === 'report');
  return {
    ids: {
      bundle: read.bundleId,
      statement: '',
      ...(report === undefined ? {} : { report: String(report.id) }),
      notes: [],
    },
    kind: 'CASE',
    shareId: shareIdFor(envelope.sender, me, uuid),
    caseId,
    version: 1,
    sender: envelope.sender,
    recipient: me,
    issuedAt: at,
    firstSharedAt: at,
    terms: termsOf(a, tlp),
    senderIdentity: identityOf(a, envelope.sender),
    case: {},
    pseudonymised: [],
  };
}

/** Free text STIX itself carries on the package's own objects (names, descriptions, note text). */
function clearContactOnCarriers(read: ReadBundle, pkg: SharingPackage): string[] {
  const own = new Set([String(read.primary?.id), ...pkg.ids.notes]);
  const out: string[] = [];
  for (const o of read.objects) {
    if (!own.has(String(o.id))) continue;
    for (const k of ['name', 'description', 'abstract', 'content']) {
      const v = o[k];
      if (typeof v === 'string' && clearContactIn(v)) out.push(`${String(o.id)}.${k}`);
    }
  }
  return out;
}

export function verifyInbound(bytes: Buffer, ctx: VerifyContext): InboundResult {
  let claimed = claimedOf(undefined);
  let authenticated = false;
  let pkg: SharingPackage | undefined;
  let bundleId: string | undefined;
  let bundleSha256: string | undefined;
  const fail = (reason: RejectionReason, detail: string): InboundResult => ({
    ok: false,
    rejection: {
      reason,
      detail,
      claimed,
      authenticated,
      ...(pkg === undefined ? {} : { pkg }),
      ...(bundleId === undefined ? {} : { bundleId }),
      ...(bundleSha256 === undefined ? {} : { bundleSha256 }),
    },
  });

  if (bytes.length > MAX_ENVELOPE_BYTES)
    return fail('INVALID_ENVELOPE', `${bytes.length} bytes exceeds ${MAX_ENVELOPE_BYTES}`);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    return fail('INVALID_ENVELOPE', `not UTF-8 JSON: ${(err as Error).message}`);
  }
  claimed = claimedOf(raw);
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail('INVALID_ENVELOPE', `${issue.path.join('.') || '(envelope)'}: ${issue.message}`);
  }
  const envelope = parsed.data as unknown as Envelope;
  if (envelope.recipient !== ctx.me)
    return fail('WRONG_RECIPIENT', `addressed to ${envelope.recipient}, this is ${ctx.me}`);

  const found = ctx.trustStore.lookup(envelope.sender, envelope.signature.keyId, ctx.now);
  switch (found.status) {
    case 'unknown-sender':
      return fail('UNKNOWN_SENDER', `no trusted key of ${envelope.sender}`);
    case 'unknown-key':
      return fail('UNKNOWN_KEY', `${envelope.sender} has no trusted key ${envelope.signature.keyId}`);
    case 'not-valid':
      return fail('KEY_NOT_VALID', found.why);
    case 'ok':
      break;
  }
  if (!verifyBundleSignature(envelope.bundle, envelope.signature.value, found.key.publicKey)) {
    return fail('BAD_SIGNATURE', `signature by ${envelope.signature.keyId} does not verify over the bundle`);
  }
  authenticated = true;
  bundleId = envelope.bundle.id;
  bundleSha256 = sha256Hex(canonicalJson(envelope.bundle));

  const agreement = ctx.agreements.forPartner(envelope.sender);
  if (agreement === undefined)
    return fail('NO_AGREEMENT', `no sharing agreement between ${ctx.me} and ${envelope.sender}`);

  const problems = ctx.validator.validateBundle(envelope.bundle);
  if (problems.length > 0) return fail('SCHEMA_INVALID', problems.slice(0, 3).join(' | '));

  let read: ReadBundle;
  try {
    read = readBundle(envelope.bundle);
  } catch (err) {
    if (err instanceof PackageRejected) return fail(err.reason, err.detail);
    return fail('UNEXPECTED_CONTENT', (err as Error).message);
  }
  if (read.pkg === undefined) {
    const plain = plainStixCase(read, envelope, agreement, ctx.me, ctx.now);
    if (typeof plain === 'string') return fail('ENVELOPE_MISMATCH', plain);
    pkg = plain;
    return {
      ok: true,
      verified: { envelope, pkg, agreement, bundleSha256, context: partnerContext(read.objects, pkg) },
    };
  }
  pkg = read.pkg;

  const mismatched = (['kind', 'version', 'caseId', 'sender', 'recipient'] as const).filter(
    (k) => envelope[k] !== pkg![k],
  );
  if (mismatched.length > 0)
    return fail('ENVELOPE_MISMATCH', `header ${mismatched.join(', ')} disagrees with the signed bundle`);
  if (expectedShareId(pkg) !== pkg.shareId) {
    return fail(
      'ENVELOPE_MISMATCH',
      `share id ${pkg.shareId} does not belong to case ${pkg.caseId} sent by ${pkg.sender}`,
    );
  }

  const terms = termsProblem(pkg, agreement, read.primary);
  if (terms !== undefined) return fail('TERMS_MISMATCH', terms);

  if (pkg.kind === 'CASE' || pkg.kind === 'UPDATE') {
    const v = checkSharedCase(pkg.case, agreement.fields, {
      watchlistEntryNames: agreement.watchlistEntryNames,
    });
    if (v.unexpected.length > 0)
      return fail('UNEXPECTED_CONTENT', `not case fields: ${v.unexpected.slice(0, 5).join(', ')}`);
    if (v.disallowed.length > 0) {
      return fail(
        'DISALLOWED_FIELD',
        `not allowed by ${agreement.id}: ${v.disallowed.slice(0, 5).join(', ')}`,
      );
    }
    const clear = [...v.clearPersonal, ...clearContactOnCarriers(read, pkg)];
    if (clear.length > 0) {
      return fail('DISALLOWED_FIELD', `personal data in clear: ${clear.slice(0, 5).join(', ')}`);
    }
  }
  return {
    ok: true,
    verified: { envelope, pkg, agreement, bundleSha256, context: partnerContext(read.objects, pkg) },
  };
}
