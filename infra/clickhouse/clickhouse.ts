// Local ClickHouse for development and tests: use one that already answers, otherwise install
// (root only, apt) and start a project-owned server under <root>/.local/clickhouse/.
// Reads: the ClickHouse URL, <root>/.local/clickhouse/{clickhouse.pid,state.json}, the templates
// next to this file. Writes: <root>/.local/clickhouse/ (config, data, logs, pid file).
// Guarantees: never stops or reconfigures a server it did not start; listens on 127.0.0.1 only;
// every failure is a PrecursorRiskError('INFRA_FAILED') whose message says what to do.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrecursorRiskError } from '../../services/common/errors.ts';

export interface EnsureClickHouseOptions {
  /** Project root; the server's files live in `<root>/.local/clickhouse/`. */
  root: string;
  /** Wanted HTTP URL, e.g. `http://127.0.0.1:8123`. */
  url: string;
  user: string;
  password: string;
  log: (m: string) => void;
}

export interface StopClickHouseOptions {
  root: string;
  log: (m: string) => void;
}

const TEMPLATE_DIR = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_HTTP_PORT = 8123;
const DEFAULT_TCP_PORT = 19000;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const KILL_TIMEOUT_MS = 5_000;
const PORT_SEARCH_SPAN = 200;
const APT_PACKAGES = ['clickhouse-server', 'clickhouse-client'];
export const INSTALL_COMMAND = `sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${APT_PACKAGES.join(' ')}`;

/** Where a project-owned server keeps its files. */
export function clickHousePaths(root: string) {
  const dir = path.join(path.resolve(root), '.local', 'clickhouse');
  return {
    dir,
    configFile: path.join(dir, 'config.xml'),
    usersFile: path.join(dir, 'users.xml'),
    pidFile: path.join(dir, 'clickhouse.pid'),
    stateFile: path.join(dir, 'state.json'),
    dataDir: path.join(dir, 'data'),
    tmpDir: path.join(dir, 'tmp'),
    userFilesDir: path.join(dir, 'user_files'),
    formatSchemaDir: path.join(dir, 'format_schemas'),
    logDir: path.join(dir, 'logs'),
    stdoutLog: path.join(dir, 'logs', 'stdout.log'),
    serverLog: path.join(dir, 'logs', 'clickhouse-server.log'),
    errorLog: path.join(dir, 'logs', 'clickhouse-server.err.log'),
  };
}
type Paths = ReturnType<typeof clickHousePaths>;

interface ServerState {
  pid: number;
  url: string;
  httpPort: number;
  tcpPort: number;
  configFile: string;
  startedAt: string;
}

function infraError(message: string, cause?: unknown): PrecursorRiskError {
  return new PrecursorRiskError('INFRA_FAILED', message, cause === undefined ? undefined : { cause });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// Probing

type PingResult =
  | { kind: 'clickhouse' }
  | { kind: 'other'; detail: string }
  | { kind: 'down'; detail: string };

/**
 * GET <url>/ping: ClickHouse answers exactly `Ok.`. Uses a one-off connection (`Connection: close`):
 * an idle keep-alive socket left open here would make the server's shutdown wait for it.
 */
export function pingClickHouse(url: string, timeoutMs = 1500): Promise<PingResult> {
  const pingUrl = new URL(`${url.replace(/\/+$/, '')}/ping`);
  const get = pingUrl.protocol === 'https:' ? https.get : http.get;
  return new Promise((resolve) => {
    const req = get(
      pingUrl,
      { agent: false, headers: { connection: 'close' }, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < 4096) body += chunk;
        });
        res.on('end', () => {
          if (res.statusCode === 200 && body.trim() === 'Ok.') resolve({ kind: 'clickhouse' });
          else {
            const first = JSON.stringify(body.trim().split('\n')[0]?.slice(0, 40) ?? '');
            resolve({ kind: 'other', detail: `HTTP ${res.statusCode} ${first}` });
          }
        });
        res.on('error', (err) => resolve({ kind: 'other', detail: err.message }));
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? err.message;
      // Refused/unreachable: nothing listens. A timeout or a reset means something else might.
      const down = ['ECONNREFUSED', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH'];
      resolve(down.includes(code) ? { kind: 'down', detail: code } : { kind: 'other', detail: code });
    });
  });
}

/** True when 127.0.0.1:<port> can be bound right now. */
function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

async function findFreePort(start: number, avoid: ReadonlySet<number>): Promise<number> {
  for (let port = start; port < Math.min(start + PORT_SEARCH_SPAN, 65536); port++) {
    if (!avoid.has(port) && (await isPortFree(port))) return port;
  }
  throw infraError(`no free TCP port on 127.0.0.1 in ${start}..${start + PORT_SEARCH_SPAN - 1}`);
}

function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function withPort(url: URL, port: number): string {
  const u = new URL(url.toString());
  u.port = String(port);
  return u.toString().replace(/\/+$/, '');
}

// ---------------------------------------------------------------------------------------------
// Processes

/** A small procfs file, or undefined where there is none (not Linux, process gone). */
function readProcFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie (exited, not yet reaped) still answers kill(0); on Linux, /proc/<pid>/stat tells.
  const stat = readProcFile(`/proc/${pid}/stat`);
  if (stat !== undefined) {
    const state = stat.slice(stat.lastIndexOf(')') + 2).charAt(0);
    if (state === 'Z' || state === 'X') return false;
  }
  return true;
}

/** Is `pid` a ClickHouse server running our config? (Guards against a recycled pid.) */
function isOurServer(pid: number, configFile: string): boolean {
  if (!isAlive(pid)) return false;
  const cmdline = readProcFile(`/proc/${pid}/cmdline`);
  if (cmdline === undefined) return true; // no procfs: the pid file is all we have
  return cmdline.includes('clickhouse') && cmdline.includes(configFile);
}

async function readState(p: Paths): Promise<ServerState | undefined> {
  let pidText: string;
  try {
    pidText = await fs.readFile(p.pidFile, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(pidText.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  let state: Partial<ServerState> = {};
  try {
    state = JSON.parse(await fs.readFile(p.stateFile, 'utf8')) as Partial<ServerState>;
  } catch {
    // pid file without state: still stoppable
  }
  return {
    pid,
    url: typeof state.url === 'string' ? state.url : '',
    httpPort: typeof state.httpPort === 'number' ? state.httpPort : 0,
    tcpPort: typeof state.tcpPort === 'number' ? state.tcpPort : 0,
    configFile: typeof state.configFile === 'string' ? state.configFile : p.configFile,
    startedAt: typeof state.startedAt === 'string' ? state.startedAt : '',
  };
}

async function clearState(p: Paths): Promise<void> {
  await fs.rm(p.pidFile, { force: true });
  await fs.rm(p.stateFile, { force: true });
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return 0;
  }
}

/** The last meaningful log lines written since `offsets` (stack frames dropped). */
async function logTail(files: ReadonlyArray<{ file: string; from: number }>, maxLines = 15): Promise<string> {
  const lines: string[] = [];
  for (const { file, from } of files) {
    try {
      const handle = await fs.open(file, 'r');
      try {
        const size = (await handle.stat()).size;
        const start = Math.max(from, size - 64 * 1024);
        const buf = Buffer.alloc(Math.max(0, size - start));
        await handle.read(buf, 0, buf.length, start);
        for (const line of buf.toString('utf8').split('\n')) {
          if (line.trim() === '' || /^\s*\d+\.\s/.test(line)) continue;
          lines.push(line);
        }
      } finally {
        await handle.close();
      }
    } catch {
      // missing log file: nothing to add
    }
  }
  return lines.slice(-maxLines).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Binary and install

interface ServerBinary {
  file: string;
  /** Arguments before `--config-file=`: `[]` for clickhouse-server, `['server']` for the single binary. */
  args: string[];
}

function findExecutable(name: string): string | undefined {
  const dirs = [
    ...(process.env.PATH ?? '').split(path.delimiter),
    '/usr/sbin',
    '/usr/bin',
    '/usr/local/bin',
    '/sbin',
  ];
  for (const dir of dirs) {
    if (dir === '') continue;
    const file = path.join(dir, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

function findServerBinary(): ServerBinary | undefined {
  const server = findExecutable('clickhouse-server');
  if (server !== undefined) return { file: server, args: [] };
  const single = findExecutable('clickhouse');
  if (single !== undefined) return { file: single, args: ['server'] };
  return undefined;
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

async function installClickHouse(log: (m: string) => void): Promise<void> {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || findExecutable('apt-get') === undefined) {
    // The message is the one command the user needs to run.
    throw infraError(INSTALL_COMMAND);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const steps: Array<[string, string[]]> = [
    ['apt-get', ['update']],
    ['apt-get', ['install', '-y', ...APT_PACKAGES]],
  ];
  const t0 = Date.now();
  for (const [cmd, args] of steps) {
    const line = `${cmd} ${args.join(' ')}`;
    log(`clickhouse: running ${line}`);
    let result: { code: number | null; output: string };
    try {
      result = await run(cmd, args, env);
    } catch (err) {
      throw infraError(`could not run ${line}: ${(err as Error).message}`, err);
    }
    if (result.code !== 0) {
      const tail = result.output.trimEnd().split('\n').slice(-15).join('\n');
      throw infraError(`${line} failed (exit ${result.code}):\n${tail}`);
    }
  }
  log(`clickhouse: installed ${APT_PACKAGES.join(', ')} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (findServerBinary() === undefined) {
    throw infraError(`apt-get installed ${APT_PACKAGES.join(' ')} but no clickhouse-server binary was found`);
  }
}

// ---------------------------------------------------------------------------------------------
// Config

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

function xmlText(value: string): string {
  return value.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

/** Fills `{{name}}` placeholders; a placeholder without a value is an error. */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{([A-Za-z0-9_]+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw infraError(`template placeholder {{${name}}} has no value`);
    return value;
  });
}

const USER_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function userBlock(name: string, password: string): string {
  if (!USER_NAME.test(name))
    throw infraError(`ClickHouse user name ${JSON.stringify(name)} is not a plain name`);
  const sha = createHash('sha256').update(password, 'utf8').digest('hex');
  return [
    `        <${name}>`,
    `            <password_sha256_hex>${sha}</password_sha256_hex>`,
    '            <networks>',
    '                <ip>127.0.0.1</ip>',
    '                <ip>::1</ip>',
    '            </networks>',
    '            <profile>default</profile>',
    '            <quota>default</quota>',
    `        </${name}>`,
  ].join('\n');
}

async function writeConfig(
  p: Paths,
  opts: { httpPort: number; tcpPort: number; user: string; password: string },
): Promise<void> {
  for (const dir of [p.dir, p.dataDir, p.tmpDir, p.userFilesDir, p.formatSchemaDir, p.logDir]) {
    // 18.16 with --daemon dies silently when the log directory is missing; create everything.
    await fs.mkdir(dir, { recursive: true });
  }
  const [configTemplate, usersTemplate] = await Promise.all([
    fs.readFile(path.join(TEMPLATE_DIR, 'config.template.xml'), 'utf8'),
    fs.readFile(path.join(TEMPLATE_DIR, 'users.template.xml'), 'utf8'),
  ]);
  const config = renderTemplate(configTemplate, {
    logDir: xmlText(p.logDir),
    httpPort: String(opts.httpPort),
    tcpPort: String(opts.tcpPort),
    dataDir: xmlText(p.dataDir),
    tmpDir: xmlText(p.tmpDir),
    userFilesDir: xmlText(p.userFilesDir),
    formatSchemaDir: xmlText(p.formatSchemaDir),
    usersConfig: xmlText(p.usersFile),
  });
  // `default` always exists with an empty password (loopback only); a configured other user is added.
  const blocks = [userBlock('default', opts.user === 'default' ? opts.password : '')];
  if (opts.user !== 'default') blocks.push(userBlock(opts.user, opts.password));
  const users = renderTemplate(usersTemplate, { users: blocks.join('\n') });
  await fs.writeFile(p.usersFile, users, { mode: 0o600 });
  await fs.writeFile(p.configFile, config, { mode: 0o644 });
}

// ---------------------------------------------------------------------------------------------
// Start / stop

async function waitForPing(
  url: string,
  deadline: number,
  exited: () => { code: number | null; signal: NodeJS.Signals | null; error?: Error } | undefined,
): Promise<'up' | 'exited' | 'timeout'> {
  while (Date.now() < deadline) {
    if (exited() !== undefined) return 'exited';
    if ((await pingClickHouse(url, 1000)).kind === 'clickhouse') return 'up';
    await sleep(150);
  }
  return 'timeout';
}

/**
 * Makes sure a ClickHouse server answers, and returns the URL to use.
 * `started` is true only when this call started a server.
 */
export async function ensureClickHouse(
  opts: EnsureClickHouseOptions,
): Promise<{ started: boolean; url: string }> {
  const { log } = opts;
  let wanted: URL;
  try {
    wanted = new URL(opts.url);
  } catch (err) {
    throw infraError(`CLICKHOUSE_URL is not a URL: ${JSON.stringify(opts.url)}`, err);
  }
  const baseUrl = wanted.toString().replace(/\/+$/, '');

  // 1. Something answering /ping with Ok. at the wanted URL is used as it is.
  const first = await pingClickHouse(baseUrl);
  if (first.kind === 'clickhouse') return { started: false, url: baseUrl };

  // 2. Only a loopback URL can be served by a local server.
  if (!isLoopbackHost(wanted.hostname)) {
    throw infraError(
      `ClickHouse at ${baseUrl} does not answer (${first.detail}); it is not a local address to start`,
    );
  }
  if (wanted.protocol !== 'http:') {
    throw infraError(
      `ClickHouse at ${baseUrl} does not answer; a local server is started for http:// URLs only`,
    );
  }

  const p = clickHousePaths(opts.root);

  // 3. Our own server may be running on another port (the wanted one was taken when it started).
  const state = await readState(p);
  if (state !== undefined) {
    if (isOurServer(state.pid, state.configFile) && state.url !== '') {
      const outcome = await waitForPing(state.url, Date.now() + START_TIMEOUT_MS, () =>
        isAlive(state.pid) ? undefined : { code: null, signal: null },
      );
      if (outcome === 'up') {
        if (state.url !== baseUrl)
          log(`clickhouse: using the project's server at ${state.url} (pid ${state.pid})`);
        return { started: false, url: state.url };
      }
      const tail = await logTail([
        { file: p.stdoutLog, from: 0 },
        { file: p.errorLog, from: 0 },
      ]);
      throw infraError(
        `the project's ClickHouse (pid ${state.pid}, ${state.url}) does not answer /ping; ` +
          `stop it (npm run infra:down) and retry. Last log lines:\n${tail}`,
      );
    }
    log(`clickhouse: removing stale pid file (pid ${state.pid} is not a running ClickHouse of this project)`);
    await clearState(p);
  }

  // 4. Binary.
  if (findServerBinary() === undefined) {
    log('clickhouse: clickhouse-server is not installed');
    await installClickHouse(log);
    const again = await pingClickHouse(baseUrl);
    if (again.kind === 'clickhouse') return { started: false, url: baseUrl }; // the package started one
  }
  const binary = findServerBinary();
  if (binary === undefined) throw infraError(INSTALL_COMMAND);

  // 5. Ports.
  const wantedPort = wanted.port === '' ? DEFAULT_HTTP_PORT : Number(wanted.port);
  let httpPort = wantedPort;
  if (!(await isPortFree(wantedPort))) {
    httpPort = await findFreePort(wantedPort + 1, new Set([DEFAULT_TCP_PORT]));
    log(
      `clickhouse: port ${wantedPort} is taken by something that is not ClickHouse (${first.detail}); using ${httpPort}`,
    );
  }
  const tcpPort = await findFreePort(DEFAULT_TCP_PORT, new Set([httpPort]));
  const url = withPort(wanted, httpPort);

  // 6. Config and start.
  await writeConfig(p, { httpPort, tcpPort, user: opts.user, password: opts.password });
  const offsets = [
    { file: p.stdoutLog, from: await fileSize(p.stdoutLog) },
    { file: p.errorLog, from: await fileSize(p.errorLog) },
  ];
  const out = await fs.open(p.stdoutLog, 'a');
  const t0 = Date.now();
  let exit: { code: number | null; signal: NodeJS.Signals | null; error?: Error } | undefined;
  const args = [...binary.args, `--config-file=${p.configFile}`];
  log(`clickhouse: starting ${binary.file} ${args.join(' ')} (http ${httpPort}, tcp ${tcpPort})`);
  const child = spawn(binary.file, args, { cwd: p.dir, detached: true, stdio: ['ignore', out.fd, out.fd] });
  await out.close();
  child.once('error', (error) => {
    exit = { code: null, signal: null, error };
  });
  child.once('exit', (code, signal) => {
    exit ??= { code, signal };
  });
  child.unref();
  const pid = child.pid;
  if (pid === undefined) {
    await sleep(50);
    throw infraError(`could not start ${binary.file}: ${exit?.error?.message ?? 'no pid'}`, exit?.error);
  }
  const newState: ServerState = {
    pid,
    url,
    httpPort,
    tcpPort,
    configFile: p.configFile,
    startedAt: new Date().toISOString(),
  };
  await fs.writeFile(p.pidFile, `${pid}\n`);
  await fs.writeFile(p.stateFile, `${JSON.stringify(newState, null, 2)}\n`);

  const outcome = await waitForPing(url, t0 + START_TIMEOUT_MS, () => exit);
  if (outcome !== 'up') {
    if (outcome === 'timeout') {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await clearState(p);
    const how =
      outcome === 'timeout'
        ? `did not answer ${url}/ping within ${START_TIMEOUT_MS / 1000} s`
        : `exited (${exit?.error?.message ?? (exit?.signal !== null && exit?.signal !== undefined ? `signal ${exit.signal}` : `code ${exit?.code}`)})`;
    const tail = await logTail(offsets);
    throw infraError(`clickhouse-server ${how}; logs in ${p.logDir}. Last log lines:\n${tail}`);
  }
  log(`clickhouse: started pid ${pid} at ${url} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { started: true, url };
}

/** Stops the server this project started (per its pid file); any other server is left alone. */
export async function stopClickHouse(opts: StopClickHouseOptions): Promise<{ stopped: boolean }> {
  const p = clickHousePaths(opts.root);
  const state = await readState(p);
  if (state === undefined) {
    opts.log('clickhouse: no project-owned server to stop');
    return { stopped: false };
  }
  if (!isOurServer(state.pid, state.configFile)) {
    opts.log(`clickhouse: pid ${state.pid} is not our server (stale pid file removed)`);
    await clearState(p);
    return { stopped: false };
  }
  const { pid } = state;
  const t0 = Date.now();
  try {
    process.kill(pid, 'SIGTERM');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw infraError(`cannot signal pid ${pid}`, err);
  }
  while (isAlive(pid) && Date.now() - t0 < STOP_TIMEOUT_MS) await sleep(100);
  if (isAlive(pid)) {
    opts.log(`clickhouse: pid ${pid} ignored SIGTERM for ${STOP_TIMEOUT_MS / 1000} s; sending SIGKILL`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
    const t1 = Date.now();
    while (isAlive(pid) && Date.now() - t1 < KILL_TIMEOUT_MS) await sleep(100);
    if (isAlive(pid)) throw infraError(`clickhouse-server pid ${pid} survived SIGKILL`);
  }
  await clearState(p);
  opts.log(`clickhouse: stopped pid ${pid} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { stopped: true };
}
