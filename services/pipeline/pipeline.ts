// Reads: reports from the input topic (consumer group, eachBatch). Writes: each message's body once to
// `reports` (its own bytes, not re-encoded), one decision row per judgement to `decisions_raw`, dead
// letters to the DLQ topic and the dead_letters table.
// Guarantees: offsets are committed only after every row they cover is stored (at-least-once);
// ClickHouse outages pause the partitions and retry with capped backoff, never crash, never skip;
// re-deliveries are deduplicated at read by messageId (effectively once, docs/delivery.md).
import type { Kafka } from 'kafkajs';
import type { Report } from '../../schemas/report.ts';
import type { Logger } from '../common/logger.ts';
import { compareAmendment, withAmendment } from '../scoring/amendments.ts';
import { RECONCILE_RULE_ID } from '../scoring/reconcile.ts';
import type { Scorer } from '../scoring/scorer.ts';
import type { ClickHouseClient } from '../storage/clickhouse.ts';
import { insertRows, insertTsvBody } from '../storage/clickhouse.ts';
import {
  appendDecisionLine,
  appendReportLine,
  DECISION_COLUMNS,
  type DeadLetter,
  type DecisionRow,
  deadLetterRow,
  type KafkaOrigin,
  permitUsageRows,
  REPORT_COLUMNS,
  shadowRow,
  tsvLine,
  unreadRow,
} from '../storage/decision-rows.ts';
import { TsvBuffer } from '../storage/tsv-buffer.ts';
import {
  CounterpartCache,
  type CounterpartLimits,
  DEFAULT_COUNTERPART_CACHE_MB,
  type Remembered,
  recall,
  type SeenDocument,
} from './counterparts.ts';
import { reportParser, screenMessage } from './decode.ts';
import {
  type Consumer,
  createConsumer,
  createProducer,
  type EachBatchPayload,
  headerString,
  type Producer,
} from './kafka.ts';
import type { LaneRateMonitor } from './lane-rates.ts';
import type { PipelineMetrics } from './metrics.ts';
import {
  guessDocumentType,
  markPartial,
  SOURCE_TIMESTAMP_HEADER,
  SUPERSEDES_FILED_AT_HEADER,
  SUPERSEDES_HEADER,
  supersededDecision,
  UNSCREENED_ID,
  unscreenedDecision,
  unscreenedMessageId,
} from './screening.ts';
import { loadStoredDocuments } from './stored-counterparts.ts';
import { StoredConsignments } from './stored-index.ts';

/** A valid report of the batch in hand, with the bytes it was read from. */
type Incoming = SeenDocument & { bytes: Buffer };

export interface PipelineOptions {
  kafka: Kafka;
  clickhouse: ClickHouseClient;
  scorer: Scorer;
  logger: Logger;
  metrics: PipelineMetrics;
  /** Observed lane shares against the lane policy's expected rates. */
  laneRates?: LaneRateMonitor;
  topic: string;
  dlqTopic: string;
  groupId: string;
  database: string;
  batchRows: number;
  flushMs: number;
  /**
   * While the consumer is behind (the partitions' lag adds up to at least `batchRows`), the timer flushes
   * only what has waited this long (default max(1 s, 4 × flushMs)): a backlog is stored in full
   * `batchRows` inserts instead of one small insert per `flushMs`, which cost ClickHouse twice the CPU
   * per row in parts and merges. Messages of a backlog have waited in Kafka longer than this anyway.
   */
  backlogFlushMs?: number;
  /** Upper bound of the retry backoff while ClickHouse is down. */
  maxBackoffMs?: number;
  /**
   * Memory for manifest ↔ declaration reconciliation (default DEFAULT_COUNTERPART_CACHE_MB): a
   * document whose counterpart has been forgotten costs a read of the store before its batch is judged.
   */
  counterpartLimits?: CounterpartLimits;
  /** Time allowed for stop(): stop fetching, flush, commit, disconnect. */
  shutdownMs?: number;
  clock?: () => Date;
  /** Country of this feed: where an unreadable message that names none is filed (agency scoping). */
  feedCountry?: string;
  /**
   * Sample messages run through decode, scoring (`scorer.warmUp`, which leaves no trace) and row
   * encoding before consuming, so V8 has optimised the hot path before live traffic: without it the
   * first ~20,000 messages cost 2-3x as much CPU.
   */
  warmUpMessages?: readonly Buffer[];
}

interface Chunk {
  /** Decision rows as TabSeparated lines (the cheap insert format), in one growing buffer. */
  rows: TsvBuffer;
  /** `reports` rows as TabSeparated lines: each new message's body, once. */
  reports: TsvBuffer;
  shadow: DecisionRow[];
  /** permit_usage rows: what covered goods lines drew on their permits. */
  permitUse: DecisionRow[];
  dead: DeadLetter[];
  /** Next offset to commit per partition, covering everything in this chunk. */
  offsets: Map<number, string>;
  /** When it started collecting (Date.now()). */
  createdAt: number;
  // Steps already done, so a retried chunk does not repeat them.
  dlqSent: boolean;
  deadStored: boolean;
  shadowStored: boolean;
  permitUseStored: boolean;
  reportsStored: boolean;
  decisionsStored: boolean;
}

const emptyChunk = (buffer: () => TsvBuffer): Chunk => ({
  rows: buffer(),
  reports: buffer(),
  createdAt: Date.now(),
  shadow: [],
  permitUse: [],
  dead: [],
  offsets: new Map(),
  dlqSent: false,
  deadStored: false,
  shadowStored: false,
  permitUseStored: false,
  reportsStored: false,
  decisionsStored: false,
});
const chunkSize = (c: Chunk) => c.rows.rows + c.dead.length;
const nextOffset = (offset: string) => (BigInt(offset) + 1n).toString();
/** A Kafka timestamp (ms as a string) as a Date, or the fallback when absent or unreadable. */
const kafkaTime = (ms: string | undefined, fallback: Date) => {
  const n = Number(ms);
  return ms !== undefined && Number.isFinite(n) && n > 0 ? new Date(n) : fallback;
};

export interface Pipeline {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Joined the group and the sink is storing. */
  isReady(): boolean;
  /** Forces a flush of what is buffered (tests, shutdown). Resolves true when stored. */
  flush(): Promise<boolean>;
  /** Resolves when the consumer crashed and kafkajs will not restart it: the pipeline is dead. */
  readonly fatal: Promise<Error>;
}

/** Messages decoded and judged together (scoreBatch's batch: the model runs as fast per report at 256 as at 1,024). */
const SCORE_CHUNK = 256;

export function createPipeline(opts: PipelineOptions): Pipeline {
  const log = opts.logger.child({ component: 'pipeline' });
  const clock = opts.clock ?? (() => new Date());
  const maxBackoffMs = opts.maxBackoffMs ?? 5000;
  const decisionsTable = `${opts.database}.decisions_raw`;
  const deadTable = `${opts.database}.dead_letters`;
  const shadowTable = `${opts.database}.shadow_scores`;
  const permitUsageTable = `${opts.database}.permit_usage`;
  const reportsTable = `${opts.database}.reports`;
  const { metrics } = opts;
  const seen = new CounterpartCache(
    opts.counterpartLimits ?? { bytes: DEFAULT_COUNTERPART_CACHE_MB * 2 ** 20 },
  );
  // Which consignments the store may hold: the others need no lookup (loaded at each assignment).
  const stored = new StoredConsignments({
    client: opts.clickhouse,
    database: opts.database,
    logger: log,
    onLoaded: (n) => metrics.storedConsignments.set(n),
  });
  const backlogFlushMs = opts.backlogFlushMs ?? Math.max(1000, 4 * opts.flushMs);
  // Lag per partition after its latest batch: the sum says whether the consumer is behind.
  const lagByPartition = new Map<number, number>();
  const backlogged = () => {
    let lag = 0;
    for (const l of lagByPartition.values()) lag += l;
    return lag >= opts.batchRows;
  };

  let consumer: Consumer | undefined;
  let producer: Producer | undefined;
  // Insert bodies of stored chunks, emptied and reused: a flush's buffers have grown to its size.
  const spare: TsvBuffer[] = [];
  const buffer = () => spare.pop()?.reset() ?? new TsvBuffer();
  let pending = emptyChunk(buffer);
  let failed: Chunk | undefined; // a chunk whose storing failed; retried before anything newer
  let flushing: Promise<boolean> | undefined;
  let outageSince: number | undefined;
  let backoffMs = 200;
  let retryTimer: NodeJS.Timeout | undefined;
  let flushTimer: NodeJS.Timeout | undefined;
  let joined = false;
  let stopping = false;
  let reportFatal: (err: Error) => void = () => {};
  const fatal = new Promise<Error>((resolve) => {
    reportFatal = resolve;
  });

  metrics.sinkUp.set(1);
  reportParser(); // compile the report schema now (~60 ms), not on the first message

  async function store(chunk: Chunk): Promise<void> {
    if (!chunk.dlqSent && chunk.dead.length > 0) {
      await producer!.send({
        topic: opts.dlqTopic,
        acks: -1,
        messages: chunk.dead.map((d) => ({
          key: d.key,
          value: d.value,
          headers: {
            'dlq-source-topic': d.origin.topic,
            'dlq-source-partition': String(d.origin.partition),
            'dlq-source-offset': d.origin.offset,
            'dlq-reason': d.reason,
            'dlq-detail': d.detail.slice(0, 2000),
            'dlq-received-at': d.receivedAt.toISOString(),
            ...(d.sourceTimestamp === undefined ? {} : { [SOURCE_TIMESTAMP_HEADER]: d.sourceTimestamp }),
          },
        })),
      });
      chunk.dlqSent = true;
    }
    if (!chunk.deadStored && chunk.dead.length > 0) {
      await insertRows(opts.clickhouse, deadTable, chunk.dead.map(deadLetterRow));
      chunk.deadStored = true;
    }
    if (!chunk.shadowStored && chunk.shadow.length > 0) {
      await insertRows(opts.clickhouse, shadowTable, chunk.shadow);
      chunk.shadowStored = true;
    }
    // Before the decisions: a permit's draw must not be lost once its decision is stored and committed.
    if (!chunk.permitUseStored && chunk.permitUse.length > 0) {
      await insertRows(opts.clickhouse, permitUsageTable, chunk.permitUse);
      chunk.permitUseStored = true;
    }
    // Bodies and decisions in parallel (two inserts in a row doubled the append → queryable time); the
    // offsets are committed only when both are stored, and a reader finding a decision whose body is
    // still in flight shows it without its report for that moment. A retry repeats only what failed.
    const started = performance.now();
    const results = await Promise.allSettled([
      chunk.reportsStored || chunk.reports.length === 0
        ? undefined
        : insertTsvBody(opts.clickhouse, reportsTable, REPORT_COLUMNS, chunk.reports.bytes()).then(() => {
            chunk.reportsStored = true;
          }),
      chunk.decisionsStored
        ? undefined
        : insertTsvBody(opts.clickhouse, decisionsTable, DECISION_COLUMNS, chunk.rows.bytes()).then(() => {
            chunk.decisionsStored = true;
          }),
    ]);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
    metrics.insertSeconds.observe((performance.now() - started) / 1000);
    metrics.batchRows.observe(chunk.rows.rows);
  }

  async function commit(chunk: Chunk): Promise<void> {
    if (chunk.offsets.size === 0 || consumer === undefined) return;
    const offsets = [...chunk.offsets].map(([partition, offset]) => ({
      topic: opts.topic,
      partition,
      offset,
    }));
    try {
      await consumer.commitOffsets(offsets);
    } catch (err) {
      // Rows are stored; a lost commit (e.g. after a rebalance) only means a re-delivery, deduplicated at read.
      log.warn(
        { err, offsets },
        'offset commit failed; the stored rows will be re-delivered and deduplicated',
      );
    }
  }

  function enterOutage(err: unknown): void {
    metrics.insertFailures.inc();
    if (outageSince === undefined) {
      outageSince = Date.now();
      metrics.sinkUp.set(0);
      log.warn({ err }, 'sink cannot store; pausing consumption and retrying');
      consumer?.pause([{ topic: opts.topic }]);
    } else if (Date.now() - outageSince > 60_000 && backoffMs >= maxBackoffMs) {
      log.error(
        { err, downForMs: Date.now() - outageSince },
        'sink still cannot store; operator action needed',
      );
    }
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void flush(), backoffMs);
    backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
  }

  function leaveOutage(): void {
    if (outageSince === undefined) return;
    log.warn({ downForMs: Date.now() - outageSince }, 'sink recovered; resuming consumption');
    outageSince = undefined;
    backoffMs = 200;
    metrics.sinkUp.set(1);
    if (!stopping) consumer?.resume([{ topic: opts.topic }]);
  }

  // Set by a caller that needs everything buffered stored (flush(), shutdown); a flush the sink starts
  // itself stores what it took and goes on only while a full batch is waiting, so rows that arrive
  // during an insert make the next full insert, not a small one of their own (parts cost ClickHouse).
  let drainAll = false;

  async function flushOnce(): Promise<boolean> {
    try {
      for (let round = 0; ; round++) {
        if (failed === undefined) {
          if (chunkSize(pending) === 0 && pending.offsets.size === 0) break;
          if (round > 0 && !drainAll && !stopping && chunkSize(pending) < opts.batchRows) break;
          failed = pending;
          pending = emptyChunk(buffer);
        }
        await store(failed);
        await commit(failed);
        if (spare.length < 4) spare.push(failed.rows, failed.reports);
        failed = undefined;
      }
      metrics.bufferedRows.set(chunkSize(pending));
      leaveOutage();
      return true;
    } catch (err) {
      metrics.bufferedRows.set(chunkSize(pending) + (failed ? chunkSize(failed) : 0));
      enterOutage(err);
      return false;
    }
  }

  /** Stores what is buffered; `all`: also what arrives while it stores, until nothing is left. */
  function flush(all = true): Promise<boolean> {
    if (all) drainAll = true;
    if (flushing !== undefined) return flushing;
    flushing = flushOnce().finally(() => {
      flushing = undefined;
      drainAll = false;
    });
    return flushing;
  }

  /**
   * Scores a batch's valid reports. When one completes a manifest/declaration pair, both documents
   * are judged against each other: this one now, and, if the two disagree, the earlier one again with
   * the disagreements (a new row for its messageId, which replaces the earlier row as read). When they
   * agree the earlier decision stands: the second document adds no evidence to it, and judging it
   * again cost a fifth of the pipeline's CPU and a quarter of the rows for ~95 % of pairs.
   */
  function scoreValid(valid: Incoming[]): void {
    const scoredAt = clock();
    const inBatch = new Map(valid.map((v) => [v.report.messageId, v]));
    const counterparts = new Map<string, Report>();
    // The earlier document of each pair this batch completes, with the index of the one completing it.
    const rescore = new Map<string, { doc: SeenDocument; entry: Remembered; by: number }>();
    const earlierVersions = new Map<string, Remembered>();
    const remembered = new Map<string, Remembered>();
    for (let i = 0; i < valid.length; i++) {
      const v = valid[i]!;
      const prior = seen.earlierVersion(v.report);
      if (prior) earlierVersions.set(v.report.messageId, prior);
      const earlier = seen.counterpart(v.report);
      if (earlier) {
        const here = inBatch.get(earlier.messageId);
        const e = here ?? recall(earlier); // decoded again only when it came in an earlier batch
        if (e !== undefined) {
          counterparts.set(v.report.messageId, e.report);
          counterparts.set(e.report.messageId, v.report);
          if (here === undefined) rescore.set(e.report.messageId, { doc: e, entry: earlier, by: i });
          else rescore.delete(e.report.messageId);
        }
      }
      remembered.set(v.report.messageId, seen.remember(v, v.bytes));
    }
    const reports = valid.map((v) => v.report);
    const decisions = opts.scorer.scoreBatch(reports, scoredAt, { counterparts });
    for (const s of opts.scorer.shadowBatch?.(reports, decisions, scoredAt, { counterparts }) ?? [])
      pending.shadow.push(shadowRow(s));
    const lanes = { GREEN: 0, YELLOW: 0, RED: 0 };
    let partial = 0;
    decisions.forEach((scored, i) => {
      const v = valid[i]!;
      let d = v.partial === undefined ? scored : markPartial(scored, v.partial);
      const prior = earlierVersions.get(v.report.messageId);
      if (prior) {
        const lane = prior.lane ?? null;
        const before = recall(prior);
        if (before !== undefined) {
          d = withAmendment(d, compareAmendment(before.report, v.report, lane), lane);
          metrics.amendments.inc();
        }
      }
      v.lane = d.lane;
      const entry = remembered.get(v.report.messageId);
      if (entry !== undefined) entry.lane = d.lane;
      appendDecisionLine(pending.rows, d, v.report, v.origin);
      if (d.permitUse !== undefined) pending.permitUse.push(...permitUsageRows(d, v.report));
      lanes[d.lane]++;
      if (d.screening === 'PARTIAL') partial++;
      opts.laneRates?.observe(d.lane);
    });
    // Counted once per batch: a labelled counter's inc costs a label lookup each time.
    for (const lane of ['GREEN', 'YELLOW', 'RED'] as const)
      if (lanes[lane] > 0) metrics.scored.inc({ lane }, lanes[lane]);
    if (decisions.length - partial > 0)
      metrics.screened.inc({ status: 'COMPLETE' }, decisions.length - partial);
    if (partial > 0) metrics.screened.inc({ status: 'PARTIAL' }, partial);
    const again = [...rescore.values()].filter(({ by }) =>
      decisions[by]!.ruleHits.some((h) => h.ruleId === RECONCILE_RULE_ID),
    );
    if (rescore.size > again.length) metrics.pairsAgreeing.inc(rescore.size - again.length);
    if (again.length > 0) {
      const againReports = again.map((e) => e.doc.report);
      const redecided = opts.scorer.scoreBatch(againReports, scoredAt, { counterparts });
      redecided.forEach((scored, i) => {
        const { doc: e, entry } = again[i]!;
        const d = e.partial === undefined ? scored : markPartial(scored, e.partial);
        entry.lane = d.lane;
        appendDecisionLine(pending.rows, d, e.report, e.origin);
        if (d.permitUse !== undefined) pending.permitUse.push(...permitUsageRows(d, e.report));
      });
      // The challenger re-judges them too, so its shadow row stays comparable with the new decision.
      for (const s of opts.scorer.shadowBatch?.(againReports, redecided, scoredAt, { counterparts }) ?? [])
        pending.shadow.push(shadowRow(s));
      metrics.reconciled.inc(again.length);
    }
    // Only now: old consignments forgotten mid-batch were counterparts its later documents missed.
    seen.trim();
  }

  /** A replayed fix (header `supersedes`) replaces the UNSCREENED row of the message it corrects. */
  function supersede(
    unscreenedId: string,
    message: EachBatchPayload['batch']['messages'][number],
    origin: KafkaOrigin,
    report: Report,
    at: Date,
  ): void {
    if (!UNSCREENED_ID.test(unscreenedId)) return;
    const filedAt = kafkaTime(headerString(message.headers?.[SUPERSEDES_FILED_AT_HEADER]), at);
    const d = supersededDecision(
      unscreenedId,
      report.messageId,
      report.consignment.consignmentId,
      report.documentType,
      at,
      opts.scorer,
    );
    const row = unreadRow(d, filedAt, origin, report.messageId);
    row.reportingCountry = report.source.reportingCountry;
    row.destinationCountry = report.consignment.route.destinationCountry;
    pending.rows.line(tsvLine(row));
    metrics.superseded.inc();
  }

  /**
   * Consignments of this batch this process knows nothing of may have a document stored by another
   * process or before a restart: one batched, indexed read brings them into memory, so reconciliation
   * does not depend on which process saw what. A failed read is logged and the batch judged as before.
   */
  async function recallStored(valid: readonly Incoming[]): Promise<void> {
    const kinds = new Map<string, Set<string>>();
    for (const v of valid) {
      const id = v.report.consignment.consignmentId;
      kinds.set(id, (kinds.get(id) ?? new Set()).add(v.report.documentType));
    }
    // Both kinds in this batch: they meet here; known in memory: looked up when first seen.
    const candidates = [...kinds].filter(([id, k]) => k.size < 2 && !seen.knows(id)).map(([id]) => id);
    const unknown = candidates.filter((id) => stored.mayHave(id));
    if (candidates.length > unknown.length)
      metrics.counterpartLookupsSkipped.inc(candidates.length - unknown.length);
    if (unknown.length === 0) return;
    const started = performance.now();
    try {
      for (const doc of await loadStoredDocuments(opts.clickhouse, opts.database, unknown))
        seen.rememberStored(doc, doc.bytes);
      metrics.counterpartLookups.inc();
      metrics.counterpartLookupSeconds.observe((performance.now() - started) / 1000);
    } catch (err) {
      metrics.counterpartLookupFailures.inc();
      log.warn(
        { err, consignments: unknown.length },
        'stored counterparts could not be read; judging this batch on memory only',
      );
    }
  }

  let inFlight: Promise<void> = Promise.resolve();

  /** Tracks the batch being processed, so stop() can wait for it before the last flush. */
  function eachBatch(payload: EachBatchPayload): Promise<void> {
    const run = handleBatch(payload);
    inFlight = run.catch(() => undefined);
    return run;
  }

  /**
   * One message of a batch: a readable report joins `valid` (its body buffered for `reports`), an
   * unreadable one goes to the dead letters (and, when its consignment is known, an UNSCREENED row).
   */
  function admit(
    message: EachBatchPayload['batch']['messages'][number],
    batch: EachBatchPayload['batch'],
    receivedAt: Date,
    valid: Incoming[],
  ): void {
    const origin = { topic: batch.topic, partition: batch.partition, offset: message.offset };
    const result = screenMessage(message.value);
    if (result.status !== 'UNREADABLE') {
      const report = result.report;
      const doc: Incoming = { report, origin, bytes: message.value! };
      if (result.status === 'PARTIAL') doc.partial = result.detail;
      valid.push(doc);
      const meta = {
        consignmentId: report.consignment.consignmentId,
        documentType: report.documentType,
        messageId: report.messageId,
        filedAt: new Date(report.filedAt),
        screening: result.status,
        origin,
      };
      appendReportLine(pending.reports, meta, message.value!);
      const supersedes = headerString(message.headers?.[SUPERSEDES_HEADER]);
      if (supersedes !== undefined) supersede(supersedes, message, origin, result.report, receivedAt);
    } else {
      const key = message.key?.toString('utf8') ?? null;
      metrics.deadLettered.inc({ reason: result.reason });
      pending.dead.push({
        origin,
        key,
        value: message.value,
        reason: result.reason,
        detail: result.detail,
        receivedAt,
        sourceTimestamp: message.timestamp,
      });
      const consignmentId = result.identity.consignmentId ?? (key?.trim() || undefined);
      if (consignmentId !== undefined) {
        // Unreadable but its consignment is known: RED, in front of an officer (CONTRACT.md §2).
        const d = unscreenedDecision({
          messageId: unscreenedMessageId(message.key, message.value),
          origin,
          consignmentId: consignmentId.slice(0, 256),
          documentType: guessDocumentType(result.identity.documentType, message.value),
          reason: result.reason,
          detail: result.detail,
          scoredAt: receivedAt,
          versions: opts.scorer,
        });
        const filedAt = kafkaTime(message.timestamp, receivedAt);
        // Its text for the case view, unless it is not text or too large to keep twice.
        if (result.reason !== 'INVALID_UTF8' && result.reason !== 'TOO_LARGE' && message.value) {
          const meta = { ...d, filedAt, screening: 'UNSCREENED', origin };
          appendReportLine(pending.reports, meta, message.value);
        }
        const row = unreadRow(d, filedAt, origin);
        row.reportingCountry = result.identity.reportingCountry ?? opts.feedCountry ?? '';
        row.destinationCountry = result.identity.destinationCountry ?? '';
        pending.rows.line(tsvLine(row));
        metrics.screened.inc({ status: 'UNSCREENED' });
        opts.laneRates?.observe(d.lane);
      }
    }
  }

  async function handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) {
    if (batch.isEmpty() || stopping) return;
    const receivedAt = clock();
    const messages = batch.messages;
    let last: string | undefined;
    let interrupted = false;
    // A fetch brings up to ~2,500 messages a partition. Judged SCORE_CHUNK at a time, decoded included,
    // its reports and decisions die young instead of outliving the young generation all together.
    for (let from = 0; from < messages.length && !interrupted; from += SCORE_CHUNK) {
      const valid: Incoming[] = [];
      const to = Math.min(messages.length, from + SCORE_CHUNK);
      for (let m = from; m < to; m++) {
        const message = messages[m]!;
        if (stopping || !isRunning() || isStale()) {
          interrupted = true;
          break;
        }
        admit(message, batch, receivedAt, valid);
        last = message.offset;
      }
      if (valid.length > 0) {
        // The store read (ClickHouse) and the name parser's request for names the table lacks (OPSIN,
        // bounded by its deadline) wait on other processes and on nothing of each other: both at once.
        await Promise.all([recallStored(valid), opts.scorer.prepare?.(valid.map((v) => v.report))]);
        // Looked up (or known absent) before being added: from now on the store may hold them.
        for (const v of valid) stored.add(v.report.consignment.consignmentId);
        scoreValid(valid);
      }
    }
    if (last === undefined) return;
    metrics.consumed.inc(batch.messages.length);
    pending.offsets.set(batch.partition, nextOffset(last));
    resolveOffset(last);
    const lag = Number(batch.offsetLag());
    lagByPartition.set(batch.partition, Number.isFinite(lag) ? lag : 0);
    metrics.consumerLag.set({ topic: batch.topic, partition: String(batch.partition) }, lag);
    metrics.bufferedRows.set(chunkSize(pending));
    metrics.counterpartCacheBytes.set(seen.bytes);
    metrics.counterpartCacheConsignments.set(seen.size);
    // Store while the next batch is scored (ClickHouse works on the other core); wait only when the
    // buffer runs ahead of the sink, so memory stays bounded.
    if (chunkSize(pending) >= opts.batchRows && outageSince === undefined) {
      const stored = flush(false);
      if (chunkSize(pending) >= 3 * opts.batchRows) await stored;
    }
    await heartbeat();
  }

  function warmUp(messages: readonly Buffer[]): void {
    if (opts.scorer.warmUp === undefined || messages.length === 0) return;
    const started = performance.now();
    const origin = { topic: opts.topic, partition: 0, offset: '0' };
    for (let i = 0; i < messages.length; i += 256) {
      const reports: Report[] = [];
      for (const m of messages.slice(i, i + 256)) {
        const r = screenMessage(m);
        if (r.status !== 'UNREADABLE') reports.push(r.report);
      }
      const decisions = opts.scorer.warmUp(reports);
      const out = new TsvBuffer();
      for (let k = 0; k < decisions.length; k++) appendDecisionLine(out, decisions[k]!, reports[k]!, origin);
    }
    log.debug({ messages: messages.length, ms: Math.round(performance.now() - started) }, 'warmed up');
  }

  return {
    async start() {
      warmUp(opts.warmUpMessages ?? []);
      producer = createProducer(opts.kafka);
      consumer = createConsumer(opts.kafka, opts.groupId);
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        joined = true;
        lagByPartition.clear(); // partitions of the old assignment no longer count
        void stored.reload(); // documents of partitions now ours may have been stored by another process
        log.debug({ memberAssignment: e.payload.memberAssignment }, 'joined consumer group');
      });
      consumer.on(consumer.events.CRASH, (e) => {
        joined = false;
        log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
        if (!e.payload.restart && !stopping) reportFatal(e.payload.error);
      });
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: [opts.topic], fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
      flushTimer = setInterval(() => {
        if (outageSince !== undefined || (chunkSize(pending) === 0 && pending.offsets.size === 0)) return;
        if (backlogged() && Date.now() - pending.createdAt < backlogFlushMs) return;
        void flush(false);
      }, opts.flushMs);
      log.info({ topic: opts.topic, groupId: opts.groupId }, 'pipeline started');
    },

    async stop() {
      if (stopping) return;
      stopping = true;
      const deadline = Date.now() + (opts.shutdownMs ?? 10_000);
      clearInterval(flushTimer);
      clearTimeout(retryTimer);
      try {
        // Stop fetching and let the batch in hand finish, then store and commit while the consumer
        // can still commit; only then leave the group.
        consumer?.pause([{ topic: opts.topic }]);
        await inFlight;
        while (Date.now() < deadline - 1500) {
          if (await flush()) break;
          await new Promise((r) => setTimeout(r, Math.min(backoffMs, 500)));
        }
        if (failed !== undefined || chunkSize(pending) > 0) {
          log.warn(
            'shutdown before the sink stored everything; those offsets stay uncommitted and will be re-read',
          );
        }
      } finally {
        clearTimeout(retryTimer);
        await Promise.allSettled([consumer?.disconnect(), producer?.disconnect()]);
        joined = false;
        log.info('pipeline stopped');
      }
    },

    isReady: () => joined && outageSince === undefined && !stopping,
    flush,
    fatal,
  };
}
