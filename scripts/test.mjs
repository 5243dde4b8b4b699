#!/usr/bin/env node
// `npm test`: from a fresh clone, installs what is missing (npm ci), brings up the real Kafka and
// ClickHouse through infra/ (fetching, installing and migrating as needed), then runs every test.
// Plain Node on purpose: it runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies, ensureSupportedNode } from './ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();

function run(cmd, args, what, env = process.env) {
  process.stderr.write(`\n[test] ${what}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) {
    process.stderr.write(`[test] ${what} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status ?? 1);
  }
}

ensureSupportedNode();
ensureDependencies();

// Browser tests drive Debian's Chromium through playwright-core (never a browser download).
function ensureChromium() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return;
  if (process.getuid?.() !== 0) {
    process.stderr.write(
      `[test] no Chromium at ${path}: run \`sudo apt-get install -y chromium\` or set CHROMIUM_PATH\n`,
    );
    process.exit(1);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], "apt-get update (for Debian's chromium)", env);
  run(
    'apt-get',
    ['install', '-y', '-qq', 'chromium'],
    "installing Debian's chromium for the browser tests",
    env,
  );
}

ensureChromium();
run('npx', ['tsx', 'infra/cli.ts', 'up'], 'infra up (Kafka, ClickHouse, migrations, topics)');
run('npx', ['tsx', 'services/chemistry/fetch-opsin.ts'], 'OPSIN jars (Maven Central, infra/opsin/pom.xml)');
// CLUSTER=1 adds the cluster suite (test/cluster/, its own vitest project): three Kafka brokers, ZooKeeper
// and two ClickHouse replicas on ports of their own. Stop them with `npm run infra:down -- --cluster`.
if (process.env.CLUSTER === '1') {
  run(
    'npx',
    ['tsx', 'infra/cli.ts', 'up', '--cluster'],
    'infra up --cluster (3 brokers, ZooKeeper, 2 replicas)',
  );
}
run('npx', ['tsc', '--noEmit'], 'typecheck');
run('npx', ['biome', 'check', '.'], 'lint');
run(
  'npx',
  ['vitest', 'run', ...process.argv.slice(2)],
  process.env.CLUSTER === '1' ? 'vitest (unit + integration + cluster)' : 'vitest (unit + integration)',
);
process.stderr.write(`[test] all done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
