// The review app starts the chemistry room's name parser (OPSIN) with itself and stops it with itself:
// the case view reads what goods lines the decision identified nothing in name (services/review/molecule.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameResolver } from '../../services/chemistry/name-resolver.ts';
import { loadConfig, reviewConfigSchema } from '../../services/common/config.ts';
import { lineStructures } from '../../services/review/molecule.ts';
import { runReviewServer } from '../../services/review/serve-command.ts';
import { createTestDatabase, type TestDatabase, testLogger, waitFor } from '../support/env.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

describe('review app and the name parser', () => {
  it('starts the parser with the app, reads a line the decision left unidentified, and stops it with the app', async () => {
    const before = nameResolver();
    const running = await runReviewServer({
      logger: testLogger,
      config: loadConfig(reviewConfigSchema, { CLICKHOUSE_DATABASE: db.database, REVIEW_PORT: '0' }),
    });
    try {
      expect(nameResolver()).not.toBe(before);
      const line = { lineNumber: 3, description: 'N,N-Dimethylpropionamide (industrial solvent)' };
      const [read] = await waitFor(
        'the parser answers for the line',
        () => lineStructures([line], 5000),
        (r) => r.length > 0,
        90_000,
      );
      expect(read).toMatchObject({ goodsLine: 3, smiles: 'CCC(=O)N(C)C' });
      expect(read!.inchikey).toMatch(/^[A-Z]{14}-[A-Z]{10}-N$/);
      expect(read!.drawing).toContain('<svg');
    } finally {
      await running.stop();
    }
    expect(nameResolver()).toBe(before);
  }, 120_000);
});
