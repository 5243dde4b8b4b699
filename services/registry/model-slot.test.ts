import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createModelSlot, defaultLoader, type ModelSlot, type SlotModel } from './model-slot.ts';
import { removePointer, writePointer } from './registry.ts';
import { scratchRegistry } from './test-registry.ts';

function memoryLogger() {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (_o: object, msg: string) => lines.push({ level, msg });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('model slot', () => {
  let dir: string;
  let copy: string;
  let slot: ModelSlot<SlotModel> | undefined;
  beforeEach(async () => {
    ({ dir, copy } = await scratchRegistry());
  });
  afterEach(async () => {
    await slot?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('swaps to a promoted champion within a second, by watching the folder', async () => {
    const log = memoryLogger();
    slot = createModelSlot({
      registryDir: dir,
      kind: 'champion',
      logger: log,
      watch: true,
      pollMs: 60_000,
      load: defaultLoader(),
    });
    await slot.ready;
    const first = slot.version;
    expect(first).toBe('m-20261207-0a9e8c78');
    const t0 = Date.now();
    await writePointer(dir, 'champion', copy);
    await until(() => slot!.version === copy, 3000);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(log.lines.some((l) => l.level === 'info' && l.msg.includes('swapped'))).toBe(true);
  });

  it('falls back to polling when no event arrives', async () => {
    slot = createModelSlot({
      registryDir: dir,
      kind: 'champion',
      logger: memoryLogger(),
      watch: true,
      pollMs: 100,
      load: defaultLoader(),
    });
    await slot.ready;
    await writeFile(path.join(dir, 'champion.json'), JSON.stringify({ version: copy }));
    await until(() => slot!.version === copy);
  });

  it('rejects a broken model once, keeps the old one', async () => {
    const log = memoryLogger();
    slot = createModelSlot({
      registryDir: dir,
      kind: 'champion',
      logger: log,
      watch: true,
      pollMs: 50,
      load: defaultLoader(),
    });
    await slot.ready;
    await writeFile(path.join(dir, copy, 'weights.bin'), 'garbage');
    await writePointer(dir, 'champion', copy);
    await new Promise((r) => setTimeout(r, 400));
    expect(slot.version).toBe('m-20261207-0a9e8c78');
    expect(log.lines.filter((l) => l.level === 'error')).toHaveLength(1);
  });

  it('starts with no model when the pointer is missing, and a challenger stops when its pointer goes', async () => {
    const log = memoryLogger();
    slot = createModelSlot({
      registryDir: dir,
      kind: 'challenger',
      logger: log,
      watch: true,
      pollMs: 50,
      load: defaultLoader(),
    });
    await slot.ready;
    expect(slot.version).toBe('none');
    await writePointer(dir, 'challenger', copy);
    await until(() => slot!.version === copy);
    await removePointer(dir, 'challenger');
    await until(() => slot!.current === null);
  });
});
