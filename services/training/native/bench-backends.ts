// Training and scoring cost per TensorFlow.js backend (docs/adr/0004-native-tensorflow.md). Reads only its
// flags; prints one JSON line. Run once per backend (the backend is chosen once per process):
//   npx tsx services/training/native/bench-backends.ts --backend wasm --count 50000 --epochs 5
import { parseArgs } from 'node:util';
import { reportSchema } from '../../../schemas/report.ts';
import { generateReports } from '../../generator/index.ts';
import { type BackendName, initBackend } from '../../scoring/model/backend.ts';
import { trainModel } from '../../scoring/model/train.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    count: { type: 'string', default: '50000' },
    epochs: { type: 'string', default: '5' },
  },
});
const count = Number(values.count);
const epochs = Number(values.epochs);
const backend = await initBackend({ prefer: [values.backend as BackendName] });
const { reports, labels } = generateReports({ count, seed: 1 });
const parsed = reports.map((r) => reportSchema.parse(r));
const t0 = performance.now();
const { model, history } = await trainModel({
  reports: parsed,
  labels,
  epochs,
  patience: epochs + 1,
  seed: 1,
});
const trainMs = performance.now() - t0;
const batch = parsed.slice(0, 256);
model.scoreBatch(batch);
const t1 = performance.now();
for (let i = 0; i < 200; i++) model.predictBatch(batch);
const explainUsPerReport = ((performance.now() - t1) * 1000) / (200 * batch.length);
process.stdout.write(
  `${JSON.stringify({
    backend,
    count,
    epochs: history.length,
    trainMs: Math.round(trainMs),
    msPerEpoch: history.map((h) => h.ms),
    explainUsPerReport: Number(explainUsPerReport.toFixed(2)),
  })}\n`,
);
