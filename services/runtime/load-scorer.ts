// Builds the Scorer every front door uses (stream, batch CLI, trainer) from the rules, knowledge, watchlist
// and the model registry on disk, so the three can never load different judgement. Reads models/rules,
// models/model-registry (champion.json, challenger.json, the version folders). Writes drift gauges.
// Guarantees: a promotion (champion.json replaced) is picked up within about a second without a restart; a
// model that cannot load leaves the previous one (or rules only, modelVersion 'none') in place with an error
// log; a challenger only ever produces shadow scores, never a lane.
import type { Registry } from 'prom-client';
import type { Report } from '../../schemas/report.ts';
import type { Logger } from '../common/logger.ts';
import { createDriftMonitor, type DriftMonitor, type DriftOptions, driftStatus } from '../drift/monitor.ts';
import { type DriftReference, ensureReference, generatorReference } from '../drift/reference.ts';
import { createModelSlot, type ModelSlot, type SlotModel } from '../registry/model-slot.ts';
import { resolveRegistryDir } from '../registry/registry.ts';
import { createScorer, type DecisionPolicy } from '../scoring/decide.ts';
import { extractBatch } from '../scoring/features.ts';
import { createImporterHistory } from '../scoring/importer-history.ts';
import { loadModel } from '../scoring/model.ts';
import { createPermitLedger } from '../scoring/permit-ledger.ts';
import type { PermitRegister } from '../scoring/permit-register.ts';
import { type ModelPrediction, NullModel, type RiskModel } from '../scoring/risk-model.ts';
import { createRulesStore } from '../scoring/rules-store.ts';
import type { Scorer, ShadowScore } from '../scoring/scorer.ts';
import { EMPTY_WATCHLIST, loadWatchlistDir } from '../scoring/watchlist.ts';
import type { ClickHouseClient } from '../storage/clickhouse.ts';
import { startChemistry } from './chemistry.ts';
import { loadHistoryFile, loadHistoryFromClickHouse } from './history-source.ts';
import { createPermitSource } from './permit-source.ts';

export { driftStatus };

export interface LoadScorerOptions {
  logger: Logger;
  rulesDir?: string;
  /** models/lanes.yaml by default. */
  lanePolicyPath?: string;
  /** The model registry folder (or a folder with a `model-registry/` in it). Default models/model-registry. */
  modelsDir?: string;
  watchlistDir?: string;
  /** Permit register file or folder; undefined: none, cited permits are reported as not verified. */
  permitsPath?: string;
  /** The running system's permit tables (permit_register, permit_usage) and how often to re-read them. */
  permitsClickHouse?: { client: ClickHouseClient; database: string; pollMs?: number };
  /** First-time importers: a file of earlier reports (`score --history`), or the ClickHouse decisions. */
  history?: { file: string } | { client: ClickHouseClient; database: string };
  /** Watch rules and the champion/challenger pointers for changes (long-running services). */
  watch?: boolean;
  /** Prometheus registry for the drift gauges (the pipeline's). Without one, drift is computed but not exported. */
  registry?: Registry;
  policy?: Partial<DecisionPolicy>;
  /** Drift window and thresholds; false turns drift monitoring off. */
  drift?: Partial<DriftOptions> | false;
  /** Pointer poll interval (the fs.watch fallback). Default 1000 ms. */
  pollMs?: number;
  /** The chemical name parser: "opsin" (default, CHEMISTRY_NAME_PARSER) or "off" (name table only). */
  nameParser?: string;
}

export interface LoadedScorer extends Scorer {
  /** The challenger running in shadow, or null. */
  readonly challengerVersion: string | null;
  readonly registryDir: string;
  /** The live drift monitor (null when turned off). */
  readonly drift: DriftMonitor | null;
  /** The permit register in force (null without one). */
  readonly permits: PermitRegister | null;
  /** Re-reads champion.json and challenger.json now (the watcher does this by itself). */
  refreshModels(): Promise<void>;
  close(): Promise<void>;
}

interface ChampionEntry extends SlotModel {
  /** The model's drift reference; null when drift monitoring is off. */
  reference: DriftReference | null;
}

/** The model a slot holds now, behind the RiskModel interface; the version and weights are read per batch. */
function slotModel(
  slot: ModelSlot<SlotModel>,
  observe?: (raw: Float32Array, scores: Float32Array | null, n: number) => void,
): RiskModel {
  return {
    get version() {
      return slot.version;
    },
    get combination() {
      return slot.current?.model.combination ?? null;
    },
    predictBatch(reports: readonly Report[]): ModelPrediction[] {
      const n = reports.length;
      const current = slot.current;
      if (current === null && observe === undefined) return NullModel.predictBatch(reports);
      const x = extractBatch(reports);
      // The model leaves its input as it was, so drift sees the raw rows.
      const raw = observe ? x : null;
      const predictions =
        current === null ? NullModel.predictBatch(reports) : current.model.predictFeatures(x, n);
      if (observe && raw)
        observe(raw, current === null ? null : Float32Array.from(predictions, (p) => p.score), n);
      return predictions;
    },
  };
}

export async function loadScorer(opts: LoadScorerOptions): Promise<LoadedScorer> {
  const log = opts.logger.child({ component: 'scorer' });
  const registryDir = resolveRegistryDir(opts.modelsDir);
  const watch = opts.watch ?? false;
  const rules = createRulesStore({
    ...(opts.rulesDir === undefined ? {} : { rulesDir: opts.rulesDir }),
    ...(opts.lanePolicyPath === undefined ? {} : { lanePolicyPath: opts.lanePolicyPath }),
    watch,
    logger: log,
  });
  const watchlist = opts.watchlistDir === undefined ? EMPTY_WATCHLIST : loadWatchlistDir(opts.watchlistDir);
  // One ledger for champion and challenger: both see the same quantities already drawn.
  const ledger = createPermitLedger();
  const permits =
    opts.permitsPath === undefined && opts.permitsClickHouse === undefined
      ? null
      : await createPermitSource({
          path: opts.permitsPath ?? null,
          ledger,
          logger: opts.logger,
          watch,
          ...(opts.permitsClickHouse === undefined ? {} : { clickhouse: opts.permitsClickHouse }),
        });
  const history =
    opts.history === undefined
      ? null
      : 'file' in opts.history
        ? loadHistoryFile(opts.history.file)
        : await loadHistoryFromClickHouse(opts.history.client, opts.history.database).catch(
            (err: unknown) => {
              // ClickHouse down at start must not stop scoring: consignees seen from now on still count.
              log.warn(
                { err },
                'decision history unreadable; first-time importers judged from this run only',
              );
              return createImporterHistory();
            },
          );
  const backendLogger = { info: (o: object, m: string) => log.debug(o, m) };

  const champion = createModelSlot<ChampionEntry>({
    registryDir,
    kind: 'champion',
    logger: log,
    watch,
    ...(opts.pollMs === undefined ? {} : { pollMs: opts.pollMs }),
    load: async (dir, version) => {
      const model = await loadModel(dir, { logger: backendLogger });
      if (opts.drift === false) return { version, dir, model, reference: null };
      let reference: DriftReference;
      try {
        reference = await ensureReference(dir, model, log);
      } catch (err) {
        // A broken reference must not keep a good model out; drift compares with the generator instead.
        log.warn({ err, version }, 'drift reference unreadable; using generated traffic as the reference');
        reference = generatorReference(model);
      }
      return { version, dir, model, reference };
    },
  });
  const challenger = createModelSlot<SlotModel>({
    registryDir,
    kind: 'challenger',
    logger: log,
    watch,
    ...(opts.pollMs === undefined ? {} : { pollMs: opts.pollMs }),
    load: async (dir, version) => ({ version, dir, model: await loadModel(dir, { logger: backendLogger }) }),
  });
  await Promise.all([champion.ready, challenger.ready]);

  let drift: DriftMonitor | null = null;
  if (opts.drift !== false) {
    const reference = champion.current?.reference ?? generatorReference(null);
    drift = createDriftMonitor({
      reference,
      ...(opts.drift === undefined ? {} : { options: opts.drift }),
      ...(opts.registry === undefined ? {} : { registry: opts.registry }),
      logger: log,
    });
    champion.onSwap((next) => {
      if (next?.reference) drift?.setReference(next.reference);
    });
  }

  const policy = opts.policy ?? {};
  const scorer = createScorer({
    rules,
    model: slotModel(champion, drift ? (raw, scores, n) => drift?.observe(raw, scores, n) : undefined),
    watchlist,
    policy,
    permits,
    ledger,
    history,
  });
  // Same rules and model, nothing it records is read by live scoring: a fresh ledger, no history, no drift.
  const warmScorer = createScorer({
    rules,
    model: slotModel(champion),
    watchlist,
    policy,
    permits,
    ledger: createPermitLedger(),
  });
  const shadowScorer = createScorer({
    rules,
    model: slotModel(challenger),
    watchlist,
    policy,
    permits,
    ledger,
  });

  // The name parser and its cache live as long as the scorer (stopped by close()); started
  // last, so a start-up failure above leaves no JVM behind.
  const chemistry = await startChemistry({
    logger: opts.logger,
    ...(opts.registry === undefined ? {} : { registry: opts.registry }),
    ...(opts.nameParser === undefined ? {} : { nameParser: opts.nameParser }),
  });

  return {
    get modelVersion() {
      return scorer.modelVersion;
    },
    get rulesVersion() {
      return scorer.rulesVersion;
    },
    get challengerVersion() {
      return challenger.current?.version ?? null;
    },
    registryDir,
    drift,
    get permits() {
      return permits?.current ?? null;
    },
    get lanePolicy() {
      return rules.current.lanes;
    },
    // The options carry reconciliation counterparts: dropping them would silently skip reconciliation.
    scoreBatch: (reports, scoredAt, options) => scorer.scoreBatch(reports, scoredAt, options),
    warmUp: (reports) => warmScorer.scoreBatch(reports, new Date()),
    prepare: (reports, deadlineMs) => scorer.prepare?.(reports, deadlineMs) ?? Promise.resolve(),
    shadowBatch(reports, decisions, scoredAt, options): ShadowScore[] {
      if (challenger.current === null || reports.length === 0) return [];
      // The same rules snapshot (scoring is synchronous, a reload cannot land in between) and the same
      // counterparts, with the challenger's model: exactly the decision the challenger would have made.
      const shadow = shadowScorer.scoreBatch(reports, scoredAt, options);
      return shadow.map((s, i) => {
        const d = decisions[i]!;
        return {
          messageId: s.messageId,
          consignmentId: s.consignmentId,
          modelVersion: s.modelVersion,
          modelScore: s.modelScore,
          riskScore: s.riskScore,
          lane: s.lane,
          championModelVersion: d.modelVersion,
          championModelScore: d.modelScore,
          championLane: d.lane,
          scoredAt: s.scoredAt,
        };
      });
    },
    async refreshModels() {
      await Promise.all([champion.check(), challenger.check()]);
    },
    async close() {
      rules.close();
      permits?.close();
      drift?.close();
      await Promise.all([champion.close(), challenger.close(), chemistry.stop()]);
    },
  };
}
