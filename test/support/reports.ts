// Deterministic report fixtures for stream tests: the contract examples with fresh ids, and
// malformed messages of every dead-letter kind. (The synthetic generator makes realistic traffic;
// these tests need exact counts, not realism.)
import { readFileSync } from 'node:fs';
import { MAX_MESSAGE_BYTES } from '../../schemas/report.ts';

const examples: Record<string, unknown>[] = readFileSync(
  new URL('../../examples/examples.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((l) => l.trim().length > 0)
  .map((l) => JSON.parse(l));

export interface TestMessage {
  key: string;
  value: Buffer;
  /**
   * null for a valid report, else the dead-letter reason the pipeline must give. Every malformed
   * message here carries its consignment id as key, so it also yields an UNSCREENED decision.
   */
  expectedReason: string | null;
  messageId: string | null;
}

function uuidFor(run: string, i: number): string {
  const hex = Buffer.from(`${run}:${i}`).toString('hex').padEnd(32, '0').slice(-32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function validReport(run: string, i: number): { key: string; messageId: string; json: string } {
  const base = structuredClone(examples[i % examples.length]!) as {
    messageId: string;
    consignment: { consignmentId: string };
  };
  base.messageId = uuidFor(run, i);
  base.consignment.consignmentId = `T${run.slice(0, 6).toUpperCase()}${String(i).padStart(8, '0')}`;
  return { key: base.consignment.consignmentId, messageId: base.messageId, json: JSON.stringify(base) };
}

const MALFORMED_KINDS = [
  'INVALID_JSON',
  'SCHEMA_INVALID',
  'UNKNOWN_SCHEMA_VERSION',
  'TOO_LARGE',
  'NOT_AN_OBJECT',
] as const;

export function malformed(
  run: string,
  i: number,
  kind = MALFORMED_KINDS[i % MALFORMED_KINDS.length]!,
): TestMessage {
  const good = validReport(run, i);
  const obj = JSON.parse(good.json);
  let value: Buffer;
  switch (kind) {
    case 'INVALID_JSON':
      value = Buffer.from(good.json.slice(0, -7));
      break;
    case 'SCHEMA_INVALID':
      // Unreadable even leniently (no goods to screen); a bad field alone would be screened as PARTIAL.
      obj.consignment.goods = 'see attached';
      value = Buffer.from(JSON.stringify(obj));
      break;
    case 'UNKNOWN_SCHEMA_VERSION':
      obj.schemaVersion = 9;
      value = Buffer.from(JSON.stringify(obj));
      break;
    case 'TOO_LARGE':
      obj.padding = 'x'.repeat(MAX_MESSAGE_BYTES);
      value = Buffer.from(JSON.stringify(obj));
      break;
    case 'NOT_AN_OBJECT':
      value = Buffer.from(JSON.stringify([obj]));
      break;
  }
  return { key: good.key, value, expectedReason: kind, messageId: null };
}

/** `count` messages of which every `malformedEvery`-th is malformed (cycling through the kinds). */
export function mixedStream(run: string, count: number, malformedEvery = 100): TestMessage[] {
  const out: TestMessage[] = [];
  for (let i = 0; i < count; i++) {
    if (i % malformedEvery === malformedEvery - 1) out.push(malformed(run, i));
    else {
      const r = validReport(run, i);
      out.push({ key: r.key, value: Buffer.from(r.json), expectedReason: null, messageId: r.messageId });
    }
  }
  return out;
}
