// A Python virtual environment under .local/ for tests that check our output with partners' own
// tools (the OASIS stix2-validator and stix2 library, from PyPI). Created on first use with
// `python3 -m venv` and pip; recreated when the pinned requirements change.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REQUIREMENTS = fileURLToPath(new URL('./stix-requirements.txt', import.meta.url));

/** The venv's python, with the pinned STIX tools installed. */
export function stixPython(): string {
  const dir = path.join(ROOT, '.local', 'stix-venv');
  const python = path.join(dir, 'bin', 'python');
  const stamp = path.join(dir, 'requirements.sha256');
  const want = createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex');
  if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return python;
  mkdirSync(path.dirname(dir), { recursive: true });
  execFileSync('python3', ['-m', 'venv', '--clear', dir], { stdio: 'inherit' });
  execFileSync(
    python,
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', REQUIREMENTS],
    {
      stdio: 'inherit',
    },
  );
  writeFileSync(stamp, want);
  return python;
}

/** Runs a script of test/support/ with the venv's python (`input` on its stdin); returns stdout. */
export function runPython(script: string, args: readonly string[], input?: string): string {
  return execFileSync(stixPython(), [fileURLToPath(new URL(`./${script}`, import.meta.url)), ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...(input === undefined ? {} : { input }),
  });
}
