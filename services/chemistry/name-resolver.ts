// Reads: prepared chemical names (prepare.ts); the OPSIN helper when one is attached; the persistent
// cache file (.local/chemistry/opsin-<version>.tsv by default).
// Writes: name -> SMILES answers into memory and the cache file (one line per new answer); the metric
// precursor_risk_name_parser_unavailable_total and one warning when the helper is down or slow.
// Guarantees: lookups are synchronous and never wait (scoring reads what is known); `resolve` waits at most
// its deadline, so the stream never blocks on the parser; a refused name is remembered as refused.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Counter, type Registry } from 'prom-client';
import { OPSIN_VERSION, type OpsinHelper } from './opsin.ts';

export const DEFAULT_NAME_CACHE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '.local',
  'chemistry',
  `opsin-${OPSIN_VERSION}.tsv`,
);

/** Waiting longer than this for the parser costs more than scoring the line on the name table. */
export const DEFAULT_PARSE_DEADLINE_MS = 1500;

export interface Warn {
  warn(obj: object, msg: string): void;
}

export interface NameResolver {
  /** SMILES for a name, null when the parser refused it, undefined when it was never answered. */
  lookup(name: string): string | null | undefined;
  /** Asks the parser (one batch) for every name not answered yet; resolves by the deadline at the latest. */
  resolve(names: readonly string[], deadlineMs?: number): Promise<void>;
  attach(helper: OpsinHelper | null): void;
  /** The helper stopped or could not start: the one warning (shared with missed names) says why. */
  down(reason: string): void;
  /** Keeps an answer that arrived after its caller's deadline (wire as OpsinOptions.onLate). */
  accept(name: string, smiles: string | null): void;
  /** Names that could not be parsed because the helper was down or slow. */
  readonly unavailable: number;
  readonly size: number;
}

export interface NameResolverOptions {
  /** Cache file; null keeps the cache in memory only (tests). */
  cacheFile?: string | null;
  registry?: Registry;
  logger?: Warn;
}

export function createNameResolver(opts: NameResolverOptions = {}): NameResolver {
  const file = opts.cacheFile === undefined ? DEFAULT_NAME_CACHE : opts.cacheFile;
  const known = new Map<string, string | null>();
  if (file !== null && existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const tab = line.indexOf('\t');
      if (tab > 0) known.set(line.slice(0, tab), line.slice(tab + 1) || null);
    }
  }
  let helper: OpsinHelper | null = null;
  let unavailable = 0;
  let warned = false;
  const counter =
    opts.registry === undefined
      ? null
      : ((opts.registry.getSingleMetric('precursor_risk_name_parser_unavailable_total') as
          | Counter
          | undefined) ??
        new Counter({
          name: 'precursor_risk_name_parser_unavailable_total',
          help: 'chemical names scored on the name table alone because the OPSIN helper was down or slow',
          labelNames: ['reason'] as const,
          registers: [opts.registry],
        }));

  const remember = (name: string, smiles: string | null) => {
    if (known.has(name)) return;
    known.set(name, smiles);
    if (file === null) return;
    try {
      mkdirSync(dirname(file), { recursive: true });
      appendFileSync(file, `${name}\t${smiles ?? ''}\n`);
    } catch {
      // A read-only disk loses the persistence, not the answer.
    }
  };

  const warnOnce = (reason: string, detail: object) => {
    if (warned) return;
    warned = true;
    opts.logger?.warn(
      { reason, ...detail },
      `chemical name parser (OPSIN) ${reason}: scoring continues on the name table; counted in precursor_risk_name_parser_unavailable_total`,
    );
  };
  const missed = (count: number, reason: 'down' | 'slow') => {
    unavailable += count;
    counter?.inc({ reason }, count);
    warnOnce(reason, { names: count });
  };

  return {
    lookup: (name) => known.get(name),
    async resolve(names, deadlineMs = DEFAULT_PARSE_DEADLINE_MS) {
      const ask = [...new Set(names.filter((n) => n.length >= 2 && n.length <= 500 && !known.has(n)))];
      if (ask.length === 0) return;
      if (helper === null || !helper.running) {
        missed(ask.length, 'down');
        return;
      }
      const answers = await helper.parse(ask, deadlineMs);
      let late = 0;
      answers.forEach((smiles, i) => {
        if (smiles === undefined) late++;
        else remember(ask[i]!, smiles);
      });
      if (late > 0) missed(late, helper.running ? 'slow' : 'down');
    },
    accept: remember,
    attach(h) {
      helper = h;
      warned = false;
    },
    down: (why) => warnOnce('down', { why }),
    get unavailable() {
      return unavailable;
    },
    get size() {
      return known.size;
    },
  };
}

// The process's resolver: memory-only until the runtime installs the persistent one with the OPSIN helper
// (services/runtime/chemistry.ts), so tests and one-off tools never read or write a cache file by accident.
let current: NameResolver = createNameResolver({ cacheFile: null });

export function nameResolver(): NameResolver {
  return current;
}

export function useNameResolver(resolver: NameResolver): void {
  current = resolver;
}
