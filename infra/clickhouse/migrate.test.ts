import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PrecursorRiskError } from '../../services/common/errors.ts';
import { renderTemplate } from './clickhouse.ts';
import { checksumOf, readMigrations, splitStatements, substitute } from './migrate.ts';

describe('splitStatements', () => {
  it('splits on ; at line ends and drops comments and blank statements', () => {
    const text = [
      '-- header comment; with a semicolon;',
      'CREATE TABLE a (x UInt8) -- trailing comment;',
      'ENGINE = Memory;',
      '',
      '/* block; comment */ SELECT 1;   ',
      ';',
      'SELECT 2; -- done',
      'SELECT 3',
    ].join('\n');
    expect(splitStatements(text)).toEqual([
      'CREATE TABLE a (x UInt8) \nENGINE = Memory',
      'SELECT 1',
      'SELECT 2',
      'SELECT 3',
    ]);
  });

  it('keeps ; and -- inside quotes, and a ; that does not end a line', () => {
    const text = "SELECT 'a;\n-- not a comment', `we;ird`, \"x--y\", 'it\\'s;' ; \nSELECT 1; SELECT 2;\n";
    expect(splitStatements(text)).toEqual([
      "SELECT 'a;\n-- not a comment', `we;ird`, \"x--y\", 'it\\'s;'",
      'SELECT 1; SELECT 2',
    ]);
  });

  it('handles CRLF files', () => {
    expect(splitStatements('SELECT 1;\r\nSELECT 2;\r\n')).toEqual(['SELECT 1', 'SELECT 2']);
  });

  it('finds the statements of 001_decisions.sql', async () => {
    const [first] = await readMigrations();
    const statements = splitStatements(first?.text ?? '');
    expect(statements).toHaveLength(4);
    expect(statements.every((s) => !s.includes('--'))).toBe(true);
    expect(statements.map((s) => s.split('\n')[0])).toEqual([
      'CREATE TABLE IF NOT EXISTS {{database}}.decisions_raw',
      'CREATE VIEW IF NOT EXISTS {{database}}.decisions AS',
      'CREATE TABLE IF NOT EXISTS {{database}}.dead_letters',
      'CREATE VIEW IF NOT EXISTS {{database}}.dead_letters_dedup AS',
    ]);
  });
});

describe('substitute', () => {
  it('quotes the validated database name', () => {
    expect(substitute('CREATE TABLE {{database}}.t', 'precursor_risk', 'f.sql')).toBe(
      'CREATE TABLE `precursor_risk`.t',
    );
  });

  it('rejects unsafe names and unknown placeholders', () => {
    expect(() => substitute('{{database}}', 'a;DROP', 'f.sql')).toThrow(TypeError);
    expect(() => substitute('{{other}}', 'db', 'f.sql')).toThrow(PrecursorRiskError);
  });
});

describe('readMigrations', () => {
  it('orders by version and rejects malformed or duplicate names', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pr-mig-unit-'));
    try {
      await fs.writeFile(path.join(dir, '010_b.sql'), 'SELECT 2;\n');
      await fs.writeFile(path.join(dir, '002_a.sql'), 'SELECT 1;\n');
      await fs.writeFile(path.join(dir, 'README.md'), 'ignored');
      expect((await readMigrations(dir)).map((m) => [m.version, m.name])).toEqual([
        [2, 'a'],
        [10, 'b'],
      ]);
      await fs.writeFile(path.join(dir, '010_c.sql'), 'SELECT 3;\n');
      await expect(readMigrations(dir)).rejects.toThrow(/version 10 is also used/);
      await fs.rm(path.join(dir, '010_c.sql'));
      await fs.writeFile(path.join(dir, 'bad name.sql'), 'SELECT 3;\n');
      await expect(readMigrations(dir)).rejects.toThrow(/NNN_name\.sql/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('checksums ignore CRLF vs LF', () => {
    expect(checksumOf('a\r\nb\n')).toBe(checksumOf('a\nb\n'));
    expect(checksumOf('a\nb\n')).not.toBe(checksumOf('a\nc\n'));
  });
});

describe('renderTemplate', () => {
  it('fills placeholders and refuses missing ones', () => {
    expect(renderTemplate('<p>{{a}}</p>', { a: '1' })).toBe('<p>1</p>');
    expect(() => renderTemplate('{{b}}', {})).toThrow(/\{\{b\}\}/);
  });
});
