import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNameResolver } from './name-resolver.ts';
import { ensureOpsinJars, type OpsinHelper, startOpsin } from './opsin.ts';
import { parentStructure } from './structure.ts';

// The jars come from Maven Central through infra/opsin/pom.xml, as on a clean clone.
let opsin: OpsinHelper;
beforeAll(async () => {
  await ensureOpsinJars();
  opsin = startOpsin();
}, 300_000);
afterAll(() => opsin.stop());

describe('OPSIN helper', () => {
  it('answers a batch in order, refusing what is no chemical name', async () => {
    const [a, b, c] = await opsin.parse(
      ['4-Piperidinamine, N-phenyl-1-(2-phenylethyl)-', 'Pharmaceutical intermediate', 'piperidin-4-one'],
      60_000,
    );
    expect(parentStructure(a!)?.smiles).toBe(parentStructure('c1ccc(NC2CCN(CCc3ccccc3)CC2)cc1')?.smiles);
    expect(b).toBeNull();
    expect(parentStructure(c!)?.smiles).toBe(parentStructure('O=C1CCNCC1')?.smiles);
  }, 60_000);

  it('resolves through the resolver, remembers answers, and counts and warns once when stopped', async () => {
    const registry = new Registry();
    const warnings: string[] = [];
    const resolver = createNameResolver({
      cacheFile: null,
      registry,
      logger: { warn: (_o, msg) => warnings.push(msg) },
    });
    const helper = startOpsin({ onLate: (n, s) => resolver.accept(n, s) });
    resolver.attach(helper);
    await resolver.resolve(['1-phenethylpiperidine'], 60_000);
    expect(resolver.lookup('1-phenethylpiperidine')).toMatch(/N1CCCCC1/);
    await helper.stop();
    await resolver.resolve(['benzylpiperidine', 'tert-butyl 4-oxopiperidine-1-carboxylate']);
    await resolver.resolve(['1-methylpiperazine']);
    expect(resolver.lookup('benzylpiperidine')).toBeUndefined();
    expect(resolver.lookup('1-phenethylpiperidine')).toMatch(/N1CCCCC1/);
    expect(resolver.unavailable).toBe(3);
    expect(warnings).toHaveLength(1);
    expect(await registry.getSingleMetricAsString('precursor_risk_name_parser_unavailable_total')).toMatch(
      /reason="down"} 3/,
    );
  }, 60_000);
});
