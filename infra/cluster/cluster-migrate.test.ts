import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMigrations, splitStatements } from '../clickhouse/migrate.ts';
import { bindDatabase, convertMigrations, shardingColumn } from './cluster-migrate.ts';

const PLAIN_MERGE_TREE = /ENGINE\s*=\s*(?!Replicated)\w*MergeTree/i;

describe('cluster variant of the migrations', () => {
  it('converts every migration file in the repository', async () => {
    const files = await readMigrations();
    expect(files.length).toBeGreaterThan(0);
    const converted = convertMigrations(files);
    expect(converted.map((m) => m.file)).toEqual(files.map((f) => f.file));
    for (const [i, m] of converted.entries()) {
      const source = files[i];
      if (source === undefined) throw new Error('missing source');
      expect(m.checksum).toBe(source.checksum);
      for (const s of m.statements)
        expect(s.sql, `${m.file}: ${s.sql.slice(0, 60)}`).not.toMatch(PLAIN_MERGE_TREE);
      // Each single-node MergeTree table became a replicated _local table plus a Distributed table of its name.
      for (const statement of splitStatements(source.text)) {
        const table =
          /^CREATE TABLE (?:IF NOT EXISTS )?\{\{database\}\}\.(\w+)[\s\S]*ENGINE\s*=\s*\w*MergeTree/i.exec(
            statement,
          )?.[1];
        if (table === undefined) continue;
        const sqls = m.statements.map((s) => s.sql);
        expect(
          sqls.some(
            (s) => s.includes(`{{database}}.${table}_local (`) && /Replicated\w*MergeTree\('/.test(s),
          ),
        ).toBe(true);
        expect(
          sqls.some(
            (s) =>
              s.startsWith(`CREATE TABLE IF NOT EXISTS {{database}}.${table} AS`) &&
              s.includes('Distributed('),
          ),
        ).toBe(true);
      }
    }
  });

  it('keeps the version column of a Replacing engine and shards by the first sorting column', async () => {
    const [decisions] = convertMigrations((await readMigrations()).slice(0, 1));
    const sqls = decisions?.statements.map((s) => s.sql) ?? [];
    expect(sqls.find((s) => s.includes('decisions_raw_local ('))).toContain(
      "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{databaseName}}/decisions_raw_local', '{replica}', insertedAtMs)",
    );
    expect(sqls.find((s) => s.includes('decisions_raw AS'))).toContain(
      "Distributed('precursor_risk', '{{databaseName}}', 'decisions_raw_local', cityHash64(messageId))",
    );
    // The view names the Distributed table: FINAL then runs on each shard.
    expect(sqls.find((s) => s.startsWith('CREATE VIEW IF NOT EXISTS {{database}}.decisions '))).toMatch(
      /FROM \{\{database\}\}\.decisions_raw\s+FINAL/,
    );
    expect(
      shardingColumn('CREATE TABLE t (a String) ENGINE = MergeTree ORDER BY (toAgency, messageId)'),
    ).toBe('toAgency');
    expect(shardingColumn('x ENGINE = MergeTree PARTITION BY toYYYYMM(at) ORDER BY seq')).toBe('seq');
  });

  it('places a later ALTER, DROP, INSERT and materialized view on the right replicas', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cluster-migrate-'));
    try {
      await writeFile(
        path.join(dir, '001_a.sql'),
        'CREATE TABLE IF NOT EXISTS {{database}}.a (k String, v UInt64) ENGINE = ReplacingMergeTree(v) ORDER BY k;\n',
      );
      await writeFile(
        path.join(dir, '002_b.sql'),
        [
          "ALTER TABLE {{database}}.a ADD COLUMN note String DEFAULT '';",
          'ALTER TABLE {{database}}.a DELETE WHERE v = 0;',
          'CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.a_mv TO {{database}}.a AS SELECT * FROM {{database}}.a;',
          'INSERT INTO {{database}}.a SELECT * FROM {{database}}.a;',
          'DROP TABLE IF EXISTS {{database}}.a;',
          '',
        ].join('\n'),
      );
      const [, second] = convertMigrations(await readMigrations(dir));
      expect(second?.statements).toEqual([
        { sql: "ALTER TABLE {{database}}.a_local ADD COLUMN note String DEFAULT ''", scope: 'once' },
        { sql: "ALTER TABLE {{database}}.a ADD COLUMN note String DEFAULT ''", scope: 'every' },
        { sql: 'ALTER TABLE {{database}}.a_local DELETE WHERE v = 0', scope: 'once' },
        {
          sql: 'CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.a_mv TO {{database}}.a AS SELECT * FROM {{database}}.a',
          scope: 'every',
        },
        { sql: 'INSERT INTO {{database}}.a SELECT * FROM {{database}}.a', scope: 'once' },
        { sql: 'DROP TABLE IF EXISTS {{database}}.a', scope: 'every' },
        { sql: 'DROP TABLE IF EXISTS {{database}}.a_local', scope: 'every' },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses what it cannot replicate, naming the file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cluster-migrate-'));
    try {
      await writeFile(
        path.join(dir, '001_mv.sql'),
        'CREATE MATERIALIZED VIEW {{database}}.m ENGINE = MergeTree ORDER BY k AS SELECT 1 AS k;\n',
      );
      expect(() => convertMigrations([])).not.toThrow();
      await expect(readMigrations(dir).then(convertMigrations)).rejects.toThrow(
        /001_mv\.sql \(cluster variant\)/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('binds the plain database name inside paths and the quoted one elsewhere', () => {
    expect(
      bindDatabase(
        "CREATE TABLE {{database}}.t_local ENGINE = X('/t/{shard}/{{databaseName}}/t', '{replica}')",
        'db1',
        'f',
      ),
    ).toBe("CREATE TABLE `db1`.t_local ENGINE = X('/t/{shard}/db1/t', '{replica}')");
    expect(() => bindDatabase('x', "db'; DROP", 'f')).toThrow();
  });
});
