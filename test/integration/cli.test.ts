// The command line as a user meets it: the real binary in a child process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../examples/examples.jsonl', import.meta.url));

function cli(args: string[], opts: { env?: Record<string, string>; input?: string } = {}) {
  const r = spawnSync(process.execPath, ['bin/precursor-risk.mjs', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const exampleLines = readFileSync(EXAMPLES, 'utf8')
  .split('\n')
  .filter((l) => l.trim());
const oneLine = (s: string) => s.trim().split('\n').length === 1 && s.trim().length > 0;

describe('precursor-risk CLI', () => {
  it('lists its commands', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['score', 'start', 'demo', 'generate', 'replay'])
      expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
  });

  it('rejects a bad setting with one line naming it, and a non-zero exit', () => {
    const r = cli(['start'], { env: { KAFKA_BROKERS: 'nonsense' } });
    expect(r.code).not.toBe(0);
    expect(oneLine(r.stderr)).toBe(true);
    expect(r.stderr).toContain('KAFKA_BROKERS');
  });

  it('rejects bad arguments with one line and a non-zero exit', () => {
    for (const args of [
      ['generate'],
      ['generate', '--count', 'ten'],
      ['generate', '--count', '5', '--seed', '-1'],
      ['generate', '--count', '5', '--rate', '0', '--to-kafka'],
      ['score', '--input', '/nonexistent/file.jsonl'],
      ['score', '--input', EXAMPLES, '--permits', '/nonexistent/permits.csv'],
      ['score', '--input', EXAMPLES, '--permits', EXAMPLES],
      ['replay', '--since', 'yesterday'],
      ['no-such-command'],
    ]) {
      const r = cli(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(oneLine(r.stderr), `${args.join(' ')}: ${r.stderr}`).toBe(true);
    }
  });

  it('scores the contract examples, with errors by line number on stderr and exit 0', () => {
    const lines = [...exampleLines.slice(0, 1), '{"schemaVersion": 1, "broken": ', ...exampleLines.slice(1)];
    const r = cli(['score'], { input: `${lines.join('\n')}\n` });
    expect(r.code).toBe(0);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out.map((d) => d.messageId)).toEqual(exampleLines.map((l) => JSON.parse(l).messageId));
    expect(r.stderr).toMatch(/^line 2: INVALID_JSON: /m);
  });

  it('generates the same reports for the same seed, valid for `score`', () => {
    const a = cli(['generate', '--count', '50', '--seed', '9']);
    const b = cli(['generate', '--count', '50', '--seed', '9']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const scored = cli(['score'], { input: a.stdout });
    expect(scored.code).toBe(0);
    expect(scored.stderr).toBe('');
    expect(scored.stdout.trim().split('\n')).toHaveLength(50);
  });

  it('score --permits FILE checks each goods line against the register, earlier reports of the run counting', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-permits-'));
    const register = join(dir, 'register.csv');
    writeFileSync(
      register,
      [
        'reference,type,issuingCountry,holderName,holderIdentifier,casNumber,maxQuantityKg,validFrom,validUntil',
        'PEN-DE-2026-004417,PEN,DE,Rheinchem Feinchemikalien AG,DE298765432,41661-47-6,300,2026-01-01,2026-12-31',
        'NCB-RCS-IMP-2026-0193,IMPORT_PERMIT,IN,Deccan Generics Pvt. Ltd.,,41661-47-6,300,2026-01-01,2026-12-31',
      ].join('\n'),
    );
    const licensed = JSON.parse(exampleLines[1]!);
    const again = {
      ...licensed,
      messageId: 'second',
      consignment: { ...licensed.consignment, consignmentId: 'SECOND' },
    };
    const input = `${JSON.stringify(licensed)}\n${JSON.stringify(again)}\n`;
    const r = cli(['score', '--permits', register], { input });
    expect(r.code, r.stderr).toBe(0);
    const [first, second] = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(first.ruleHits.map((h: { ruleId: string }) => h.ruleId)).toEqual(['controlled-substance-permit']);
    expect(first.lane).toBe('GREEN');
    // 200 kg of 300 drawn by the first consignment: 100 left on both permits for the second's 200 kg.
    const secondHits = second.ruleHits.map(
      (h: { ruleId: string; goodsLine: number }) => `${h.ruleId}@${h.goodsLine}`,
    );
    expect(secondHits).toEqual(
      expect.arrayContaining(['permit-quantity-exceeded@1', 'controlled-substance-no-permit@1']),
    );
    expect(second.lane).toBe('RED');
    // Without --permits the same permits are reported as not verified.
    const plain = cli(['score'], { input });
    const unverified = JSON.parse(plain.stdout.trim().split('\n')[0]!);
    expect(unverified.ruleHits[0].ruleId).toBe('controlled-substance-permit-unverified');
    expect(unverified.ruleHits[0].explanation).toContain('not verified: no permit register is loaded');
  });
});
