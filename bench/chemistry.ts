// Cost of chemical identification (services/chemistry): a cached description (the common case: goods
// descriptions recur), and a cold one that needs the OPSIN helper (one round trip), RDKit's parent structure
// and the family SMARTS. `npx tsx bench/chemistry.ts` prints the section alone; `npm run bench` includes it.
import type { GoodsLine, Report } from '../schemas/report.ts';
import { createNameResolver, nameResolver, useNameResolver } from '../services/chemistry/name-resolver.ts';
import { ensureOpsinJars, startOpsin } from '../services/chemistry/opsin.ts';
import { createChemicalMatcher } from '../services/scoring/goods-lines.ts';
import { loadKnowledge } from '../services/scoring/knowledge.ts';

const line = (description: string): GoodsLine =>
  ({
    lineNumber: 1,
    description,
    hsCode: '293339',
    casNumbers: [],
    casChecks: [],
    quantity: null,
    packages: null,
    grossWeightKg: null,
    declaredValue: null,
    originCountry: null,
  }) as GoodsLine;

// Systematic names no run has seen before: every one needs the parser.
function coldNames(n: number, salt: number): string[] {
  const subs = ['methyl', 'ethyl', 'propyl', 'butyl', 'pentyl', 'hexyl', 'heptyl', 'octyl'];
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const a = subs[i % subs.length]!;
    const b = subs[Math.floor(i / subs.length) % subs.length]!;
    out.push(
      `${2 + (i % 3)}-${a}-1-(${(salt + i) % 5}-${b}oxyphenyl)piperidin-4-one`.replace('-(0-', '-(4-'),
    );
  }
  return [...new Set(out)];
}

export async function chemistrySection(): Promise<string> {
  const kb = loadKnowledge();
  await ensureOpsinJars();
  const helper = startOpsin();
  const previous = nameResolver();
  const resolver = createNameResolver({ cacheFile: null });
  resolver.attach(helper);
  useNameResolver(resolver);
  try {
    const matcher = createChemicalMatcher(kb);
    const report = (d: string) => ({ consignment: { goods: [{ description: d }] } }) as unknown as Report;
    await matcher.prepare([report('piperidin-4-one')], 30_000); // JVM warm-up
    // Warm the JIT on a first cold set, then time another.
    for (const d of coldNames(60, 1)) {
      await matcher.prepare([report(d)], 5_000);
      matcher.matchLine(line(d));
    }
    const cold = coldNames(200, 3);
    const times: number[] = [];
    for (const d of cold) {
      const t0 = performance.now();
      await matcher.prepare([report(d)], 5_000);
      matcher.matchLine(line(d));
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
    // Cached: the same descriptions again (the memo and the name cache answer).
    const cached = [
      ...cold,
      'N-Phenethyl-4-piperidone 99%',
      '4-Piperidone monohydrate hydrochloride',
      'Oak tables',
    ].map(line);
    for (const l of cached) matcher.matchLine(l);
    const rounds = 200;
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) for (const l of cached) matcher.matchLine(l);
    const cachedUs = ((performance.now() - t0) * 1000) / (rounds * cached.length);
    return [
      '## Chemical identification (services/chemistry)',
      '',
      `One goods line asked of the chemistry room, ${cold.length} cold systematic names (each unseen: one OPSIN round trip, RDKit parent structure, family SMARTS) and the same lines again, cached.`,
      '',
      '| case | cost | target |',
      '|---|---|---|',
      `| cached description | ${cachedUs.toFixed(2)} µs per line | ≤ 5 µs |`,
      `| cold description, median | ${pct(0.5).toFixed(2)} ms | ≤ 20 ms |`,
      `| cold description, p95 | ${pct(0.95).toFixed(2)} ms | |`,
      '',
    ].join('\n');
  } finally {
    useNameResolver(previous);
    await helper.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await chemistrySection());
