// Inbound packages: verify (verify.ts), then store, audit and acknowledge; or refuse, store the
// refusal with its reason and audit it. Reads: envelopes from Kafka or files, the sharing tables.
// Writes: received_cases, case_shares, partner_outcomes, sharing_messages, rejected_packages, the
// audit log, and RECEIPTs through the outbox. Guarantees: never drops a package silently; a
// re-delivered package (same bundle id and hash) is recognised and not stored twice; every package
// whose signature verified (the sender is who it claims) gets a receipt, ACCEPTED or REJECTED with
// the reason — except a receipt (never acknowledged, or two agencies would answer each other
// forever) and a sender this agency has no agreement with (nothing may be sent to it).
import type { Logger } from '../common/logger.ts';
import type { Agreement, AgreementSet } from './agreements.ts';
import { type AuditSink, RECEIVER_ACTOR } from './audit.ts';
import { parseCaseId, uuidv5 } from './ids.ts';
import { type Channel, identityOf, type Outbox, type SentPackage, termsOf } from './outbox.ts';
import { freshIds, type PackageKind, type ReceiptPackage, type SharingPackage } from './stix-package.ts';
import { expectedShareId } from './stix-parse.ts';
import type { StixValidator } from './stix-validate.ts';
import type { SharingStore } from './store.ts';
import { atLeastAsStrict } from './tlp.ts';
import type { InboundOrigin } from './transport.ts';
import type { TrustStore } from './trust-store.ts';
import { type Rejection, verifyInbound } from './verify.ts';

export interface InboundResult {
  status: 'accepted' | 'duplicate' | 'rejected';
  kind?: PackageKind;
  shareId?: string;
  reason?: string;
  detail?: string;
  /** Receipts sent (or, when the reply channel is a file, to be exported by the caller). */
  replies: SentPackage[];
}

export interface Receiver {
  /** One inbound envelope (Kafka message value or file bytes). `reply`: how receipts travel. */
  receive(bytes: Buffer, origin: InboundOrigin & { reply: Channel }): Promise<InboundResult>;
  /** Kafka handler: true when the message is done with (stored, or refused and recorded). */
  handleMessage(value: Buffer, origin: InboundOrigin, heartbeat: () => Promise<void>): Promise<boolean>;
}

const DAY_MS = 86_400_000;
const isCaseKind = (k: PackageKind) => k === 'CASE' || k === 'UPDATE' || k === 'REVOKE';
/** Every kind but a receipt gets a receipt, accepted or refused. */
const answerable = (k: PackageKind) => isCaseKind(k) || k === 'OUTCOME';
const isRetriable = (err: unknown) => (err as { retriable?: unknown } | null)?.retriable === true;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createReceiver(o: {
  me: string;
  trustStore: TrustStore;
  agreements: AgreementSet;
  validator: StixValidator;
  audit: AuditSink;
  store: SharingStore;
  outbox: Outbox;
  clock: () => Date;
  log: Logger;
  /** True once the service is stopping: a failing package is then left for the next run. */
  stopping: () => boolean;
}): Receiver {
  const me = o.me;

  async function reply(
    pkg: SharingPackage,
    a: Agreement,
    bundleSha256: string,
    bundleId: string,
    status: 'ACCEPTED' | 'REJECTED',
    reason: string | undefined,
    channel: Channel,
    now: Date,
  ): Promise<SentPackage> {
    const tlp = atLeastAsStrict(pkg.terms.tlp, a.tlp) ? pkg.terms.tlp : a.tlp;
    const receipt: ReceiptPackage = {
      ids: freshIds('RECEIPT', { previous: pkg.ids }),
      kind: 'RECEIPT',
      shareId: pkg.shareId,
      caseId: pkg.caseId,
      version: pkg.version,
      sender: me,
      recipient: pkg.sender,
      issuedAt: now.toISOString(),
      terms: termsOf(a, tlp),
      senderIdentity: identityOf(a, me),
      receipt: {
        status,
        forKind: pkg.kind,
        forBundleId: bundleId,
        forBundleSha256: bundleSha256,
        ...(reason === undefined ? {} : { reason }),
      },
    };
    return o.outbox.dispatch(receipt, {
      actor: RECEIVER_ACTOR,
      action: 'sharing.receipt.sent',
      channel,
      messageId: parseCaseId(pkg.caseId)?.messageId ?? '',
      details: { status, forKind: pkg.kind, ...(reason === undefined ? {} : { reason }) },
    });
  }

  /** A stand-in package from a claimed header, only to address a REJECTED receipt to its sender. */
  function fromHeader(c: Rejection['claimed'], sha256: string | undefined): SharingPackage | undefined {
    const a = o.agreements.forPartner(c.sender);
    if (a === undefined || c.recipient !== me) return undefined;
    // A receipt is never answered (two agencies would acknowledge each other's acknowledgements).
    if (c.kind === 'RECEIPT') return undefined;
    const kind = answerable(c.kind as PackageKind) ? (c.kind as PackageKind) : 'CASE';
    const caseId = parseCaseId(c.caseId) === undefined ? `${c.sender}:unreadable` : c.caseId;
    const shareId =
      expectedShareId({ caseId, sender: c.sender, recipient: me, kind }) ??
      uuidv5(`unreadable/${c.sender}/${sha256 ?? ''}`);
    // Only the fields reply() reads; never stored or parsed as a package.
    return {
      ids: { bundle: '', statement: '', notes: [] },
      kind,
      shareId,
      caseId,
      version: c.version > 0 ? c.version : 1,
      sender: c.sender,
      recipient: me,
      issuedAt: '',
      terms: termsOf(a, a.tlp),
      senderIdentity: identityOf(a, c.sender),
    } as unknown as SharingPackage;
  }

  async function reject(
    r: Rejection,
    bytes: Buffer,
    origin: InboundOrigin & { reply: Channel },
    now: Date,
  ): Promise<InboundResult> {
    const c = r.claimed;
    await o.store.recordRejection({
      receivedAt: now,
      channel: origin.channel,
      source: origin.source,
      reason: r.reason,
      detail: r.detail.slice(0, 4000),
      authenticated: r.authenticated,
      claimedSender: c.sender,
      claimedKind: c.kind,
      claimedCaseId: c.caseId,
      claimedVersion: c.version,
      keyId: c.keyId,
      raw: bytes,
    });
    await o.audit.append({
      actor: RECEIVER_ACTOR,
      agency: me,
      action: 'sharing.rejected',
      details: {
        reason: r.reason,
        detail: r.detail.slice(0, 1000),
        authenticated: r.authenticated,
        channel: origin.channel,
        source: origin.source,
        claimedSender: c.sender,
        claimedKind: c.kind,
        claimedCaseId: c.caseId,
        claimedVersion: c.version,
        keyId: c.keyId,
        sizeBytes: bytes.length,
      },
    });
    o.log.warn(
      { reason: r.reason, source: origin.source, claimedSender: c.sender },
      'refused a partner package',
    );
    const replies: SentPackage[] = [];
    // Tell the partner only what it can trust us on: its signature verified and the share id is its own.
    // A package that authenticated but could not be read is answered from its (unsigned) header, so
    // the authenticated sender still learns why (a receipt for every authenticated package).
    const pkg = r.pkg ?? (r.authenticated ? fromHeader(c, r.bundleSha256) : undefined);
    const a = pkg === undefined ? undefined : o.agreements.forPartner(pkg.sender);
    if (
      r.authenticated &&
      pkg !== undefined &&
      a !== undefined &&
      r.bundleId !== undefined &&
      r.bundleSha256 !== undefined &&
      answerable(pkg.kind) &&
      (r.pkg === undefined || expectedShareId(pkg) === pkg.shareId)
    ) {
      replies.push(
        await reply(
          pkg,
          a,
          r.bundleSha256,
          r.bundleId,
          'REJECTED',
          `${r.reason}: ${r.detail}`.slice(0, 2000),
          origin.reply,
          now,
        ),
      );
    }
    return {
      status: 'rejected',
      reason: r.reason,
      detail: r.detail,
      ...(pkg === undefined ? {} : { kind: pkg.kind, shareId: pkg.shareId }),
      replies,
    };
  }

  async function receive(bytes: Buffer, origin: InboundOrigin & { reply: Channel }): Promise<InboundResult> {
    const now = o.clock();
    const result = verifyInbound(bytes, {
      me,
      trustStore: o.trustStore,
      agreements: o.agreements,
      validator: o.validator,
      now,
    });
    if (!result.ok) return reject(result.rejection, bytes, origin, now);
    const { envelope, pkg, agreement, bundleSha256 } = result.verified;
    const bundleId = envelope.bundle.id;
    if (await o.store.seenInbound(bundleId, bundleSha256)) {
      return { status: 'duplicate', kind: pkg.kind, shareId: pkg.shareId, replies: [] };
    }
    const refuse = (reason: 'STALE_VERSION' | 'UNKNOWN_SHARE' | 'SHARE_REVOKED', detail: string) =>
      reject(
        {
          reason,
          detail,
          authenticated: true,
          pkg,
          bundleId,
          bundleSha256,
          claimed: {
            sender: pkg.sender,
            recipient: pkg.recipient,
            kind: pkg.kind,
            caseId: pkg.caseId,
            version: pkg.version,
            keyId: envelope.signature.keyId,
          },
        },
        bytes,
        origin,
        now,
      );
    const envelopeJson = bytes.toString('utf8');
    const replies: SentPackage[] = [];
    let messageId = parseCaseId(pkg.caseId)?.messageId ?? '';
    let status = '';
    let detail = '';

    switch (pkg.kind) {
      case 'CASE':
      case 'UPDATE':
      case 'REVOKE': {
        const held = await o.store.received(pkg.shareId);
        if (held !== undefined && held.version >= pkg.version) {
          return refuse('STALE_VERSION', `version ${pkg.version} arrived after version ${held.version}`);
        }
        const revoked = pkg.kind === 'REVOKE';
        await o.store.recordReceived({
          shareId: pkg.shareId,
          caseId: pkg.caseId,
          messageId,
          fromAgency: pkg.sender,
          version: pkg.version,
          kind: pkg.kind,
          revoked,
          tlp: pkg.terms.tlp,
          agreementId: pkg.terms.agreementId,
          retentionDays: pkg.terms.retentionDays,
          onwardSharing: pkg.terms.onwardSharing,
          issuedAt: new Date(pkg.issuedAt),
          receivedAt: now,
          expiresAt: new Date(now.getTime() + pkg.terms.retentionDays * DAY_MS),
          keyId: envelope.signature.keyId,
          bundleId,
          bundleSha256,
          caseJson: pkg.kind === 'REVOKE' ? '' : JSON.stringify(pkg.case),
          envelopeJson,
        });
        await o.store.recordCaseShare({
          shareId: pkg.shareId,
          messageId,
          fromAgency: pkg.sender,
          toAgency: me,
          sharedAt: now,
          revoked,
          packageJson: envelopeJson,
          tlp: pkg.terms.tlp,
        });
        if (revoked) await o.store.eraseRevokedContent(pkg.shareId, pkg.version);
        const action =
          pkg.kind === 'CASE'
            ? 'sharing.case.received'
            : pkg.kind === 'UPDATE'
              ? 'sharing.update.received'
              : 'sharing.revoke.received';
        await o.audit.append({
          actor: RECEIVER_ACTOR,
          agency: me,
          action,
          caseId: messageId,
          details: {
            shareId: pkg.shareId,
            from: pkg.sender,
            version: pkg.version,
            tlp: pkg.terms.tlp,
            agreementId: pkg.terms.agreementId,
            bundleId,
            bundleSha256,
            keyId: envelope.signature.keyId,
            channel: origin.channel,
            ...(pkg.kind === 'REVOKE' ? { reason: pkg.reason } : {}),
          },
        });
        replies.push(
          await reply(pkg, agreement, bundleSha256, bundleId, 'ACCEPTED', undefined, origin.reply, now),
        );
        break;
      }
      case 'RECEIPT':
      case 'OUTCOME': {
        if (pkg.kind === 'RECEIPT' && pkg.receipt.forKind === 'OUTCOME') {
          // The originator acknowledging an outcome this agency sent about a case it received.
          const held = await o.store.received(pkg.shareId);
          if (held === undefined || held.fromAgency !== pkg.sender || held.caseId !== pkg.caseId) {
            return refuse('UNKNOWN_SHARE', `${me} received no share ${pkg.shareId} from ${pkg.sender}`);
          }
          messageId = held.messageId;
        } else {
          const sent = await o.store.outgoing(pkg.shareId);
          if (sent === undefined || sent.recipient !== pkg.sender || sent.caseId !== pkg.caseId) {
            return refuse('UNKNOWN_SHARE', `${me} sent no share ${pkg.shareId} to ${pkg.sender}`);
          }
          messageId = sent.messageId;
          if (pkg.kind === 'OUTCOME' && sent.kind === 'REVOKE') {
            return refuse('SHARE_REVOKED', `share ${pkg.shareId} was revoked; its outcome is not a label`);
          }
        }
        if (pkg.kind === 'RECEIPT') {
          status = pkg.receipt.status;
          detail = pkg.receipt.reason ?? '';
          await o.audit.append({
            actor: RECEIVER_ACTOR,
            agency: me,
            action: 'sharing.receipt.received',
            caseId: messageId,
            details: {
              shareId: pkg.shareId,
              from: pkg.sender,
              forKind: pkg.receipt.forKind,
              version: pkg.version,
              status,
              reason: detail,
              bundleId,
            },
          });
        } else {
          status = pkg.outcome.disposition;
          await o.store.recordOutcome({
            messageId,
            shareId: pkg.shareId,
            fromAgency: pkg.sender,
            version: pkg.version,
            disposition: pkg.outcome.disposition,
            positive: pkg.outcome.disposition === 'SEIZED',
            decidedAt: new Date(pkg.outcome.decidedAt),
            receivedAt: now,
            envelopeJson,
          });
          await o.audit.append({
            actor: RECEIVER_ACTOR,
            agency: me,
            action: 'sharing.outcome.received',
            caseId: messageId,
            details: {
              shareId: pkg.shareId,
              from: pkg.sender,
              version: pkg.version,
              disposition: status,
              decidedAt: pkg.outcome.decidedAt,
              bundleId,
            },
          });
          replies.push(
            await reply(pkg, agreement, bundleSha256, bundleId, 'ACCEPTED', undefined, origin.reply, now),
          );
        }
        break;
      }
    }
    // Last: this row marks the package as processed (a re-delivery finds it and stops above).
    await o.store.recordMessage({
      at: now,
      direction: 'IN',
      kind: pkg.kind,
      shareId: pkg.shareId,
      caseId: pkg.caseId,
      messageId,
      sender: pkg.sender,
      recipient: me,
      version: pkg.version,
      tlp: pkg.terms.tlp,
      keyId: envelope.signature.keyId,
      bundleId,
      bundleSha256,
      status,
      detail,
      actor: RECEIVER_ACTOR,
      channel: origin.channel,
      envelopeJson,
    });
    return { status: 'accepted', kind: pkg.kind, shareId: pkg.shareId, replies };
  }

  /** Kafka handler: retriable failures (ClickHouse, Kafka down) are retried until they pass or we stop. */
  async function handleMessage(
    value: Buffer,
    origin: InboundOrigin,
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    for (let backoff = 200; ; backoff = Math.min(backoff * 2, 5000)) {
      try {
        await receive(value, { ...origin, reply: 'kafka' });
        return true;
      } catch (err) {
        if (o.stopping()) return false;
        if (!isRetriable(err)) {
          o.log.error(
            { err, source: origin.source },
            'partner package could not be processed; stored for replay, operator must act',
          );
          await o.store
            .recordRejection({
              receivedAt: o.clock(),
              channel: origin.channel,
              source: origin.source,
              reason: 'PROCESSING_FAILED',
              detail: String((err as Error).message ?? err).slice(0, 4000),
              authenticated: false,
              claimedSender: '',
              claimedKind: '',
              claimedCaseId: '',
              claimedVersion: 0,
              keyId: '',
              raw: value,
            })
            .catch((storeErr: unknown) =>
              o.log.error({ err: storeErr }, 'could not store the failed package'),
            );
          return true;
        }
        o.log.warn(
          { err, source: origin.source, backoffMs: backoff },
          'partner package not stored yet; retrying',
        );
        await sleep(backoff);
        await heartbeat().catch(() => undefined);
      }
    }
  }

  return { receive, handleMessage };
}
