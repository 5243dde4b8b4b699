// `benchQueue()`: the review queue's first page over 100k stored decisions (issue: < 1 s).
// Writes a temporary, migrated database (dropped afterwards) with synthetic decisions, assignments
// and dispositions. Returns the timings and a Markdown section for BENCHMARKS.md.
import { randomBytes } from 'node:crypto';
import { migrateDatabase } from '../../infra/cli.ts';
import { type InfraConfig, infraConfigSchema, loadConfig } from '../common/config.ts';
import { createClickHouse, insertRows } from '../storage/clickhouse.ts';
import { type CaseRows, insertCaseRows } from '../storage/decision-rows.ts';
import { formatDateTime, identifier } from '../storage/sql.ts';
import { queuePage } from './queue.ts';
import { queueQuerySchema } from './request-schemas.ts';
import { syntheticRows } from './synthetic.ts';

export interface QueueBenchResult {
  rows: number;
  flagged: number;
  insertSeconds: number;
  /** First page, first request after the insert (cold caches). */
  firstPageMs: number;
  /** Median of 10 further first-page requests, per filter set. */
  medians: { name: string; ms: number; total: number }[];
  markdown: string;
}

export interface QueueBenchOptions {
  rows?: number;
  config?: InfraConfig;
  log?: (m: string) => void;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

export async function benchQueue(opts: QueueBenchOptions = {}): Promise<QueueBenchResult> {
  const n = opts.rows ?? 100_000;
  const config = opts.config ?? loadConfig(infraConfigSchema);
  const log = opts.log ?? (() => {});
  const database = `bench_review_${randomBytes(3).toString('hex')}`;
  await migrateDatabase(config, database);
  const client = createClickHouse({
    url: config.CLICKHOUSE_URL,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
    requestTimeoutMs: 120_000,
  });
  try {
    const now = new Date();
    const t0 = performance.now();
    let batch: CaseRows[] = [];
    let flagged = 0;
    const flaggedIds: string[] = [];
    for (const row of syntheticRows(n, { seed: 42, now, days: 90 })) {
      if (row.decision.flagged === 1) {
        flagged++;
        if (flaggedIds.length < 5000) flaggedIds.push(String(row.decision.messageId));
      }
      batch.push(row);
      if (batch.length === 10_000) {
        await insertCaseRows(client, database, batch);
        batch = [];
      }
    }
    await insertCaseRows(client, database, batch);
    // Some officers' work, so the assignee and state filters have rows to read.
    const at = formatDateTime(now);
    await insertRows(
      client,
      `${database}.assignments`,
      flaggedIds.map((messageId, i) => ({
        assignmentId: `a${i}`,
        messageId,
        assignee: i % 2 === 0 ? 'cbsa.officer' : 'cbsa.supervisor',
        assigneeAgency: 'CBSA',
        assignedBy: 'bench',
        assignedAt: at,
        assignedAtMs: now.getTime() + i,
      })),
    );
    await insertRows(
      client,
      `${database}.dispositions`,
      flaggedIds.slice(0, 2000).map((messageId, i) => ({
        dispositionId: `d${i}`,
        messageId,
        consignmentId: '',
        disposition: i % 10 === 0 ? 'SEIZED' : 'RELEASED',
        decidedAt: at,
        decidedAtMs: now.getTime() + i,
        laneAtDecision: 'RED',
        randomSelection: -1,
      })),
    );
    const insertSeconds = (performance.now() - t0) / 1000;
    log(`review bench: ${n} decisions (${flagged} flagged) inserted in ${insertSeconds.toFixed(1)} s`);

    const ctx = { client, database };
    const page = async (query: Record<string, string>) => {
      const filters = queueQuerySchema.parse(query);
      const s = performance.now();
      const p = await queuePage(ctx, 'CBSA', filters, 'cbsa.officer');
      return { ms: performance.now() - s, total: p.total };
    };
    const first = await page({});
    const sets: [string, Record<string, string>][] = [
      ['no filter', {}],
      ['lane RED', { lane: 'RED' }],
      ['party search "bright"', { q: 'bright' }],
      ['substance "piperid"', { substance: 'piperid' }],
      ['assignee + open', { assignee: 'me', state: 'open' }],
      ['ports + dates', { port: 'CAYVR,CAYYZ', from: '2020-01-01', to: '2100-01-01' }],
    ];
    const medians: QueueBenchResult['medians'] = [];
    for (const [name, query] of sets) {
      const runs: number[] = [];
      let total = 0;
      for (let i = 0; i < 10; i++) {
        const r = await page(query);
        runs.push(r.ms);
        total = r.total;
      }
      medians.push({ name, ms: median(runs), total });
    }
    const markdown = [
      '## Review queue (services/review/bench.ts)',
      '',
      `${n.toLocaleString('en')} decisions (${flagged.toLocaleString('en')} flagged), CBSA officer's first page of 50 (sort keys + total, then rows + states: 5 queries in 2 rounds). Target: < 1 s.`,
      '',
      '| request | median of 10 (ms) | matching cases |',
      '|---|---:|---:|',
      `| first page, first request after insert | ${first.ms.toFixed(0)} | ${first.total} |`,
      ...medians.map((m) => `| ${m.name} | ${m.ms.toFixed(0)} | ${m.total} |`),
      '',
    ].join('\n');
    return { rows: n, flagged, insertSeconds, firstPageMs: first.ms, medians, markdown };
  } finally {
    await client.command({ query: `DROP DATABASE IF EXISTS ${identifier(database)}` }).catch(() => {});
    await client.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchQueue({ log: (m) => process.stderr.write(`${m}\n`) });
  process.stdout.write(r.markdown);
}
