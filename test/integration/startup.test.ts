// Start-up fails whole or succeeds whole: when one part of `start` or `demo` cannot start, the
// command says which in one line, stops what it had started (the pipeline leaves its consumer group
// at once instead of lingering until the session times out) and exits non-zero.
import { createServer, type Server } from 'node:net';
import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestTopics, infraConfig, type TestDatabase } from '../support/env.ts';
import { startCliProcess } from '../support/processes.ts';

async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, server };
}

async function groupMembers(groupId: string): Promise<{ state: string; members: number }> {
  const kafka = new kafkajs.Kafka({
    clientId: 'test-startup',
    brokers: [...infraConfig.KAFKA_BROKERS],
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return { state: groups[0]?.state ?? 'Unknown', members: groups[0]?.members.length ?? 0 };
  } finally {
    await admin.disconnect();
  }
}

/** The command's own error lines (logs are JSON lines; the error is one plain line on stderr). */
const errorLines = (output: string) => output.split('\n').filter((l) => l.startsWith('precursor-risk:'));

describe('start-up fails whole', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  async function setting(): Promise<{ db: TestDatabase; env: Record<string, string>; groupId: string }> {
    const db = await createTestDatabase();
    cleanup.push(() => db.drop());
    const topics = await createTestTopics(1);
    return {
      db,
      groupId: topics.groupId,
      env: {
        KAFKA_TOPIC: topics.topic,
        KAFKA_DLQ_TOPIC: topics.dlqTopic,
        KAFKA_GROUP_ID: topics.groupId,
        CLICKHOUSE_DATABASE: db.database,
        LOG_LEVEL: 'info',
      },
    };
  }

  it('start: the review app cannot listen → one line naming it, the pipeline stopped, exit 1', async () => {
    const { env, groupId } = await setting();
    const taken = await occupiedPort();
    cleanup.push(() => new Promise((r) => taken.server.close(r)));
    const cli = startCliProcess(['start'], { ...env, REVIEW_PORT: String(taken.port) });
    const code = await cli.exitWithin(90_000);
    expect(code).toBe(1);
    const output = cli.output();
    expect(output).toContain('pipeline started'); // the pipeline had started and joined…
    expect(errorLines(output)).toEqual([
      expect.stringMatching(/^precursor-risk: could not start the review app: .*EADDRINUSE/),
    ]);
    expect(output).not.toContain('services started');
    // …and left its group cleanly on the way out, rather than being dropped by a session timeout.
    expect(await groupMembers(groupId)).toEqual({ state: 'Empty', members: 0 });
  });

  it('start: the ops port is taken → "could not start the pipeline", exit 1', async () => {
    const { env } = await setting();
    const taken = await occupiedPort();
    cleanup.push(() => new Promise((r) => taken.server.close(r)));
    const cli = startCliProcess(['start', '--no-review'], { ...env, METRICS_PORT: String(taken.port) });
    const code = await cli.exitWithin(90_000);
    expect(code).toBe(1);
    expect(errorLines(cli.output())).toEqual([
      expect.stringMatching(/^precursor-risk: could not start the pipeline: .*EADDRINUSE/),
    ]);
  });

  it('demo: the review app cannot listen → one line naming it, everything stopped, exit 1', async () => {
    const { env, groupId } = await setting();
    cleanup.push(async () => {
      const { newClickHouse } = await import('../support/env.ts');
      const client = newClickHouse();
      await client.command({ query: `DROP DATABASE IF EXISTS ${env.CLICKHOUSE_DATABASE}_cbic` });
      await client.close();
    });
    const taken = await occupiedPort();
    cleanup.push(() => new Promise((r) => taken.server.close(r)));
    const cli = startCliProcess(['demo', '--rate', '5'], {
      ...env,
      REVIEW_PORT: String(taken.port),
      METRICS_PORT: '0',
    });
    const code = await cli.exitWithin(120_000);
    expect(code).toBe(1);
    const output = cli.output();
    expect(output).toContain('pipeline started');
    expect(errorLines(output)).toEqual([
      expect.stringMatching(/^precursor-risk: could not start the review app: .*EADDRINUSE/),
    ]);
    expect(output).not.toContain('demo is running');
    expect(await groupMembers(groupId)).toEqual({ state: 'Empty', members: 0 });
  });
});
