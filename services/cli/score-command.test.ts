import { readFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRootLogger } from '../common/logger.ts';
import { loadScorer } from '../runtime/load-scorer.ts';
import { scoreStreams } from './score-command.ts';

const example = JSON.parse(
  readFileSync(new URL('../../examples/examples.jsonl', import.meta.url), 'utf8').split('\n')[0]!,
);

const collect = (s: PassThrough) => {
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks).toString('utf8');
};

describe('score (offline)', () => {
  it('scores a readable report that breaks a limit as PARTIAL and still reports its error with the line number', async () => {
    const long = structuredClone(example);
    long.messageId = 'long-description';
    long.consignment.goods[0].description = 'x'.repeat(10_000);
    const lines = [
      JSON.stringify(example),
      JSON.stringify(long),
      'not json at all',
      JSON.stringify({ ...example, consignment: { consignmentId: 'KNOWN1' } }),
    ];
    const output = new PassThrough();
    const errors = new PassThrough();
    const out = collect(output);
    const err = collect(errors);
    const scorer = await loadScorer({ logger: createRootLogger('warn') });
    const summary = await scoreStreams({ input: Readable.from(lines.join('\n')), output, errors, scorer });
    const decisions = out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(
      decisions.map((d) => [d.messageId.startsWith('unscreened:') ? 'unscreened' : d.messageId, d.screening]),
    ).toEqual([
      [example.messageId, 'COMPLETE'],
      ['long-description', 'PARTIAL'],
      ['unscreened', 'UNSCREENED'],
    ]);
    expect(decisions[1].lane).not.toBe('GREEN');
    expect(decisions[2]).toMatchObject({ consignmentId: 'KNOWN1', lane: 'RED' });
    const stderr = err().trim().split('\n');
    expect(stderr).toHaveLength(3);
    expect(stderr[0]).toMatch(/^line 2: SCHEMA_INVALID: consignment\.goods\.0\.description/);
    expect(stderr[1]).toMatch(/^line 3: INVALID_JSON: /);
    expect(stderr[2]).toMatch(/^line 4: SCHEMA_INVALID: /);
    expect(summary).toMatchObject({ lines: 4, scored: 3, invalid: 3, partial: 1, unscreened: 1 });
  });
});
