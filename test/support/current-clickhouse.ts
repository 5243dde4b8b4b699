// Today's ClickHouse for the tests, beside Debian's 18.16: chDB (ClickHouse 26.x in-process, from
// PyPI, in a virtual environment under .local/ that this module creates) behind ClickHouse's HTTP
// interface (chdb-http.py), so migrations, the sink and the review app run against it unchanged.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VENV = join(ROOT, '.local', 'venv-chdb');
const PYTHON = join(VENV, 'bin', 'python');
const REQUIREMENTS = fileURLToPath(new URL('./chdb-requirements.txt', import.meta.url));
const SHIM = fileURLToPath(new URL('./chdb-http.py', import.meta.url));

function run(cmd: string, args: string[], what: string): void {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim()}`);
}

/** Creates .local/venv-chdb with the pinned chdb when it is missing (PyPI, about a minute once). */
export function ensureChdb(): void {
  const ready = () =>
    existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import chdb'], { cwd: ROOT }).status === 0;
  if (ready()) return;
  if (!existsSync(PYTHON)) {
    // Debian splits venv out of python3: `apt-get install python3-venv` when this fails.
    run('python3', ['-m', 'venv', VENV], 'python3 -m venv .local/venv-chdb (needs python3-venv)');
  }
  run(PYTHON, ['-m', 'pip', 'install', '--quiet', '-r', REQUIREMENTS], 'pip install chdb');
  if (!ready()) throw new Error('chdb installed but cannot be imported');
}

export interface CurrentClickHouse {
  url: string;
  /** The embedded ClickHouse version, e.g. 26.9.2.1. */
  version: string;
  stop(): Promise<void>;
}

/** Starts it on `port` (0: any free port). */
export async function startCurrentClickHouse(port = 0): Promise<CurrentClickHouse> {
  ensureChdb();
  const dataDir = mkdtempSync(join(tmpdir(), 'precursor-risk-chdb-'));
  const child: ChildProcess = spawn(PYTHON, [SHIM, dataDir, String(port)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`chdb-http did not start: ${stderr}`)), 60_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`chdb-http exited (${code}): ${stderr}`));
    });
  });
  const m = /^listening (\d+) (\S+)$/.exec(ready);
  if (m === null) throw new Error(`chdb-http said ${JSON.stringify(ready)}`);
  return {
    url: `http://127.0.0.1:${m[1]}`,
    version: m[2]!,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
