// Reads: newline-delimited reports (a file or stdin). Writes: one decision record per valid line
// (a file or stdout), each invalid line's error with its line number to stderr.
// Guarantees: no servers needed; output order follows input order; exit 0 once the input is read through.

import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Report } from '../../schemas/report.ts';
import { decodeMessage } from '../pipeline/decode.ts';
import type { Scorer } from '../scoring/scorer.ts';

export interface ScoreStreamsOptions {
  input: Readable;
  output: Writable;
  errors: Writable;
  scorer: Scorer;
  batchSize?: number;
  clock?: () => Date;
}

export interface ScoreSummary {
  lines: number;
  scored: number;
  invalid: number;
}

async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

export async function scoreStreams(opts: ScoreStreamsOptions): Promise<ScoreSummary> {
  const batchSize = opts.batchSize ?? 256;
  const clock = opts.clock ?? (() => new Date());
  const summary: ScoreSummary = { lines: 0, scored: 0, invalid: 0 };
  let batch: Report[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    // Names the table lacks go to the name parser in one request; a parser that is down costs nothing.
    await opts.scorer.prepare?.(current);
    const decisions = opts.scorer.scoreBatch(current, clock());
    await write(opts.output, decisions.map((d) => `${JSON.stringify(d)}\n`).join(''));
    summary.scored += decisions.length;
  };

  const lines = createInterface({ input: opts.input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    summary.lines++;
    if (line.trim().length === 0) continue;
    const result = decodeMessage(Buffer.from(line, 'utf8'));
    if (result.ok) {
      batch.push(result.report);
      if (batch.length >= batchSize) await flush();
    } else {
      // Decisions before this line are written first, so stdout and stderr stay in line order.
      await flush();
      summary.invalid++;
      await write(opts.errors, `line ${summary.lines}: ${result.reason}: ${result.detail}\n`);
    }
  }
  await flush();
  return summary;
}

export async function openInput(path: string | undefined): Promise<Readable> {
  if (path === undefined || path === '-') return process.stdin;
  const stream = createReadStream(path);
  await once(stream, 'open');
  return stream;
}

export async function openOutput(path: string | undefined): Promise<Writable> {
  if (path === undefined || path === '-') return process.stdout;
  const stream = createWriteStream(path);
  await once(stream, 'open');
  return stream;
}
