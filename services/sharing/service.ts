// Partner case sharing, both directions, for one agency: what its liaison officers send (chosen
// cases redacted to the agreement, updates, revocations; outcomes of cases partners sent here) and
// what arrives from partners (receiver.ts). Reads: decisions and the sharing tables. Writes: through
// the outbox (outbox.ts) and the receiver. Guarantees: an officer can preview exactly the fields
// that will leave, and refuse to send if they changed since; nothing leaves unaudited or unvalidated.
import type { Logger } from '../common/logger.ts';
import type { ClickHouseClient } from '../storage/clickhouse.ts';
import type { Agreement, AgreementSet } from './agreements.ts';
import { type AuditSink, RECEIVER_ACTOR } from './audit.ts';
import { type JsonObject, type RedactedCase, redactDecision } from './case-fields.ts';
import type { Envelope } from './envelope.ts';
import { SharingError } from './errors.ts';
import { caseIdFor, shareIdFor } from './ids.ts';
import { type Channel, createOutbox, identityOf, type SentPackage, termsOf } from './outbox.ts';
import { createReceiver, type InboundResult } from './receiver.ts';
import { canonicalJson, type SigningKey, sha256Hex } from './signing.ts';
import {
  buildBundle,
  freshIds,
  noteCount,
  type OutcomeDisposition,
  type PackageIds,
  type PackageTerms,
  type SharingPackage,
  type StixBundle,
} from './stix-package.ts';
import { parseBundle, readBundle } from './stix-parse.ts';
import { createStixValidator, type StixValidator } from './stix-validate.ts';
import { createSharingStore, type ShareSummary, type SharingStore } from './store.ts';
import { atLeastAsStrict, type Tlp } from './tlp.ts';
import {
  createKafkaTransport,
  type InboundOrigin,
  type KafkaTransport,
  readEnvelopeFile,
  type SharingKafkaOptions,
  writeEnvelopeFile,
} from './transport.ts';
import type { TrustStore } from './trust-store.ts';

export type { Channel, InboundResult, SentPackage };

export interface SharingServiceOptions {
  agencyId: string;
  clickhouse: ClickHouseClient;
  database: string;
  kafka: SharingKafkaOptions;
  audit: AuditSink;
  agreements: AgreementSet;
  trustStore: TrustStore;
  signingKey: SigningKey;
  logger: Logger;
  /** Default: the OASIS schemas at DEFAULT_STIX_SCHEMAS_DIR (loaded once, ~1 s). */
  validator?: StixValidator;
  clock?: () => Date;
}

export interface SharePreview {
  messageId: string;
  caseId: string;
  shareId: string;
  partner: string;
  agreementId: string;
  tlp: Tlp;
  terms: PackageTerms;
  /** Exactly the fields that will leave. */
  case: JsonObject;
  withheld: string[];
  pseudonymised: string[];
  /** Pass back to share() to refuse sending if the content changed since this preview. */
  contentSha256: string;
  /** The bundle as it would be signed now (timestamps are set again when it is sent). */
  bundle: StixBundle;
}

/** A partner this agency has an agreement with, and the default terms a share to it carries. */
export interface PartnerInfo {
  agency: string;
  name: string;
  agreementId: string;
  title: string;
  terms: PackageTerms;
}

export interface SharingService {
  readonly agencyId: string;
  /** Partners with an agreement, for the liaison officer's choice. */
  partners(): PartnerInfo[];
  readonly keyId: string;
  readonly inboundTopic: string;
  /** What would leave; audited (`sharing.preview`) as `actor`, one entry per case. */
  previewShare(
    messageIds: readonly string[],
    partner: string,
    opts: { actor: string; tlp?: Tlp },
  ): Promise<SharePreview[]>;
  share(
    messageIds: readonly string[],
    partner: string,
    opts: { actor: string; tlp?: Tlp; channel?: Channel; expectedContent?: Readonly<Record<string, string>> },
  ): Promise<SentPackage[]>;
  update(shareId: string, opts: { actor: string; tlp?: Tlp; channel?: Channel }): Promise<SentPackage>;
  revoke(shareId: string, opts: { actor: string; reason: string; channel?: Channel }): Promise<SentPackage>;
  recordOutcome(opts: {
    shareId: string;
    disposition: OutcomeDisposition;
    actor: string;
    decidedAt?: Date;
    channel?: Channel;
  }): Promise<SentPackage>;
  listShares(): Promise<ShareSummary[]>;
  /** One inbound envelope (Kafka message value or file bytes). `reply`: how receipts travel. */
  receive(bytes: Buffer, origin: InboundOrigin & { reply: Channel }): Promise<InboundResult>;
  importFile(path: string, opts?: { reply?: Channel }): Promise<InboundResult>;
  exportFile(envelope: Envelope, path: string): Promise<void>;
  /** Deletes received cases past their retention; returns their share ids. Run daily. */
  purgeExpired(): Promise<string[]>;
  startReceiver(): Promise<void>;
  stop(): Promise<void>;
}

function contentHash(r: RedactedCase, tlp: Tlp): string {
  return sha256Hex(canonicalJson({ case: r.case, pseudonymised: r.pseudonymised, tlp }));
}

export function createSharingService(opts: SharingServiceOptions): SharingService {
  const me = opts.agencyId;
  const log = opts.logger.child({ component: 'sharing' });
  const clock = opts.clock ?? (() => new Date());
  const validator = opts.validator ?? createStixValidator();
  const store: SharingStore = createSharingStore(opts.clickhouse, opts.database, opts.agencyId);
  const transport: KafkaTransport = createKafkaTransport(me, opts.kafka, log);
  const outbox = createOutbox({
    me,
    signingKey: opts.signingKey,
    validator,
    audit: opts.audit,
    transport,
    store,
    log,
  });
  const { dispatch } = outbox;
  let stopping = false;
  const { receive, handleMessage } = createReceiver({
    me,
    trustStore: opts.trustStore,
    agreements: opts.agreements,
    validator,
    audit: opts.audit,
    store,
    outbox,
    clock,
    log,
    stopping: () => stopping,
  });

  function agreementWith(partner: string): Agreement {
    const a = opts.agreements.forPartner(partner);
    if (a === undefined)
      throw new SharingError('NO_AGREEMENT', `${me} has no sharing agreement with ${partner}`);
    return a;
  }

  function chooseTlp(a: Agreement, requested: Tlp | undefined, current?: Tlp): Tlp {
    const tlp = requested ?? current ?? a.tlp;
    if (!atLeastAsStrict(tlp, a.tlp)) {
      throw new SharingError('TLP_TOO_LOOSE', `TLP:${tlp} is looser than TLP:${a.tlp} agreed in ${a.id}`);
    }
    return tlp;
  }

  /**
   * The given cases and the other documents of their consignments (a case is a consignment: its
   * manifest, declaration and amendments leave together), redacted. Only a given id may be missing.
   */
  async function redactedCases(
    ids: readonly string[],
    a: Agreement,
    withSiblings = true,
  ): Promise<{ cases: Map<string, RedactedCase>; siblings: Set<string> }> {
    const requested = [...new Set(ids)];
    if (requested.length === 0) throw new SharingError('CASE_NOT_FOUND', 'no case given');
    const siblings = new Set(withSiblings ? await store.consignmentSiblings(requested) : []);
    const all = [...requested, ...siblings];
    const cases = await store.loadCases(all);
    const missing = requested.filter((id) => !cases.has(id));
    // A case outside the agency's rule reads as missing: the answer must not reveal that it exists.
    if (missing.length > 0)
      throw new SharingError('CASE_NOT_FOUND', `${me} has no case ${missing.join(', ')}`);
    const secret = opts.agreements.secretFor(a.id);
    return {
      cases: new Map(
        all
          .filter((id) => cases.has(id))
          .map((id) => [id, redactDecision(cases.get(id)!.report, cases.get(id)!.decision, a, secret)]),
      ),
      siblings,
    };
  }

  function casePackage(
    kind: 'CASE' | 'UPDATE',
    messageId: string,
    partner: string,
    a: Agreement,
    tlp: Tlp,
    r: RedactedCase,
    version: number,
    now: Date,
    firstSharedAt: string,
    previous?: PackageIds,
  ): SharingPackage {
    return {
      ids: freshIds(kind, { notes: noteCount(r.case), ...(previous === undefined ? {} : { previous }) }),
      kind,
      shareId: shareIdFor(me, partner, messageId),
      caseId: caseIdFor(me, messageId),
      version,
      sender: me,
      recipient: partner,
      issuedAt: now.toISOString(),
      firstSharedAt,
      terms: termsOf(a, tlp),
      senderIdentity: identityOf(a, me),
      case: r.case,
      pseudonymised: r.pseudonymised,
    };
  }

  async function liveOutgoing(shareId: string) {
    const prev = await store.outgoing(shareId);
    if (prev === undefined) throw new SharingError('SHARE_NOT_FOUND', `${me} sent no share ${shareId}`);
    if (prev.kind === 'REVOKE') throw new SharingError('SHARE_REVOKED', `share ${shareId} was revoked`);
    const first = parseBundle((JSON.parse(prev.envelopeJson) as Envelope).bundle);
    if (first.kind !== 'CASE' && first.kind !== 'UPDATE')
      throw new Error(`share ${shareId}: unexpected ${first.kind}`);
    return { prev, firstSharedAt: first.firstSharedAt, ids: first.ids };
  }

  return {
    agencyId: me,
    partners() {
      return opts.agreements.all
        .filter((a) => me in a.parties)
        .flatMap((a) =>
          Object.keys(a.parties)
            .filter((p) => p !== me)
            .map((p) => ({
              agency: p,
              name: a.parties[p]!.name,
              agreementId: a.id,
              title: a.title,
              terms: termsOf(a, a.tlp),
            })),
        );
    },
    keyId: opts.signingKey.keyId,
    inboundTopic: transport.inboundTopic,

    async previewShare(messageIds, partner, o) {
      const a = agreementWith(partner);
      const tlp = chooseTlp(a, o.tlp);
      let redacted: Map<string, RedactedCase>;
      try {
        redacted = (await redactedCases(messageIds, a)).cases;
      } catch (err) {
        await opts.audit.append({
          actor: o.actor,
          agency: me,
          action: 'sharing.preview.denied',
          details: {
            partner,
            messageIds: [...messageIds],
            reason: err instanceof SharingError ? err.code : 'error',
          },
        });
        throw err;
      }
      for (const [messageId, r] of redacted) {
        await opts.audit.append({
          actor: o.actor,
          agency: me,
          action: 'sharing.preview',
          caseId: messageId,
          details: { partner, tlp, withheld: r.withheld, pseudonymised: r.pseudonymised },
        });
      }
      const now = clock();
      return [...redacted].map(([messageId, r]) => {
        const pkg = casePackage('CASE', messageId, partner, a, tlp, r, 1, now, now.toISOString());
        return {
          messageId,
          caseId: pkg.caseId,
          shareId: pkg.shareId,
          partner,
          agreementId: a.id,
          tlp,
          terms: pkg.terms,
          case: r.case,
          withheld: r.withheld,
          pseudonymised: r.pseudonymised,
          contentSha256: contentHash(r, tlp),
          bundle: buildBundle(pkg),
        };
      });
    },

    async share(messageIds, partner, o) {
      const a = agreementWith(partner);
      const tlp = chooseTlp(a, o.tlp);
      const { cases: redacted, siblings } = await redactedCases(messageIds, a);
      const plans: Array<{ messageId: string; r: RedactedCase; version: number }> = [];
      for (const [messageId, r] of redacted) {
        const shareId = shareIdFor(me, partner, messageId);
        const prev = await store.outgoing(shareId);
        // Another document of the consignment already shared stays as it is (update it on its own).
        if (prev !== undefined && siblings.has(messageId)) continue;
        if (prev?.kind === 'REVOKE')
          throw new SharingError('SHARE_REVOKED', `share ${shareId} of ${messageId} was revoked`);
        if (prev !== undefined) {
          throw new SharingError(
            'ALREADY_SHARED',
            `${messageId} is already shared with ${partner} (share ${shareId})`,
          );
        }
        const expected = o.expectedContent?.[messageId];
        if (expected !== undefined && expected !== contentHash(r, tlp)) {
          throw new SharingError(
            'CONTENT_CHANGED',
            `${messageId}: what would leave differs from the preview`,
          );
        }
        plans.push({ messageId, r, version: 1 });
      }
      const sent: SentPackage[] = [];
      for (const { messageId, r, version } of plans) {
        const now = clock();
        const pkg = casePackage('CASE', messageId, partner, a, tlp, r, version, now, now.toISOString());
        sent.push(
          await dispatch(pkg, {
            actor: o.actor,
            action: 'sharing.share',
            channel: o.channel ?? 'kafka',
            messageId,
            details: { withheld: r.withheld, pseudonymised: r.pseudonymised },
          }),
        );
      }
      return sent;
    },

    async update(shareId, o) {
      const { prev, firstSharedAt, ids } = await liveOutgoing(shareId);
      const a = agreementWith(prev.recipient);
      const tlp = chooseTlp(a, o.tlp, prev.tlp as Tlp);
      const r = (await redactedCases([prev.messageId], a, false)).cases.get(prev.messageId)!;
      const pkg = casePackage(
        'UPDATE',
        prev.messageId,
        prev.recipient,
        a,
        tlp,
        r,
        prev.version + 1,
        clock(),
        firstSharedAt,
        ids,
      );
      return dispatch(pkg, {
        actor: o.actor,
        action: 'sharing.update',
        channel: o.channel ?? 'kafka',
        messageId: prev.messageId,
        details: { withheld: r.withheld, pseudonymised: r.pseudonymised },
      });
    },

    async revoke(shareId, o) {
      const { prev, firstSharedAt, ids } = await liveOutgoing(shareId);
      const a = agreementWith(prev.recipient);
      const pkg: SharingPackage = {
        ids: freshIds('REVOKE', { previous: ids }),
        kind: 'REVOKE',
        shareId,
        caseId: prev.caseId,
        version: prev.version + 1,
        sender: me,
        recipient: prev.recipient,
        issuedAt: clock().toISOString(),
        firstSharedAt,
        terms: termsOf(a, chooseTlp(a, undefined, prev.tlp as Tlp)),
        senderIdentity: identityOf(a, me),
        reason: o.reason,
      };
      return dispatch(pkg, {
        actor: o.actor,
        action: 'sharing.revoke',
        channel: o.channel ?? 'kafka',
        messageId: prev.messageId,
        details: { reason: o.reason },
      });
    },

    async recordOutcome(o) {
      const held = await store.received(o.shareId);
      if (held === undefined)
        throw new SharingError('SHARE_NOT_FOUND', `${me} received no share ${o.shareId}`);
      if (held.revoked || held.kind === 'REVOKE')
        throw new SharingError(
          'SHARE_REVOKED',
          `share ${o.shareId} was revoked; no outcome is reported for it`,
        );
      const a = agreementWith(held.fromAgency);
      const now = clock();
      let previous: PackageIds | undefined;
      try {
        const read = readBundle((JSON.parse(held.envelopeJson) as Envelope).bundle);
        // Plain STIX (no package of ours): the outcome refers to the partner's report, if it sent one.
        const report = read.objects.find((x) => x.type === 'report');
        previous =
          read.pkg?.ids ??
          (report === undefined
            ? undefined
            : { bundle: '', statement: '', report: String(report.id), notes: [] });
      } catch {
        // The held copy was verified on receipt; without it the outcome refers to our identity only.
      }
      const pkg: SharingPackage = {
        ids: freshIds('OUTCOME', previous === undefined ? {} : { previous }),
        kind: 'OUTCOME',
        shareId: held.shareId,
        caseId: held.caseId,
        version: (await store.lastOutcomeSent(held.shareId)) + 1,
        sender: me,
        recipient: held.fromAgency,
        issuedAt: now.toISOString(),
        terms: termsOf(a, chooseTlp(a, undefined, held.tlp as Tlp)),
        senderIdentity: identityOf(a, me),
        outcome: { disposition: o.disposition, decidedAt: (o.decidedAt ?? now).toISOString() },
      };
      return dispatch(pkg, {
        actor: o.actor,
        action: 'sharing.outcome.sent',
        channel: o.channel ?? 'kafka',
        messageId: held.messageId,
        details: { disposition: o.disposition },
      });
    },

    listShares: () => store.listShares(),
    receive,

    async importFile(path, o) {
      return receive(await readEnvelopeFile(path), {
        channel: 'file',
        source: path,
        reply: o?.reply ?? 'file',
      });
    },

    exportFile: writeEnvelopeFile,

    async purgeExpired() {
      const expired = await store.expiredShares(clock());
      if (expired.length === 0) return [];
      await store.eraseReceived(expired);
      await opts.audit.append({
        actor: RECEIVER_ACTOR,
        agency: me,
        action: 'sharing.purged',
        details: { shareIds: expired },
      });
      return expired;
    },

    async startReceiver() {
      stopping = false;
      await transport.start(handleMessage);
    },

    async stop() {
      stopping = true;
      await transport.stop();
    },
  };
}
