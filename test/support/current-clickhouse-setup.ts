// globalSetup of the `current-clickhouse` vitest project: starts today's ClickHouse (chDB behind the
// HTTP interface) and points the project's test workers at it through CLICKHOUSE_URL, so the same
// integration tests that run against Debian's 18.16 run against it too. Kafka stays the real broker.
import { startCurrentClickHouse } from './current-clickhouse.ts';

export default async function setup(): Promise<() => Promise<void>> {
  const server = await startCurrentClickHouse();
  process.env.CLICKHOUSE_URL = server.url;
  process.env.CURRENT_CLICKHOUSE_VERSION = server.version;
  process.stderr.write(`[current-clickhouse] ClickHouse ${server.version} (chDB) at ${server.url}\n`);
  return () => server.stop();
}
