// Prometheus metrics of one pipeline process, on its own registry (tests run several in a process).
// Names follow <ns>_<name>_<unit>_total; labels are bounded (reason codes, lanes, partitions).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export function createPipelineMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'precursor_risk_' });
  const ns = 'precursor_risk';
  return {
    registry,
    consumed: new Counter({
      name: `${ns}_messages_consumed_total`,
      help: 'Kafka messages read from the input topic',
      registers: [registry],
    }),
    scored: new Counter({
      name: `${ns}_reports_scored_total`,
      help: 'valid reports scored, by lane',
      labelNames: ['lane'] as const,
      registers: [registry],
    }),
    screened: new Counter({
      name: `${ns}_reports_screened_total`,
      help: 'decisions written, by screening status (COMPLETE, PARTIAL, UNSCREENED)',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    superseded: new Counter({
      name: `${ns}_unscreened_superseded_total`,
      help: 'UNSCREENED rows replaced by a replayed, fixed message',
      registers: [registry],
    }),
    amendments: new Counter({
      name: `${ns}_amendments_total`,
      help: 'documents that replace an earlier version of the same consignment and kind',
      registers: [registry],
    }),
    counterpartLookups: new Counter({
      name: `${ns}_counterpart_lookups_total`,
      help: 'batched reads of stored documents for consignments not in memory',
      registers: [registry],
    }),
    counterpartLookupsSkipped: new Counter({
      name: `${ns}_counterpart_lookups_skipped_total`,
      help: 'consignments not in memory that the stored-consignments index shows the store cannot hold',
      registers: [registry],
    }),
    storedConsignments: new Gauge({
      name: `${ns}_stored_consignments_indexed`,
      help: 'consignments in the store when the stored-consignments index was last loaded (0: not loaded)',
      registers: [registry],
    }),
    counterpartCacheBytes: new Gauge({
      name: `${ns}_counterpart_cache_bytes`,
      help: 'bytes of documents remembered for reconciliation (bounded by COUNTERPART_CACHE_MB)',
      registers: [registry],
    }),
    counterpartCacheConsignments: new Gauge({
      name: `${ns}_counterpart_cache_consignments`,
      help: 'consignments with a document remembered for reconciliation',
      registers: [registry],
    }),
    counterpartLookupFailures: new Counter({
      name: `${ns}_counterpart_lookup_failures_total`,
      help: 'failed reads of stored documents (the batch was judged on memory only)',
      registers: [registry],
    }),
    counterpartLookupSeconds: new Histogram({
      name: `${ns}_counterpart_lookup_seconds`,
      help: 'latency of one batched read of stored documents',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    reconciled: new Counter({
      name: `${ns}_reports_reconciled_total`,
      help: 'earlier documents re-judged because the other document of their consignment arrived and disagrees',
      registers: [registry],
    }),
    pairsAgreeing: new Counter({
      name: `${ns}_pairs_agreeing_total`,
      help: 'consignments whose second document agrees with the first: the earlier decision stands',
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: `${ns}_messages_dead_lettered_total`,
      help: 'messages sent to the dead-letter topic, by reason code',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    batchRows: new Histogram({
      name: `${ns}_sink_batch_rows`,
      help: 'rows per ClickHouse insert batch',
      buckets: [1, 10, 50, 100, 500, 1000, 2000, 5000, 10000],
      registers: [registry],
    }),
    insertSeconds: new Histogram({
      name: `${ns}_sink_insert_seconds`,
      help: 'ClickHouse insert latency',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    insertFailures: new Counter({
      name: `${ns}_sink_insert_failures_total`,
      help: 'failed flush attempts (each is retried)',
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: `${ns}_consumer_lag_messages`,
      help: 'high watermark minus the last offset read, per partition',
      labelNames: ['topic', 'partition'] as const,
      registers: [registry],
    }),
    bufferedRows: new Gauge({
      name: `${ns}_sink_buffered_rows`,
      help: 'decisions and dead letters read but not yet stored',
      registers: [registry],
    }),
    sinkUp: new Gauge({
      name: `${ns}_sink_up`,
      help: '1 while ClickHouse accepts inserts, 0 during an outage',
      registers: [registry],
    }),
  };
}

export type PipelineMetrics = ReturnType<typeof createPipelineMetrics>;
