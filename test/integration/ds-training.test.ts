// Training from officers' labels in ClickHouse, with the inspection-bias weights, then promotion to
// challenger and the shadow comparison against labels: the data-science loop on the real ClickHouse.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../schemas/decision.ts';
import { reportSchema } from '../../schemas/report.ts';
import { generateReports } from '../../services/generator/index.ts';
import { compareShadow } from '../../services/registry/compare.ts';
import { promote } from '../../services/registry/promote.ts';
import { listModels } from '../../services/registry/registry.ts';
import { type RegistryTable, registryRows, tableExists } from '../../services/registry/registry-table.ts';
import { scratchRegistry } from '../../services/registry/test-registry.ts';
import { type LoadedScorer, loadScorer } from '../../services/runtime/load-scorer.ts';
import { DEFAULT_POLICY } from '../../services/scoring/decide.ts';
import { insertRows } from '../../services/storage/clickhouse.ts';
import { caseRows, insertCaseRows, shadowRow } from '../../services/storage/decision-rows.ts';
import { formatDateTime } from '../../services/storage/sql.ts';
import { riskLane, simulateInspection } from '../../services/training/propensity.ts';
import { runTraining } from '../../services/training/train-run.ts';
import { createTestDatabase, type TestDatabase, testLogger } from '../support/env.ts';

describe('training from ClickHouse labels (real ClickHouse)', () => {
  let db: TestDatabase;
  let table: RegistryTable;
  let registryDir: string;
  let scorer: LoadedScorer;
  const generated = generateReports({ count: 6000, seed: 41 });
  const reports = generated.reports.map((r) => reportSchema.parse(r));
  let decisions: Decision[];
  let inspected: boolean[];
  let partnerOnly: string | null = null;

  beforeAll(async () => {
    db = await createTestDatabase();
    table = { client: db.client, database: db.database };
    ({ dir: registryDir } = await scratchRegistry());
    scorer = await loadScorer({ logger: testLogger, modelsDir: registryDir, drift: false });
    decisions = scorer.scoreBatch(reports, new Date('2026-01-10T00:00:00Z'));
    await insertCaseRows(
      db.client,
      db.database,
      decisions.map((d, i) =>
        caseRows(d, reports[i]!, JSON.stringify(generated.reports[i]), {
          topic: 't',
          partition: 0,
          offset: String(i),
        }),
      ),
    );
    // Officers' findings as the `labels` contract describes them (the review app's view, here a table;
    // DROP TABLE also drops a view, and 18.16 has no DROP VIEW).
    inspected = simulateInspection(
      decisions.map((d) => ({
        messageId: d.messageId,
        riskLane: riskLane(d.riskScore, DEFAULT_POLICY.thresholds),
        randomSelection: d.randomSelection === true,
      })),
    );
    await db.client.command({ query: `DROP TABLE IF EXISTS ${db.database}.labels` });
    await db.client.command({
      query: `CREATE TABLE ${db.database}.labels (messageId String, consignmentId String, disposition String,
        positive UInt8, decidedAt DateTime('UTC'), lane String, randomSelection Nullable(UInt8))
        ENGINE = MergeTree ORDER BY messageId`,
    });
    await insertRows(
      db.client,
      `${db.database}.labels`,
      decisions.flatMap((d, i) =>
        inspected[i]
          ? [
              {
                messageId: d.messageId,
                consignmentId: d.consignmentId,
                disposition: generated.labels[i]!.positive ? 'SEIZED' : 'EXAMINED_NOTHING_FOUND',
                positive: generated.labels[i]!.positive ? 1 : 0,
                decidedAt: formatDateTime(new Date('2026-01-11T00:00:00Z')),
                lane: d.lane,
                randomSelection: d.randomSelection ? 1 : 0,
              },
            ]
          : [],
      ),
    );
    // A partner agency's seizure of a case our officers did not examine (table from migration 003).
    if (await tableExists(db.client, db.database, 'partner_outcomes')) {
      const i = inspected.findIndex((x) => !x);
      partnerOnly = decisions[i]!.messageId;
      await insertRows(db.client, `${db.database}.partner_outcomes`, [
        { messageId: partnerOnly, fromAgency: 'CBIC', version: 1, disposition: 'SEIZED', positive: 1 },
      ]);
    }
  });

  afterAll(async () => {
    await scorer?.close();
    await db?.drop();
    if (registryDir) await rm(registryDir, { recursive: true, force: true });
  });

  it('trains with inverse-propensity weights per risk lane and registers a candidate', async () => {
    const officer = inspected.filter(Boolean).length;
    // A case is a consignment: its documents (manifest, declaration) share one label.
    const labelledConsignments = new Set(
      decisions.filter((_, i) => inspected[i]).map((d) => d.consignmentId),
    );
    const partnerConsignment = decisions.find((d) => d.messageId === partnerOnly)?.consignmentId;
    if (partnerConsignment !== undefined) labelledConsignments.add(partnerConsignment);
    const labelled = labelledConsignments.size;
    const consignments = new Set(decisions.map((d) => d.consignmentId)).size;
    expect(consignments).toBeLessThan(reports.length); // the data has consignments with several documents
    expect(labelled).toBeLessThan(officer + (partnerOnly === null ? 0 : 1)); // ... some of them labelled
    const result = await runTraining({
      source: { kind: 'clickhouse' },
      registryDir,
      epochs: 3,
      seed: 1,
      holdout: { seed: 42, count: 2000 },
      table,
    });
    expect(result.data).toMatchObject({
      source: 'clickhouse',
      labelled,
      officerLabels: officer,
      partnerLabels: partnerOnly === null ? 0 : 1,
      consignments: labelled,
    });
    const weighting = result.data.weighting as {
      strata: { stratum: string; decisions: number; labelled: number; propensity: number }[];
      effectiveSampleSize: number;
    };
    const by = Object.fromEntries(weighting.strata.map((s) => [s.stratum, s]));
    expect(by.GREEN!.decisions + (by.YELLOW?.decisions ?? 0) + (by.RED?.decisions ?? 0)).toBe(consignments);
    expect(by.GREEN!.propensity).toBeLessThan(0.05);
    expect(by.RED!.propensity).toBeGreaterThan(0.8);
    expect(weighting.effectiveSampleSize).toBeLessThan(labelled);
    expect(result.recorded).toBe(true);
    expect(result.metrics?.prAuc).toBeGreaterThan(0);

    const rows = await registryRows(table, result.version);
    expect(rows[0]).toMatchObject({ version: result.version, status: 'candidate', promotedAt: null });
    expect(JSON.parse(rows[0]!.trainingData).data.source).toBe('clickhouse');
    const onDisk = (await listModels(registryDir)).find((m) => m.version === result.version);
    expect(onDisk?.hasReference).toBe(true);

    // Promote it to challenger, let it score in shadow, and compare against the labels.
    const p = await promote({ registryDir, version: result.version, kind: 'challenger', table });
    expect(p.recorded).toBe(true);
    expect((await registryRows(table, result.version))[0]?.status).toBe('challenger');
    await scorer.refreshModels();
    expect(scorer.challengerVersion).toBe(result.version);
    const shadow = scorer.shadowBatch!(reports, decisions, new Date('2026-01-10T00:00:00Z'));
    await insertRows(db.client, `${db.database}.shadow_scores`, shadow.map(shadowRow));
    const cmp = await compareShadow({ client: db.client, database: db.database, challenger: result.version });
    expect(cmp.reports).toBe(reports.length);
    expect(cmp.consignments).toBe(consignments);
    // Against labels a consignment counts once, positive if any of its documents was seized.
    const officerConsignments = new Set(decisions.filter((_, i) => inspected[i]).map((d) => d.consignmentId));
    const positiveConsignments = new Set(
      decisions.filter((_, i) => inspected[i] && generated.labels[i]!.positive).map((d) => d.consignmentId),
    );
    expect(officerConsignments.size).toBeLessThan(officer);
    expect(cmp.labels?.labelled).toBe(officerConsignments.size);
    expect(cmp.labels?.positives).toBe(positiveConsignments.size);
    expect(cmp.labels?.champion.precision).not.toBeNull();
  });
});
