// globalSetup of the `current-clickhouse` vitest project: starts today's ClickHouse (chDB behind the
// HTTP interface) on the port the project's own `env` names (vitest.config.ts), so the same integration
// tests that run against Debian's 18.16 run against it too. It must not touch process.env: globalSetup
// runs in vitest's main process, and the other projects' workers would inherit the change.
import { startCurrentClickHouse } from './current-clickhouse.ts';

export const CURRENT_CLICKHOUSE_PORT = 18_923;

export default async function setup(): Promise<() => Promise<void>> {
  const server = await startCurrentClickHouse(CURRENT_CLICKHOUSE_PORT);
  process.stderr.write(`[current-clickhouse] ClickHouse ${server.version} (chDB) at ${server.url}\n`);
  return () => server.stop();
}
