// Starts and stops the chemistry room's long-lived parts for a process: the persistent name cache
// (.local/chemistry, CHEMISTRY_CACHE_FILE) and one OPSIN JVM (CHEMISTRY_NAME_PARSER=opsin, the default; "off"
// runs on the name table alone). Used by loadScorer, so the pipeline, the `score` CLI, the demo and the
// sharing package all start it the same way.
// Guarantees: never fails a start: without Java, Maven or the jars, scoring runs on the name table, the
// metric precursor_risk_name_parser_unavailable_total counts the names that missed the parser and one warning
// says so. Shared by reference count within a process: the last stop() stops the JVM.
import type { Registry } from 'prom-client';
import {
  createNameResolver,
  DEFAULT_NAME_CACHE,
  type NameResolver,
  nameResolver,
  useNameResolver,
} from '../chemistry/name-resolver.ts';
import { ensureOpsinJars, type OpsinHelper, startOpsin } from '../chemistry/opsin.ts';
import type { Logger } from '../common/logger.ts';

/** How long a start waits for the parser's first answer. */
const WARM_UP_MS = 20_000;

export interface ChemistryOptions {
  logger: Logger;
  registry?: Registry;
  /** "opsin" (default) or "off". */
  nameParser?: string;
  cacheFile?: string | null;
  /** Fetch the OPSIN jars with Maven when missing (default true). */
  fetchJars?: boolean;
}

export interface ChemistryRuntime {
  readonly resolver: NameResolver;
  /** The OPSIN JVM's process id while it runs, else null. */
  readonly parserPid: number | null;
  stop(): Promise<void>;
}

// One start per process, shared by reference count. Registered before the JVM's warm-up is awaited, so
// parts started concurrently (the review app in the background, then the pipeline) share one JVM.
let shared: { runtime: Promise<ChemistryRuntime>; users: number } | null = null;

export function startChemistry(opts: ChemistryOptions): Promise<ChemistryRuntime> {
  if (shared !== null) {
    shared.users++;
    return shared.runtime;
  }
  const entry: { runtime: Promise<ChemistryRuntime>; users: number } = {
    users: 1,
    runtime: Promise.resolve(null as unknown as ChemistryRuntime),
  };
  shared = entry;
  entry.runtime = launch(opts, entry);
  return entry.runtime;
}

async function launch(opts: ChemistryOptions, entry: { users: number }): Promise<ChemistryRuntime> {
  const log = opts.logger.child({ component: 'chemistry' });
  const resolver = createNameResolver({
    cacheFile:
      opts.cacheFile === undefined
        ? (process.env.CHEMISTRY_CACHE_FILE ?? DEFAULT_NAME_CACHE)
        : opts.cacheFile,
    ...(opts.registry === undefined ? {} : { registry: opts.registry }),
    logger: log,
  });
  const previous = nameResolver();
  useNameResolver(resolver);
  let helper: OpsinHelper | null = null;
  const parser = opts.nameParser ?? process.env.CHEMISTRY_NAME_PARSER ?? 'opsin';
  // Every way the parser can be missing (no jars, no Java, a crash, a slow start) ends in the resolver's one
  // warning, so an operator sees one line however many names then miss it.
  if (parser !== 'off') {
    try {
      if (opts.fetchJars ?? true) await ensureOpsinJars();
      helper = startOpsin({
        onLate: (name, smiles) => resolver.accept(name, smiles),
        onExit: (reason) => resolver.down(reason),
      });
      resolver.attach(helper);
      // The JVM's first name takes seconds (class loading, grammar); pay it here, not in the first batch.
      const [warm] = await helper.parse(['piperidine'], WARM_UP_MS);
      if (warm === undefined && helper.running) log.info('chemical name parser (OPSIN) slow to start');
    } catch (err) {
      resolver.attach(null);
      resolver.down(err instanceof Error ? err.message : String(err));
    }
  } else resolver.attach(null);
  const started = helper;
  return {
    resolver,
    get parserPid() {
      return started?.pid ?? null;
    },
    async stop() {
      if (--entry.users > 0) return;
      if (shared === entry) shared = null;
      useNameResolver(previous);
      await started?.stop();
    },
  };
}
