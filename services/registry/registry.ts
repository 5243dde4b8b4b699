// The model registry on disk: `<dir>/<version>/` (manifest.json, model.json, weights.bin, reference.json)
// and the pointers `champion.json` / `challenger.json` ({ "version": "..." }). Reads and writes that folder.
// Guarantees: pointers are replaced atomically (temp file + rename in the same folder), so a watcher never
// reads a half-written pointer; a pointer names only a version whose manifest exists.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { PrecursorRiskError } from '../common/errors.ts';
import { DEFAULT_REGISTRY_DIR, type ModelManifest, modelManifestSchema } from '../scoring/model.ts';

export { DEFAULT_REGISTRY_DIR };

export type PointerKind = 'champion' | 'challenger';
export const POINTER_FILES: Readonly<Record<PointerKind, string>> = Object.freeze({
  champion: 'champion.json',
  challenger: 'challenger.json',
});

const pointerSchema = z.object({ version: z.string().min(1) }).loose();
const VERSION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The registry folder for a `modelsDir` setting: the folder itself when it holds champion.json or model
 * versions, else its `model-registry/` sub-folder when there is one (MODELS_DIR may name `models/`).
 */
export function resolveRegistryDir(modelsDir?: string): string {
  if (modelsDir === undefined) return DEFAULT_REGISTRY_DIR;
  if (existsSync(path.join(modelsDir, POINTER_FILES.champion))) return modelsDir;
  const nested = path.join(modelsDir, 'model-registry');
  return existsSync(nested) ? nested : modelsDir;
}

export function assertVersionName(version: string): string {
  if (!VERSION_NAME.test(version) || version.includes('..'))
    throw new PrecursorRiskError('CLI_USAGE', `not a model version name: ${JSON.stringify(version)}`);
  return version;
}

export function versionDir(registryDir: string, version: string): string {
  return path.join(registryDir, assertVersionName(version));
}

/** The version a pointer names, or null when the pointer file is absent. Throws MODEL_INVALID when unreadable. */
export async function readPointer(registryDir: string, kind: PointerKind): Promise<string | null> {
  const file = path.join(registryDir, POINTER_FILES[kind]);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new PrecursorRiskError('MODEL_INVALID', `cannot read ${file}`, { cause: err });
  }
  try {
    return pointerSchema.parse(JSON.parse(text)).version;
  } catch (err) {
    throw new PrecursorRiskError('MODEL_INVALID', `${file} is not {"version": "..."}`, { cause: err });
  }
}

/** Writes `path` atomically: a temp file in the same folder, then rename over the target. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Points `kind` at `version` (which must have a readable manifest), atomically. */
export async function writePointer(
  registryDir: string,
  kind: PointerKind,
  version: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await readManifest(registryDir, version);
  await writeFileAtomic(
    path.join(registryDir, POINTER_FILES[kind]),
    `${JSON.stringify({ version, ...extra }, null, 2)}\n`,
  );
}

export async function removePointer(registryDir: string, kind: PointerKind): Promise<void> {
  await rm(path.join(registryDir, POINTER_FILES[kind]), { force: true });
}

export async function readManifest(registryDir: string, version: string): Promise<ModelManifest> {
  const file = path.join(versionDir(registryDir, version), 'manifest.json');
  try {
    return modelManifestSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (err) {
    throw new PrecursorRiskError('MODEL_INVALID', `no readable model manifest at ${file}`, { cause: err });
  }
}

export interface RegistryEntry {
  version: string;
  dir: string;
  manifest: ModelManifest;
  champion: boolean;
  challenger: boolean;
  hasReference: boolean;
}

/** Every version folder with a valid manifest, newest first (by createdAt). */
export async function listModels(registryDir: string): Promise<RegistryEntry[]> {
  const [champion, challenger] = await Promise.all([
    readPointer(registryDir, 'champion').catch(() => null),
    readPointer(registryDir, 'challenger').catch(() => null),
  ]);
  const names = await readdir(registryDir).catch(() => [] as string[]);
  const entries: RegistryEntry[] = [];
  for (const name of names) {
    if (!VERSION_NAME.test(name)) continue;
    const dir = path.join(registryDir, name);
    if (!(await stat(dir).catch(() => null))?.isDirectory()) continue;
    const manifest = await readManifest(registryDir, name).catch(() => null);
    if (manifest === null) continue;
    entries.push({
      version: name,
      dir,
      manifest,
      champion: name === champion,
      challenger: name === challenger,
      hasReference: existsSync(path.join(dir, 'reference.json')),
    });
  }
  return entries.sort(
    (a, b) => b.manifest.createdAt.localeCompare(a.manifest.createdAt) || a.version.localeCompare(b.version),
  );
}
