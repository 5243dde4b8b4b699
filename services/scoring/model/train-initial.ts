// Trains and registers the first model: 50k generated reports (seed 1), evaluated on a held-out
// generator seed (2). Reads nothing but its flags; writes models/model-registry/<version>/ and
// champion.json. Run: npx tsx services/scoring/model/train-initial.ts [--train-count N] [--held-out-count N]
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { reportSchema } from '../../../schemas/report.ts';
import { createRootLogger } from '../../common/logger.ts';
import { generateReports } from '../../generator/index.ts';
import { DEFAULT_REGISTRY_DIR, type ModelMetrics, saveModel, type TfRiskModel } from '../model.ts';
import { brierScore, prAuc, rocAuc } from './metrics.ts';
import { trainModel } from './train.ts';

const { values: flags } = parseArgs({
  options: {
    'train-count': { type: 'string', default: '50000' },
    'held-out-count': { type: 'string', default: '20000' },
    'train-seed': { type: 'string', default: '1' },
    'held-out-seed': { type: 'string', default: '2' },
    registry: { type: 'string', default: DEFAULT_REGISTRY_DIR },
    'no-champion': { type: 'boolean', default: false },
  },
});

const logger = createRootLogger('info');

function generate(seed: number, count: number) {
  const { reports, labels } = generateReports({ count, seed });
  return { reports: reports.map((r) => reportSchema.parse(r)), labels };
}

export function evaluate(model: TfRiskModel, seed: number, count: number): ModelMetrics {
  const { reports, labels } = generate(seed, count);
  const scores = model.scoreBatch(reports);
  const y = labels.map((l) => l.positive);
  const positives = y.filter(Boolean).length;
  return {
    heldOut: { generatorSeed: seed, count, positives },
    prAuc: prAuc(scores, y),
    rocAuc: rocAuc(scores, y),
    brier: brierScore(scores, y),
    meanScore: scores.reduce((s, v) => s + v, 0) / scores.length,
    positiveRate: positives / count,
  };
}

async function main(): Promise<void> {
  const trainSeed = Number(flags['train-seed']);
  const trainCount = Number(flags['train-count']);
  const heldOutSeed = Number(flags['held-out-seed']);
  const heldOutCount = Number(flags['held-out-count']);
  const t0 = Date.now();
  const train = generate(trainSeed, trainCount);
  logger.info({ reports: trainCount, seed: trainSeed, ms: Date.now() - t0 }, 'generated training reports');

  const { model, bestEpoch, history } = await trainModel({
    reports: train.reports,
    labels: train.labels,
    epochs: 80,
    seed: trainSeed,
    generator: { seed: trainSeed, count: trainCount },
    logger,
    onEpoch: (e) => logger.info(e, `epoch ${e.epoch}`),
  });
  const trainingMs = Date.now() - t0;
  const metrics = evaluate(model, heldOutSeed, heldOutCount);
  const final = model.withManifest({ metrics });
  const dir = path.join(flags.registry, final.version);
  await saveModel(final, dir);
  if (!flags['no-champion'])
    await writeFile(
      path.join(flags.registry, 'champion.json'),
      `${JSON.stringify({ version: final.version }, null, 2)}\n`,
    );
  logger.info(
    { version: final.version, dir, bestEpoch, epochsRun: history.length, trainingMs, metrics },
    'model registered',
  );
}

main().catch((err) => {
  logger.error({ err }, 'training failed');
  process.exitCode = 1;
});
