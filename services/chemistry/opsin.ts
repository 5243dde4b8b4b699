// Reads: chemical names (one per line) from the resolver; OPSIN's jars from .local/opsin/libs, fetched
// with Maven by infra/opsin/pom.xml (uk.ac.cam.ch.opsin:opsin-cli 2.8.0, MIT licence).
// Writes: one SMILES per name (null when OPSIN refuses the name), from one long-lived JVM running
// `uk.ac.cam.ch.wwmm.opsin.Cli -osmi`, which answers every stdin line with one stdout line in turn.
// Guarantees: never throws into its caller: a dead or slow helper answers "unknown" (undefined) within the
// caller's deadline; answers that arrive late are still delivered to `onLate` (the cache keeps them).
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OPSIN_VERSION = '2.8.0';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OPSIN_POM = join(ROOT, 'infra', 'opsin', 'pom.xml');
export const DEFAULT_OPSIN_LIBS = join(ROOT, '.local', 'opsin', 'libs');
const MARKER = '.fetched';

type Log = (message: string) => void;

/** Fetches OPSIN's jars with Maven into `libs` unless the marker says the current pom's jars are there. */
export async function ensureOpsinJars(libs = DEFAULT_OPSIN_LIBS, mvnBin = 'mvn', log: Log = () => {}) {
  const digest = createHash('sha256')
    .update(await readFile(OPSIN_POM))
    .digest('hex')
    .slice(0, 16);
  const expected = `opsin ${OPSIN_VERSION} pom ${digest}`;
  try {
    if ((await readFile(join(libs, MARKER), 'utf8')).trim() === expected) return;
  } catch {
    // not fetched yet
  }
  // Per process: test files fetching at once must not share a staging folder.
  const staging = `${libs}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(dirname(libs), { recursive: true });
  log(`opsin: fetching OPSIN ${OPSIN_VERSION} jars with Maven into ${libs}`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(
      mvnBin,
      ['-q', '-B', '-f', OPSIN_POM, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`],
      { stdio: 'ignore' },
    );
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0 || !existsSync(join(staging, `opsin-cli-${OPSIN_VERSION}.jar`)))
    throw new Error(
      `Maven could not fetch the OPSIN jars (exit ${code}); is Maven installed and Maven Central reachable?`,
    );
  await writeFile(join(staging, MARKER), `${expected}\n`);
  try {
    if ((await readFile(join(libs, MARKER), 'utf8')).trim() === expected) {
      await rm(staging, { recursive: true, force: true }); // another process got there first
      return;
    }
  } catch {
    // not there yet
  }
  await rm(libs, { recursive: true, force: true });
  await rename(staging, libs);
}

export interface OpsinOptions {
  libs?: string;
  javaBin?: string;
  /** Called once per answer that arrived after its caller stopped waiting. */
  onLate?: (name: string, smiles: string | null) => void;
  /** Called when the process exits or cannot start. */
  onExit?: (reason: string) => void;
}

export interface OpsinHelper {
  /** Whether the JVM is running. */
  readonly running: boolean;
  /** The JVM's process id while it runs (for operators and the failure tests). */
  readonly pid: number | null;
  /**
   * SMILES for each name, in order: a string, null (OPSIN refused it), or undefined (no answer before
   * `deadlineMs`, or the helper is down).
   */
  parse(names: readonly string[], deadlineMs: number): Promise<(string | null | undefined)[]>;
  stop(): Promise<void>;
}

interface Pending {
  name: string;
  resolve: ((smiles: string | null | undefined) => void) | null;
}

/** Starts one OPSIN JVM. It is usable at once; names sent while it starts are answered when it is up. */
export function startOpsin(opts: OpsinOptions = {}): OpsinHelper {
  const libs = opts.libs ?? DEFAULT_OPSIN_LIBS;
  const queue: Pending[] = [];
  let running = existsSync(join(libs, `opsin-cli-${OPSIN_VERSION}.jar`));
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const fail = (reason: string) => {
    running = false;
    // Everyone still waiting gets "unknown" now rather than at their deadline.
    for (const p of queue.splice(0)) p.resolve?.(undefined);
    opts.onExit?.(reason);
  };
  if (!running) {
    queueMicrotask(() => opts.onExit?.(`OPSIN jars not found in ${libs}`));
  } else {
    const proc = spawn(
      opts.javaBin ?? 'java',
      ['-Xss8m', '-cp', `${libs}/*`, 'uk.ac.cam.ch.wwmm.opsin.Cli', '-osmi'],
      {
        stdio: ['pipe', 'pipe', 'ignore'],
      },
    );
    child = proc;
    exited = new Promise((resolve) => proc.once('close', () => resolve()));
    let buffer = '';
    proc.stdout!.setEncoding('utf8');
    proc.stdout!.on('data', (chunk: string) => {
      buffer += chunk;
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        const p = queue.shift();
        if (p !== undefined) {
          const smiles = line === '' ? null : line;
          if (p.resolve !== null) p.resolve(smiles);
          else opts.onLate?.(p.name, smiles);
        }
        nl = buffer.indexOf('\n');
      }
    });
    proc.stdin!.on('error', () => {});
    proc.once('error', (err) => fail(`OPSIN could not start: ${err.message}`));
    proc.once('close', (code, signal) => {
      if (running) fail(`OPSIN exited (${signal ?? code})`);
    });
  }

  async function parse(names: readonly string[], deadlineMs: number) {
    const out: (string | null | undefined)[] = new Array(names.length).fill(undefined);
    if (!running || child === null || names.length === 0) return out;
    const waits: Promise<void>[] = [];
    const entries: Pending[] = [];
    let text = '';
    names.forEach((raw, i) => {
      // One name per line: a line break inside a name would desynchronise the answers.
      const name = raw.replace(/[\r\n]+/g, ' ');
      const entry: Pending = { name, resolve: null };
      waits.push(
        new Promise<void>((resolve) => {
          entry.resolve = (smiles) => {
            out[i] = smiles;
            entry.resolve = null;
            resolve();
          };
        }),
      );
      entries.push(entry);
      text += `${name}\n`;
    });
    queue.push(...entries);
    child.stdin!.write(text);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(waits),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, deadlineMs);
      }),
    ]);
    clearTimeout(timer);
    // Whoever has not answered yet answers later, into onLate.
    for (const e of entries) e.resolve = null;
    return out;
  }

  return {
    get running() {
      return running;
    },
    get pid() {
      return running ? (child?.pid ?? null) : null;
    },
    parse,
    async stop() {
      if (child === null) return;
      running = false;
      for (const p of queue.splice(0)) p.resolve?.(undefined);
      child.stdin!.end();
      const killer = setTimeout(() => child?.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killer);
      child = null;
    },
  };
}
