// Reads: the synthetic generator. Writes: reports to the input topic at a steady rate (the demo's
// live feed and `generate --to-kafka`). Guarantees: deterministic content for a seed; stops cleanly.
import type { Kafka } from 'kafkajs';
import type { ReportInput } from '../../schemas/report.ts';
import type { Logger } from '../common/logger.ts';
import { generateReports } from '../generator/index.ts';
import { createProducer } from '../pipeline/kafka.ts';

export interface FeedOptions {
  kafka: Kafka;
  topic: string;
  seed: number;
  /** Messages per second. */
  rate: number;
  /** Stop after this many (default: until stopped). */
  count?: number;
  logger: Logger;
}

export interface Feed {
  /** Resolves with the number sent, when `count` is reached or stop() is called. */
  done: Promise<number>;
  stop(): Promise<number>;
}

const CHUNK = 500;

export function startFeed(opts: FeedOptions): Feed {
  const log = opts.logger.child({ component: 'feed' });
  const producer = createProducer(opts.kafka);
  let stopped = false;
  let sent = 0;
  const limit = opts.count ?? Number.POSITIVE_INFINITY;

  const done = (async () => {
    await producer.connect();
    const t0 = Date.now();
    let chunk = 0;
    let queue: ReportInput[] = [];
    while (!stopped && sent < limit) {
      if (queue.length === 0) {
        // Each chunk a seed of its own, so the feed can run forever without holding it all in memory.
        const start = new Date(Date.UTC(2026, 0, 5) + chunk * 86_400_000).toISOString();
        queue = generateReports({
          count: CHUNK,
          seed: (opts.seed * 7919 + chunk++) >>> 0,
          startDate: start,
        }).reports;
      }
      const tickMs = 100;
      const n = Math.min(Math.max(1, Math.round((opts.rate * tickMs) / 1000)), limit - sent, queue.length);
      const batch = queue.splice(0, n);
      await producer.send({
        topic: opts.topic,
        acks: -1,
        messages: batch.map((r) => ({ key: r.consignment.consignmentId, value: JSON.stringify(r) })),
      });
      sent += batch.length;
      const due = t0 + (sent / opts.rate) * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    }
    await producer.disconnect();
    log.debug({ sent }, 'feed finished');
    return sent;
  })();

  return {
    done,
    async stop() {
      stopped = true;
      return done;
    },
  };
}
