// Reads: newline-delimited reports (a file or stdin). Writes: one decision record per readable line
// (a file or stdout) with its screening status, and each invalid line's error with its line number
// to stderr. A line that breaks a limit or a field but can be read is scored on what was read
// (PARTIAL, at least YELLOW) and its error is still written; an unreadable line whose JSON names
// its consignment yields an UNSCREENED decision (RED) as the pipeline does (CONTRACT.md §2, §4).
// Guarantees: no servers needed; output order follows input order; exit 0 once the input is read through.

import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Decision } from '../../schemas/decision.ts';
import type { Report } from '../../schemas/report.ts';
import { screenMessage } from '../pipeline/decode.ts';
import { markPartial, unscreenedDecision, unscreenedMessageId } from '../pipeline/screening.ts';
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
  /** Decisions written, whatever their screening status. */
  scored: number;
  /** Lines with an error on stderr (PARTIAL and unreadable ones). */
  invalid: number;
  partial: number;
  unscreened: number;
}

async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

export async function scoreStreams(opts: ScoreStreamsOptions): Promise<ScoreSummary> {
  const batchSize = opts.batchSize ?? 256;
  const clock = opts.clock ?? (() => new Date());
  const summary: ScoreSummary = { lines: 0, scored: 0, invalid: 0, partial: 0, unscreened: 0 };
  let batch: Report[] = [];
  /** What the strict schema refused, per index of `batch` (PARTIAL reports). */
  let partial = new Map<number, string>();

  const flush = async () => {
    if (batch.length === 0) return;
    const decisions = opts.scorer.scoreBatch(batch, clock()).map((d, i) => {
      const detail = partial.get(i);
      return detail === undefined ? d : markPartial(d, detail);
    });
    batch = [];
    partial = new Map();
    await write(opts.output, decisions.map((d) => `${JSON.stringify(d)}\n`).join(''));
    summary.scored += decisions.length;
  };
  const writeOne = async (d: Decision) => {
    await write(opts.output, `${JSON.stringify(d)}\n`);
    summary.scored++;
  };

  const lines = createInterface({ input: opts.input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    summary.lines++;
    if (line.trim().length === 0) continue;
    const result = screenMessage(Buffer.from(line, 'utf8'));
    if (result.status === 'COMPLETE') {
      batch.push(result.report);
      if (batch.length >= batchSize) await flush();
      continue;
    }
    // Decisions before this line are written first, so stdout and stderr stay in line order.
    if (result.status === 'PARTIAL') {
      partial.set(batch.length, result.detail);
      batch.push(result.report);
    }
    await flush();
    summary.invalid++;
    await write(opts.errors, `line ${summary.lines}: ${result.reason}: ${result.detail}\n`);
    if (result.status === 'PARTIAL') summary.partial++;
    else if (result.identity.consignmentId !== undefined) {
      summary.unscreened++;
      await writeOne(
        unscreenedDecision({
          messageId: unscreenedMessageId(null, Buffer.from(line, 'utf8')),
          origin: { topic: 'input', partition: 0, offset: String(summary.lines) },
          consignmentId: result.identity.consignmentId,
          documentType: result.identity.documentType ?? 'MANIFEST',
          reason: result.reason,
          detail: result.detail,
          scoredAt: clock(),
          versions: opts.scorer,
        }),
      );
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
