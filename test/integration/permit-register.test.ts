// The running system's permit register: ClickHouse permit_register rows added to the files, kg already
// drawn read back from permit_usage into the ledger, and a file change picked up without a restart.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../schemas/report.ts';
import { loadHistoryFromClickHouse } from '../../services/runtime/history-source.ts';
import { createPermitSource } from '../../services/runtime/permit-source.ts';
import { createScorer } from '../../services/scoring/decide.ts';
import { createPermitLedger } from '../../services/scoring/permit-ledger.ts';
import { PERMIT_CSV_HEADER } from '../../services/scoring/permit-register.ts';
import { NullModel } from '../../services/scoring/risk-model.ts';
import { loadRulesSnapshot } from '../../services/scoring/rules-store.ts';
import { insertRows, insertTsv } from '../../services/storage/clickhouse.ts';
import {
  DECISION_COLUMNS,
  decisionRow,
  permitUsageRows,
  tsvLine,
} from '../../services/storage/decision-rows.ts';
import { createTestDatabase, type TestDatabase, testLogger } from '../support/env.ts';

const EXAMPLES = new URL('../../examples/examples.jsonl', import.meta.url);
const exampleReports = () =>
  readFileSync(EXAMPLES, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const licensed = () => reportSchema.parse(exampleReports()[1]);
const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return cond();
};

describe('permit register in ClickHouse', () => {
  it('adds permit_register rows to the files, seeds the ledger from permit_usage, and reloads a changed file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'permits-it-'));
    writeFileSync(
      join(dir, 'register.csv'),
      `${PERMIT_CSV_HEADER}\nPEN-DE-2026-004417,PEN,DE,Rheinchem Feinchemikalien AG,DE298765432,41661-47-6,300,2026-01-01,2026-12-31\n`,
    );
    await insertRows(db.client, `${db.database}.permit_register`, [
      {
        reference: 'NCB-RCS-IMP-2026-0193',
        type: 'IMPORT_PERMIT',
        issuingCountry: 'IN',
        holderName: 'Deccan Generics Pvt. Ltd.',
        holderIdentifier: '',
        casNumber: '41661-47-6',
        maxQuantityKg: 300,
        validFrom: '2026-01-01',
        validUntil: '2026-12-31',
        revoked: 0,
        updatedAtMs: 1,
      },
    ]);
    // An earlier consignment (scored by another pipeline process) drew 200 kg on both permits.
    const earlier = {
      ...licensed(),
      messageId: 'earlier',
      consignment: { ...licensed().consignment, consignmentId: 'EARLIER' },
    };
    const earlierDecision = createScorer({
      rules: loadRulesSnapshot(),
      model: NullModel,
      permits: null,
    }).scoreBatch([earlier], new Date())[0]!;
    const usage = permitUsageRows(
      {
        ...earlierDecision,
        permitUse: [
          { reference: 'PEN-DE-2026-004417', casNumber: '41661-47-6', quantityKg: 200, goodsLine: 1 },
          { reference: 'NCB-RCS-IMP-2026-0193', casNumber: '41661-47-6', quantityKg: 200, goodsLine: 1 },
        ],
      },
      earlier,
    );
    await insertRows(db.client, `${db.database}.permit_usage`, usage);

    const ledger = createPermitLedger();
    const source = await createPermitSource({
      path: dir,
      ledger,
      logger: testLogger,
      watch: true,
      debounceMs: 20,
      clickhouse: { client: db.client, database: db.database, pollMs: 60_000 },
    });
    try {
      expect(source.current?.size).toBe(2);
      expect(source.current?.lookup('NCB-RCS-IMP-2026-0193')[0]?.holderIdentifier).toBeNull();
      expect(ledger.usedKg('PEN-DE-2026-004417', '41661-47-6', 'OTHER')).toBe(200);

      const scorer = createScorer({ rules: loadRulesSnapshot(), model: NullModel, permits: source, ledger });
      const d = scorer.scoreBatch([licensed()], new Date())[0]!;
      expect(d.ruleHits.map((h) => h.ruleId)).toEqual(
        expect.arrayContaining(['permit-quantity-exceeded', 'controlled-substance-no-permit']),
      );

      // The authority raises the PEN's quantity: the file change is live without a restart.
      const before = source.current?.version;
      writeFileSync(
        join(dir, 'register.csv'),
        `${PERMIT_CSV_HEADER}\nPEN-DE-2026-004417,PEN,DE,Rheinchem Feinchemikalien AG,DE298765432,41661-47-6,1000,2026-01-01,2026-12-31\n`,
      );
      expect(await until(() => source.current?.version !== before)).toBe(true);
      const again = scorer.scoreBatch([licensed()], new Date())[0]!;
      expect(again.ruleHits.map((h) => h.ruleId)).toContain('controlled-substance-permit');
      expect(again.ruleHits.map((h) => h.ruleId)).not.toContain('controlled-substance-no-permit');

      // A bad file keeps the register in force.
      const good = source.current?.version;
      writeFileSync(join(dir, 'register.csv'), 'reference,type\nX,PEN\n');
      await expect(source.reload()).rejects.toThrow(/header row lacks/);
      expect(source.current?.version).toBe(good);
    } finally {
      source.close();
    }
  });

  it('reads the consignees already decided as the first-time-importer history', async () => {
    const r = licensed();
    const d = createScorer({ rules: loadRulesSnapshot(), model: NullModel }).scoreBatch([r], new Date())[0]!;
    const row = decisionRow(d, r, { topic: 't', partition: 0, offset: '0' });
    await insertTsv(db.client, `${db.database}.decisions_raw`, DECISION_COLUMNS, [tsvLine(row)]);
    const history = await loadHistoryFromClickHouse(db.client, db.database);
    expect(history.known('Deccan Generics Pvt. Ltd.', 'ANOTHER-CONSIGNMENT')).toBe(true);
    expect(history.known('Deccan Generics Pvt. Ltd.', r.consignment.consignmentId)).toBe(false);
    expect(history.known('Someone New Ltd', 'X')).toBe(false);
  });
});
