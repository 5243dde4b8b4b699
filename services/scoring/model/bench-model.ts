// Measures the generator, feature extraction and the champion model (forward pass with and without
// contributions) on this machine. Reads the committed champion, or the model folder given as the first
// argument; writes a JSON summary to stdout.
// Run: npx tsx services/scoring/model/bench-model.ts [model folder]
import { reportSchema } from '../../../schemas/report.ts';
import { generateReports } from '../../generator/index.ts';
import { extractBatch, FEATURE_COUNT } from '../features.ts';
import { loadChampion, loadModel } from '../model.ts';

const best = (runs: number, f: () => number) => Math.min(...Array.from({ length: runs }, f));
const time = (f: () => void) => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};

const N = 50_000;
const genMs = best(2, () => time(() => generateReports({ count: N, seed: 1 })));
const { reports: raw } = generateReports({ count: N, seed: 1 });
const reports = raw.map((r) => reportSchema.parse(r));

// Cold: one pass over 50k reports (cache-unfriendly); warm: batches of 256 extracted 20 times each.
const featuresColdUs = (best(3, () => time(() => extractBatch(reports))) * 1000) / N;
const featuresWarmUs =
  (best(3, () =>
    time(() => {
      for (let b = 0; b + 256 <= 20_480; b += 256) {
        const batch = reports.slice(b, b + 256);
        for (let k = 0; k < 20; k++) extractBatch(batch);
      }
    }),
  ) *
    1000) /
  (20_480 * 20);

const modelDir = process.argv[2];
const model = modelDir ? await loadModel(modelDir) : await loadChampion();
const result: Record<string, unknown> = {
  backend: model.manifest.backend,
  version: model.version,
  architecture: model.manifest.architecture.layers,
  generatorReportsPerSecond: Math.round(N / (genMs / 1000)),
  featuresUsPerReportCold: +featuresColdUs.toFixed(2),
  featuresUsPerReportWarm: +featuresWarmUs.toFixed(2),
};
for (const batchSize of [64, 256, 1024]) {
  const batch = reports.slice(0, batchSize);
  const features = extractBatch(batch);
  const iterations = Math.max(20, Math.round(40_000 / batchSize));
  // A second of warm-up: V8 needs ~2,000 calls to optimise the TF.js dispatch path and tier up the WASM
  // kernels; before that a call costs 2-5x its steady state (docs/adr/0005-folded-forward-pass.md).
  const warmUntil = performance.now() + 1000;
  while (performance.now() < warmUntil) model.predictBatch(batch);
  const forward = best(3, () =>
    time(() => {
      for (let k = 0; k < iterations; k++) model.scoreFeatures(features.slice(), batchSize);
    }),
  );
  const forwardExplain = best(3, () =>
    time(() => {
      for (let k = 0; k < iterations; k++)
        model.predictFeatures(features.slice(), batchSize, { explain: true });
    }),
  );
  const endToEnd = best(3, () =>
    time(() => {
      for (let k = 0; k < iterations; k++) model.predictBatch(batch);
    }),
  );
  const perReport = (ms: number) => +((ms * 1000) / (iterations * batchSize)).toFixed(2);
  result[`batch${batchSize}`] = {
    forwardUsPerReport: perReport(forward),
    forwardWithContributionsUsPerReport: perReport(forwardExplain),
    predictBatchWithFeaturesAndContributionsUsPerReport: perReport(endToEnd),
  };
}
result.featureCount = FEATURE_COUNT;
console.log(JSON.stringify(result, null, 2));
model.dispose();
