// The one way a package leaves: seal (build, validate, sign), audit, publish, record. Used for what
// officers send (cases, updates, revocations, outcomes) and what the receiver answers (receipts).
// Reads: nothing. Writes: audit log, the partner's topic (or nothing, for the file channel),
// sharing_messages and case_shares. Guarantees: in that order, so nothing leaves unaudited or
// unvalidated, and nothing unsent is recorded as sent.
import type { Logger } from '../common/logger.ts';
import type { Agreement } from './agreements.ts';
import type { AuditSink, SharingAuditAction } from './audit.ts';
import { type Envelope, type SealedPackage, sealPackage, serializeEnvelope } from './envelope.ts';
import { SharingError } from './errors.ts';
import type { SigningKey } from './signing.ts';
import type { AgencyIdentity, PackageKind, PackageTerms, SharingPackage } from './stix-package.ts';
import type { StixValidator } from './stix-validate.ts';
import type { SharingStore } from './store.ts';
import type { Tlp } from './tlp.ts';
import type { KafkaTransport } from './transport.ts';

export type Channel = 'kafka' | 'file';

export interface SentPackage {
  shareId: string;
  caseId: string;
  messageId: string;
  partner: string;
  kind: PackageKind;
  version: number;
  bundleId: string;
  bundleSha256: string;
  channel: Channel;
  envelope: Envelope;
}

export interface DispatchContext {
  actor: string;
  action: SharingAuditAction;
  channel: Channel;
  /** This agency's own case (its decision's messageId), for the audit trail. */
  messageId: string;
  details?: Record<string, unknown>;
}

export interface Outbox {
  dispatch(pkg: SharingPackage, ctx: DispatchContext): Promise<SentPackage>;
}

/** The agreement's terms as a package carries them, at a chosen TLP level. */
export function termsOf(a: Agreement, tlp: Tlp): PackageTerms {
  return {
    agreementId: a.id,
    effectiveFrom: `${a.effectiveFrom}T00:00:00.000Z`,
    legalBasis: [...a.legalBasis],
    tlp,
    retentionDays: a.retentionDays,
    onwardSharing: a.onwardSharing,
  };
}

/** An agency's STIX identity, as its agreement names it. */
export function identityOf(a: Agreement, agency: string): AgencyIdentity {
  const p = a.parties[agency]!;
  return {
    agency,
    id: p.stixIdentity,
    name: p.name,
    ...(p.contact === undefined ? {} : { contact: p.contact }),
    since: `${p.since}T00:00:00.000Z`,
  };
}

export function createOutbox(o: {
  me: string;
  signingKey: SigningKey;
  validator: StixValidator;
  audit: AuditSink;
  transport: KafkaTransport;
  store: SharingStore;
  log: Logger;
}): Outbox {
  const me = o.me;

  /** Audit, publish, record: in that order, so nothing leaves unaudited and nothing unsent is recorded as sent. */
  async function dispatch(pkg: SharingPackage, ctx: DispatchContext): Promise<SentPackage> {
    const sealed: SealedPackage = sealPackage(pkg, o.signingKey, o.validator);
    const now = new Date(pkg.issuedAt);
    const summary = {
      shareId: pkg.shareId,
      partner: pkg.recipient,
      kind: pkg.kind,
      version: pkg.version,
      tlp: pkg.terms.tlp,
      agreementId: pkg.terms.agreementId,
      bundleId: sealed.bundleId,
      bundleSha256: sealed.bundleSha256,
      keyId: o.signingKey.keyId,
      channel: ctx.channel,
      ...ctx.details,
    };
    await o.audit.append({
      actor: ctx.actor,
      agency: me,
      action: ctx.action,
      caseId: ctx.messageId,
      details: summary,
    });
    if (ctx.channel === 'kafka') {
      try {
        await o.transport.send(pkg.recipient, pkg.caseId, sealed.envelope);
      } catch (err) {
        await o.audit
          .append({
            actor: ctx.actor,
            agency: me,
            action: 'sharing.delivery.failed',
            caseId: ctx.messageId,
            details: summary,
          })
          .catch((auditErr: unknown) => o.log.error({ err: auditErr }, 'could not audit a failed delivery'));
        throw new SharingError(
          'DELIVERY_FAILED',
          `could not publish ${pkg.kind} for ${pkg.caseId} to ${pkg.recipient}`,
          {
            cause: err,
          },
        );
      }
    }
    const envelopeJson = serializeEnvelope(sealed.envelope);
    await o.store.recordMessage({
      at: now,
      direction: 'OUT',
      kind: pkg.kind,
      shareId: pkg.shareId,
      caseId: pkg.caseId,
      messageId: ctx.messageId,
      sender: me,
      recipient: pkg.recipient,
      version: pkg.version,
      tlp: pkg.terms.tlp,
      keyId: o.signingKey.keyId,
      bundleId: sealed.bundleId,
      bundleSha256: sealed.bundleSha256,
      status:
        pkg.kind === 'RECEIPT' ? pkg.receipt.status : pkg.kind === 'OUTCOME' ? pkg.outcome.disposition : '',
      detail: pkg.kind === 'RECEIPT' ? (pkg.receipt.reason ?? '') : pkg.kind === 'REVOKE' ? pkg.reason : '',
      actor: ctx.actor,
      channel: ctx.channel,
      envelopeJson,
    });
    if (pkg.kind === 'CASE' || pkg.kind === 'UPDATE' || pkg.kind === 'REVOKE') {
      await o.store.recordCaseShare({
        shareId: pkg.shareId,
        messageId: ctx.messageId,
        fromAgency: me,
        toAgency: pkg.recipient,
        sharedAt: now,
        revoked: pkg.kind === 'REVOKE',
        packageJson: envelopeJson,
        tlp: pkg.terms.tlp,
      });
    }
    return {
      shareId: pkg.shareId,
      caseId: pkg.caseId,
      messageId: ctx.messageId,
      partner: pkg.recipient,
      kind: pkg.kind,
      version: pkg.version,
      bundleId: sealed.bundleId,
      bundleSha256: sealed.bundleSha256,
      channel: ctx.channel,
      envelope: sealed.envelope,
    };
  }

  return { dispatch };
}
