// The local cluster's layout: names and loopback ports, a block of its own clear of the single-node
// servers (Kafka 9092/9093, ClickHouse 8123/19000). No imports: vitest.config.ts reads it too.

/** Ports of the local cluster: a block of its own, clear of the single-node 9092/9093, 8123 and 19000. */
export const CLUSTER = {
  name: 'precursor_risk',
  zookeeperPort: 22181,
  kafka: [
    { id: 1, port: 29092, controllerPort: 29192 },
    { id: 2, port: 29093, controllerPort: 29193 },
    { id: 3, port: 29094, controllerPort: 29194 },
  ],
  clickhouse: [
    { replica: 'r1', httpPort: 28123, tcpPort: 29001, interserverPort: 29009 },
    { replica: 'r2', httpPort: 28124, tcpPort: 29002, interserverPort: 29010 },
  ],
  replicationFactor: 3,
  minInsyncReplicas: 2,
} as const;

export const CLUSTER_BROKERS = CLUSTER.kafka.map((b) => `127.0.0.1:${b.port}`);
export const CLUSTER_CLICKHOUSE_URLS = CLUSTER.clickhouse.map((c) => `http://127.0.0.1:${c.httpPort}`);
