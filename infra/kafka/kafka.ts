// Reads infra/kafka/pom.xml and <root>/.local/kafka (libs marker, cluster-id, kafka.pid, meta.properties).
// Writes only under <root>/.local/kafka: libs/, server.properties, log4j configs, data/, logs/, kafka.pid.
// Guarantees: ensureKafka resolves once a kafkajs admin lists topics; stopKafka keeps data/ across restarts.

import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { PrecursorRiskError } from '../../services/common/errors.ts';

const { Kafka, logLevel } = kafkajs;

export const KAFKA_VERSION = '3.9.1';
export const DEFAULT_BROKERS = ['127.0.0.1:9092'];

const POM_PATH = fileURLToPath(new URL('./pom.xml', import.meta.url));
const LIBS_MARKER = '.precursor-risk-complete';

export type Log = (msg: string) => void;

export interface EnsureKafkaOptions {
  /** Repository root; all state lives in <root>/.local/kafka. */
  root: string;
  /** Where the broker should answer; the first must be a loopback host:port. Default 127.0.0.1:9092. */
  brokers?: string[];
  log: Log;
  /** How long to wait for a freshly started broker (default 90 s). */
  startTimeoutMs?: number;
  /** Executables; default `java` and `mvn` from PATH. */
  javaBin?: string;
  mvnBin?: string;
  /** JVM heap flags for the broker (default -Xms256m -Xmx768m). */
  heapOpts?: string[];
}

export interface StopKafkaOptions {
  root: string;
  log: Log;
  /** How long to wait for a controlled shutdown before SIGKILL (default 60 s). */
  stopTimeoutMs?: number;
}

export interface KafkaPaths {
  home: string;
  libs: string;
  data: string;
  logs: string;
  serverProperties: string;
  log4jProperties: string;
  toolsLog4jProperties: string;
  pidFile: string;
  clusterIdFile: string;
  lockFile: string;
  outFile: string;
  serverLog: string;
}

export function kafkaPaths(root: string): KafkaPaths {
  const home = path.join(path.resolve(root), '.local', 'kafka');
  const logs = path.join(home, 'logs');
  return {
    home,
    libs: path.join(home, 'libs'),
    data: path.join(home, 'data'),
    logs,
    serverProperties: path.join(home, 'server.properties'),
    log4jProperties: path.join(home, 'log4j.properties'),
    toolsLog4jProperties: path.join(home, 'tools-log4j.properties'),
    pidFile: path.join(home, 'kafka.pid'),
    clusterIdFile: path.join(home, 'cluster-id'),
    lockFile: path.join(home, 'ensure.lock'),
    outFile: path.join(logs, 'kafka.out'),
    serverLog: path.join(logs, 'server.log'),
  };
}

function infraError(message: string, cause?: unknown): PrecursorRiskError {
  return new PrecursorRiskError('INFRA_FAILED', message, cause === undefined ? undefined : { cause });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------------
// Probing

function parseHostPort(broker: string): { host: string; port: number } {
  const idx = broker.lastIndexOf(':');
  const host = idx > 0 ? broker.slice(0, idx).replace(/^\[|\]$/g, '') : broker;
  const port = idx > 0 ? Number(broker.slice(idx + 1)) : 9092;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw infraError(`broker address "${broker}" has no usable port`);
  }
  return { host, port };
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1';
}

/** True when something accepts TCP connections at host:port within timeoutMs. */
export function tcpAccepts(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True when a kafkajs admin can describe the cluster and list topics within timeoutMs. */
export async function kafkaAnswers(brokers: string[], timeoutMs = 3000): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'precursor-risk-infra-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(1000, timeoutMs),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  let timer: NodeJS.Timeout | undefined;
  const work = (async () => {
    await admin.connect();
    await admin.describeCluster();
    await admin.listTopics();
    return true;
  })();
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([work.catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}

async function probe(brokers: string[], timeoutMs = 3000): Promise<'kafka' | 'other' | 'nothing'> {
  const { host, port } = parseHostPort(brokers[0]!);
  if (!(await tcpAccepts(host, port, Math.min(500, timeoutMs)))) return 'nothing';
  return (await kafkaAnswers(brokers, timeoutMs)) ? 'kafka' : 'other';
}

// ---------------------------------------------------------------------------------------------------------
// Process helpers

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function readPid(pidFile: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Alive and (where /proc exists) running kafka.Kafka with this root's server.properties — guards against a
 * stale pid that the OS has since given to something else, or to another root's broker.
 */
async function isOurBroker(pid: number, paths: KafkaPaths): Promise<boolean> {
  if (!pidAlive(pid)) return false;
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    // A zombie (exited, not yet reaped) has an empty cmdline.
    return cmdline.includes('kafka.Kafka') && cmdline.includes(paths.serverProperties);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT' || !(await exists('/proc/self'));
  }
}

/**
 * The pid of this root's broker: the pid file when it names a live broker, else (Linux) a scan of /proc for a
 * kafka.Kafka process using this root's server.properties (the pid file is then rewritten). Two brokers on one
 * data dir corrupt the metadata log, so a lost pid file must not lead to a second start.
 */
async function findBrokerPid(paths: KafkaPaths): Promise<number | undefined> {
  const recorded = await readPid(paths.pidFile);
  if (recorded !== undefined && (await isOurBroker(recorded, paths))) return recorded;
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes('kafka.Kafka') && cmdline.includes(paths.serverProperties)) {
        await writeFile(paths.pidFile, `${pid}\n`);
        return pid;
      }
    } catch {
      // process went away or is not readable
    }
  }
  return undefined;
}

async function tail(file: string, lines: number): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text
      .split('\n')
      .slice(-lines - 1)
      .join('\n')
      .trimEnd();
  } catch {
    return '';
  }
}

/** ERROR/FATAL lines (the cause is usually there, far above the shutdown noise) plus the tail of each log. */
async function logTails(paths: KafkaPaths, lines = 20): Promise<string> {
  const parts: string[] = [];
  for (const file of [paths.serverLog, paths.outFile]) {
    const text = await tail(file, 2000);
    if (!text) continue;
    const all = text.split('\n');
    const errors: string[] = [];
    all.forEach((line, i) => {
      if (/\] (ERROR|FATAL) /.test(line) && errors.length < 6) {
        errors.push(line, ...all.slice(i + 1, i + 3).filter((l) => !l.startsWith('[')));
      }
    });
    if (errors.length > 0) parts.push(`--- errors in ${file} ---\n${errors.join('\n')}`);
    parts.push(`--- last lines of ${file} ---\n${all.slice(-lines).join('\n')}`);
  }
  return parts.length > 0 ? `\n${parts.join('\n')}` : ' (no log output)';
}

interface RunResult {
  code: number | null;
  output: string;
}

function run(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function lastLines(text: string, n: number): string {
  // Maven -q still prints ANSI resets; drop them so error messages stay readable.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escape sequences
  const clean = text.replace(/\u001b\[[0-9;]*m/g, '');
  return clean
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-n)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// Install, configure, format

async function pomDigest(): Promise<string> {
  const pom = await readFile(POM_PATH);
  return createHash('sha256').update(pom).digest('hex').slice(0, 16);
}

/** Fetches the broker jars with Maven into libs/ unless the marker says the current pom's jars are there. */
async function ensureJars(paths: KafkaPaths, mvnBin: string, log: Log): Promise<void> {
  const expected = `kafka ${KAFKA_VERSION} pom ${await pomDigest()}`;
  const marker = path.join(paths.libs, LIBS_MARKER);
  try {
    if ((await readFile(marker, 'utf8')).trim() === expected) return;
  } catch {
    // missing marker: fetch below
  }
  const staging = `${paths.libs}.partial`;
  await rm(staging, { recursive: true, force: true });
  log(`kafka: fetching Apache Kafka ${KAFKA_VERSION} jars with Maven into ${paths.libs}`);
  const started = Date.now();
  let result: RunResult;
  try {
    result = await run(
      mvnBin,
      ['-q', '-B', '-f', POM_PATH, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`],
      paths.home,
      10 * 60_000,
    );
  } catch (err) {
    throw infraError(`could not run Maven ("${mvnBin}"); is it installed?`, err);
  }
  if (result.code !== 0 || !(await exists(path.join(staging, `kafka_2.13-${KAFKA_VERSION}.jar`)))) {
    throw infraError(
      `Maven could not fetch the Kafka jars (exit ${result.code}):\n${lastLines(result.output, 25)}`,
    );
  }
  await writeFile(path.join(staging, LIBS_MARKER), `${expected}\n`);
  await rm(paths.libs, { recursive: true, force: true });
  await rename(staging, paths.libs);
  log(`kafka: jars fetched in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function propValue(value: string): string {
  return value.replace(/\\/g, '\\\\');
}

/** The broker config written on every ensureKafka (exported for tests). */
export function renderServerProperties(paths: KafkaPaths, port: number): string {
  const controllerPort = port + 1;
  const props: [string, string | number | boolean][] = [
    ['process.roles', 'broker,controller'],
    ['node.id', 1],
    ['controller.quorum.voters', `1@127.0.0.1:${controllerPort}`],
    ['listeners', `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`],
    ['advertised.listeners', `PLAINTEXT://127.0.0.1:${port}`],
    ['listener.security.protocol.map', 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT'],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['log.dirs', propValue(paths.data)],
    ['num.partitions', 3],
    ['default.replication.factor', 1],
    ['min.insync.replicas', 1],
    ['offsets.topic.replication.factor', 1],
    ['offsets.topic.num.partitions', 10],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['transaction.state.log.num.partitions', 10],
    ['group.initial.rebalance.delay.ms', 0],
    ['auto.create.topics.enable', false],
    ['delete.topic.enable', true],
    ['num.network.threads', 2],
    ['num.io.threads', 4],
    ['log.segment.bytes', 16 * 1024 * 1024],
    ['log.retention.hours', 168],
    ['log.retention.check.interval.ms', 300_000],
    ['log.cleaner.dedupe.buffer.size', 16 * 1024 * 1024],
    ['message.max.bytes', 4 * 1024 * 1024],
  ];
  return `# Written by infra/kafka/kafka.ts on every ensureKafka; edits here are overwritten.\n${props
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}

/** The PLAINTEXT port in the server.properties a running broker was started with. */
async function configuredPort(paths: KafkaPaths): Promise<number | undefined> {
  try {
    const text = await readFile(paths.serverProperties, 'utf8');
    const m = /^listeners=.*PLAINTEXT:\/\/[^,:]*:(\d+)/m.exec(text);
    return m?.[1] ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function log4jProperties(paths: KafkaPaths): string {
  return `# Written by infra/kafka/kafka.ts. Broker logs go to ${paths.serverLog}.
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=${propValue(paths.serverLog)}
log4j.appender.file.MaxFileSize=10MB
log4j.appender.file.MaxBackupIndex=5
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.controller=INFO
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.zookeeper=WARN
`;
}

const TOOLS_LOG4J = `# Written by infra/kafka/kafka.ts for one-off tools (storage format): warnings to stderr.
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
`;

/** Kafka cluster ids are 16 random bytes in unpadded base64url (what `kafka-storage random-uuid` prints). */
export function newClusterId(): string {
  for (;;) {
    const id = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function clusterId(paths: KafkaPaths): Promise<string> {
  try {
    const id = (await readFile(paths.clusterIdFile, 'utf8')).trim();
    if (id) return id;
  } catch {
    // first run
  }
  let id: string | undefined;
  try {
    // Data formatted earlier but the id file was lost: keep the id the data carries.
    const meta = await readFile(path.join(paths.data, 'meta.properties'), 'utf8');
    id = /^cluster\.id=(.+)$/m.exec(meta)?.[1]?.trim();
  } catch {
    // not formatted yet
  }
  id ??= newClusterId();
  await writeFile(paths.clusterIdFile, `${id}\n`);
  return id;
}

async function formatStorageOnce(paths: KafkaPaths, javaBin: string, log: Log): Promise<void> {
  const id = await clusterId(paths);
  if (await exists(path.join(paths.data, 'meta.properties'))) return;
  log(`kafka: formatting storage in ${paths.data} (cluster id ${id})`);
  let result: RunResult;
  try {
    result = await run(
      javaBin,
      [
        '-Xmx256m',
        `-Dlog4j.configuration=file:${paths.toolsLog4jProperties}`,
        '-cp',
        `${paths.libs}${path.sep}*`,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        id,
        '-c',
        paths.serverProperties,
      ],
      paths.home,
      120_000,
    );
  } catch (err) {
    throw infraError(`could not run Java ("${javaBin}"); is a JDK 17+ installed?`, err);
  }
  if (result.code !== 0) {
    throw infraError(`kafka storage format failed (exit ${result.code}):\n${lastLines(result.output, 25)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Lock: two ensureKafka calls at once (e.g. two test runners) must not start two brokers on one data dir.

async function acquireLock(paths: KafkaPaths, timeoutMs: number, log: Log): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      const fh = await open(paths.lockFile, 'wx');
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return () => rm(paths.lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw infraError('cannot create kafka lock file', err);
    }
    const holder = await readPid(paths.lockFile);
    if (holder === undefined || !pidAlive(holder)) {
      await rm(paths.lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw infraError(`another process (pid ${holder}) has held ${paths.lockFile} for too long`);
    }
    if (!announced) {
      log(`kafka: waiting for pid ${holder}, which is already starting the broker`);
      announced = true;
    }
    await sleep(500);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Public API

/**
 * Makes sure a Kafka broker answers at `brokers` (default 127.0.0.1:9092). Returns started:false quickly when
 * one already does; otherwise fetches jars (first time), formats storage (first time) and starts a detached
 * KRaft broker whose pid goes to <root>/.local/kafka/kafka.pid.
 */
export async function ensureKafka(opts: EnsureKafkaOptions): Promise<{ started: boolean }> {
  const brokers = opts.brokers && opts.brokers.length > 0 ? opts.brokers : DEFAULT_BROKERS;
  const { log } = opts;
  const startTimeoutMs = opts.startTimeoutMs ?? 90_000;
  const paths = kafkaPaths(opts.root);

  if ((await probe(brokers, 2000)) === 'kafka') {
    log(`kafka: already answering at ${brokers.join(',')}`);
    return { started: false };
  }

  const { host, port } = parseHostPort(brokers[0]!);
  if (!isLoopback(host)) {
    throw infraError(
      `Kafka does not answer at ${brokers.join(',')} and only a loopback broker can be started here`,
    );
  }

  await mkdir(paths.logs, { recursive: true });
  const release = await acquireLock(paths, startTimeoutMs + 10 * 60_000, log);
  try {
    // Someone may have started it while we waited for the lock, or a previous start may still be warming up.
    const existingPid = await findBrokerPid(paths);
    if (existingPid !== undefined) {
      const runningPort = await configuredPort(paths);
      if (runningPort !== undefined && runningPort !== port) {
        throw infraError(
          `this root's broker (pid ${existingPid}) listens on port ${runningPort}, not ${port}; stop it first (stopKafka)`,
        );
      }
      log(`kafka: broker pid ${existingPid} is running; waiting for it to answer`);
      await waitReady(paths, brokers, existingPid, undefined, startTimeoutMs);
      return { started: false };
    }
    const state = await probe(brokers, 2000);
    if (state === 'kafka') return { started: false };
    if (state === 'other') {
      throw infraError(
        `${host}:${port} accepts connections but does not answer as Kafka, and ${paths.pidFile} names no live broker; free the port first`,
      );
    }
    if (await tcpAccepts('127.0.0.1', port + 1, 300)) {
      throw infraError(`controller port 127.0.0.1:${port + 1} is already in use`);
    }

    await mkdir(paths.data, { recursive: true });
    await ensureJars(paths, opts.mvnBin ?? 'mvn', log);
    await writeFile(paths.serverProperties, renderServerProperties(paths, port));
    await writeFile(paths.log4jProperties, log4jProperties(paths));
    await writeFile(paths.toolsLog4jProperties, TOOLS_LOG4J);
    const javaBin = opts.javaBin ?? 'java';
    await formatStorageOnce(paths, javaBin, log);

    log(`kafka: starting broker ${KAFKA_VERSION} on 127.0.0.1:${port} (logs in ${paths.logs})`);
    const startedAt = Date.now();
    const child = startBroker(paths, javaBin, opts.heapOpts ?? ['-Xms256m', '-Xmx768m']);
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null)));
      child.once('error', () => resolve(-1));
    });
    const pid = child.pid;
    if (pid === undefined) {
      throw infraError(`could not start Java ("${javaBin}")${await logTails(paths)}`);
    }
    await writeFile(paths.pidFile, `${pid}\n`);
    child.unref();
    try {
      await waitReady(paths, brokers, pid, exited, startTimeoutMs);
    } catch (err) {
      // A broker that never became ready is not left behind holding the data dir lock.
      if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
      await rm(paths.pidFile, { force: true });
      throw err;
    }
    log(`kafka: broker pid ${pid} ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    return { started: true };
  } finally {
    await release();
  }
}

function startBroker(paths: KafkaPaths, javaBin: string, heapOpts: string[]): ChildProcess {
  const out = openSync(paths.outFile, 'a');
  try {
    return spawn(
      javaBin,
      [
        ...heapOpts,
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-Djava.awt.headless=true',
        `-Dlog4j.configuration=file:${paths.log4jProperties}`,
        `-Dkafka.logs.dir=${paths.logs}`,
        '-cp',
        `${paths.libs}${path.sep}*`,
        'kafka.Kafka',
        paths.serverProperties,
      ],
      { cwd: paths.home, detached: true, stdio: ['ignore', out, out] },
    );
  } finally {
    closeSync(out);
  }
}

async function waitReady(
  paths: KafkaPaths,
  brokers: string[],
  pid: number,
  exited: Promise<number | null> | undefined,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  let hasExited = false;
  exited?.then((code) => {
    exitCode = code;
    hasExited = true;
  });
  for (;;) {
    if (hasExited || !(await isOurBroker(pid, paths))) {
      const how = hasExited ? `exited with code ${exitCode}` : 'is no longer running';
      throw infraError(`Kafka broker (pid ${pid}) ${how} before it answered${await logTails(paths)}`);
    }
    if ((await probe(brokers, 2000)) === 'kafka') return;
    if (Date.now() > deadline) {
      throw infraError(
        `Kafka broker (pid ${pid}) did not answer within ${Math.round(timeoutMs / 1000)} s${await logTails(paths)}`,
      );
    }
    await sleep(500);
  }
}

/**
 * Stops the broker named in <root>/.local/kafka/kafka.pid: SIGTERM (controlled shutdown), up to 60 s, then
 * SIGKILL. Leaves data/ alone. Returns stopped:false when no live broker was recorded.
 */
export async function stopKafka(opts: StopKafkaOptions): Promise<{ stopped: boolean }> {
  const paths = kafkaPaths(opts.root);
  const { log } = opts;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 60_000;
  const pid = await findBrokerPid(paths);
  if (pid === undefined) {
    log(`kafka: no broker running for ${paths.home}; nothing to stop`);
    await rm(paths.pidFile, { force: true });
    return { stopped: false };
  }
  log(`kafka: stopping broker pid ${pid}`);
  const startedAt = Date.now();
  try {
    process.kill(pid, 'SIGTERM');
  } catch (err) {
    throw infraError(`could not signal Kafka broker pid ${pid}`, err);
  }
  const deadline = Date.now() + stopTimeoutMs;
  while (Date.now() < deadline && (await isOurBroker(pid, paths))) await sleep(250);
  if (await isOurBroker(pid, paths)) {
    log(`kafka: pid ${pid} still running after ${Math.round(stopTimeoutMs / 1000)} s; sending SIGKILL`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited in between
    }
    const killDeadline = Date.now() + 10_000;
    while (Date.now() < killDeadline && (await isOurBroker(pid, paths))) await sleep(100);
    if (await isOurBroker(pid, paths)) throw infraError(`Kafka broker pid ${pid} survived SIGKILL`);
  }
  await rm(paths.pidFile, { force: true });
  log(`kafka: broker stopped in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  return { stopped: true };
}
