// Detached server processes of the local cluster (ZooKeeper, Kafka brokers, ClickHouse replicas), each
// recorded by a pid file under <root>/.local/cluster/<node>/.
// Reads and writes only that directory. Guarantees: a pid is ours only while /proc shows it running with
// this node's config file (a recycled pid is never signalled); start waits until `ready` answers.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { PrecursorRiskError } from '../../services/common/errors.ts';
import { tcpAccepts as tcpAcceptsAt } from '../kafka/kafka.ts';

export type Log = (m: string) => void;

export function infraError(message: string, cause?: unknown): PrecursorRiskError {
  return new PrecursorRiskError('INFRA_FAILED', message, cause === undefined ? undefined : { cause });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One server of the cluster: how to start it, which file marks its command line, how to tell it answers. */
export interface NodeSpec {
  name: string;
  dir: string;
  /** Path that appears in the process's command line (its config file): identifies our process. */
  marker: string;
  command: string;
  args: string[];
  ready: () => Promise<boolean>;
}

export const pidFileOf = (node: NodeSpec) => path.join(node.dir, 'server.pid');
export const outFileOf = (node: NodeSpec) => path.join(node.dir, 'logs', 'stdout.log');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).charAt(0);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** The pid of this node's running server, or undefined (a stale pid file is ignored). */
export function runningPid(node: NodeSpec): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFileOf(node), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(node.marker) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Something accepts TCP connections on the loopback port (the single-node probe, on 127.0.0.1). */
export function tcpAccepts(port: number, timeoutMs = 500): Promise<boolean> {
  return tcpAcceptsAt('127.0.0.1', port, timeoutMs);
}

async function tail(file: string, lines = 15): Promise<string> {
  try {
    const text = await fs.readFile(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

/** Starts the node unless it already runs; resolves once `ready` answers. */
export async function startNode(
  node: NodeSpec,
  log: Log,
  timeoutMs = 180_000,
): Promise<{ started: boolean; pid: number }> {
  const existing = runningPid(node);
  if (existing !== undefined) {
    await waitReady(node, existing, timeoutMs);
    return { started: false, pid: existing };
  }
  await fs.mkdir(path.join(node.dir, 'logs'), { recursive: true });
  const out = await fs.open(outFileOf(node), 'a');
  const child = spawn(node.command, node.args, {
    cwd: node.dir,
    detached: true,
    stdio: ['ignore', out.fd, out.fd],
  });
  await out.close();
  child.once('error', () => undefined);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw infraError(`${node.name}: could not start ${node.command}`);
  await fs.writeFile(pidFileOf(node), `${pid}\n`);
  const t0 = Date.now();
  await waitReady(node, pid, timeoutMs);
  log(`${node.name}: pid ${pid} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { started: true, pid };
}

async function waitReady(node: NodeSpec, pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive(pid)) {
      throw infraError(
        `${node.name} (pid ${pid}) exited before it answered:\n${await tail(outFileOf(node))}`,
      );
    }
    if (await node.ready().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw infraError(
        `${node.name} (pid ${pid}) did not answer within ${timeoutMs / 1000} s:\n${await tail(outFileOf(node))}`,
      );
    }
    await sleep(300);
  }
}

/** SIGKILL: the failure the cluster suite injects. Returns the pid killed, or undefined if none ran. */
export async function killNode(node: NodeSpec): Promise<number | undefined> {
  const pid = runningPid(node);
  if (pid === undefined) return undefined;
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while (alive(pid) && Date.now() < deadline) await sleep(50);
  return pid;
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stopNode(node: NodeSpec, log: Log, graceMs = 60_000): Promise<boolean> {
  const pid = runningPid(node);
  if (pid === undefined) {
    await fs.rm(pidFileOf(node), { force: true });
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(200);
  if (alive(pid)) {
    log(`${node.name}: pid ${pid} ignored SIGTERM for ${graceMs / 1000} s; SIGKILL`);
    process.kill(pid, 'SIGKILL');
    while (alive(pid)) await sleep(50);
  }
  await fs.rm(pidFileOf(node), { force: true });
  log(`${node.name}: stopped pid ${pid}`);
  return true;
}

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** Runs a command once; a non-zero exit is an INFRA_FAILED error carrying the output's tail. */
export async function runChecked(cmd: string, args: string[], cwd: string, what: string): Promise<void> {
  let result: { code: number | null; output: string };
  try {
    result = await run(cmd, args, cwd);
  } catch (err) {
    throw infraError(`${what}: could not run ${cmd}`, err);
  }
  if (result.code !== 0) {
    const lines = result.output.trimEnd().split('\n').slice(-20).join('\n');
    throw infraError(`${what} failed (exit ${result.code}):\n${lines}`);
  }
}

/** Copies a pom's runtime jars into `libsDir` with Maven, unless a marker names this pom's digest. */
export async function ensureMavenJars(pom: string, libsDir: string, log: Log): Promise<void> {
  const digest = createHash('sha256')
    .update(await fs.readFile(pom))
    .digest('hex')
    .slice(0, 16);
  const marker = path.join(libsDir, '.complete');
  try {
    if ((await fs.readFile(marker, 'utf8')).trim() === digest) return;
  } catch {
    // not fetched yet
  }
  const staging = `${libsDir}.partial`;
  await fs.rm(staging, { recursive: true, force: true });
  await fs.mkdir(path.dirname(libsDir), { recursive: true });
  log(`fetching ${path.basename(pom)} jars with Maven into ${libsDir}`);
  await runChecked(
    'mvn',
    ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`],
    path.dirname(libsDir),
    `Maven (${pom})`,
  );
  await fs.writeFile(path.join(staging, '.complete'), `${digest}\n`);
  await fs.rm(libsDir, { recursive: true, force: true });
  await fs.rename(staging, libsDir);
}
