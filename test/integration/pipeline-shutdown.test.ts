// A graceful stop stores what is buffered and commits it before leaving the group: nothing is
// re-read on restart. The sink is set never to flush on its own, so only stop() can store.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../services/pipeline/kafka.ts';
import { createPipelineMetrics } from '../../services/pipeline/metrics.ts';
import { createPipeline } from '../../services/pipeline/pipeline.ts';
import { loadScorer } from '../../services/runtime/load-scorer.ts';
import { storedCounts } from '../support/counts.ts';
import { createTestDatabase, createTestTopics, infraConfig, testLogger, waitFor } from '../support/env.ts';
import { publish, waitForGroupCaughtUp } from '../support/processes.ts';
import { mixedStream } from '../support/reports.ts';

describe('graceful shutdown', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('flushes and commits on stop, within 10 s', async () => {
    const db = await createTestDatabase();
    cleanup.push(() => db.drop());
    const topics = await createTestTopics(3);
    const scorer = await loadScorer({ logger: testLogger });
    cleanup.push(() => scorer.close());
    const metrics = createPipelineMetrics({ defaultMetrics: false });
    const pipeline = createPipeline({
      kafka: createKafka({
        brokers: infraConfig.KAFKA_BROKERS,
        clientId: 'test-shutdown',
        logger: testLogger,
      }),
      clickhouse: db.client,
      scorer,
      logger: testLogger,
      metrics,
      topic: topics.topic,
      dlqTopic: topics.dlqTopic,
      groupId: topics.groupId,
      database: db.database,
      batchRows: 100_000,
      flushMs: 60_000,
    });
    await pipeline.start();
    const messages = mixedStream(randomBytes(4).toString('hex'), 500, 50);
    await publish(topics.topic, messages);
    await waitFor(
      'all 500 read into the buffer',
      async () => (await metrics.consumed.get()).values[0]?.value ?? 0,
      (n) => n >= 500,
      60_000,
    );
    expect((await storedCounts(db)).rawDecisions).toBe(0);
    const t0 = Date.now();
    await pipeline.stop();
    expect(Date.now() - t0).toBeLessThan(10_000);
    const counts = await storedCounts(db);
    expect(counts.decisions).toBe(500); // 490 scored, 10 unreadable ones UNSCREENED
    expect(counts.deadLetters).toBe(10);
    await waitForGroupCaughtUp(topics.groupId, topics.topic, 5_000);
  });
});
