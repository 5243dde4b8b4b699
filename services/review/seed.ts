// Puts demo data in a database: the hand-made demo cases (validated against the report schema)
// and optionally synthetic bulk. Writes decisions_raw and reports. For tests, the browser test and
// `npm run demo`; never called by the review server on its own.
import type { ClickHouseClient } from '../storage/clickhouse.ts';
import { type CaseRows, insertCaseRows } from '../storage/decision-rows.ts';
import { demoCases } from './demo-cases.ts';
import { caseRow, syntheticRows } from './synthetic.ts';
import { createUserDirectory, seedDemoUsers } from './users.ts';

export async function seedDemoCases(
  client: ClickHouseClient,
  database: string,
  now: Date,
  opts: { synthetic?: number; seed?: number } = {},
): Promise<{ cases: number }> {
  const rows = demoCases(now).map((c, i) => caseRow(c, true, i));
  await insertCaseRows(client, database, rows);
  let batch: CaseRows[] = [];
  let n = rows.length;
  for (const row of syntheticRows(opts.synthetic ?? 0, { seed: opts.seed ?? 7, now, days: 30 })) {
    batch.push(row);
    n++;
    if (batch.length === 5000) {
      await insertCaseRows(client, database, batch);
      batch = [];
    }
  }
  await insertCaseRows(client, database, batch);
  return { cases: n };
}

/** Demo cases and demo accounts: what the tests and the demo start from. */
export async function seedReviewDemo(
  client: ClickHouseClient,
  database: string,
  now: Date,
  opts: { synthetic?: number } = {},
): Promise<void> {
  const users = createUserDirectory({ client, database, clock: { now: () => now } });
  await Promise.all([seedDemoCases(client, database, now, opts), seedDemoUsers(users)]);
}
