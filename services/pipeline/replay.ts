// Reads: the dead-letter topic from its beginning up to its end at the time of the call.
// Writes (only with apply): messages that can now be read, back to their source topic, each naming
// the UNSCREENED row it supersedes (header `supersedes`).
// Guarantees: dry-run by default; the DLQ itself is never changed; a republished report that was
// already stored is deduplicated at read by its messageId, so replaying twice is harmless.
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Logger } from '../common/logger.ts';
import { screenMessage } from './decode.ts';
import { createProducer, headerString } from './kafka.ts';
import {
  SOURCE_TIMESTAMP_HEADER,
  SUPERSEDES_FILED_AT_HEADER,
  SUPERSEDES_HEADER,
  unscreenedMessageId,
} from './screening.ts';

export interface ReplayOptions {
  kafka: Kafka;
  dlqTopic: string;
  /** Where to republish when the DLQ headers do not name a source topic. */
  defaultTopic: string;
  reasons?: readonly string[];
  since?: Date;
  until?: Date;
  apply: boolean;
  /**
   * Corrected bytes by the UNSCREENED case id (`unscreened:<hash>`) of the message they correct.
   * When given, only those dead letters are replayed, with their corrected bytes.
   */
  fixes?: ReadonlyMap<string, Buffer>;
  logger: Logger;
  /** Gives up waiting for the end of the topic after this long. */
  timeoutMs?: number;
}

export interface ReplaySummary {
  scanned: number;
  matched: number;
  nowValid: number;
  stillInvalid: Record<string, number>;
  republished: number;
}

export async function replayDeadLetters(opts: ReplayOptions): Promise<ReplaySummary> {
  const log = opts.logger.child({ component: 'replay' });
  const summary: ReplaySummary = { scanned: 0, matched: 0, nowValid: 0, stillInvalid: {}, republished: 0 };
  const admin = opts.kafka.admin();
  await admin.connect();
  const groupId = `precursor-risk-replay-${randomUUID()}`;
  try {
    const ends = new Map<number, bigint>();
    for (const p of await admin.fetchTopicOffsets(opts.dlqTopic)) {
      if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high));
    }
    if (ends.size === 0) return summary;

    const producer = opts.apply ? createProducer(opts.kafka) : undefined;
    await producer?.connect();
    const consumer = opts.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [opts.dlqTopic], fromBeginning: true });
    const reasons = opts.reasons && opts.reasons.length > 0 ? new Set(opts.reasons) : undefined;

    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const remaining = new Set(ends.keys());
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = ends.get(batch.partition);
        if (end === undefined) return;
        const out: {
          topic: string;
          key: Buffer | null;
          value: Buffer | null;
          headers: Record<string, string>;
        }[] = [];
        for (const m of batch.messages) {
          if (BigInt(m.offset) >= end) break;
          summary.scanned++;
          const reason = headerString(m.headers?.['dlq-reason']) ?? 'UNKNOWN';
          const at = new Date(Number(m.timestamp));
          const inTime = (!opts.since || at >= opts.since) && (!opts.until || at <= opts.until);
          if ((reasons && !reasons.has(reason)) || !inTime) continue;
          const topic = headerString(m.headers?.['dlq-source-topic']) ?? opts.defaultTopic;
          const caseId = unscreenedMessageId(m.key, m.value);
          const fixed = opts.fixes?.get(caseId);
          if (opts.fixes !== undefined && fixed === undefined) continue;
          summary.matched++;
          const value = fixed ?? m.value;
          // Readable now (in full or in part): the pipeline will screen it.
          const r = screenMessage(value);
          if (r.status === 'UNREADABLE') {
            summary.stillInvalid[r.reason] = (summary.stillInvalid[r.reason] ?? 0) + 1;
            continue;
          }
          summary.nowValid++;
          const headers: Record<string, string> = {
            'replayed-from': `${opts.dlqTopic}:${batch.partition}:${m.offset}`,
          };
          // Names the UNSCREENED row this message left (if it had one), so the pipeline replaces it;
          // that row's filedAt was the source message's timestamp, which picks its partition.
          headers[SUPERSEDES_HEADER] = caseId;
          headers[SUPERSEDES_FILED_AT_HEADER] =
            headerString(m.headers?.[SOURCE_TIMESTAMP_HEADER]) ?? String(m.timestamp);
          out.push({ topic, key: m.key, value, headers });
        }
        if (producer && out.length > 0) {
          const byTopic = new Map<string, typeof out>();
          for (const o of out) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
          await producer.sendBatch({
            acks: -1,
            topicMessages: [...byTopic].map(([topic, messages]) => ({
              topic,
              messages: messages.map(({ key, value, headers }) => ({ key, value, headers })),
            })),
          });
          summary.republished += out.length;
        }
        const lastOffset = batch.messages.at(-1)?.offset;
        if (lastOffset !== undefined && BigInt(lastOffset) + 1n >= end) {
          remaining.delete(batch.partition);
          if (remaining.size === 0) finish();
        }
      },
    });
    const timeout = new Promise<'timeout'>((r) =>
      setTimeout(() => r('timeout'), opts.timeoutMs ?? 60_000).unref(),
    );
    const outcome = await Promise.race([done, timeout]);
    await consumer.disconnect();
    await producer?.disconnect();
    if (outcome === 'timeout')
      log.warn({ remaining: [...remaining] }, 'replay stopped before the end of the topic');
    return summary;
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
