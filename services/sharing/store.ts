// ClickHouse side of sharing (tables of 003_sharing.sql, and case_shares of 002). Reads: decisions,
// sharing_messages, received_cases, partner_outcomes. Writes: those, case_shares, rejected_packages.
// Guarantees: a case is read only under the agency's visibility rule (services/review/visibility.ts);
// every value reaches SQL through services/storage/sql.ts; reads are correct whether or
// not background merges have run (FINAL or argMax), on 18.16 and on current ClickHouse.
import { type Decision, decisionSchema } from '../../schemas/decision.ts';
import { type Report, reportSchema } from '../../schemas/report.ts';
import { visibleTo } from '../review/visibility.ts';
import { type ClickHouseClient, insertRows, queryRows, wrapClickHouseError } from '../storage/clickhouse.ts';
import { fillReportBodies } from '../storage/reports.ts';
import { formatDateTime, identifier, inList, type SqlFragment, sql } from '../storage/sql.ts';
import type { OutcomeDisposition, PackageKind } from './stix-package.ts';

export interface MessageRow {
  at: Date;
  direction: 'OUT' | 'IN';
  kind: PackageKind;
  shareId: string;
  caseId: string;
  messageId: string;
  sender: string;
  recipient: string;
  version: number;
  tlp: string;
  keyId: string;
  bundleId: string;
  bundleSha256: string;
  /** A receipt's ACCEPTED/REJECTED, or an outcome's disposition. */
  status: string;
  detail: string;
  actor: string;
  channel: 'kafka' | 'file';
  envelopeJson: string;
}

export interface CaseShareRow {
  shareId: string;
  messageId: string;
  fromAgency: string;
  toAgency: string;
  sharedAt: Date;
  revoked: boolean;
  packageJson: string;
  tlp: string;
}

export interface ReceivedCaseRow {
  shareId: string;
  caseId: string;
  messageId: string;
  fromAgency: string;
  version: number;
  kind: 'CASE' | 'UPDATE' | 'REVOKE';
  revoked: boolean;
  tlp: string;
  agreementId: string;
  retentionDays: number;
  onwardSharing: boolean;
  issuedAt: Date;
  receivedAt: Date;
  expiresAt: Date;
  keyId: string;
  bundleId: string;
  bundleSha256: string;
  caseJson: string;
  envelopeJson: string;
}

export interface PartnerOutcomeRow {
  messageId: string;
  shareId: string;
  fromAgency: string;
  version: number;
  disposition: OutcomeDisposition;
  positive: boolean;
  decidedAt: Date;
  receivedAt: Date;
  envelopeJson: string;
}

export interface RejectionRow {
  receivedAt: Date;
  channel: string;
  source: string;
  reason: string;
  detail: string;
  authenticated: boolean;
  claimedSender: string;
  claimedKind: string;
  claimedCaseId: string;
  claimedVersion: number;
  keyId: string;
  raw: Buffer;
}

/** The latest state of a share this agency sent. */
export interface OutgoingState {
  shareId: string;
  kind: PackageKind;
  version: number;
  caseId: string;
  messageId: string;
  recipient: string;
  tlp: string;
  envelopeJson: string;
}

export interface ShareSummary {
  shareId: string;
  direction: 'OUT' | 'IN';
  caseId: string;
  messageId: string;
  /** The consignment, for people (OUT: from decisions; IN: from the received case); '' if unknown. */
  consignmentId: string;
  partner: string;
  version: number;
  revoked: boolean;
  tlp: string;
  firstAt: string;
  lastAt: string;
  /** OUT: the partner's latest receipt. IN: the originator's receipt of this agency's latest outcome. */
  receipt?: { version: number; status: string };
  /** OUT: the partner's latest outcome. IN: the outcome this agency sent. */
  outcome?: { disposition: string; version: number };
  /** IN: when retention ends. */
  expiresAt?: string;
}

const dt = (d: Date) => formatDateTime(d);
const bit = (b: boolean) => (b ? 1 : 0);
/** ClickHouse 'YYYY-MM-DD hh:mm:ss' (UTC) back to ISO. */
const iso = (s: string) => `${s.replace(' ', 'T')}Z`;

export interface SharingStore {
  /** The decisions among `messageIds` that `agency` may read (visibility.ts); the rest are absent. */
  loadCases(messageIds: readonly string[]): Promise<Map<string, { report: Report; decision: Decision }>>;
  /** The other readable, screened documents of these cases' consignments (a case is a consignment). */
  consignmentSiblings(messageIds: readonly string[]): Promise<string[]>;
  outgoing(shareId: string): Promise<OutgoingState | undefined>;
  received(shareId: string): Promise<ReceivedCaseRow | undefined>;
  /** Whether this exact inbound package was already stored (a re-delivery). */
  seenInbound(bundleId: string, bundleSha256: string): Promise<boolean>;
  lastOutcomeSent(shareId: string): Promise<number>;
  recordMessage(row: MessageRow): Promise<void>;
  recordCaseShare(row: CaseShareRow): Promise<void>;
  recordReceived(row: ReceivedCaseRow): Promise<void>;
  recordOutcome(row: PartnerOutcomeRow): Promise<void>;
  recordRejection(row: RejectionRow): Promise<void>;
  /** After a revocation: drop the share's earlier content here and in case_shares. */
  eraseRevokedContent(shareId: string, keepVersion: number): Promise<void>;
  expiredShares(now: Date): Promise<string[]>;
  eraseReceived(shareIds: readonly string[]): Promise<void>;
  listShares(limit?: number): Promise<ShareSummary[]>;
}

export function createSharingStore(client: ClickHouseClient, database: string, agency: string): SharingStore {
  const t = (name: string) => identifier(`${database}.${name}`);
  const table = (name: string) => `${database}.${name}`;
  const command = async (q: SqlFragment, what: string) => {
    try {
      await client.command({ query: q.text });
    } catch (err) {
      throw wrapClickHouseError(err, what);
    }
  };

  return {
    async loadCases(messageIds) {
      const out = new Map<string, { report: Report; decision: Decision }>();
      if (messageIds.length === 0) return out;
      const rows = await fillReportBodies(
        client,
        database,
        await queryRows<{ messageId: string; consignmentId: string; record: string; report: string }>(
          client,
          sql`SELECT messageId, consignmentId, record, report FROM ${t('decisions')}
            WHERE messageId IN (${inList(messageIds)}) AND ${visibleTo(database, agency)}`.text,
        ),
      );
      for (const r of rows) {
        out.set(r.messageId, {
          report: reportSchema.parse(JSON.parse(r.report)),
          decision: decisionSchema.parse(JSON.parse(r.record)),
        });
      }
      return out;
    },

    async consignmentSiblings(messageIds) {
      if (messageIds.length === 0) return [];
      const d = t('decisions');
      const rows = await queryRows<{ messageId: string }>(
        client,
        sql`SELECT messageId FROM ${d}
          WHERE consignmentId IN (SELECT consignmentId FROM ${d} WHERE messageId IN (${inList(messageIds)}) AND consignmentId != '')
            AND messageId NOT IN (${inList(messageIds)}) AND screening != 'UNSCREENED'
            AND ${visibleTo(database, agency)}
          ORDER BY filedAt, messageId`.text,
      );
      return rows.map((r) => r.messageId);
    },

    async outgoing(shareId) {
      const rows = await queryRows<Omit<OutgoingState, 'version'> & { version: number | string }>(
        client,
        sql`SELECT shareId, kind, version, caseId, messageId, recipient, tlp, envelopeJson
            FROM ${t('sharing_messages')} FINAL
            WHERE shareId = ${shareId} AND direction = 'OUT' AND kind IN ('CASE', 'UPDATE', 'REVOKE')
            ORDER BY version DESC LIMIT 1`.text,
      );
      const r = rows[0];
      return r === undefined ? undefined : { ...r, version: Number(r.version) };
    },

    async received(shareId) {
      const rows = await queryRows<Record<string, string | number>>(
        client,
        sql`SELECT * FROM ${t('received_cases')} FINAL WHERE shareId = ${shareId} ORDER BY version DESC LIMIT 1`
          .text,
      );
      const r = rows[0];
      if (r === undefined) return undefined;
      return {
        shareId: String(r.shareId),
        caseId: String(r.caseId),
        messageId: String(r.messageId),
        fromAgency: String(r.fromAgency),
        version: Number(r.version),
        kind: String(r.kind) as ReceivedCaseRow['kind'],
        revoked: Number(r.revoked) === 1,
        tlp: String(r.tlp),
        agreementId: String(r.agreementId),
        retentionDays: Number(r.retentionDays),
        onwardSharing: Number(r.onwardSharing) === 1,
        issuedAt: new Date(iso(String(r.issuedAt))),
        receivedAt: new Date(iso(String(r.receivedAt))),
        expiresAt: new Date(iso(String(r.expiresAt))),
        keyId: String(r.keyId),
        bundleId: String(r.bundleId),
        bundleSha256: String(r.bundleSha256),
        caseJson: String(r.caseJson),
        envelopeJson: String(r.envelopeJson),
      };
    },

    async seenInbound(bundleId, bundleSha256) {
      const rows = await queryRows<{ n: string | number }>(
        client,
        sql`SELECT count() AS n FROM ${t('sharing_messages')}
            WHERE direction = 'IN' AND bundleId = ${bundleId} AND bundleSha256 = ${bundleSha256}`.text,
      );
      return Number(rows[0]?.n ?? 0) > 0;
    },

    async lastOutcomeSent(shareId) {
      const rows = await queryRows<{ v: string | number }>(
        client,
        sql`SELECT max(version) AS v FROM ${t('sharing_messages')}
            WHERE shareId = ${shareId} AND direction = 'OUT' AND kind = 'OUTCOME'`.text,
      );
      return Number(rows[0]?.v ?? 0);
    },

    async recordMessage(r) {
      await insertRows(client, table('sharing_messages'), [{ ...r, at: dt(r.at) }]);
    },

    async recordCaseShare(r) {
      await insertRows(client, table('case_shares'), [
        { ...r, sharedAt: dt(r.sharedAt), revoked: bit(r.revoked) },
      ]);
    },

    async recordReceived(r) {
      await insertRows(client, table('received_cases'), [
        {
          ...r,
          revoked: bit(r.revoked),
          onwardSharing: bit(r.onwardSharing),
          issuedAt: dt(r.issuedAt),
          receivedAt: dt(r.receivedAt),
          expiresAt: dt(r.expiresAt),
        },
      ]);
    },

    async recordOutcome(r) {
      await insertRows(client, table('partner_outcomes'), [
        { ...r, positive: bit(r.positive), decidedAt: dt(r.decidedAt), receivedAt: dt(r.receivedAt) },
      ]);
    },

    async recordRejection(r) {
      const { raw, ...rest } = r;
      await insertRows(client, table('rejected_packages'), [
        {
          ...rest,
          receivedAt: dt(r.receivedAt),
          authenticated: bit(r.authenticated),
          sizeBytes: raw.length,
          rawBase64: raw.toString('base64'),
        },
      ]);
    },

    async eraseRevokedContent(shareId, keepVersion) {
      await command(
        sql`ALTER TABLE ${t('received_cases')} DELETE WHERE shareId = ${shareId} AND version < ${keepVersion}`,
        'erase revoked case',
      );
      await command(
        sql`ALTER TABLE ${t('case_shares')} DELETE WHERE shareId = ${shareId} AND revoked = 0`,
        'erase revoked share',
      );
    },

    async expiredShares(now) {
      const rows = await queryRows<{ shareId: string }>(
        client,
        sql`SELECT shareId FROM ${t('received_cases')} FINAL WHERE expiresAt < ${now}`.text,
      );
      return rows.map((r) => r.shareId);
    },

    async eraseReceived(shareIds) {
      if (shareIds.length === 0) return;
      const ids = inList(shareIds);
      await command(
        sql`ALTER TABLE ${t('received_cases')} DELETE WHERE shareId IN (${ids})`,
        'erase expired cases',
      );
      await command(
        sql`ALTER TABLE ${t('case_shares')} DELETE WHERE shareId IN (${ids})`,
        'erase expired shares',
      );
    },

    async listShares(limit = 500) {
      type Out = {
        shareId: string;
        lastCaseId: string;
        lastMessageId: string;
        partner: string;
        lastVersion: string | number;
        lastKind: string;
        lastTlp: string;
        firstAt: string;
        lastAt: string;
      };
      type Latest = { shareId: string; lastVersion: string | number; lastStatus: string };
      const [outgoing, receipts, outcomes, incoming, sentOutcomes] = await Promise.all([
        queryRows<Out>(
          client,
          sql`SELECT shareId, argMax(caseId, version) AS lastCaseId, argMax(messageId, version) AS lastMessageId,
                     argMax(recipient, version) AS partner, max(version) AS lastVersion,
                     argMax(toString(kind), version) AS lastKind, argMax(tlp, version) AS lastTlp,
                     min(at) AS firstAt, max(at) AS lastAt
              FROM ${t('sharing_messages')} FINAL
              WHERE direction = 'OUT' AND kind IN ('CASE', 'UPDATE', 'REVOKE')
              GROUP BY shareId ORDER BY lastAt DESC LIMIT ${limit}`.text,
        ),
        queryRows<Latest>(
          client,
          sql`SELECT shareId, max(version) AS lastVersion, argMax(status, version) AS lastStatus
              FROM ${t('sharing_messages')} FINAL
              WHERE direction = 'IN' AND kind = 'RECEIPT' GROUP BY shareId`.text,
        ),
        queryRows<{ shareId: string; disposition: string; version: string | number }>(
          client,
          sql`SELECT shareId, toString(disposition) AS disposition, version FROM ${t('partner_outcomes')} FINAL`
            .text,
        ),
        queryRows<{
          shareId: string;
          caseId: string;
          messageId: string;
          fromAgency: string;
          version: string | number;
          revoked: string | number;
          tlp: string;
          receivedAt: string;
          expiresAt: string;
          issuedAt: string;
          caseJson: string;
        }>(
          client,
          sql`SELECT shareId, caseId, messageId, fromAgency, version, revoked, tlp, receivedAt, expiresAt, issuedAt, caseJson
              FROM ${t('received_cases')} FINAL ORDER BY receivedAt DESC LIMIT ${limit}`.text,
        ),
        queryRows<Latest>(
          client,
          sql`SELECT shareId, max(version) AS lastVersion, argMax(status, version) AS lastStatus
              FROM ${t('sharing_messages')} FINAL
              WHERE direction = 'OUT' AND kind = 'OUTCOME' GROUP BY shareId`.text,
        ),
      ]);
      const outIds = [...new Set(outgoing.map((r) => r.lastMessageId))];
      const consignments =
        outIds.length === 0
          ? []
          : await queryRows<{ messageId: string; consignmentId: string }>(
              client,
              sql`SELECT messageId, any(consignmentId) AS consignmentId FROM ${t('decisions_raw')}
                  PREWHERE messageId IN (${inList(outIds)}) GROUP BY messageId`.text,
            );
      const consignmentBy = new Map(consignments.map((r) => [r.messageId, r.consignmentId]));
      const consignmentOf = (caseJson: string): string => {
        try {
          const id = (JSON.parse(caseJson) as { consignment?: { consignmentId?: unknown } }).consignment
            ?.consignmentId;
          return typeof id === 'string' ? id : '';
        } catch {
          return '';
        }
      };
      const receiptBy = new Map(receipts.map((r) => [r.shareId, r]));
      const outcomeBy = new Map(outcomes.map((r) => [r.shareId, r]));
      const sentBy = new Map(sentOutcomes.map((r) => [r.shareId, r]));
      const out: ShareSummary[] = outgoing.map((r) => {
        const receipt = receiptBy.get(r.shareId);
        const outcome = outcomeBy.get(r.shareId);
        return {
          shareId: r.shareId,
          direction: 'OUT',
          caseId: r.lastCaseId,
          messageId: r.lastMessageId,
          consignmentId: consignmentBy.get(r.lastMessageId) ?? '',
          partner: r.partner,
          version: Number(r.lastVersion),
          revoked: r.lastKind === 'REVOKE',
          tlp: r.lastTlp,
          firstAt: iso(r.firstAt),
          lastAt: iso(r.lastAt),
          ...(receipt === undefined
            ? {}
            : { receipt: { version: Number(receipt.lastVersion), status: receipt.lastStatus } }),
          ...(outcome === undefined
            ? {}
            : { outcome: { disposition: outcome.disposition, version: Number(outcome.version) } }),
        };
      });
      const ins: ShareSummary[] = incoming.map((r) => {
        const sent = sentBy.get(r.shareId);
        const receipt = receiptBy.get(r.shareId);
        return {
          shareId: r.shareId,
          direction: 'IN',
          caseId: r.caseId,
          messageId: r.messageId,
          consignmentId: consignmentOf(r.caseJson),
          partner: r.fromAgency,
          version: Number(r.version),
          revoked: Number(r.revoked) === 1,
          tlp: r.tlp,
          firstAt: iso(r.issuedAt),
          lastAt: iso(r.receivedAt),
          expiresAt: iso(r.expiresAt),
          ...(sent === undefined
            ? {}
            : { outcome: { disposition: sent.lastStatus, version: Number(sent.lastVersion) } }),
          ...(receipt === undefined
            ? {}
            : { receipt: { version: Number(receipt.lastVersion), status: receipt.lastStatus } }),
        };
      });
      return [...out, ...ins];
    },
  };
}
