// Pipeline processes for crash and scale-out tests: the real CLI (`precursor-risk start`) in a
// child process, configured through its environment like an operator would.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { infraConfig } from './env.ts';
import type { TestMessage } from './reports.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface PipelineProcess {
  child: ChildProcess;
  output(): string;
  exited(): boolean;
  /** The exit code once the process ended; SIGKILLs it and rejects if it runs past `timeoutMs`. */
  exitWithin(timeoutMs: number): Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export function startPipelineProcess(env: Record<string, string>): PipelineProcess {
  return startCliProcess(['start', '--no-review'], env);
}

/** `precursor-risk <args>` in a child process, its stdout and stderr collected together. */
export function startCliProcess(args: readonly string[], env: Record<string, string>): PipelineProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, METRICS_PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  return {
    child,
    output: () => out,
    exited: () => exitCode !== undefined,
    async exitWithin(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<'hung'>((r) => {
        timer = setTimeout(() => r('hung'), timeoutMs);
      });
      const first = await Promise.race([exit, hung]);
      clearTimeout(timer);
      if (first !== 'hung') return first;
      child.kill('SIGKILL');
      await exit;
      throw new Error(`still running after ${timeoutMs} ms; killed. Output:\n${out}`);
    },
    async kill(signal) {
      if (exitCode === undefined) child.kill(signal);
      return exit;
    },
  };
}

export async function publish(topic: string, messages: readonly TestMessage[], chunk = 500): Promise<void> {
  const kafka = new kafkajs.Kafka({
    clientId: 'test-publisher',
    brokers: [...infraConfig.KAFKA_BROKERS],
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += chunk) {
      await producer.send({
        topic,
        acks: -1,
        messages: messages.slice(i, i + chunk).map((m) => ({ key: m.key, value: m.value })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Resolves when the group's committed offsets reach the end of every partition of the topic. */
export async function waitForGroupCaughtUp(
  groupId: string,
  topic: string,
  timeoutMs = 120_000,
): Promise<void> {
  const kafka = new kafkajs.Kafka({
    clientId: 'test-lag',
    brokers: [...infraConfig.KAFKA_BROKERS],
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const lag = ends.reduce((sum, p) => {
        const c = committed?.partitions.find((x) => x.partition === p.partition)?.offset ?? '-1';
        return sum + (Number(p.high) - Math.max(Number(c), 0));
      }, 0);
      if (lag === 0) return;
      if (Date.now() > deadline) throw new Error(`group ${groupId} still ${lag} behind on ${topic}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await admin.disconnect();
  }
}
