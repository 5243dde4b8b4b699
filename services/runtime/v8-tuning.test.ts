import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STREAM_V8_FLAGS } from './v8-tuning.ts';

// Objects that all outlive a scavenge, from one allocation site: the pattern V8 pretenures. Pretenured,
// they skip the young generation and scavenges become rare; tuned, they keep going through it. Plain Node
// children: under a loader thread (tsx) V8 does not always pretenure it, and the untuned case must.
const SCRIPT = `
  import { PerformanceObserver, constants } from 'node:perf_hooks';
  import { setFlagsFromString } from 'node:v8';
  // As tuneV8ForStream does: at run time, after start-up.
  for (const flag of JSON.parse(process.env.FLAGS ?? '[]')) setFlagsFromString(flag);
  let minor = 0;
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
  }).observe({ entryTypes: ['gc'] });
  const make = (i) => ({ a: i, b: [i, i + 1], c: { d: i } });
  const keep = new Array(200000);
  for (let i = 0; i < 6e6; i++) keep[i % keep.length] = make(i);
  await new Promise((r) => setTimeout(r, 50));
  console.log(minor);
`;

describe('STREAM_V8_FLAGS (tuneV8ForStream)', () => {
  it('stops V8 pretenuring long-lived-looking allocation sites (they stay in the young generation)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'v8-tuning-')), 'pattern.mjs');
    writeFileSync(file, SCRIPT);
    const minorGcs = (args: string[], env: Record<string, string> = {}) =>
      Number(
        execFileSync(process.execPath, [...args, file], {
          encoding: 'utf8',
          env: { ...process.env, ...env },
        }).trim(),
      );
    // Untuned, this site is pretenured every time; the flag on the command line is the reference for
    // "never pretenured"; the stream's flags, set at run time, must match it.
    const untuned = minorGcs([]);
    const reference = minorGcs(['--no-allocation-site-pretenuring']);
    const tuned = minorGcs([], { FLAGS: JSON.stringify(STREAM_V8_FLAGS) });
    expect(untuned).toBeGreaterThan(0);
    expect(reference).toBeGreaterThan(3 * untuned); // ~110 against ~10 on Node 20
    expect(tuned).toBeGreaterThan(0.8 * reference);
  }, 60_000);
});
