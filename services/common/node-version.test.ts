import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { supportedNodeRange, unsupportedNode } from './node-version.ts';

interface LockEntry {
  version?: string;
  optional?: boolean;
  engines?: { node?: string } | string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
const read = (f: string) => JSON.parse(readFileSync(new URL(`../../${f}`, import.meta.url), 'utf8'));
const pkg = read('package.json') as LockEntry & { overrides?: unknown };
const lock = read('package-lock.json') as { packages: Record<string, LockEntry & { name?: string }> };
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('the Node versions we promise', () => {
  const range = supportedNodeRange();
  // The lowest version of each line the range admits: every dependency must run on all of them.
  const lowest = range.split('||').map((part) => semver.minVersion(part.trim())!.version);

  it('README states the same range as package.json', () => {
    expect(lowest).toEqual(['20.19.0', '22.13.0']);
    expect(readme).toContain('Node 20.19+ or 22.13+');
  });

  it('this Node is one of them', () => {
    expect(unsupportedNode()).toBeUndefined();
  });

  it('refuses older Node in one line', () => {
    expect(unsupportedNode('v18.20.0')).toBe(
      `Node v18.20.0 is not supported: precursor-risk needs Node ${range} (package.json engines)`,
    );
    expect(unsupportedNode('v20.18.3')).toMatch(/^Node v20\.18\.3 is not supported/);
    expect(unsupportedNode('v22.13.0')).toBeUndefined();
  });

  it("no locked package's engines exclude a supported Node", () => {
    const excluding = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, entry]) => {
        const node = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        if (node === undefined) return [];
        const bad = lowest.filter((v) => !semver.satisfies(v, node));
        return bad.length > 0
          ? [`${path}@${entry.version} wants node ${node}, excludes ${bad.join(', ')}`]
          : [];
      });
    expect(excluding).toEqual([]);
  });
});

describe('package-lock.json', () => {
  it('records exactly what package.json asks for (npm ci would refuse a drift)', () => {
    const root = lock.packages['']!;
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies'] as const) {
      expect(root[field] ?? {}, field).toEqual(pkg[field] ?? {});
    }
    expect(root.engines).toEqual(pkg.engines);
    for (const [name, spec] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      const locked = lock.packages[`node_modules/${name}`];
      expect(locked, `${name} is locked`).toBeDefined();
      expect(semver.satisfies(locked!.version!, spec), `${name}@${locked!.version} satisfies ${spec}`).toBe(
        true,
      );
    }
  });

  it("records every platform's optional packages, so npm ci accepts it on any machine", () => {
    // npm drops other platforms' optional packages when it rewrites a lock beside node_modules; the
    // lock then passes here and fails `npm ci` elsewhere (the @biomejs/cli-* case).
    const missing = Object.entries(lock.packages).flatMap(([path, entry]) =>
      Object.keys(entry.optionalDependencies ?? {}).flatMap((dep) => {
        const nested = `${path}/node_modules/${dep}`;
        return lock.packages[nested] || lock.packages[`node_modules/${dep}`] ? [] : [`${path} → ${dep}`];
      }),
    );
    expect(missing).toEqual([]);
  });
});
