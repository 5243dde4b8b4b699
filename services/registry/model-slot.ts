// A model slot: the model a registry pointer (champion.json or challenger.json) names, swapped in place when
// the pointer changes. Reads the pointer (fs.watch on the registry folder, plus a poll for file systems where
// watching is unreliable) and the model folder it names. Guarantees: a swap is one assignment between
// batches, never mid-batch; a model that fails to load is rejected with one error log and the current one
// stays; a champion pointer that disappears keeps the current model (a challenger pointer that does stops it).
import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';
import { loadModel, type TfRiskModel } from '../scoring/model.ts';
import { POINTER_FILES, type PointerKind, readPointer, versionDir } from './registry.ts';

export interface SlotLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SlotModel {
  version: string;
  model: TfRiskModel;
  dir: string;
}

export type SlotLoader<T extends SlotModel> = (dir: string, version: string) => Promise<T>;

export interface ModelSlotOptions<T extends SlotModel> {
  registryDir: string;
  kind: PointerKind;
  logger: SlotLogger;
  /** Watch the pointer and swap on change (long-running services). Default false: load once. */
  watch?: boolean;
  /** Poll interval of the fallback check. Default 1000 ms. */
  pollMs?: number;
  /** Quiet time after a file-system event before the pointer is read. Default 100 ms. */
  debounceMs?: number;
  /** A version that failed to load is tried again after this long (it may have been half-copied). Default 30 s. */
  retryRejectedMs?: number;
  load: SlotLoader<T>;
}

export interface ModelSlot<T extends SlotModel> {
  readonly current: T | null;
  /** The current model's version, or 'none'. */
  readonly version: string;
  /** Resolves once the first read of the pointer (and load) has finished, successfully or not. */
  readonly ready: Promise<void>;
  /** Reads the pointer now and swaps if it changed; resolves when done. */
  check(): Promise<void>;
  onSwap(listener: (next: T | null, previous: T | null) => void): () => void;
  close(): Promise<void>;
}

export function defaultLoader(logger?: { info(o: object, m: string): void }): SlotLoader<SlotModel> {
  return async (dir, version) => ({
    version,
    dir,
    model: await loadModel(dir, logger ? { logger } : {}),
  });
}

export function createModelSlot<T extends SlotModel>(opts: ModelSlotOptions<T>): ModelSlot<T> {
  const { registryDir, kind, logger } = opts;
  const pointerFile = POINTER_FILES[kind];
  const retryRejectedMs = opts.retryRejectedMs ?? 30_000;
  const log = logger;
  let current: T | null = null;
  let rejected: { version: string; at: number } | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;
  let watcher: FSWatcher | undefined;
  let poll: NodeJS.Timeout | undefined;
  let debounce: NodeJS.Timeout | undefined;
  const listeners = new Set<(next: T | null, previous: T | null) => void>();

  const swap = (next: T | null) => {
    const previous = current;
    current = next;
    for (const l of listeners) l(next, previous);
    // Scoring is synchronous, so no batch holds the old model once this callback runs.
    if (previous !== null && previous.model !== next?.model) setImmediate(() => previous.model.dispose());
  };

  async function checkOnce(initial: boolean): Promise<void> {
    let version: string | null;
    try {
      version = await readPointer(registryDir, kind);
    } catch (err) {
      if (initial || rejected?.version !== '<pointer>')
        log.error({ err, kind, registryDir }, `${pointerFile} is unreadable; the current model stays`);
      rejected = { version: '<pointer>', at: Date.now() };
      return;
    }
    if (rejected?.version === '<pointer>') rejected = null;
    if (version === null) {
      if (current === null) {
        if (initial && kind === 'champion')
          log.error({ registryDir }, 'no champion.json in the model registry; scoring with rules only');
        return;
      }
      if (kind === 'challenger') {
        log.info({ version: current.version }, 'challenger.json removed; shadow scoring stopped');
        swap(null);
      } else if (rejected?.version !== '<missing>') {
        log.warn({ version: current.version }, 'champion.json disappeared; the current champion stays');
        rejected = { version: '<missing>', at: Date.now() };
      }
      return;
    }
    if (version === current?.version) {
      rejected = null;
      return;
    }
    if (rejected?.version === version && Date.now() - rejected.at < retryRejectedMs) return;
    let next: T;
    try {
      next = await opts.load(versionDir(registryDir, version), version);
    } catch (err) {
      if (rejected?.version !== version)
        log.error(
          { err, kind, version, keeping: current?.version ?? 'none' },
          initial
            ? `${kind} ${version} cannot be loaded${kind === 'champion' ? '; scoring with rules only' : ''}`
            : `new ${kind} ${version} rejected; ${current?.version ?? 'none'} stays`,
        );
      rejected = { version, at: Date.now() };
      return;
    }
    if (closed) {
      next.model.dispose();
      return;
    }
    rejected = null;
    const previous = current?.version ?? 'none';
    swap(next);
    if (!initial) log.info({ kind, version, previous }, `${kind} model swapped in`);
  }

  function check(initial = false): Promise<void> {
    if (running !== null) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await checkOnce(initial);
        initial = false;
      } while (again && !closed);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  const ready = check(true);

  if (opts.watch === true) {
    const schedule = () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => void check(), opts.debounceMs ?? 100);
    };
    try {
      // The folder, not the file: an atomic replace (rename over) ends a watch on the file itself.
      watcher = watch(registryDir, (_event, name) => {
        if (name === null || name === pointerFile) schedule();
      });
      watcher.on('error', (err) => log.warn({ err, registryDir }, 'registry watch failed; polling only'));
    } catch (err) {
      log.warn({ err, registryDir }, 'cannot watch the registry folder; polling only');
    }
    poll = setInterval(() => void check(), opts.pollMs ?? 1000);
    poll.unref();
  }

  return {
    get current() {
      return current;
    },
    get version() {
      return current?.version ?? 'none';
    },
    ready,
    check: () => check(),
    onSwap(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      clearTimeout(debounce);
      clearInterval(poll);
      watcher?.close();
      await running?.catch(() => undefined);
      current?.model.dispose();
      current = null;
      listeners.clear();
    },
  };
}

export const pointerPath = (registryDir: string, kind: PointerKind) =>
  path.join(registryDir, POINTER_FILES[kind]);
