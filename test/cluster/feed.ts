// A steady feed for the cluster suite: sends fixed-size batches at a target rate with the project's own
// producer settings (acks=all, not idempotent: services/pipeline/kafka.ts), retrying a batch whose send
// failed until it is acknowledged. A send acknowledged around the leader's SIGKILL was sometimes missing
// from the log until kafkajs's retry was patched (patches/README.md, docs/scale-out.md); the suite checks it.
// Records when each message was acknowledged, so latency can be read per report afterwards.
import kafkajs from 'kafkajs';
import type { TestMessage } from '../support/reports.ts';
import { CLUSTER_BROKERS } from './cluster-env.ts';

export interface Feed {
  done: Promise<void>;
  /** Messages acknowledged so far. */
  sent(): number;
  /** Acknowledgement time (ms) of each message, by index. */
  ackedAtMs: Float64Array;
  /** Sends that failed and were retried (each may have duplicated its batch in the topic). */
  retriedSends(): number;
  stop(): Promise<void>;
}

export function startFeed(
  topic: string,
  messages: readonly TestMessage[],
  ratePerSec: number,
  batch = 100,
): Feed {
  const kafka = new kafkajs.Kafka({
    clientId: 'cluster-feed',
    brokers: CLUSTER_BROKERS,
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5000 },
  });
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  const ackedAtMs = new Float64Array(messages.length);
  let sent = 0;
  let retried = 0;
  let stopped = false;
  const done = (async () => {
    await producer.connect();
    const t0 = Date.now();
    try {
      while (!stopped && sent < messages.length) {
        const slice = messages.slice(sent, sent + batch);
        for (;;) {
          try {
            await producer.send({
              topic,
              acks: -1,
              messages: slice.map((m) => ({ key: m.key, value: m.value })),
            });
            break;
          } catch {
            retried++;
            await new Promise((r) => setTimeout(r, 500));
          }
        }
        const now = Date.now();
        ackedAtMs.fill(now, sent, sent + slice.length);
        sent += slice.length;
        const due = t0 + (sent / ratePerSec) * 1000;
        await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      }
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  })();
  return {
    done,
    sent: () => sent,
    ackedAtMs,
    retriedSends: () => retried,
    async stop() {
      stopped = true;
      await done.catch(() => undefined);
    },
  };
}
