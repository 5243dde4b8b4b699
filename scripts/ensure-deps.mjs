// What every npm entry point (test, demo, start, train) does first on a fresh clone: refuse an
// unsupported Node in one line, and install exactly the committed lock with `npm ci` (no fallback to
// `npm install`, which would resolve afresh). Plain Node on purpose: it runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The floor of package.json's engines (services/common/node-version.ts checks the whole range). */
export function ensureSupportedNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19) || major === 21 || (major === 22 && minor < 13)) {
    process.stderr.write(
      `precursor-risk: Node ${process.version} is not supported: use Node 20.19+ or 22.13+\n`,
    );
    process.exit(1);
  }
}

/** Runs `npm ci` when node_modules is missing or was installed from another lock or other patches. */
export function ensureDependencies() {
  // The lock and the patches applied at install (patches/): a changed patch needs a new install too.
  const hash = createHash('sha256').update(readFileSync(join(root, 'package-lock.json')));
  const patches = join(root, 'patches');
  if (existsSync(patches))
    for (const name of readdirSync(patches)
      .filter((n) => n.endsWith('.patch'))
      .sort())
      hash.update(name).update(readFileSync(join(patches, name)));
  const lockHash = hash.digest('hex');
  const stamp = join(root, 'node_modules', '.precursor-risk-lock.sha256');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lockHash) return;
  process.stderr.write('\n[setup] npm ci (exactly the committed package-lock.json)\n');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`[setup] npm ci failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status ?? 1);
  }
  writeFileSync(stamp, lockHash);
}
