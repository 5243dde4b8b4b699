// A challenger in shadow: its scores land in `shadow_scores`, and no lane differs from a run without it.
// Two pipelines read the same topic (own consumer groups, own databases), one with challenger.json.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareShadow } from '../../services/registry/compare.ts';
import { writePointer } from '../../services/registry/registry.ts';
import { CHAMPION, perturbWeights, scratchRegistry } from '../../services/registry/test-registry.ts';
import { queryRows } from '../../services/storage/clickhouse.ts';
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

describe('challenger in shadow (real Kafka and ClickHouse)', () => {
  let topics: TestTopics;
  let plainDb: TestDatabase;
  let shadowDb: TestDatabase;
  let plainDir: string;
  let shadowDir: string;
  let challenger: string;
  const pipelines: RunningTestPipeline[] = [];
  const messages = generatedMessages({ count: 2000, seed: 23 });

  beforeAll(async () => {
    topics = await createTestTopics(3);
    [plainDb, shadowDb] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    ({ dir: plainDir } = await scratchRegistry());
    ({ dir: shadowDir, copy: challenger } = await scratchRegistry());
    await perturbWeights(shadowDir, challenger, 1.5);
    await writePointer(shadowDir, 'challenger', challenger);
    pipelines.push(
      await startTestPipeline({
        db: plainDb,
        topics,
        groupId: `${topics.groupId}.plain`,
        scorer: { modelsDir: plainDir },
      }),
      await startTestPipeline({
        db: shadowDb,
        topics,
        groupId: `${topics.groupId}.shadow`,
        scorer: { modelsDir: shadowDir, watch: true },
      }),
    );
  });

  afterAll(async () => {
    await Promise.all(pipelines.map((p) => p.stop()));
    await Promise.all([plainDb?.drop(), shadowDb?.drop()]);
    await Promise.all([plainDir, shadowDir].map((d) => d && rm(d, { recursive: true, force: true })));
  });

  it('stores one shadow score per report and changes no lane', async () => {
    expect(pipelines[1]!.scorer.challengerVersion).toBe(challenger);
    await publish(topics.topic, messages);
    const [plain, shadowed] = await Promise.all(
      [plainDb, shadowDb].map((db) =>
        waitFor(
          'decisions stored',
          () => storedDecisions(db),
          (d) => d.length >= messages.length,
          120_000,
        ),
      ),
    );
    const plainLane = new Map(plain!.map((d) => [d.messageId, d]));
    for (const d of shadowed!) {
      expect(d.lane).toBe(plainLane.get(d.messageId)?.lane);
      expect(d.modelVersion).toBe(CHAMPION);
      expect(d.modelScore).toBe(plainLane.get(d.messageId)?.modelScore);
    }

    const shadow = await waitFor(
      'shadow scores stored',
      () =>
        queryRows<Record<string, string | number>>(
          shadowDb.client,
          `SELECT messageId, modelVersion, modelScore, toString(lane) AS lane, championModelVersion,
             toString(championLane) AS championLane FROM ${shadowDb.database}.shadow_scores_dedup`,
        ),
      (rows) => rows.length >= messages.length,
      60_000,
    );
    expect(shadow).toHaveLength(messages.length);
    const lanes = new Map(shadowed!.map((d) => [d.messageId, d.lane]));
    for (const s of shadow) {
      expect(s.modelVersion).toBe(challenger);
      expect(s.championModelVersion).toBe(CHAMPION);
      expect(s.championLane).toBe(lanes.get(String(s.messageId)));
    }
    // The challenger really is another model: its scores differ.
    const plainScores = new Map(plain!.map((d) => [d.messageId, d.modelScore]));
    expect(
      shadow.some((s) => Math.abs(Number(s.modelScore) - plainScores.get(String(s.messageId))!) > 1e-3),
    ).toBe(true);
    expect(await plainDb.count(`SELECT count() AS n FROM ${plainDb.database}.shadow_scores`)).toBe(0);

    const report = await compareShadow({ client: shadowDb.client, database: shadowDb.database, challenger });
    expect(report.reports).toBe(messages.length);
    expect(report.champions).toEqual([CHAMPION]);
    expect(report.agreement).toBeGreaterThan(0.5);
    expect(report.agreement).toBeLessThanOrEqual(1);
    expect(report.scoreCorrelation).toBeGreaterThan(0.5);
    expect(report.laneChanges.reduce((s, c) => s + c.reports, 0)).toBe(messages.length);
  });
});
