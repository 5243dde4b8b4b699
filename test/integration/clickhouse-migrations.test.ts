// Migrations against a real ClickHouse (CLICKHOUSE_URL, default http://127.0.0.1:8123), in a
// throwaway database: applied once, re-runs change nothing, and the `decisions` view shows one
// row per messageId even when a message was inserted twice (two parts, merges stopped).
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MIGRATIONS_DIR, migrate, readMigrations } from '../../infra/clickhouse/migrate.ts';
import { PrecursorRiskError } from '../../services/common/errors.ts';
import { DECISION_COLUMNS } from '../../services/storage/decision-rows.ts';
import { identifier, sql } from '../../services/storage/sql.ts';

const url = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const database = `pr_test_${randomBytes(6).toString('hex')}`;
const db = identifier(database);
const logs: string[] = [];
const log = (m: string) => logs.push(m);
let client: ClickHouseClient;
let tmpDirs: string[] = [];

async function rows<T>(query: string): Promise<T[]> {
  const rs = await client.query({ query, format: 'JSONEachRow' });
  return rs.json<T>();
}

async function count(query: string): Promise<number> {
  const [r] = await rows<{ c: number | string }>(query);
  return Number(r?.c);
}

async function migrationsCopy(extra: Record<string, string>, edit?: (file: string, text: string) => string) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pr-migrations-'));
  tmpDirs.push(dir);
  for (const m of await readMigrations()) {
    await fs.writeFile(path.join(dir, m.file), edit ? edit(m.file, m.text) : m.text);
  }
  for (const [file, text] of Object.entries(extra)) await fs.writeFile(path.join(dir, file), text);
  return dir;
}

function decision(insertedAtMs: number, lane: 'GREEN' | 'YELLOW' | 'RED') {
  const record = { messageId: 'msg-0001', lane };
  return {
    messageId: 'msg-0001',
    consignmentId: 'MAEU123456789',
    documentType: 'MANIFEST',
    reportingCountry: 'CA',
    sourceSystem: 'CBSA-ACI',
    mode: 'AIR',
    filedAt: '2026-02-10T08:15:00Z',
    scoredAt: '2026-02-10T08:15:01.204Z',
    scoredAtMs: Date.parse('2026-02-10T08:15:01.204Z'),
    riskScore: 0.93,
    lane,
    flagged: lane === 'GREEN' ? 0 : 1,
    modelScore: 0.71,
    modelVersion: 'model-test',
    rulesVersion: 'rules-test',
    portOfLoading: 'CNSHA',
    portOfDischarge: 'CAYVR',
    originCountry: 'CN',
    destinationCountry: 'CA',
    transshipmentPorts: ['HKHKG'],
    shipperName: 'Shipper\'s "Co" \\ Ltd',
    consigneeName: 'Consignee Inc',
    hsCodes: ['293339'],
    'ruleHits.ruleId': ['controlled-substance-cas', 'route-risk'],
    'ruleHits.weight': [0.9, 0.2],
    'ruleHits.explanation': ['CAS 40064-34-4 is a salt of 4-piperidone', 'transshipment via HKHKG'],
    'ruleHits.goodsLine': [1, 0],
    'substances.name': ['4-piperidone'],
    'substances.cas': ['41661-47-6'],
    'substances.matchedBy': ['CAS'],
    'substances.listing': ['UN-1988-TABLE-I'],
    'substances.goodsLine': [1],
    'topFeatures.feature': ['cas_hit', 'route'],
    'topFeatures.contribution': [0.12, 0.03],
    record: JSON.stringify(record),
    report: JSON.stringify({ schemaVersion: 1, messageId: 'msg-0001' }),
    kafkaTopic: 'manifests.v1',
    kafkaPartition: 0,
    kafkaOffset: 42,
    insertedAtMs,
  };
}

beforeAll(() => {
  client = createClient({
    url,
    username: process.env.CLICKHOUSE_USER ?? 'default',
    password: process.env.CLICKHOUSE_PASSWORD ?? '',
    log: { level: ClickHouseLogLevel.OFF }, // the failing statements below are expected
  });
});

afterAll(async () => {
  await client.command({ query: sql`DROP DATABASE IF EXISTS ${db}`.text });
  await client.close();
  for (const dir of tmpDirs) await fs.rm(dir, { recursive: true, force: true });
  tmpDirs = [];
});

describe('ClickHouse migrations', () => {
  it('apply once, and a second run changes nothing', async () => {
    const files = (await readMigrations(DEFAULT_MIGRATIONS_DIR)).map((m) => m.file);
    expect(files[0]).toBe('001_decisions.sql');

    const first = await migrate({ client, database, log });
    expect(first.applied).toEqual(files);
    expect(first.skipped).toEqual([]);

    const second = await migrate({ client, database, log });
    expect(second.applied).toEqual([]);
    expect(second.skipped).toEqual(files);

    const recorded = await rows<{ version: number; name: string }>(
      sql`SELECT version, name FROM ${identifier(`${database}.schema_migrations`)} ORDER BY version`.text,
    );
    expect(recorded.map((r) => Number(r.version))).toEqual(files.map((f) => Number(f.slice(0, 3))));

    const tables = await rows<{ name: string; engine: string }>(
      sql`SELECT name, engine FROM system.tables WHERE database = ${database} ORDER BY name`.text,
    );
    expect(Object.fromEntries(tables.map((t) => [t.name, t.engine]))).toEqual({
      // 001 decisions and dead letters
      dead_letters: 'MergeTree',
      dead_letters_dedup: 'View',
      decisions: 'View',
      decisions_raw: 'ReplacingMergeTree',
      schema_migrations: 'MergeTree',
      // 002 review app
      assignments: 'MergeTree',
      audit_log: 'MergeTree',
      case_shares: 'MergeTree',
      dispositions: 'MergeTree',
      labels: 'View',
      review_users: 'ReplacingMergeTree',
      // 003 partner sharing
      partner_labels: 'View',
      partner_outcomes: 'ReplacingMergeTree',
      received_cases: 'ReplacingMergeTree',
      rejected_packages: 'MergeTree',
      sharing_messages: 'ReplacingMergeTree',
      // 004 model registry and shadow scores
      model_registry: 'ReplacingMergeTree',
      model_registry_current: 'View',
      shadow_scores: 'ReplacingMergeTree',
      shadow_scores_dedup: 'View',
      // 007 sign-in throttling
      login_attempts: 'MergeTree',
      // 008 permit register and permit usage
      permit_register: 'ReplacingMergeTree',
      permit_register_current: 'View',
      permit_usage: 'ReplacingMergeTree',
      // 009 report bodies, once per message (replaces 006's documents by consignment)
      reports: 'ReplacingMergeTree',
    });
  });

  it('005 can run again after a failure: an ADD COLUMN whose column exists counts as done', async () => {
    const again = await fs.mkdtemp(path.join(os.tmpdir(), 'mig-rerun-'));
    tmpDirs.push(again);
    for (const f of ['001_decisions.sql', '005_screening.sql'])
      await fs.copyFile(path.join(DEFAULT_MIGRATIONS_DIR, f), path.join(again, f));
    const db2 = `${database}_rerun`;
    await migrate({ client, database: db2, dir: again, log });
    // Forget 005, as if it had failed after its ALTERs, and run it again.
    await client.command({ query: `ALTER TABLE ${db2}.schema_migrations DELETE WHERE version = 5` });
    for (let i = 0; i < 50; i++) {
      const left = await rows<{ n: string }>(
        `SELECT count() AS n FROM ${db2}.schema_migrations WHERE version = 5`,
      );
      if (Number(left[0]?.n) === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const rerun = await migrate({ client, database: db2, dir: again, log });
    expect(rerun.applied).toEqual(['005_screening.sql']);
    await client.command({ query: `DROP DATABASE ${db2}` });
  });

  it('the sink writes every column of decisions_raw but the pre-009 report body', async () => {
    const cols = await rows<{ name: string }>(
      sql`SELECT name FROM system.columns WHERE database = ${database} AND table = 'decisions_raw'`.text,
    );
    expect([...DECISION_COLUMNS, 'report'].sort()).toEqual(cols.map((c) => c.name).sort());
  });

  it('009 keeps the bodies stored before it readable, once per message, and can run again', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mig-009-'));
    tmpDirs.push(dir);
    const before = (await readMigrations()).filter((m) => m.version < 9);
    for (const m of before) await fs.writeFile(path.join(dir, m.file), m.text);
    const db3 = `${database}_009`;
    await migrate({ client, database: db3, dir, log });
    // Two decision rows of one message (a re-judgement) and an UNSCREENED row, as written before 009.
    const old = (ms: number, lane: 'YELLOW' | 'RED', body: string) => ({
      ...decision(ms, lane),
      report: body,
    });
    const body = JSON.stringify({ messageId: 'msg-0001', note: 'tab\there' });
    await client.insert({
      table: `${db3}.decisions_raw`,
      values: [
        old(1_000, 'YELLOW', body),
        old(2_000, 'RED', body),
        { ...old(3_000, 'RED', '{not json'), messageId: 'unscreened:t:0:9', screening: 'UNSCREENED' },
      ],
      format: 'JSONEachRow',
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
    await fs.copyFile(
      path.join(DEFAULT_MIGRATIONS_DIR, '009_reports.sql'),
      path.join(dir, '009_reports.sql'),
    );
    expect((await migrate({ client, database: db3, dir, log })).applied).toEqual(['009_reports.sql']);
    const read = () =>
      rows<{ messageId: string; report: string; screening: string }>(
        `SELECT messageId, report, toString(screening) AS screening FROM ${db3}.reports FINAL ORDER BY messageId`,
      );
    const expected = [
      { messageId: 'msg-0001', report: body, screening: 'COMPLETE' },
      { messageId: 'unscreened:t:0:9', report: '{not json', screening: 'UNSCREENED' },
    ];
    expect(await read()).toEqual(expected);
    const tables = await rows<{ name: string }>(`SELECT name FROM system.tables WHERE database = '${db3}'`);
    expect(tables.map((t) => t.name)).not.toContain('consignment_documents_mv');
    // As if it failed after its copy: run it again; the copies collapse.
    await client.command({ query: `ALTER TABLE ${db3}.schema_migrations DELETE WHERE version = 9` });
    for (let i = 0; i < 50; i++) {
      const left = await rows<{ n: string }>(
        `SELECT count() AS n FROM ${db3}.schema_migrations WHERE version = 9`,
      );
      if (Number(left[0]?.n) === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await migrate({ client, database: db3, dir, log })).applied).toEqual(['009_reports.sql']);
    expect(await read()).toEqual(expected);
    await client.command({ query: `DROP DATABASE ${db3}` });
  });

  it('decisions shows one row per messageId after a re-delivery', async () => {
    const raw = identifier(`${database}.decisions_raw`);
    const view = identifier(`${database}.decisions`);
    // Keep the two inserts in two parts, so the view (not a background merge) must deduplicate.
    await client.command({ query: sql`SYSTEM STOP MERGES ${raw}`.text });
    try {
      for (const [ms, lane] of [
        [1_000, 'YELLOW'],
        [2_000, 'RED'],
      ] as const) {
        await client.insert({
          table: `${database}.decisions_raw`,
          values: [decision(ms, lane)],
          format: 'JSONEachRow',
          clickhouse_settings: { date_time_input_format: 'best_effort' },
        });
      }
      expect(await count(sql`SELECT count() AS c FROM ${raw}`.text)).toBe(2);
      expect(await count(sql`SELECT count() AS c FROM ${view}`.text)).toBe(1);

      const [row] = await rows<Record<string, unknown>>(
        sql`SELECT * FROM ${view} WHERE messageId = ${'msg-0001'}`.text,
      );
      expect(row).toMatchObject({
        messageId: 'msg-0001',
        consignmentId: 'MAEU123456789',
        documentType: 'MANIFEST',
        filedAt: '2026-02-10 08:15:00',
        scoredAt: '2026-02-10 08:15:01',
        riskScore: 0.93,
        lane: 'RED', // the later insert wins
        flagged: 1,
        modelScore: 0.71,
        modelVersion: 'model-test',
        rulesVersion: 'rules-test',
        shipperName: 'Shipper\'s "Co" \\ Ltd',
        'ruleHits.ruleId': ['controlled-substance-cas', 'route-risk'],
        'substances.cas': ['41661-47-6'],
        'topFeatures.contribution': [0.12, 0.03],
      });
      expect(Number(row?.insertedAtMs)).toBe(2_000);

      const lanes = await rows<{ lane: string; c: number | string }>(
        sql`SELECT lane, count() AS c FROM ${view} GROUP BY lane`.text,
      );
      expect(lanes.map((l) => [l.lane, Number(l.c)])).toEqual([['RED', 1]]);
      // A filter on a superseded value must not resurface the old row (WHERE applies after FINAL).
      expect(await count(sql`SELECT count() AS c FROM ${view} WHERE lane = ${'YELLOW'}`.text)).toBe(0);

      expect(
        await count(sql`SELECT count() AS c FROM ${view} WHERE has(substances.cas, ${'41661-47-6'})`.text),
      ).toBe(1);
      const hits = await rows<{ messageId: string; ruleId: string; weight: number }>(
        sql`SELECT messageId, r.ruleId AS ruleId, r.weight AS weight FROM ${view} ARRAY JOIN ruleHits AS r ORDER BY ruleId`
          .text,
      );
      expect(hits).toEqual([
        { messageId: 'msg-0001', ruleId: 'controlled-substance-cas', weight: 0.9 },
        { messageId: 'msg-0001', ruleId: 'route-risk', weight: 0.2 },
      ]);
    } finally {
      await client.command({ query: sql`SYSTEM START MERGES ${raw}`.text });
    }
  });

  it('dead_letters_dedup keeps one row per source offset', async () => {
    const base = {
      kafkaTopic: 'manifests.v1',
      kafkaPartition: 2,
      kafkaOffset: 7,
      messageKey: 'k',
      reason: 'INVALID_JSON',
      detail: 'Unexpected token',
      sizeBytes: 3,
      valueBase64: Buffer.from('{x').toString('base64'),
    };
    for (const receivedAt of ['2026-01-31T23:59:59Z', '2026-02-01T00:00:05Z']) {
      await client.insert({
        table: `${database}.dead_letters`,
        values: [{ ...base, receivedAt }],
        format: 'JSONEachRow',
        clickhouse_settings: { date_time_input_format: 'best_effort' },
      });
    }
    const dedup = await rows<{ receivedAt: string }>(
      sql`SELECT receivedAt FROM ${identifier(`${database}.dead_letters_dedup`)}`.text,
    );
    expect(dedup).toEqual([{ receivedAt: '2026-01-31 23:59:59' }]);
  });

  it('refuses an applied migration whose file changed, naming the file', async () => {
    const dir = await migrationsCopy({}, (_file, text) => `${text}\n-- edited after it was applied\n`);
    const err = await migrate({ client, database, dir, log }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrecursorRiskError);
    expect((err as PrecursorRiskError).code).toBe('MIGRATION_FAILED');
    expect((err as PrecursorRiskError).message).toContain('001_decisions.sql');
  });

  it('stops at a failing statement, naming file and statement, and records nothing for it', async () => {
    const dir = await migrationsCopy({
      '900_broken.sql':
        'CREATE TABLE IF NOT EXISTS {{database}}.ok_table (a UInt8) ENGINE = MergeTree ORDER BY a;\n' +
        'SELEC nonsense;\n',
      '901_never.sql':
        'CREATE TABLE IF NOT EXISTS {{database}}.never (a UInt8) ENGINE = MergeTree ORDER BY a;\n',
    });
    const err = await migrate({ client, database, dir, log }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrecursorRiskError);
    expect((err as PrecursorRiskError).code).toBe('MIGRATION_FAILED');
    expect((err as PrecursorRiskError).message).toMatch(/900_broken\.sql: statement 2 of 2 failed/);
    expect((err as PrecursorRiskError).message).toContain('SELEC nonsense');

    const versions = await rows<{ version: number }>(
      sql`SELECT version FROM ${identifier(`${database}.schema_migrations`)} WHERE version >= ${900}`.text,
    );
    expect(versions).toEqual([]);
    expect(
      await count(
        sql`SELECT count() AS c FROM system.tables WHERE database = ${database} AND name = ${'never'}`.text,
      ),
    ).toBe(0);
  });

  it('rejects an unsafe database name before any SQL is sent', async () => {
    const err = await migrate({ client, database: 'x;DROP DATABASE y', log }).catch((e: unknown) => e);
    expect((err as PrecursorRiskError).code).toBe('MIGRATION_FAILED');
    expect((err as Error).cause).toBeInstanceOf(TypeError);
  });
});
