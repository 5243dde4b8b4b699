// The name parser (OPSIN) is an aid, never a dependency: with it stopped the `score` path decides every
// report on the name table, counts the names it could not parse and warns once; with it running, a name only
// the parser can read (a CAS index name of fentanyl) is identified by structure.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { decisionSchema } from '../../schemas/decision.ts';
import { scoreStreams } from '../cli/score-command.ts';
import { createRootLogger } from '../common/logger.ts';
import { loadScorer } from './load-scorer.ts';

const examples = readFileSync(new URL('../../examples/examples.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n');
const fentanylCasIndexName = 'Propanamide, N-phenyl-N-[1-(2-phenylethyl)-4-piperidinyl]-';

function withDescription(line: string, description: string, messageId: string): string {
  const r = JSON.parse(line);
  r.messageId = messageId;
  r.consignment.goods[0].description = description;
  r.consignment.goods[0].casNumbers = [];
  r.consignment.goods[0].hsCode = '293339';
  r.consignment.permits = [];
  return JSON.stringify(r);
}

async function score(lines: string[], nameParser: string) {
  // A fresh cache file: answers remembered by earlier runs must not hide the parser's absence.
  process.env.CHEMISTRY_CACHE_FILE = join(mkdtempSync(join(tmpdir(), 'chem-cache-')), 'opsin.tsv');
  const logs: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).trim().split('\n')) logs.push(JSON.parse(l));
      done();
    },
  });
  const registry = new Registry();
  const scorer = await loadScorer({
    logger: createRootLogger('warn', sink),
    registry,
    drift: false,
    nameParser,
  });
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  output.on('data', (c) => {
    out += c;
  });
  input.end(`${lines.join('\n')}\n`);
  const summary = await scoreStreams({ input, output, errors: new PassThrough(), scorer });
  await scorer.close();
  delete process.env.CHEMISTRY_CACHE_FILE;
  const metric = await registry.getSingleMetricAsString('precursor_risk_name_parser_unavailable_total');
  const decisions = out
    .trim()
    .split('\n')
    .map((l) => decisionSchema.parse(JSON.parse(l)));
  return { summary, decisions, logs, metric };
}

describe('chemistry runtime', () => {
  const lines = [
    ...examples,
    withDescription(examples[0]!, fentanylCasIndexName, 'chem-rt-1'),
    withDescription(examples[0]!, '1-(2-Phenylethyl)-4-piperidone, 99%', 'chem-rt-2'),
  ];

  it('decides every report with the parser off, counts the misses and warns once', async () => {
    const r = await score(lines, 'off');
    expect(r.summary.scored).toBe(lines.length);
    expect(r.decisions).toHaveLength(lines.length);
    expect(r.metric).toMatch(/precursor_risk_name_parser_unavailable_total\{reason="down"\} [1-9]/);
    const warnings = r.logs.filter((l) => l.level === 40 && /name parser/.test(l.msg));
    expect(warnings).toHaveLength(1);
    // The name table still knows NPP's systematic name.
    expect(r.decisions.at(-1)!.substances[0]).toMatchObject({ name: 'NPP', resolvedBy: 'TABLE' });
  }, 60_000);

  it('identifies a CAS index name by structure when the parser runs', async () => {
    const r = await score(lines, 'opsin');
    const fentanyl = r.decisions.at(-2)!;
    expect(fentanyl.substances[0]).toMatchObject({ name: 'fentanyl', resolvedBy: 'OPSIN', controlled: true });
    expect(fentanyl.substances[0]!.inchikey).toMatch(/^[A-Z]{14}-[A-Z]{10}-[A-Z]$/);
    expect(fentanyl.lane).toBe('RED');
  }, 120_000);
});
