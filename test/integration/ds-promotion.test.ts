// Promotion reaches a running pipeline: `promote` rewrites champion.json in the registry the pipeline
// serves from, and new decisions carry the new modelVersion within seconds, with no restart.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promote } from '../../services/registry/promote.ts';
import { registryRows } from '../../services/registry/registry-table.ts';
import { CHAMPION, perturbWeights, scratchRegistry } from '../../services/registry/test-registry.ts';
import {
  createTestDatabase,
  createTestTopics,
  type TestDatabase,
  type TestTopics,
  waitFor,
} from '../support/env.ts';
import { publish } from '../support/processes.ts';
import {
  generatedMessages,
  type RunningTestPipeline,
  startTestPipeline,
  storedDecisions,
} from './ds-support.ts';

describe('model promotion in a running pipeline (real Kafka and ClickHouse)', () => {
  let db: TestDatabase;
  let topics: TestTopics;
  let registryDir: string;
  let candidate: string;
  let running: RunningTestPipeline;
  const messages = generatedMessages({ count: 3000, seed: 21 });

  beforeAll(async () => {
    db = await createTestDatabase();
    topics = await createTestTopics(3);
    ({ dir: registryDir, copy: candidate } = await scratchRegistry());
    await perturbWeights(registryDir, candidate, 1.3);
    running = await startTestPipeline({ db, topics, scorer: { modelsDir: registryDir, watch: true } });
  });

  afterAll(async () => {
    await running?.stop();
    await db?.drop();
    await rm(registryDir, { recursive: true, force: true });
  });

  it('uses a newly promoted champion within seconds, without a restart', async () => {
    const first = messages.slice(0, 500);
    await publish(topics.topic, first);
    await waitFor(
      'first batch stored',
      () => storedDecisions(db),
      (d) => d.length >= first.length,
      60_000,
    );
    const before = await storedDecisions(db);
    expect(new Set(before.map((d) => d.modelVersion))).toEqual(new Set([CHAMPION]));

    const promotedAt = Date.now();
    const result = await promote({
      registryDir,
      version: candidate,
      kind: 'champion',
      table: { client: db.client, database: db.database },
    });
    expect(result).toMatchObject({ previous: CHAMPION, recorded: true });

    // Keep traffic flowing, as in production, until a decision carries the new version.
    let next = 500;
    const seen = await waitFor(
      'a decision by the promoted model',
      async () => {
        if (next < messages.length) {
          await publish(topics.topic, messages.slice(next, next + 100));
          next += 100;
        }
        return (await storedDecisions(db)).filter((d) => d.modelVersion === candidate);
      },
      (d) => d.length > 0,
      30_000,
      300,
    );
    const firstNew = Math.min(...seen.map((d) => d.scoredAtMs));
    expect(firstNew - promotedAt).toBeLessThan(5000);
    expect(running.scorer.modelVersion).toBe(candidate);

    // From then on every decision is the new model's.
    await publish(topics.topic, messages.slice(next, next + 300));
    const ids = new Set(messages.slice(next, next + 300).map((m) => m.messageId));
    const later = await waitFor(
      'later batch stored',
      async () => (await storedDecisions(db)).filter((d) => ids.has(d.messageId)),
      (d) => d.length >= ids.size,
      60_000,
    );
    expect(later.every((d) => d.modelVersion === candidate)).toBe(true);

    const rows = await registryRows({ client: db.client, database: db.database });
    const status = Object.fromEntries(rows.map((r) => [r.version, r.status]));
    expect(status).toMatchObject({ [candidate]: 'champion', [CHAMPION]: 'retired' });
    expect(rows.find((r) => r.version === candidate)?.promotedAt).not.toBeNull();
  });

  it('keeps the current champion when a promoted version is broken', async () => {
    await expect(
      promote({ registryDir, version: 'm-does-not-exist', kind: 'champion', table: null }),
    ).rejects.toMatchObject({ code: 'MODEL_INVALID' });
    expect(running.scorer.modelVersion).toBe(candidate);
  });
});
