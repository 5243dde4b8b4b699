// What officers would see: counts read through the public, deduplicated surfaces.
import type { TestDatabase } from './env.ts';

export async function storedCounts(db: TestDatabase) {
  const d = db.database;
  const [decisions, rawDecisions, deadLetters] = await Promise.all([
    db.count(`SELECT count() AS n FROM ${d}.decisions`),
    db.count(`SELECT count() AS n FROM ${d}.decisions_raw`),
    db.count(`SELECT count() AS n FROM ${d}.dead_letters_dedup`),
  ]);
  return { decisions, rawDecisions, deadLetters };
}

export async function deadLetterReasons(db: TestDatabase): Promise<Record<string, number>> {
  const rows = await db.client
    .query({
      query: `SELECT reason, count() AS n FROM ${db.database}.dead_letters_dedup GROUP BY reason`,
      format: 'JSONEachRow',
    })
    .then((r) => r.json<{ reason: string; n: string }>());
  return Object.fromEntries(rows.map((r) => [r.reason, Number(r.n)]));
}

export function expectedReasons(
  messages: readonly { expectedReason: string | null }[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of messages) if (m.expectedReason) out[m.expectedReason] = (out[m.expectedReason] ?? 0) + 1;
  return out;
}
