// `npm run bench`: throughput, latency and memory of the stream path on the real Kafka and
// ClickHouse, every figure next to a baseline taken in the same run over the same messages.
// Writes BENCHMARKS.md (figures, ratios, command, machine). Needs `npm run infra:up` first.
// Environment: BENCH_MESSAGES (50,000), BENCH_E2E_RUNS (end-to-end runs, 3; the median is reported),
// BENCH_PROFILE=DIR (a CPU profile of the pipeline process), BENCH_SEMI_SPACE (its semi-space, MB).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import os from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { migrateDatabase } from '../infra/cli.ts';
import { ensureTopics } from '../infra/topics.ts';
import type { Decision } from '../schemas/decision.ts';
import { type Report, reportSchema } from '../schemas/report.ts';
import { infraConfigSchema, loadConfig } from '../services/common/config.ts';
import { createRootLogger } from '../services/common/logger.ts';
import { generateReports } from '../services/generator/index.ts';
import { decodeMessage, screenMessage } from '../services/pipeline/decode.ts';
import { loadStoredDocuments } from '../services/pipeline/stored-counterparts.ts';
import { benchQueue } from '../services/review/bench.ts';
import { loadScorer } from '../services/runtime/load-scorer.ts';
import { reconcile } from '../services/scoring/reconcile.ts';
import { createClickHouse, insertTsvBody, queryRows } from '../services/storage/clickhouse.ts';
import {
  appendDecisionLine,
  appendReportLine,
  DECISION_COLUMNS,
  decisionRow,
  REPORT_COLUMNS,
} from '../services/storage/decision-rows.ts';
import { identifier, sql } from '../services/storage/sql.ts';
import { TsvBuffer } from '../services/storage/tsv-buffer.ts';
import { extraSections } from './sections.ts';

const N = Number(process.env.BENCH_MESSAGES ?? 50_000);
// Scoring is measured with party screening on, as a deployment runs it.
const WATCHLIST_DIR = fileURLToPath(new URL('../models/watchlists/sample/', import.meta.url));
const KEPT_MARKER = '<!-- written by hand: npm run bench keeps what follows -->';
const config = loadConfig(infraConfigSchema);
const logger = createRootLogger('warn');
const tag = randomBytes(3).toString('hex');
const rss = () => process.memoryUsage().rss;
let peakRss = rss();
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, rss())), 50);

const kafkaClient = () =>
  new kafkajs.Kafka({
    clientId: 'bench',
    brokers: [...config.KAFKA_BROKERS],
    logLevel: kafkajs.logLevel.NOTHING,
  });

async function produce(topic: string, values: { key: string; value: Buffer }[]) {
  const producer = kafkaClient().producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let i = 0; i < values.length; i += 1000) {
    await producer.send({ topic, acks: -1, messages: values.slice(i, i + 1000) });
  }
  await producer.disconnect();
}

interface CpuSample {
  self: number;
  broker: number | null;
  clickhouse: number | null;
  pipeline: number | null;
  /** The pipeline's main (JavaScript) thread alone; the rest is V8's GC and compiler helpers and libuv. */
  pipelineMain: number | null;
}
// Lazily: infraPid reads constants declared further down.
let pids: { broker: number | undefined; clickhouse: number | undefined } | undefined;
const serverPids = () => {
  pids ??= { broker: infraPid('kafka/kafka.pid'), clickhouse: infraPid('clickhouse/clickhouse.pid') };
  return pids;
};
const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const sampleCpu = (pipelinePid?: number): CpuSample => ({
  self: selfCpuMs(),
  broker: cpuMsOf(serverPids().broker),
  clickhouse: cpuMsOf(serverPids().clickhouse),
  pipeline: cpuMsOf(pipelinePid),
  pipelineMain: cpuMsOf(pipelinePid, pipelinePid),
});
/** Core-µs per message of each process between two samples. */
const perMessage = (a: CpuSample, b: CpuSample, n: number) => {
  const d = (x: number | null, y: number | null) => (x === null || y === null ? null : ((y - x) * 1000) / n);
  return {
    self: d(a.self, b.self),
    broker: d(a.broker, b.broker),
    clickhouse: d(a.clickhouse, b.clickhouse),
    pipeline: d(a.pipeline, b.pipeline),
    pipelineMain: d(a.pipelineMain, b.pipelineMain),
  };
};
let rawConsumeCpu: ReturnType<typeof perMessage> | undefined;

async function rawConsumeRate(topic: string): Promise<number> {
  const consumer = kafkaClient().consumer({
    groupId: `bench-raw-${tag}`,
    maxWaitTimeInMs: 100,
    maxBytes: 16 << 20,
    maxBytesPerPartition: 4 << 20,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let n = 0;
  let t0 = 0;
  let cpu0: CpuSample | undefined;
  let n0 = 0;
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (t0 === 0) {
          t0 = performance.now();
          cpu0 = sampleCpu();
          n0 = batch.messages.length;
        }
        n += batch.messages.length;
        if (n >= N) {
          rawConsumeCpu = perMessage(cpu0!, sampleCpu(), n - n0);
          resolve(performance.now());
        }
      },
    });
  });
  const t1 = await done;
  await consumer.disconnect();
  return N / ((t1 - t0) / 1000);
}

const TICKS_PER_S = 100; // USER_HZ on Linux

/**
 * CPU time (user + system) a process has used, in ms: all its threads, or only thread `tid` of it (its
 * main thread's id is the pid); null when it cannot be read.
 */
function cpuMsOf(pid: number | undefined, tid?: number): number | null {
  if (pid === undefined) return null;
  try {
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const stat = readFileSync(
      tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`,
      'utf8',
    );
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_S;
  } catch {
    return null;
  }
}

/** The pid infra:up recorded for a server it started, if it is still running. */
function infraPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(new URL(`../.local/${file}`, import.meta.url), 'utf8').trim());
    return cpuMsOf(pid) === null ? undefined : pid;
  } catch {
    return undefined;
  }
}

/** A loopback port nothing listens on now (for a child's metrics endpoint). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main() {
  const started = Date.now();
  const { reports } = generateReports({ count: N, seed: 7 });
  const messages = reports.map((r) => ({
    key: r.consignment.consignmentId,
    value: Buffer.from(JSON.stringify(r)),
  }));
  const avgBytes = messages.reduce((s, m) => s + m.value.length, 0) / N;
  const topic = `bench.manifests.${tag}`;
  await ensureTopics({
    brokers: [...config.KAFKA_BROKERS],
    topics: [
      { topic, numPartitions: 3 },
      { topic: `${topic}.dlq`, numPartitions: 3 },
      { topic: `${topic}.lat`, numPartitions: 3 },
      { topic: `${topic}.lat.dlq`, numPartitions: 3 },
    ],
  });
  await produce(topic, messages);
  const database = `bench_${tag}`;
  await migrateDatabase(config, database);
  const ch = createClickHouse({
    url: config.CLICKHOUSE_URL,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
  });
  const countOf = async (query: string) => Number((await queryRows<{ n: string }>(ch, query))[0]?.n ?? 0);

  // 1. Baseline: raw kafkajs eachBatch consumption.
  const rawConsume = await rawConsumeRate(topic);

  // 2. Decode: JSON.parse + zod validation (and JSON.parse alone, for reference).
  // JIT warm-up, not timed: V8 needs ~20k calls to fully optimise the compiled report parser.
  for (let k = 0; k < 4; k++) for (const m of messages.slice(0, 5000)) decodeMessage(m.value);
  let t = performance.now();
  for (const m of messages) JSON.parse(m.value.toString('utf8'));
  const parseOnly = N / ((performance.now() - t) / 1000);
  t = performance.now();
  let cpuAt = selfCpuMs();
  for (const m of messages) screenMessage(m.value);
  const decodeRate = N / ((performance.now() - t) / 1000);
  const decodeUs = ((selfCpuMs() - cpuAt) * 1000) / N;

  // 3. Scoring alone (the judgement stage), batches of 256.
  const scorer = await loadScorer({ logger, watchlistDir: WATCHLIST_DIR });
  const parsed = reports.map((r) => reportSchema.parse(r));
  // Warm-up on other reports (another seed), as a running pipeline is: V8 optimises the hot paths over
  // the first ~20k reports. Not timed.
  const warm = generateReports({ count: 20_000, seed: 99 }).reports.map((r) => reportSchema.parse(r));
  for (let i = 0; i < warm.length; i += 256) scorer.scoreBatch(warm.slice(i, i + 256), new Date());
  t = performance.now();
  cpuAt = selfCpuMs();
  const decisions: Decision[] = [];
  for (let i = 0; i < parsed.length; i += 256)
    decisions.push(...scorer.scoreBatch(parsed.slice(i, i + 256), new Date()));
  const scoreRate = N / ((performance.now() - t) / 1000);
  const scoreUs = ((selfCpuMs() - cpuAt) * 1000) / N;

  // 4. Raw @clickhouse/client insert of the same rows (5,000 a batch).
  const origins = decisions.map((_, i) => ({ topic, partition: 0, offset: String(i) }));
  const rows = decisions.map((d, i) => decisionRow(d, parsed[i]!, origins[i]!));
  t = performance.now();
  for (let i = 0; i < rows.length; i += 5000) {
    await ch.insert({
      table: `${database}.decisions_raw`,
      values: rows.slice(i, i + 5000),
      format: 'JSONEachRow',
    });
  }
  const rawInsert = N / ((performance.now() - t) / 1000);
  await ch.command({ query: `TRUNCATE TABLE ${identifier(`${database}.decisions_raw`)}` });
  // Row encoding as the sink does it (decision line + the body's reports line), CPU of this process.
  const metas = parsed.map((r, i) => ({
    consignmentId: r.consignment.consignmentId,
    documentType: r.documentType,
    messageId: r.messageId,
    filedAt: new Date(r.filedAt),
    screening: 'COMPLETE',
    origin: origins[i]!,
  }));
  // Encoded as the sink does it: lines appended to one buffer per 5,000-row insert, a buffer reused
  // from insert to insert (grown once: here, growing a fresh one each time set off full collections of
  // this process's 2.5 GB heap). The insert bodies are copied out untimed.
  const encodeChunks = (encode: (out: TsvBuffer, k: number) => void, keep?: Buffer[]) => {
    const out = new TsvBuffer();
    for (let i = 0; i < N; i += 5000) {
      out.reset();
      for (let k = i; k < Math.min(N, i + 5000); k++) encode(out, k);
      keep?.push(Buffer.from(out.bytes()));
    }
  };
  const encodeDecision = (out: TsvBuffer, k: number) =>
    appendDecisionLine(out, decisions[k]!, parsed[k]!, origins[k]!);
  const encodeReport = (out: TsvBuffer, k: number) => appendReportLine(out, metas[k]!, messages[k]!.value);
  const lines: Buffer[] = [];
  const bodies: Buffer[] = [];
  encodeChunks(encodeDecision, lines); // JIT warm-up, and the bodies the insert stage sends
  encodeChunks(encodeReport, bodies);
  // Median of three passes, CPU µs per message: in this process's ~2.5 GB heap one pass now and then
  // absorbs a full collection (one run measured the body lines at 25 µs instead of ~3).
  const medianCpuUs = (pass: () => void) => {
    const passes = [0, 1, 2].map(() => {
      const cpu0 = selfCpuMs();
      pass();
      return ((selfCpuMs() - cpu0) * 1000) / N;
    });
    return passes.sort((a, b) => a - b)[1]!;
  };
  const encodeDecisionUs = medianCpuUs(() => encodeChunks(encodeDecision));
  const encodeReportUs = medianCpuUs(() => encodeChunks(encodeReport));
  // Reconciliation, as the pipeline does it when a document completes a pair: the earlier document
  // decoded again from the bytes it keeps, and the two compared.
  const pairs: [number, number][] = [];
  {
    const firstKind = new Map<string, number>();
    parsed.forEach((r, i) => {
      const key = r.consignment.consignmentId;
      const earlier = firstKind.get(key);
      if (earlier === undefined) firstKind.set(key, i);
      else if (parsed[earlier]!.documentType !== r.documentType) {
        pairs.push([earlier, i]);
        firstKind.delete(key);
      }
    });
  }
  const reconcilePair = (a: Report, b: Report) =>
    a.documentType === 'MANIFEST' ? reconcile(a, b) : reconcile(b, a);
  const reconcilePass = () => {
    for (const [e, v] of pairs) {
      const earlier = screenMessage(messages[e]!.value);
      if (earlier.status !== 'UNREADABLE') reconcilePair(earlier.report, parsed[v]!);
    }
  };
  reconcilePass(); // JIT warm-up
  const reconcileUs = medianCpuUs(reconcilePass);
  // The same rows inserted as the sink sends them (bodies, then decisions; TabSeparated bytes), with
  // ClickHouse's CPU per row and this process's (the client's share of the sink).
  const chBefore = sampleCpu();
  t = performance.now();
  for (let j = 0; j < lines.length; j++) {
    await insertTsvBody(ch, `${database}.reports`, REPORT_COLUMNS, bodies[j]!);
    await insertTsvBody(ch, `${database}.decisions_raw`, DECISION_COLUMNS, lines[j]!);
  }
  const rawInsertTsv = N / ((performance.now() - t) / 1000);
  const insertCpu = perMessage(chBefore, sampleCpu(), N);
  await ch.command({ query: `TRUNCATE TABLE ${identifier(`${database}.decisions_raw`)}` });
  await ch.command({ query: `TRUNCATE TABLE ${identifier(`${database}.reports`)}` });

  // 5. End to end in a real pipeline process (`precursor-risk start --no-review`), timed from its first
  // stored row (so process start-up is not counted) to the last; its peak RSS read from /proc.
  const pipelineProcess = (input: string, groupId: string, flushMs: number, db = database, metricsPort = 0) =>
    spawn(
      process.execPath,
      [
        // As scripts/cli.mjs runs `npm start`.
        '--max-old-space-size=768',
        `--max-semi-space-size=${process.env.BENCH_SEMI_SPACE ?? 32}`,
        // BENCH_PROFILE=DIR writes a V8 CPU profile of the pipeline process there (`--cpu-prof`).
        ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
        '--import',
        'tsx',
        'services/cli/main.ts',
        'start',
        '--no-review',
      ],
      {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: {
          ...process.env,
          KAFKA_TOPIC: input,
          KAFKA_DLQ_TOPIC: `${input}.dlq`,
          KAFKA_GROUP_ID: groupId,
          CLICKHOUSE_DATABASE: db,
          METRICS_PORT: String(metricsPort),
          LOG_LEVEL: 'error',
          SINK_BATCH_ROWS: '5000',
          SINK_FLUSH_MS: String(flushMs),
          WATCHLIST_DIR,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  // One end-to-end run: a new pipeline process over `input` (all N messages already there), storing
  // into `db`. This VM's speed moves by ±30 % from minute to minute, so the run is repeated
  // (BENCH_E2E_RUNS, default 3) on copies of the topic and the median run by pipeline CPU is reported.
  const endToEnd = async (input: string, db: string, run: number) => {
    // Messages stored: one `reports` row each (no re-deliveries here), written just before its decision.
    // A plain count() reads one narrow column; uniqExact over decisions_raw, polled every 50 ms, cost
    // ClickHouse more CPU per message than the rows themselves as the table grew.
    const count = (table: string) => countOf(`SELECT count() AS n FROM ${identifier(`${db}.${table}`)}`);
    const metricsPort = await freePort();
    const child = pipelineProcess(input, `bench-e2e-${tag}-${run}`, 250, db, metricsPort);
    // Messages the pipeline has judged, from its own counter: rows stored lag it by up to three
    // inserts (15,000 rows), so a window opened on rows stored read its CPU per message low (one run:
    // 60 µs at 12,870 msg/s) whenever the sink was behind at the half-way mark.
    const consumed = async () => {
      try {
        const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        return Number(/^precursor_risk_messages_consumed_total (\d+)/m.exec(text)?.[1] ?? 0);
      } catch {
        return 0; // not listening yet
      }
    };
    let first: { t: number; n: number; cpu: CpuSample } | undefined;
    let stored = 0;
    let judged = 0;
    let hwmKiB = 0;
    const hwm = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwmKiB = Math.max(hwmKiB, Number(m[1]));
      } catch {
        // the process has exited
      }
    };
    // Steady state: the second half, once V8 has optimised the hot paths (the first ~20k reports run
    // 2-3x slower while it does) and the scoring caches are warm. A long-running pipeline lives here.
    // Its window opens when the pipeline has judged half the messages (its CPU, and the rate) and,
    // for ClickHouse and the broker, when half are stored (what they work on).
    let half: typeof first;
    let halfStored: typeof first;
    while (stored < N) {
      await new Promise((r) => setTimeout(r, 50));
      [stored, judged] = await Promise.all([count('reports'), half === undefined ? consumed() : judged]);
      if (first === undefined && stored > 0)
        first = { t: performance.now(), n: stored, cpu: sampleCpu(child.pid) };
      if (half === undefined && judged >= N / 2)
        half = { t: performance.now(), n: judged, cpu: sampleCpu(child.pid) };
      if (halfStored === undefined && stored >= N / 2)
        halfStored = { t: performance.now(), n: stored, cpu: sampleCpu(child.pid) };
    }
    // The last decisions follow their bodies by one insert.
    while ((await count('decisions_raw')) < N) await new Promise((r) => setTimeout(r, 20));
    const end = { t: performance.now(), cpu: sampleCpu(child.pid) };
    hwm();
    child.kill('SIGTERM');
    await once(child, 'exit');
    // Judged-half never seen (no metrics): fall back to the stored half.
    const h = half ?? halfStored!;
    const byJudged = perMessage(h.cpu, end.cpu, N - h.n);
    const byStored = perMessage(halfStored!.cpu, end.cpu, N - halfStored!.n);
    return {
      run,
      rate: (N - h.n) / ((end.t - h.t) / 1000),
      rateWhole: (N - first!.n) / ((end.t - first!.t) / 1000),
      cpu: { ...byStored, pipeline: byJudged.pipeline, pipelineMain: byJudged.pipelineMain },
      cpuWhole: perMessage(first!.cpu, end.cpu, N - first!.n),
      hwmKiB,
    };
  };
  const e2eRuns = Math.max(1, Number(process.env.BENCH_E2E_RUNS ?? 3));
  const runs = [await endToEnd(topic, database, 1)];
  for (let k = 2; k <= e2eRuns; k++) {
    const input = `${topic}.e2e${k}`;
    const db = `${database}_e2e${k}`;
    await ensureTopics({
      brokers: [...config.KAFKA_BROKERS],
      topics: [
        { topic: input, numPartitions: 3 },
        { topic: `${input}.dlq`, numPartitions: 3 },
      ],
    });
    await produce(input, messages);
    await migrateDatabase(config, db);
    runs.push(await endToEnd(input, db, k));
    await ch.command({ query: `DROP DATABASE IF EXISTS ${identifier(db)}` });
  }
  const byCpu = [...runs].sort((a, b) => (a.cpu.pipeline ?? 0) - (b.cpu.pipeline ?? 0));
  const median = byCpu[(byCpu.length - 1) >> 1]!;
  const { rate: e2e, rateWhole: e2eWhole, cpu: e2eCpu, cpuWhole: e2eCpuWhole } = median;
  const pipelineHwmKiB = Math.max(...runs.map((r) => r.hwmKiB));
  // Reconciliation writes a second row for the earlier document of a pair whose two documents
  // disagree: rows per message, from the reports themselves (the pairs of the reconciliation stage; an
  // amendment of a paired document may add another, so this is a lower bound). A count() of
  // decisions_raw undercounts: merges collapse a re-judged document's rows.
  const disagreeing = pairs.filter(([e, v]) => reconcilePair(parsed[e]!, parsed[v]!).length > 0).length;
  const rowsPerMessage = (N + disagreeing) / N;

  // 6. Latency from Kafka append to queryable, at half the end-to-end rate, for 20 s.
  const latTopic = `${topic}.lat`;
  const rate = Math.max(100, Math.floor(e2e / 2));
  // Its own process, as deployed: inside this process its GC pauses would be those of this one's heap
  // (all the reports in several forms, ~2.5 GB), not the pipeline's.
  // Into a database of its own: the poller below scans decisions_raw every 20 ms, and over the
  // end-to-end run's rows too that scan cost ClickHouse more CPU than the pipeline's inserts.
  const latDb = `${database}_lat`;
  await migrateDatabase(config, latDb);
  const latChild = pipelineProcess(latTopic, `bench-lat-${tag}`, 100, latDb);
  const producer = kafkaClient().producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  // Timed once it consumes: a probe report is stored (start-up and JIT warm-up are not latency).
  const probe = generateReports({ count: 1, seed: 9 }).reports[0]!;
  await producer.send({
    topic: latTopic,
    acks: 1,
    messages: [{ key: probe.consignment.consignmentId, value: JSON.stringify(probe) }],
  });
  while (
    (
      await queryRows<{ n: string }>(
        ch,
        sql`SELECT count() AS n FROM ${identifier(`${latDb}.decisions_raw`)} WHERE messageId = ${probe.messageId}`
          .text,
      )
    )[0]?.n === '0'
  )
    await new Promise((r) => setTimeout(r, 100));
  const sentAt = new Map<string, number>();
  const seenAt = new Map<string, number>();
  const latSeconds = 20;
  const { reports: latReports } = generateReports({ count: rate * latSeconds, seed: 8 });
  let polling = true;
  let latEnd = Number.POSITIVE_INFINITY;
  const poller = (async () => {
    let since = 0;
    while (polling || seenAt.size < sentAt.size) {
      const got = await queryRows<{ messageId: string; ms: string }>(
        ch,
        sql`SELECT messageId, insertedAtMs AS ms FROM ${identifier(`${latDb}.decisions_raw`)} PREWHERE insertedAtMs >= ${since}`
          .text,
      );
      const now = Date.now();
      for (const r of got) if (!seenAt.has(r.messageId)) seenAt.set(r.messageId, now);
      // A window of 0.5 s, not the newest row seen: an insert into several month partitions commits its
      // parts one by one, so a row stamped earlier can become visible after a later one.
      since = Math.max(since, ...got.map((r) => Number(r.ms) - 500));
      if (!polling && Date.now() > latEnd + 30_000) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  // This process's own GC pauses while it measures: with ~2 GB of reports on its heap, a long one would
  // delay the poller's reading and count as pipeline latency.
  const benchPauses: number[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) benchPauses.push(e.duration);
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const tick = 50;
  const perTick = Math.max(1, Math.round((rate * tick) / 1000));
  const latStart = Date.now();
  for (let i = 0; i < latReports.length; i += perTick) {
    const slice = latReports.slice(i, i + perTick);
    const now = Date.now();
    for (const r of slice) sentAt.set(r.messageId, now);
    await producer.send({
      topic: latTopic,
      acks: 1,
      messages: slice.map((r) => ({ key: r.consignment.consignmentId, value: JSON.stringify(r) })),
    });
    const next = latStart + ((i + perTick) / perTick) * tick;
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
  }
  latEnd = Date.now();
  polling = false;
  await poller;
  await producer.disconnect();
  latChild.kill('SIGTERM');
  await once(latChild, 'exit');
  gcObserver.disconnect();
  const lat = [...sentAt]
    .filter(([id]) => seenAt.has(id))
    .map(([id, s]) => seenAt.get(id)! - s)
    .sort((a, b) => a - b);
  // p99 per 2 s of sending: a tail from one moment (start, a merge, a pause) or spread over the run.
  const byWindow = new Map<number, number[]>();
  for (const [id, s] of sentAt) {
    const seen = seenAt.get(id);
    if (seen === undefined) continue;
    const w = Math.floor((s - latStart) / 2000);
    (byWindow.get(w) ?? byWindow.set(w, []).get(w)!).push(seen - s);
  }
  const windowP99 = [...byWindow]
    .sort((a, b) => a[0] - b[0])
    .map(([, l]) =>
      percentile(
        l.sort((a, b) => a - b),
        99,
      ),
    );

  // 7. Reconciliation from the store: one batched read of the stored documents of 256 consignments
  // (what a pipeline batch does for consignments it has not seen), over the end-to-end run's rows.
  const consignmentIds = [...new Set(reports.map((r) => r.consignment.consignmentId))];
  const storedDocs = Number(
    (await queryRows<{ n: string }>(ch, `SELECT count() AS n FROM ${identifier(`${database}.reports`)}`))[0]
      ?.n ?? 0,
  );
  const lookupBatch = 256;
  const lookupRuns = 20;
  for (let k = 0; k < 3; k++) await loadStoredDocuments(ch, database, consignmentIds.slice(0, lookupBatch));
  let lookupFound = 0;
  t = performance.now();
  for (let k = 0; k < lookupRuns; k++) {
    const from = (k * lookupBatch) % Math.max(1, consignmentIds.length - lookupBatch);
    lookupFound += (await loadStoredDocuments(ch, database, consignmentIds.slice(from, from + lookupBatch)))
      .length;
  }
  const lookupMs = (performance.now() - t) / lookupRuns;

  const queue = await benchQueue();
  const extra = await extraSections({ reports: parsed, scorer, decodeUsPerReport: 1e6 / decodeRate });
  clearInterval(rssTimer);
  await ch.command({ query: `DROP DATABASE IF EXISTS ${identifier(database)}` });
  await ch.command({ query: `DROP DATABASE IF EXISTS ${identifier(latDb)}` });
  await ch.close();

  const stageConsume = rawConsumeCpu?.self ?? 0;
  const stageSum =
    stageConsume +
    decodeUs +
    (scoreUs + encodeDecisionUs) * rowsPerMessage +
    reconcileUs +
    encodeReportUs +
    (insertCpu.self ?? 0);
  const f = (x: number) => Math.round(x).toLocaleString('en-US');
  const r2 = (x: number) => x.toFixed(2);
  const us = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${x.toFixed(1)} µs`);
  const sum = (c: ReturnType<typeof perMessage> | undefined) =>
    c === undefined ? null : (c.pipeline ?? c.self ?? 0) + (c.broker ?? 0) + (c.clickhouse ?? 0);
  const table = [
    ['raw kafkajs eachBatch consume (baseline)', `${f(rawConsume)} msg/s`, '1.00'],
    ['JSON.parse only', `${f(parseOnly)} msg/s`, r2(parseOnly / rawConsume)],
    ['JSON.parse + zod validation', `${f(decodeRate)} msg/s`, r2(decodeRate / rawConsume)],
    [
      'scoring (rules + matching + model), batch 256',
      `${f(scoreRate)} reports/s`,
      r2(scoreRate / rawConsume),
    ],
    [
      'raw @clickhouse/client insert, JSONEachRow objects, 5,000-row batches',
      `${f(rawInsert)} rows/s`,
      r2(rawInsert / rawConsume),
    ],
    [
      'the same rows as the sink sends them (TabSeparated, encoding included)',
      `${f(rawInsertTsv)} rows/s`,
      r2(rawInsertTsv / rawConsume),
    ],
    [
      'end to end, first stored row to last (includes V8 warm-up and cold caches)',
      `${f(e2eWhole)} msg/s`,
      r2(e2eWhole / rawConsume),
    ],
    [
      '**end to end**, steady state (second half of the messages)',
      `${f(e2e)} msg/s`,
      `**${r2(e2e / rawConsume)}** (target ≥ 0.45)`,
    ],
  ];
  const md = `# Benchmarks

Produced by \`npm run bench\` (\`BENCH_MESSAGES=${N}\`), ${new Date().toISOString().slice(0, 10)}, in ${((Date.now() - started) / 1000).toFixed(0)} s.
Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}.
Kafka 3.9.1 (single KRaft node, loopback), ClickHouse from Debian (18.16), scorer rules ${scorer.rulesVersion}, model ${scorer.modelVersion}.
Messages: ${f(N)} synthetic reports (generator seed 7), ${f(avgBytes)} bytes each on average, one topic of 3 partitions.
Every ratio is against the raw-consume baseline measured in the same run over the same messages.

## Throughput

| stage | rate | ratio to raw consume |
|---|---|---|
${table.map((r) => `| ${r.join(' | ')} |`).join('\n')}

## Latency, Kafka append → row queryable in ClickHouse

At ${f(rate)} msg/s (half the end-to-end rate) for ${latSeconds} s, through a pipeline process of its own (\`start --no-review\`, \`SINK_FLUSH_MS=100\`); ${f(lat.length)} of ${f(sentAt.size)} messages observed by a 20 ms poller (its interval is included in the figures).

| p50 | p99 | max | target |
|---|---|---|---|
| ${f(percentile(lat, 50))} ms | ${f(percentile(lat, 99))} ms | ${f(lat.at(-1) ?? Number.NaN)} ms | p99 ≤ 1,000 ms |

p99 per 2 s of sending, in order: ${windowP99.map((v) => f(v)).join(' · ')} ms. This benchmark process's own
GC paused it ${benchPauses.length} times meanwhile, ${f(benchPauses.reduce((a, b) => a + b, 0))} ms in all, the longest ${f(Math.max(0, ...benchPauses))} ms.

## CPU per message: where the end-to-end time goes

CPU time (user + system, all threads, from /proc) per message while the rate above was measured; this
machine has ${os.cpus().length} cores for all of it. Steady state opens when the pipeline has judged half the
messages (its own counter: its CPU and the rate) and when half are stored (ClickHouse and the broker),
and closes when the last decision is stored. The end-to-end figures are those of the median of
${runs.length} runs by pipeline CPU (run ${median.run}); this VM's speed moves by ±30 % from minute to minute:

| run | steady-state rate | pipeline | of which main thread | Kafka broker | ClickHouse | peak RSS |
|---|---:|---:|---:|---:|---:|---:|
${runs.map((r) => `| ${r.run}${r === median ? ' (median)' : ''} | ${f(r.rate)} msg/s | ${us(r.cpu.pipeline)} | ${us(r.cpu.pipelineMain)} | ${us(r.cpu.broker)} | ${us(r.cpu.clickhouse)} | ${(r.hwmKiB / 1024).toFixed(0)} MiB |`).join('\n')}

The pipeline's CPU besides its main thread is V8's helpers (parallel scavenges, concurrent marking and
sweeping, optimising compiles) and libuv's: garbage collection the stages measured alone hardly pay.

| process | raw consume | end to end, steady state | end to end, whole run |
|---|---:|---:|---:|
| consumer (the benchmark's kafkajs consumer / the pipeline process) | ${us(rawConsumeCpu?.self)} | ${us(e2eCpu.pipeline)} | ${us(e2eCpuWhole.pipeline)} |
| Kafka broker | ${us(rawConsumeCpu?.broker)} | ${us(e2eCpu.broker)} | ${us(e2eCpuWhole.broker)} |
| ClickHouse server | – | ${us(e2eCpu.clickhouse)} | ${us(e2eCpuWhole.clickhouse)} |
| **total** | ${us(sum(rawConsumeCpu))} | ${us(sum(e2eCpu))} | ${us(sum(e2eCpuWhole))} |

With every core busy and nothing lost to waiting, ${os.cpus().length} cores sustain at most ${f((os.cpus().length * 1e6) / (sum(e2eCpu) ?? Number.NaN))} msg/s at the steady-state cost per message, ${r2((os.cpus().length * 1e6) / (sum(e2eCpu) ?? Number.NaN) / rawConsume)} × raw consume; the 0.45 target would need at most ${us((os.cpus().length * 1e6) / (0.45 * rawConsume))} of CPU per message for all three processes together.

## Pipeline CPU against the sum of its stages

Each stage measured alone in this process, in this run, over the same messages (CPU µs per message);
the pipeline judges ${r2(rowsPerMessage)} decision rows per message (the earlier document of a pair that disagrees is judged again), so
the per-row stages count that many times.

| stage | CPU per message |
|---|---:|
| kafkajs consume (the raw-consume baseline's client) | ${us(stageConsume)} |
| decode: JSON.parse + zod (\`screenMessage\`) | ${us(decodeUs)} |
| scoring (rules + matching + model), × ${r2(rowsPerMessage)} | ${us(scoreUs * rowsPerMessage)} |
| decision row encoding (\`appendDecisionLine\` into a \`TsvBuffer\`), × ${r2(rowsPerMessage)} | ${us(encodeDecisionUs * rowsPerMessage)} |
| reconciliation (the earlier document of a pair decoded again and compared; ${f(pairs.length)} pairs) | ${us(reconcileUs)} |
| report body line (\`appendReportLine\`, the message's own bytes) | ${us(encodeReportUs)} |
| insert client (HTTP, TabSeparated bytes; bodies + decisions) | ${us(insertCpu.self)} |
| **sum of stages** | **${us(stageSum)}** |
| **pipeline process, end to end, steady state** | **${us(e2eCpu.pipeline)}** |
| **ratio pipeline / sum** | **${r2((e2eCpu.pipeline ?? Number.NaN) / stageSum)}** (target ≤ 1.3; pipeline ≤ 120 µs) |

ClickHouse: ${us(insertCpu.clickhouse)} of CPU per message when the same rows are inserted alone (bodies and
decisions, 5,000-row batches), ${us(e2eCpu.clickhouse === null ? null : e2eCpu.clickhouse / rowsPerMessage)} per decision row end to end (target ≤ 40 µs; the end-to-end figure includes
the benchmark's own polling queries and the reconciliation reads).

## Memory

Peak RSS of the end-to-end pipeline process (\`precursor-risk start --no-review\`, VmHWM, the highest of the runs): **${(pipelineHwmKiB / 1024).toFixed(0)} MiB** (target ≤ 768 MiB).
The benchmark process itself, which holds all ${f(N)} reports in several forms, peaked at ${(peakRss / 2 ** 20).toFixed(0)} MiB.

## Reconciliation from the store

A document whose consignment the pipeline has not seen since it started (restart, rebalance, another
process) is looked up in \`reports\` (sorted by consignmentId, granules of 256 rows) before its batch is judged:
one batched read per batch. Measured here over the ${f(storedDocs)} stored documents of the end-to-end
run: **${lookupMs.toFixed(1)} ms per read of ${lookupBatch} consignments** (${((lookupMs * 1000) / lookupBatch).toFixed(1)} µs per
consignment; ${f(lookupFound / lookupRuns)} documents found per read, decoded included), mean of ${lookupRuns} reads.
The end-to-end figures above include these reads: the first document of each consignment is looked up.

${extra}
${queue.markdown}
`;
  // Comparisons written by hand (alternating runs against other commits) follow a marker line and are
  // kept: a run rewrites only the figures above it.
  const target = new URL('../BENCHMARKS.md', import.meta.url);
  let kept = '';
  try {
    const old = readFileSync(target, 'utf8');
    const at = old.indexOf(KEPT_MARKER);
    if (at !== -1) kept = `\n${old.slice(at)}`;
  } catch {
    // no earlier file
  }
  writeFileSync(target, `${md.trimEnd()}\n${kept}`);
  process.stdout.write(md);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
