// What sharing records in the audit trail, and the sink it records through. The sink is the review
// app's hash-chained audit log (services/audit/audit-log.ts, createAuditLog(...).append); sharing
// depends only on this one method, so it can be tested against the real log or a stand-in.
// Guarantees: an outgoing package is audited before it is published (an unaudited package never
// leaves); every receipt, outcome and rejection is audited once it is stored.

export interface AuditEntry {
  actor: string;
  agency: string;
  action: string;
  caseId?: string;
  details?: Record<string, unknown>;
}

export interface AuditSink {
  append(entry: AuditEntry): Promise<{ seq: number; hash: string }>;
}

/** Every action sharing audits (docs/sharing.md lists them). */
export const SHARING_AUDIT_ACTIONS = [
  'sharing.preview',
  'sharing.preview.denied',
  'sharing.share',
  'sharing.update',
  'sharing.revoke',
  'sharing.outcome.sent',
  'sharing.receipt.sent',
  'sharing.delivery.failed',
  'sharing.case.received',
  'sharing.update.received',
  'sharing.revoke.received',
  'sharing.receipt.received',
  'sharing.outcome.received',
  'sharing.rejected',
  'sharing.purged',
] as const;
export type SharingAuditAction = (typeof SHARING_AUDIT_ACTIONS)[number];

/** The actor of what the receiver does on its own: a package arriving is not any officer's act. */
export const RECEIVER_ACTOR = 'system:sharing-receiver';
