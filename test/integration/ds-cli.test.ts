// The data-science commands as a user runs them: parsed by commander (the same program main.ts builds),
// against a scratch registry and a test database; stdout captured.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../services/cli/main.ts';
import { generateReports } from '../../services/generator/index.ts';
import { readPointer } from '../../services/registry/registry.ts';
import { registryRows } from '../../services/registry/registry-table.ts';
import { CHAMPION, perturbWeights, scratchRegistry } from '../../services/registry/test-registry.ts';
import { createTestDatabase, type TestDatabase } from '../support/env.ts';

async function run(args: string[]): Promise<{ stdout: string; error: unknown }> {
  const program = buildProgram();
  let stdout = '';
  const write = process.stdout.write.bind(process.stdout);
  const stderrWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  let error: unknown = null;
  try {
    await program.parseAsync(['node', 'precursor-risk', ...args]);
  } catch (err) {
    error = err;
  } finally {
    process.stdout.write = write;
    process.stderr.write = stderrWrite;
  }
  return { stdout, error };
}

describe('data-science commands', () => {
  let db: TestDatabase;
  let registry: string;
  let candidate: string;
  let work: string;
  const savedDb = process.env.CLICKHOUSE_DATABASE;

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.CLICKHOUSE_DATABASE = db.database;
    ({ dir: registry, copy: candidate } = await scratchRegistry());
    await perturbWeights(registry, candidate, 1.2);
    work = await mkdtemp(path.join(tmpdir(), 'pr-ds-cli-'));
    const g = generateReports({ count: 3000, seed: 51 });
    await writeFile(path.join(work, 'reports.jsonl'), g.reports.map((r) => JSON.stringify(r)).join('\n'));
    await writeFile(
      path.join(work, 'reports.labels.jsonl'),
      g.labels.map((l) => JSON.stringify(l)).join('\n'),
    );
  });

  afterAll(async () => {
    if (savedDb === undefined) delete process.env.CLICKHOUSE_DATABASE;
    else process.env.CLICKHOUSE_DATABASE = savedDb;
    await db?.drop();
    await Promise.all([registry, work].map((d) => d && rm(d, { recursive: true, force: true })));
  });

  it('trains from a labelled file into the registry and records a candidate', async () => {
    const r = await run([
      'train',
      '--from',
      path.join(work, 'reports.jsonl'),
      '--out',
      registry,
      '--epochs',
      '2',
      '--holdout-count',
      '1000',
      '--no-progress',
    ]);
    expect(r.error).toBeNull();
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ recorded: true, epochsRun: 2, data: { source: 'file', labelled: 3000 } });
    expect(existsSync(path.join(result.dir, 'reference.json'))).toBe(true);
    expect(
      (await registryRows({ client: db.client, database: db.database }, result.version))[0]?.status,
    ).toBe('candidate');
  });

  it('lists models, promotes, and refuses an unknown version with a usage-level error', async () => {
    const list = JSON.parse((await run(['models', 'list', '--json', '--registry', registry])).stdout);
    expect(list.models.map((m: { version: string }) => m.version)).toContain(CHAMPION);
    const promoted = await run(['promote', candidate, '--challenger', '--registry', registry]);
    expect(JSON.parse(promoted.stdout)).toMatchObject({
      kind: 'challenger',
      version: candidate,
      recorded: true,
    });
    expect(await readPointer(registry, 'challenger')).toBe(candidate);
    const bad = await run(['promote', 'm-nope', '--registry', registry]);
    expect(bad.error).toMatchObject({ code: 'MODEL_INVALID' });
    expect(await readPointer(registry, 'champion')).toBe(CHAMPION);
    const stopped = await run(['models', 'stop-challenger', '--registry', registry]);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ previous: candidate, recorded: true });
  });

  it('promotes on disk when ClickHouse is down, and a re-run repairs the record', async () => {
    const url = process.env.CLICKHOUSE_URL;
    process.env.CLICKHOUSE_URL = 'http://127.0.0.1:9';
    let down: Awaited<ReturnType<typeof run>>;
    try {
      down = await run(['promote', candidate, '--registry', registry]);
    } finally {
      if (url === undefined) delete process.env.CLICKHOUSE_URL;
      else process.env.CLICKHOUSE_URL = url;
    }
    expect(JSON.parse(down.stdout)).toMatchObject({ version: candidate, recorded: false });
    expect(process.exitCode).toBe(1);
    process.exitCode = 0;
    expect(await readPointer(registry, 'champion')).toBe(candidate);
    const again = await run(['promote', candidate, '--registry', registry]);
    expect(JSON.parse(again.stdout)).toMatchObject({ recorded: true, previous: candidate });
    const rows = await registryRows({ client: db.client, database: db.database });
    const status = Object.fromEntries(rows.map((r) => [r.version, r.status]));
    expect(status[candidate]).toBe('champion');
    // Back to the committed champion for the tests that follow; it is recorded, the candidate retired.
    await run(['promote', CHAMPION, '--registry', registry]);
    const after = Object.fromEntries(
      (await registryRows({ client: db.client, database: db.database })).map((r) => [r.version, r.status]),
    );
    expect(after).toMatchObject({ [CHAMPION]: 'champion', [candidate]: 'retired' });
  });

  it('evaluates against rules only and writes a report with plots', async () => {
    const out = path.join(work, 'report');
    const r = await run([
      'evaluate',
      '--model',
      'champion',
      '--against',
      candidate,
      '--data',
      path.join(work, 'reports.jsonl'),
      '--report',
      out,
      '--registry',
      registry,
    ]);
    expect(r.error).toBeNull();
    const summary = JSON.parse(r.stdout);
    expect(summary.systems.map((s: { id: string }) => s.id)).toEqual([
      'rules-only',
      'model-A',
      'rules+A',
      'model-B',
      'rules+B',
    ]);
    expect(summary.weakSignal.patterns).toContain('smuggle-weak-indicators');
    for (const f of ['report.md', 'report.html', 'pr-curve.svg', 'calibration.svg', 'score-distribution.svg'])
      expect(existsSync(path.join(out, f))).toBe(true);
    expect(await readFile(path.join(out, 'report.md'), 'utf8')).toMatch(/recall @ 5%/);
  });

  it('reports drift of a file against the champion reference', async () => {
    const r = await run([
      'drift',
      '--data',
      path.join(work, 'reports.jsonl'),
      '--json',
      '--registry',
      registry,
    ]);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ modelVersion: CHAMPION, reports: 3000, alert: false });
    expect(report.features).toHaveLength(70);
  });

  it('calibrates lane thresholds to expected rates, prints by default and writes with --write', async () => {
    const policy = path.join(work, 'lanes.yaml');
    await writeFile(policy, await readFile('models/lanes.yaml', 'utf8'));
    const before = await readFile(policy, 'utf8');
    const args = ['calibrate', '--data', path.join(work, 'reports.jsonl'), '--policy', policy];
    const dry = await run([...args, '--red-rate', '0.04', '--yellow-rate', '0.25', '--registry', registry]);
    expect(dry.error).toBeNull();
    expect(dry.stdout).toMatch(/\| calibrated \| 0\.\d+ \| 0\.\d+ \|/);
    expect(await readFile(policy, 'utf8')).toBe(before);
    const wet = await run([
      ...args,
      '--red-rate',
      '0.04',
      '--yellow-rate',
      '0.25',
      '--json',
      '--write',
      '--registry',
      registry,
    ]);
    expect(wet.error).toBeNull();
    const result = JSON.parse(wet.stdout);
    expect(result.reports).toBe(3000);
    expect(result.calibrated.predicted.RED).toBeLessThanOrEqual(0.04);
    const written = await readFile(policy, 'utf8');
    expect(written).toContain(`red: ${result.calibrated.thresholds.red}`);
    expect(written).toContain('RED: 0.04');
    expect(written).toContain('# Guard rails no score or calibration crosses');
    const bad = await run([...args, '--red-rate', '2', '--registry', registry]);
    expect(String((bad.error as Error)?.message)).toMatch(/share from 0 to 1/);
  });

  it('rejects --data together with --seed', async () => {
    const r = await run([
      'evaluate',
      '--model',
      'champion',
      '--data',
      'x.jsonl',
      '--seed',
      '3',
      '--registry',
      registry,
    ]);
    expect(r.error).toMatchObject({ code: 'CLI_USAGE' });
  });

  it('rejects --baseline without the training file, and an unknown pattern to exclude', async () => {
    const r = await run(['evaluate', '--model', 'champion', '--baseline', '--registry', registry]);
    expect(r.error).toMatchObject({ code: 'CLI_USAGE' });
    expect(String((r.error as Error).message)).toMatch(/--train-data/);
    const t = await run([
      'train',
      '--from',
      'x.jsonl',
      '--exclude-pattern',
      'smuggle-nothing',
      '--no-record',
    ]);
    expect(String((t.error as Error)?.message)).toMatch(/generator pattern/);
  });
});
