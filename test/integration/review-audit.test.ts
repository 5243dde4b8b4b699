// The hash-chained audit log on a real ClickHouse: concurrent appends stay gapless, a new process
// continues the chain, and verify() (and `audit verify`) names the first entry that was altered
// (ALTER TABLE … UPDATE, a mutation 18.16 supports), forged (a second row with an existing seq) or removed.
import { afterEach, describe, expect, it } from 'vitest';
import { createAuditLog, entryHash, GENESIS_HASH } from '../../services/audit/audit-log.ts';
import { runAuditVerify } from '../../services/audit/verify-command.ts';
import { insertRows, queryRows } from '../../services/storage/clickhouse.ts';
import { createTestDatabase, type TestDatabase, testLogger, waitFor } from '../support/env.ts';

const dbs: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((d) => d.drop()));
});

async function freshLog(entries: number) {
  const db = await createTestDatabase();
  dbs.push(db);
  const log = createAuditLog({ client: db.client, database: db.database, logger: testLogger });
  const results = await Promise.all(
    Array.from({ length: entries }, (_, i) =>
      log.append({
        actor: i % 2 ? 'cbsa.officer' : 'cbic.officer',
        agency: i % 2 ? 'CBSA' : 'CBIC',
        action: 'case.view',
        caseId: `case-${i % 5}`,
        details: { i, note: 'quotes \' " and \\ and ünïcödé' },
      }),
    ),
  );
  return { db, log, results };
}

/** Runs an ALTER … UPDATE/DELETE and waits for the mutation to finish (18.16 has no mutations_sync). */
async function mutate(db: TestDatabase, statement: string) {
  await db.client.command({ query: statement });
  await waitFor(
    'mutation',
    () =>
      db.count(
        `SELECT count() AS n FROM system.mutations WHERE database = '${db.database}' AND table = 'audit_log' AND is_done = 0`,
      ),
    (n) => n === 0,
    30_000,
    100,
  );
}

function captured() {
  let text = '';
  const write = (s: string) => {
    text += s;
    return true;
  };
  return { stream: { write }, text: () => text };
}

describe('audit log', () => {
  it('serialises concurrent appends into one gapless chain that verifies', async () => {
    const { db, log, results } = await freshLog(40);
    expect(results.map((r) => r.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    const rows = await queryRows<{ seq: string; prevHash: string; hash: string }>(
      db.client,
      `SELECT seq, prevHash, hash FROM ${db.database}.audit_log ORDER BY seq`,
    );
    expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    expect(await log.verify()).toEqual({ ok: true, entries: 40 });
    expect((await log.forCase('case-3')).length).toBe(8);

    const out = captured();
    const code = await runAuditVerify({ database: db.database, stdout: out.stream, stderr: out.stream });
    expect(code).toBe(0);
    expect(out.text()).toContain('intact: 40 entries');
  });

  it('a new process reads the last hash at start-up and continues the chain', async () => {
    const { db } = await freshLog(5);
    const again = createAuditLog({ client: db.client, database: db.database, logger: testLogger });
    const next = await again.append({ actor: 'admin', agency: 'CBSA', action: 'user.update' });
    expect(next.seq).toBe(6);
    expect(await again.verify()).toEqual({ ok: true, entries: 6 });
  });

  it('names an entry whose content was altered in place', async () => {
    const { db, log } = await freshLog(12);
    await mutate(db, `ALTER TABLE ${db.database}.audit_log UPDATE actor = 'someone.else' WHERE seq = 7`);
    expect(await log.verify()).toEqual({
      ok: false,
      firstBroken: { seq: 7, reason: 'content does not match its hash (the entry was altered)' },
    });
    const out = captured();
    expect(await runAuditVerify({ database: db.database, stdout: out.stream, stderr: out.stream })).toBe(1);
    expect(out.text()).toMatch(/BROKEN at entry seq 7: content does not match/);
  });

  it('names an entry altered together with its own hash (the next link breaks)', async () => {
    const { db, log } = await freshLog(10);
    const rows = await queryRows<{
      seq: string;
      at: string;
      agency: string;
      caseId: string;
      details: string;
      prevHash: string;
    }>(
      db.client,
      `SELECT seq, at, agency, caseId, details, prevHash FROM ${db.database}.audit_log WHERE seq = 4`,
    );
    const r = rows[0]!;
    const forgedHash = entryHash({ ...r, seq: 4, actor: 'nobody', action: 'case.view' });
    await mutate(
      db,
      `ALTER TABLE ${db.database}.audit_log UPDATE actor = 'nobody', action = 'case.view', hash = '${forgedHash}' WHERE seq = 4`,
    );
    const result = await log.verify();
    expect(result).toEqual({
      ok: false,
      firstBroken: { seq: 5, reason: 'prevHash does not match the hash of entry 4' },
    });
  });

  it('names a forged second row with an existing seq, and a removed entry', async () => {
    const { db, log } = await freshLog(8);
    const [victim] = await queryRows<Record<string, string>>(
      db.client,
      `SELECT * FROM ${db.database}.audit_log WHERE seq = 3`,
    );
    await insertRows(db.client, `${db.database}.audit_log`, [{ ...victim!, details: '{"forged":true}' }]);
    const forged = await log.verify();
    expect(forged.ok).toBe(false);
    if (!forged.ok) expect(forged.firstBroken.seq).toBe(3);

    const { db: db2, log: log2 } = await freshLog(8);
    await mutate(db2, `ALTER TABLE ${db2.database}.audit_log DELETE WHERE seq = 5`);
    expect(await log2.verify()).toEqual({
      ok: false,
      firstBroken: { seq: 5, reason: 'entries 5..5 are missing' },
    });
  });

  it('a forged duplicate of the last entry is found too', async () => {
    const { db, log } = await freshLog(3);
    const [last] = await queryRows<Record<string, string>>(
      db.client,
      `SELECT * FROM ${db.database}.audit_log WHERE seq = 3`,
    );
    await insertRows(db.client, `${db.database}.audit_log`, [{ ...last!, actor: 'intruder' }]);
    const result = await log.verify();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.firstBroken.seq).toBe(3);
  });
});
