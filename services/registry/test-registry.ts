// Test support: a scratch copy of the model registry (the committed champion, plus the same weights under a
// second version name), so registry, slot and scorer tests can promote without touching models/.
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_REGISTRY_DIR } from '../scoring/model.ts';

export const CHAMPION = 'm-20261207-0a9e8c78';

/** A registry with the committed champion and a copy of it under another version name. */
export async function scratchRegistry(): Promise<{ dir: string; copy: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pr-registry-'));
  await cp(path.join(DEFAULT_REGISTRY_DIR, CHAMPION), path.join(dir, CHAMPION), { recursive: true });
  await writeFile(path.join(dir, 'champion.json'), JSON.stringify({ version: CHAMPION }));
  const copy = 'm-20990101-copy0001';
  await cp(path.join(dir, CHAMPION), path.join(dir, copy), { recursive: true });
  const manifestPath = path.join(dir, copy, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  manifest.version = copy;
  manifest.createdAt = '2099-01-01T00:00:00.000Z';
  await writeFile(manifestPath, JSON.stringify(manifest));
  return { dir, copy };
}

/**
 * Rewrites a version's weights scaled by `factor` (a different model with a valid checksum): its scores,
 * and so some lanes, differ from the champion's.
 */
export async function perturbWeights(dir: string, version: string, factor: number): Promise<void> {
  const weightsPath = path.join(dir, version, 'weights.bin');
  const bytes = await readFile(weightsPath);
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  for (let i = 0; i < floats.length; i++) floats[i] = floats[i]! * factor;
  const out = new Uint8Array(floats.buffer);
  await writeFile(weightsPath, out);
  const manifestPath = path.join(dir, version, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  manifest.files.weightsSha256 = createHash('sha256').update(out).digest('hex');
  await writeFile(manifestPath, JSON.stringify(manifest));
}
