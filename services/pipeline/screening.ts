// Reads: the outcome of screenMessage and the scorer's decision. Writes: decisions that say how much
// was screened (CONTRACT.md §2 `screening`). Guarantees: a PARTIAL decision is at least YELLOW and
// names what the schema refused; an UNSCREENED decision is RED with "could not be screened: …";
// the UNSCREENED id of a message is a hash of its key and bytes, so a re-delivery or a re-publication
// of the same bytes replaces its row, and a replayed fix can name the row it supersedes.
import { createHash } from 'node:crypto';
import type { Decision, RuleHit } from '../../schemas/decision.ts';
import type { DocumentType } from '../../schemas/report.ts';
import type { KafkaOrigin } from '../storage/decision-rows.ts';
import { DEAD_LETTER_REASONS, type DeadLetterReason } from './decode.ts';

export const PARTIAL_RULE_ID = 'screening-partial';
export const UNSCREENED_RULE_ID = 'screening-unscreened';
export const SUPERSEDED_RULE_ID = 'screening-superseded';
/** Kafka headers a replayed message carries to name the UNSCREENED row it replaces. */
export const SUPERSEDES_HEADER = 'supersedes';
export const SUPERSEDES_FILED_AT_HEADER = 'supersedes-filed-at';
/** The DLQ copy keeps its source message's timestamp, so a replay can rebuild the row's partition. */
export const SOURCE_TIMESTAMP_HEADER = 'dlq-source-timestamp';

/** The decision of a readable report that broke a limit or a field: at least YELLOW, reasons attached. */
export function markPartial(decision: Decision, detail: string): Decision {
  const lane = decision.lane === 'GREEN' ? 'YELLOW' : decision.lane;
  const hit: RuleHit = {
    ruleId: PARTIAL_RULE_ID,
    weight: 0,
    explanation: `Screened on what was readable; the report breaks the v1 schema: ${detail}`,
    goodsLine: null,
  };
  return { ...decision, lane, flagged: true, ruleHits: [...decision.ruleHits, hit], screening: 'PARTIAL' };
}

export const UNSCREENED_ID = /^unscreened:[0-9a-f]{32}$/;

/** The messageId of the UNSCREENED decision of a message: its key and bytes, hashed. */
export function unscreenedMessageId(key: Buffer | string | null, value: Buffer | null): string {
  const h = createHash('sha256');
  h.update(key ?? '');
  h.update('\u0000');
  h.update(value ?? Buffer.alloc(0));
  return `unscreened:${h.digest('hex').slice(0, 32)}`;
}

export interface UnscreenedInput {
  messageId: string;
  origin: KafkaOrigin;
  consignmentId: string;
  documentType: DocumentType;
  reason: DeadLetterReason | string;
  detail: string;
  scoredAt: Date;
  versions: { modelVersion: string; rulesVersion: string };
}

/** The RED decision that puts an unreadable message with a known consignment in front of an officer. */
export function unscreenedDecision(u: UnscreenedInput): Decision {
  const why = DEAD_LETTER_REASONS[u.reason as DeadLetterReason] ?? u.reason;
  return {
    messageId: u.messageId,
    consignmentId: u.consignmentId,
    documentType: u.documentType,
    scoredAt: u.scoredAt.toISOString(),
    riskScore: 1,
    lane: 'RED',
    flagged: true,
    ruleHits: [
      {
        ruleId: UNSCREENED_RULE_ID,
        weight: 1,
        explanation: `could not be screened: ${why} (${u.reason}: ${u.detail.slice(0, 500)}); its bytes are in the dead-letter topic (source ${u.origin.topic}/${u.origin.partition}/${u.origin.offset})`,
        goodsLine: null,
      },
    ],
    modelScore: 0,
    modelVersion: u.versions.modelVersion,
    rulesVersion: u.versions.rulesVersion,
    substances: [],
    topFeatures: [],
    screening: 'UNSCREENED',
  };
}

/** The copy of an UNSCREENED row once a replayed fix was scored: GREEN and unflagged, so no queue shows it. */
export function supersededDecision(
  unscreenedId: string,
  byMessageId: string,
  consignmentId: string,
  documentType: DocumentType,
  scoredAt: Date,
  versions: { modelVersion: string; rulesVersion: string },
): Decision {
  return {
    messageId: unscreenedId,
    consignmentId,
    documentType,
    scoredAt: scoredAt.toISOString(),
    riskScore: 0,
    lane: 'GREEN',
    flagged: false,
    ruleHits: [
      {
        ruleId: SUPERSEDED_RULE_ID,
        weight: 0,
        explanation: `superseded by message ${byMessageId}, replayed after a fix and screened`,
        goodsLine: null,
      },
    ],
    modelScore: 0,
    modelVersion: versions.modelVersion,
    rulesVersion: versions.rulesVersion,
    substances: [],
    topFeatures: [],
    screening: 'UNSCREENED',
  };
}

/** A document type read from the bytes when they say it plainly; MANIFEST otherwise (documented). */
export function guessDocumentType(known: DocumentType | undefined, bytes: Buffer | null): DocumentType {
  if (known) return known;
  const text = bytes?.subarray(0, 64 * 1024).toString('latin1') ?? '';
  return /"documentType"\s*:\s*"DECLARATION"/.test(text) ? 'DECLARATION' : 'MANIFEST';
}
