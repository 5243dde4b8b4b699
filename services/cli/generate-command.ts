// `precursor-risk generate`: synthetic reports valid under CONTRACT.md, to a file, stdout or Kafka.
// Labels (pattern, positive) go to a side file, never into the reports.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { infraConfigSchema, loadConfig } from '../common/config.ts';
import { createRootLogger } from '../common/logger.ts';
import { generateReports } from '../generator/index.ts';
import { createKafka } from '../pipeline/kafka.ts';
import { startFeed } from '../runtime/feed.ts';

export interface GenerateArgs {
  count: number;
  seed: number;
  out?: string;
  labels?: string;
  toKafka: boolean;
  rate: number;
}

async function writeLines(path: string | undefined, lines: Iterable<string>): Promise<void> {
  const toFile = path !== undefined && path !== '-';
  const stream: NodeJS.WritableStream = toFile ? createWriteStream(path) : process.stdout;
  if (toFile) await once(stream, 'open');
  for (const line of lines) if (!stream.write(`${line}\n`)) await once(stream, 'drain');
  if (toFile) await new Promise<void>((r) => stream.end(() => r()));
}

export async function runGenerate(args: GenerateArgs): Promise<void> {
  if (args.toKafka) {
    const config = loadConfig(infraConfigSchema);
    const logger = createRootLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
    const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'precursor-risk-generate', logger });
    const feed = startFeed({
      kafka,
      topic: config.KAFKA_TOPIC,
      seed: args.seed,
      rate: args.rate,
      count: args.count,
      logger,
    });
    const sent = await feed.done;
    process.stderr.write(`sent ${sent} reports to ${config.KAFKA_TOPIC}\n`);
    return;
  }
  const { reports, labels } = generateReports({ count: args.count, seed: args.seed });
  await writeLines(
    args.out,
    reports.map((r) => JSON.stringify(r)),
  );
  const labelPath =
    args.labels ??
    (args.out && args.out !== '-' ? `${args.out.replace(/\.jsonl?$/, '')}.labels.jsonl` : undefined);
  if (labelPath)
    await writeLines(
      labelPath,
      labels.map((l) => JSON.stringify(l)),
    );
}
