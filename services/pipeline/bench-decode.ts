// Per-report cost of decoding, split into its steps, on generated reports. Alternatives run
// interleaved in one process and each keeps its best round (wall and process CPU time), so a noisy
// shared machine skews them alike; read the ratios more than the microseconds.
// Usage: npx tsx services/pipeline/bench-decode.ts [count=5000] [rounds=15]
import { reportSchema } from '../../schemas/report.ts';
import { generateReports } from '../generator/index.ts';
import { decodeMessage, reportParser } from './decode.ts';

const count = Number(process.argv[2] ?? 5000);
const rounds = Number(process.argv[3] ?? 15);

const { reports } = generateReports({ count, seed: 7 });
const buffers = reports.map((r) => Buffer.from(JSON.stringify(r)));
const utf8 = new TextDecoder('utf-8', { fatal: true });
const texts = buffers.map((b) => utf8.decode(b));
const values: unknown[] = texts.map((t) => JSON.parse(t));
const compiled = reportParser();
if (compiled === reportSchema)
  console.warn('z.compile fell back to the runtime schema (no code generation?)');

/**
 * decodeMessage as it was before the compiled parser: the interpreted schema on every report. A copy
 * of decodeTextWith's checks rather than a call, so decodeMessage's call sites see only its own schema.
 */
function decodeInterpreted(value: Buffer): boolean {
  const v = JSON.parse(utf8.decode(value));
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v.schemaVersion !== 1) return false;
  return reportSchema.safeParse(v).success;
}

let sink = 0;
const alternatives: Record<string, () => void> = {
  'utf8 decode': () => {
    for (const b of buffers) sink += utf8.decode(b).length;
  },
  'JSON.parse': () => {
    for (const t of texts) sink += JSON.parse(t) === null ? 1 : 0;
  },
  'zod interpreted': () => {
    for (const v of values) sink += reportSchema.safeParse(v).success ? 1 : 0;
  },
  'zod compiled': () => {
    for (const v of values) sink += compiled.safeParse(v).success ? 1 : 0;
  },
  'decode, interpreted': () => {
    for (const b of buffers) sink += decodeInterpreted(b) ? 1 : 0;
  },
  'utf8+parse+compiled': () => {
    for (const b of buffers) sink += compiled.safeParse(JSON.parse(utf8.decode(b))).success ? 1 : 0;
  },
  decodeMessage: () => {
    for (const b of buffers) sink += decodeMessage(b).ok ? 1 : 0;
  },
};

// Wall time counts the rounds where another process held the core; process CPU time (all threads,
// so GC helpers too) does not, which makes it the steadier of the two on a shared machine.
const bestWall = new Map<string, number>();
const bestCpu = new Map<string, number>();
const keepBest = (m: Map<string, number>, k: string, v: number) =>
  m.set(k, Math.min(m.get(k) ?? Number.POSITIVE_INFINITY, v));
for (let round = 0; round < rounds; round++) {
  for (const [name, run] of Object.entries(alternatives)) {
    const cpu = process.cpuUsage();
    const t = performance.now();
    run();
    keepBest(bestWall, name, ((performance.now() - t) * 1000) / count);
    const used = process.cpuUsage(cpu);
    keepBest(bestCpu, name, (used.user + used.system) / count);
  }
}

const avgBytes = buffers.reduce((n, b) => n + b.length, 0) / count;
console.log(
  `${count} reports, ${avgBytes.toFixed(0)} B average, best of ${rounds} rounds (sink ${sink % 7})`,
);
console.log(`${''.padEnd(22)} ${'wall'.padStart(7)} ${'cpu'.padStart(7)}  µs/report`);
for (const [name, us] of bestWall) {
  console.log(`${name.padEnd(22)} ${us.toFixed(2).padStart(7)} ${bestCpu.get(name)!.toFixed(2).padStart(7)}`);
}
const ratio = (m: Map<string, number>, a: string, b: string) => (m.get(a)! / m.get(b)!).toFixed(2);
for (const [label, a, b] of [
  ['zod', 'zod interpreted', 'zod compiled'],
  ['decode', 'decode, interpreted', 'decodeMessage'],
] as const) {
  console.log(`${label}: ${a} / ${b} = ${ratio(bestWall, a, b)}x wall, ${ratio(bestCpu, a, b)}x cpu`);
}
