// Promotion: points champion.json or challenger.json at a version (atomically) and records the status
// change in ClickHouse. Reads the registry folder; writes its pointers and `model_registry` rows.
// Guarantees: the pointer file is the promotion (running pipelines pick it up within seconds); the
// ClickHouse record follows it and is safe to repeat; a version that does not load is never promoted.
import { PrecursorRiskError } from '../common/errors.ts';
import { loadModel } from '../scoring/model.ts';
import {
  type PointerKind,
  readManifest,
  readPointer,
  removePointer,
  versionDir,
  writePointer,
} from './registry.ts';
import { type RegistryTable, registryRows, setStatus } from './registry-table.ts';

export interface PromoteResult {
  kind: PointerKind;
  version: string;
  previous: string | null;
  /** Set when the promoted champion had been the challenger (its pointer is removed). */
  challengerCleared: boolean;
  recorded: boolean;
  recordError?: string;
}

export async function promote(opts: {
  registryDir: string;
  version: string;
  kind: PointerKind;
  table?: RegistryTable | null;
  now?: Date;
}): Promise<PromoteResult> {
  const { registryDir, version, kind } = opts;
  const now = opts.now ?? new Date();
  const manifest = await readManifest(registryDir, version);
  // The same checks serving makes (feature schema, checksum): refuse before anything changes.
  const model = await loadModel(versionDir(registryDir, version));
  model.dispose();

  const champion = await readPointer(registryDir, 'champion').catch(() => null);
  const challenger = await readPointer(registryDir, 'challenger').catch(() => null);
  if (kind === 'challenger' && champion === version)
    throw new PrecursorRiskError('CLI_USAGE', `${version} is the champion; it cannot also be the challenger`);
  const previous = kind === 'champion' ? champion : challenger;

  await writePointer(registryDir, kind, version, { promotedAt: now.toISOString() });
  let challengerCleared = false;
  if (kind === 'champion' && challenger === version) {
    await removePointer(registryDir, 'challenger');
    challengerCleared = true;
  }

  const result: PromoteResult = { kind, version, previous, challengerCleared, recorded: false };
  if (opts.table) {
    try {
      await setStatus(opts.table, version, kind, manifest, now);
      // Demote the previous holder of the role, and any other version ClickHouse still records in it (a
      // promotion whose record failed earlier): re-running promote repairs the record.
      const demote = new Set(
        (await registryRows(opts.table)).filter((r) => r.status === kind).map((r) => r.version),
      );
      if (previous !== null) demote.add(previous);
      demote.delete(version);
      for (const v of demote) {
        const m = await readManifest(registryDir, v).catch(() => null);
        await setStatus(opts.table, v, kind === 'champion' ? 'retired' : 'candidate', m, now);
      }
      result.recorded = true;
    } catch (err) {
      result.recordError = (err as Error).message;
    }
  }
  return result;
}

/** Stops the challenger: removes challenger.json and marks the version a candidate again. */
export async function clearChallenger(opts: {
  registryDir: string;
  table?: RegistryTable | null;
  now?: Date;
}): Promise<{ previous: string | null; recorded: boolean; recordError?: string }> {
  const previous = await readPointer(opts.registryDir, 'challenger').catch(() => null);
  await removePointer(opts.registryDir, 'challenger');
  const out: { previous: string | null; recorded: boolean; recordError?: string } = {
    previous,
    recorded: false,
  };
  if (previous !== null && opts.table) {
    try {
      const manifest = await readManifest(opts.registryDir, previous).catch(() => null);
      await setStatus(opts.table, previous, 'candidate', manifest, opts.now ?? new Date());
      out.recorded = true;
    } catch (err) {
      out.recordError = (err as Error).message;
    }
  }
  return out;
}
