// Reads: the rules directory (models/rules/*.yaml) and the knowledge base file they rely on.
// Writes: an immutable snapshot (compiled rules, knowledge, chemical matcher, version) and, when watching,
// a new snapshot after each valid change. Guarantees: a bad file is rejected with file, rule id and path of
// the problem, and the previous snapshot stays active; rulesVersion = sha256 (12 hex) of canonical content.
import { type FSWatcher, readdirSync, readFileSync, watch } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { PrecursorRiskError } from '../common/errors.ts';
import { canonicalJson, shortHash } from './canonical.ts';
import { type ChemicalMatcher, createChemicalMatcher } from './goods-lines.ts';
import { DEFAULT_KNOWLEDGE_PATH, type Knowledge, parseKnowledge } from './knowledge.ts';
import { DEFAULT_LANE_POLICY_PATH, type LanePolicy, loadLanePolicy } from './lane-policy.ts';
import { type CompiledRule, compileRule } from './rule-engine.ts';
import { checkRule, type RuleDefinition, rulesFileSchema } from './rule-schema.ts';

export const DEFAULT_RULES_DIR = fileURLToPath(new URL('../../models/rules/', import.meta.url));

export interface RulesSnapshot {
  /** rulesVersion: hash of the canonical rules files, knowledge base and lane policy together. */
  readonly version: string;
  readonly rules: readonly CompiledRule[];
  readonly knowledge: Knowledge;
  /** Thresholds, expected lane rates and random selection (models/lanes.yaml); absent in hand-made snapshots. */
  readonly lanes?: LanePolicy;
  readonly matcher: ChemicalMatcher;
  readonly files: readonly string[];
}

/** The small logger this component needs; pino's Logger fits. */
export interface StoreLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RulesStoreOptions {
  rulesDir?: string;
  knowledgePath?: string;
  lanePolicyPath?: string;
  /** Watch all three for changes and reload (default false: load once). */
  watch?: boolean;
  debounceMs?: number;
  logger?: StoreLogger;
}

export interface RulesStore {
  readonly current: RulesSnapshot;
  readonly version: string;
  /** Loads again now; throws RULES_INVALID (and keeps the current snapshot) when anything is wrong. */
  reload(): RulesSnapshot;
  onReload(listener: (snapshot: RulesSnapshot) => void): () => void;
  onError(listener: (err: PrecursorRiskError) => void): () => void;
  close(): void;
}

const invalid = (message: string) => new PrecursorRiskError('RULES_INVALID', message);

/** Parses one rules file; errors read "<file>: rule <id>: <path>: <message>". */
export function parseRulesFile(text: string, file: string): RuleDefinition[] {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (cause) {
    throw invalid(`${file}: not valid YAML: ${(cause as Error).message}`);
  }
  const result = rulesFileSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const [head, index, ...rest] = issue.path;
    const rules = (raw as { rules?: { id?: unknown }[] } | null)?.rules;
    if (head === 'rules' && typeof index === 'number') {
      const id = rules?.[index]?.id;
      const where = typeof id === 'string' ? `rule ${id}` : `rules[${index}]`;
      throw invalid(`${file}: ${where}: ${rest.join('.') || '(rule)'}: ${issue.message}`);
    }
    throw invalid(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  for (const rule of result.data.rules) {
    const problem = checkRule(rule)[0];
    if (problem !== undefined) throw invalid(`${file}: rule ${rule.id}: ${problem.path}: ${problem.message}`);
  }
  return result.data.rules;
}

export function loadRulesSnapshot(
  rulesDir = DEFAULT_RULES_DIR,
  knowledgePath = DEFAULT_KNOWLEDGE_PATH,
  lanePolicyPath = DEFAULT_LANE_POLICY_PATH,
): RulesSnapshot {
  let names: string[];
  try {
    names = readdirSync(rulesDir)
      .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
      .sort();
  } catch (cause) {
    throw new PrecursorRiskError('RULES_INVALID', `${rulesDir}: cannot read rules directory`, { cause });
  }
  if (names.length === 0) throw invalid(`${rulesDir}: no *.yaml rules files`);
  const knowledgeText = readFileSync(knowledgePath, 'utf8');
  const knowledge = parseKnowledge(knowledgeText, knowledgePath);
  const seen = new Map<string, string>();
  const canonical: unknown[] = [];
  const rules: CompiledRule[] = [];
  for (const name of names) {
    const path = join(rulesDir, name);
    const defs = parseRulesFile(readFileSync(path, 'utf8'), path);
    canonical.push({ file: name, rules: defs });
    for (const def of defs) {
      const other = seen.get(def.id);
      if (other !== undefined) throw invalid(`${path}: rule ${def.id}: id: duplicate of a rule in ${other}`);
      seen.set(def.id, name);
      if (def.enabled) rules.push(compileRule(def, name));
    }
  }
  const lanes = loadLanePolicy(lanePolicyPath);
  // The calibration record is informative: only what changes a lane is part of the version.
  const { calibration: _, ...laneJudgement } = lanes;
  const version = shortHash(
    canonicalJson({ rules: canonical, knowledge: knowledge.file, lanes: laneJudgement }),
  );
  return Object.freeze({
    version,
    rules,
    knowledge,
    lanes,
    matcher: createChemicalMatcher(knowledge),
    files: names,
  });
}

export function createRulesStore(options: RulesStoreOptions = {}): RulesStore {
  const rulesDir = options.rulesDir ?? DEFAULT_RULES_DIR;
  const knowledgePath = options.knowledgePath ?? DEFAULT_KNOWLEDGE_PATH;
  const lanePolicyPath = options.lanePolicyPath ?? DEFAULT_LANE_POLICY_PATH;
  const debounceMs = options.debounceMs ?? 200;
  const log = options.logger;
  let current = loadRulesSnapshot(rulesDir, knowledgePath, lanePolicyPath);
  const reloadListeners = new Set<(s: RulesSnapshot) => void>();
  const errorListeners = new Set<(e: PrecursorRiskError) => void>();
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;

  const reload = (): RulesSnapshot => {
    const next = loadRulesSnapshot(rulesDir, knowledgePath, lanePolicyPath);
    if (next.version !== current.version) {
      current = next;
      log?.info({ rulesVersion: next.version, files: next.files }, 'rules reloaded');
      for (const l of reloadListeners) l(next);
    }
    return current;
  };

  const scheduled = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      try {
        reload();
      } catch (err) {
        const e =
          err instanceof PrecursorRiskError
            ? err
            : new PrecursorRiskError('RULES_INVALID', String(err), { cause: err });
        log?.error(
          { err: e, rulesVersion: current.version },
          'rules change rejected; previous rules stay active',
        );
        for (const l of errorListeners) l(e);
      }
    }, debounceMs);
  };

  if (options.watch === true) {
    watchers.push(watch(rulesDir, scheduled));
    // Watch each file's folder: editors replace files by rename, which ends a watch on the file itself.
    for (const file of [knowledgePath, lanePolicyPath]) {
      const name = basename(file);
      watchers.push(watch(dirname(file), (_e, f) => (f === null || f === name ? scheduled() : undefined)));
    }
  }

  return {
    get current() {
      return current;
    },
    get version() {
      return current.version;
    },
    reload,
    onReload(listener) {
      reloadListeners.add(listener);
      return () => reloadListeners.delete(listener);
    },
    onError(listener) {
      errorListeners.add(listener);
      return () => errorListeners.delete(listener);
    },
    close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
      watchers.length = 0;
    },
  };
}
