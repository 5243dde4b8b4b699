import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { type Report, reportSchema } from '../../../schemas/report.ts';
import { generateReports } from '../../generator/index.ts';
import { extractBatch } from '../features.ts';
import { initBackend } from './backend.ts';
import { buildNetwork, LAYERS, logitView } from './network.ts';
import { mergeNetworks, trainModel } from './train.ts';

const data = (seed: number, count: number) => {
  const { reports, labels } = generateReports({ count, seed });
  return { reports: reports.map((r) => reportSchema.parse(r)) as Report[], labels };
};

describe('mergeNetworks', () => {
  it('is one network whose logit is the mean of the members’ logits', async () => {
    await initBackend();
    const d = 12;
    const members = [1, 2, 3].map((s) => buildNetwork(d, s, [8, 4]));
    // Nonzero biases so the merge of every parameter is exercised.
    for (const [m, net] of members.entries())
      for (const name of [LAYERS.hidden1, LAYERS.hidden2, LAYERS.logit]) {
        const layer = net.getLayer(name);
        const [k, b] = layer.getWeights();
        const shifted = b!.add(0.1 * (m + 1));
        layer.setWeights([k!, shifted]);
        shifted.dispose();
      }
    const merged = mergeNetworks(members, d, 1, [8, 4]);
    expect(merged.getLayer(LAYERS.hidden1).getWeights()[0]!.shape).toEqual([d, 24]);
    expect(merged.getLayer(LAYERS.hidden2).getWeights()[0]!.shape).toEqual([24, 12]);
    const x = tf.randomNormal([50, d], 0, 1, 'float32', 7);
    const mean = tf.tidy(() =>
      tf.addN(members.map((net) => logitView(net).predict(x) as tf.Tensor)).div(members.length),
    );
    const got = logitView(merged).predict(x) as tf.Tensor;
    const worst = tf.max(tf.abs(got.sub(mean))).dataSync()[0]!;
    expect(worst).toBeLessThan(1e-5);
    tf.dispose([x, mean, got]);
    for (const net of [merged, ...members]) net.dispose();
  });
});

describe('trainModel with members', () => {
  const train = data(8, 1500);
  const base = { ...train, epochs: 2, seed: 4, now: () => new Date('2026-11-22T00:00:00Z') };

  it('serves two members as one wider network with contributions that match autodiff', async () => {
    const { model } = await trainModel({ ...base, members: 2 });
    const [d, h1, h2] = model.manifest.architecture.layers;
    expect([h1, h2]).toEqual([64, 32]);
    expect(d).toBeGreaterThan(70);
    const members = (model.manifest.training as { ensemble?: { members: unknown[] } }).ensemble?.members;
    expect(members).toHaveLength(2);
    const probe = data(99, 200).reports;
    const features = extractBatch(probe);
    const fast = model.explainFeatures(features, probe.length);
    const ref = model.referenceFeatures(features, probe.length);
    let worst = 0;
    for (let i = 0; i < ref.contributions.length; i++)
      worst = Math.max(
        worst,
        Math.abs(fast.contributions[i]! - ref.contributions[i]!) /
          Math.max(1, Math.abs(ref.contributions[i]!)),
      );
    for (let i = 0; i < ref.scores.length; i++)
      worst = Math.max(worst, Math.abs(fast.scores[i]! - ref.scores[i]!));
    expect(worst).toBeLessThan(1e-5);
    model.dispose();
  }, 120_000);

  it('distils the members into one network of the served size', async () => {
    const { model } = await trainModel({ ...base, members: 2, distill: 0.5 });
    expect(model.manifest.architecture.layers.slice(1)).toEqual([32, 16, 1]);
    const ensemble = (model.manifest.training as { ensemble?: { members: unknown[]; served: string } })
      .ensemble;
    expect(ensemble?.members).toHaveLength(2);
    expect(ensemble?.served).toMatch(/distilled/);
    model.dispose();
  }, 120_000);
});
