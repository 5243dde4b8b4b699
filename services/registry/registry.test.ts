import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_REGISTRY_DIR } from '../scoring/model.ts';
import {
  assertVersionName,
  listModels,
  readPointer,
  removePointer,
  resolveRegistryDir,
  writePointer,
} from './registry.ts';
import { scratchRegistry } from './test-registry.ts';

const CHAMPION = 'm-20261207-0a9e8c78';

describe('registry on disk', () => {
  let dir: string;
  let copy: string;
  beforeEach(async () => {
    ({ dir, copy } = await scratchRegistry());
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists versions newest first with their roles', async () => {
    const list = await listModels(dir);
    expect(list.map((m) => m.version)).toEqual([copy, CHAMPION]);
    expect(list.find((m) => m.version === CHAMPION)?.champion).toBe(true);
  });

  it('replaces pointers atomically and leaves no temp file', async () => {
    await writePointer(dir, 'challenger', copy);
    expect(await readPointer(dir, 'challenger')).toBe(copy);
    await writePointer(dir, 'champion', copy);
    expect(await readPointer(dir, 'champion')).toBe(copy);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await removePointer(dir, 'challenger');
    expect(await readPointer(dir, 'challenger')).toBeNull();
  });

  it('refuses to point at a version without a manifest, and unsafe names', async () => {
    await expect(writePointer(dir, 'champion', 'm-missing')).rejects.toMatchObject({ code: 'MODEL_INVALID' });
    expect(() => assertVersionName('../etc')).toThrow();
    expect(() => assertVersionName('a/b')).toThrow();
    expect(await readPointer(dir, 'champion')).toBe(CHAMPION);
  });

  it('reports an unreadable pointer as MODEL_INVALID', async () => {
    await writeFile(path.join(dir, 'champion.json'), '{"nope": 1}');
    await expect(readPointer(dir, 'champion')).rejects.toMatchObject({ code: 'MODEL_INVALID' });
  });

  it('resolves MODELS_DIR given as the models/ folder', () => {
    expect(resolveRegistryDir(path.dirname(DEFAULT_REGISTRY_DIR.replace(/\/$/, '')))).toBe(
      path.join(path.dirname(DEFAULT_REGISTRY_DIR.replace(/\/$/, '')), 'model-registry'),
    );
    expect(resolveRegistryDir(dir)).toBe(dir);
  });
});
