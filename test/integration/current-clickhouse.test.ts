// Runs in both integration projects: proves which server each project talks to, so a green
// `current-clickhouse` run cannot silently have used 18.16, nor the integration project today's
// ClickHouse (as it did while the current-clickhouse globalSetup still set process.env).
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../services/storage/clickhouse.ts';
import { newClickHouse } from '../support/env.ts';

describe('the ClickHouse this project runs against', () => {
  it('is 18.16 in the integration project and 26.x or later in current-clickhouse', async () => {
    const client = newClickHouse();
    const [row] = await queryRows<{ v: string }>(client, 'SELECT version() AS v');
    await client.close();
    const major = Number(row!.v.split('.')[0]);
    if (process.env.CURRENT_CLICKHOUSE === '1') {
      expect(major).toBeGreaterThanOrEqual(26);
    } else {
      expect(row!.v).toMatch(/^18\.16\./);
    }
  });
});
