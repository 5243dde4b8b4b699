// The data scientists' commands (docs/data-science.md): train, evaluate, models, promote, compare, drift.
// Results go to stdout (JSON or Markdown), progress and warnings to stderr. Registered on the main program by
// registerDataScienceCommands; each command reads its settings once through services/common/config.ts.
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Report } from '../../schemas/report.ts';
import { reportSchema } from '../../schemas/report.ts';
import { loadConfig, pipelineConfigSchema } from '../common/config.ts';
import { PrecursorRiskError } from '../common/errors.ts';
import { createRootLogger } from '../common/logger.ts';
import { driftOf, formatDriftReport, modelWithReference, recentReports } from '../drift/drift-report.ts';
import { generateReports, PATTERNS } from '../generator/index.ts';
import { compareShadow, formatCompare, latestShadowVersion } from '../registry/compare.ts';
import { clearChallenger, promote } from '../registry/promote.ts';
import { listModels, readPointer, resolveRegistryDir } from '../registry/registry.ts';
import { type RegistryRow, type RegistryTable, registryRows } from '../registry/registry-table.ts';
import { loadScorer } from '../runtime/load-scorer.ts';
import { DEFAULT_LANE_POLICY_PATH, loadLanePolicy } from '../scoring/lane-policy.ts';
import { DEFAULT_PERMITS_DIR } from '../scoring/permit-register.ts';
import { type ClickHouseClient, createClickHouse } from '../storage/clickhouse.ts';
import { applyCalibration, formatCalibration, runCalibration } from '../training/calibrate-lanes.ts';
import { writeEvaluationReport } from '../training/eval-report.ts';
import { type EvalData, evaluate, HEADLINE_CAPACITY } from '../training/evaluate-run.ts';
import { readReportsFile } from '../training/labelled-data.ts';
import { createProgress, silentProgress } from '../training/progress.ts';
import { DEFAULT_INSPECTION } from '../training/propensity.ts';
import { runTraining, type TrainSource } from '../training/train-run.ts';

function int(min: number, max: number, what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected ${what}: a whole number from ${min} to ${max}`);
    return n;
  };
}

function iso(value: string): Date {
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime()))
    throw new InvalidArgumentError('expected an ISO 8601 date or date-time, e.g. 2026-11-01T00:00:00Z');
  return d;
}

function psiThreshold(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 10) throw new InvalidArgumentError('expected a PSI above 0');
  return n;
}

function shareArg(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError('expected a share from 0 to 1, e.g. 0.02 for 2 %');
  return n;
}

/** The model alone and the gradient-boosted baseline on the same rows, side by side. */
function sideBySide(r: Awaited<ReturnType<typeof evaluate>>) {
  const model = r.systems.find((s) => s.id === 'model-A')!;
  const gbm = r.systems.find((s) => s.id === 'gbm-baseline')!;
  const row = (s: typeof model) => ({
    prAuc: s.ranking.prAuc,
    rocAuc: s.ranking.rocAuc,
    recallAt5: s.ranking.recallAt['5%'],
  });
  return {
    ...r.baseline,
    model: row(model),
    gbm: row(gbm),
    prAucDifference: model.ranking.prAuc - gbm.ranking.prAuc,
  };
}

function hiddenArg(value: string): [number, number] {
  const parts = value.split(',').map((v) => Number(v.trim()));
  if (parts.length !== 2 || parts.some((n) => !Number.isSafeInteger(n) || n < 1 || n > 1024))
    throw new InvalidArgumentError('expected two unit counts from 1 to 1024, e.g. 24,12');
  return [parts[0]!, parts[1]!];
}

function patternArg(value: string, previous: string[]): string[] {
  if (!(value in PATTERNS))
    throw new InvalidArgumentError(`expected a generator pattern: ${Object.keys(PATTERNS).join(', ')}`);
  return [...previous, value];
}

const usage = (message: string) => new PrecursorRiskError('CLI_USAGE', message);
const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
const json = (value: unknown) => out(JSON.stringify(value, null, 2));

interface Env {
  config: ReturnType<typeof loadConfig<typeof pipelineConfigSchema>>;
  registryDir: string;
}

/** The lane policy file every command reads: LANE_POLICY_FILE, else models/lanes.yaml. */
const lanePolicyPath = (e: Env) => e.config.LANE_POLICY_FILE ?? DEFAULT_LANE_POLICY_PATH;

function env(registry?: string): Env {
  const config = loadConfig(pipelineConfigSchema);
  return { config, registryDir: resolveRegistryDir(registry ?? config.MODELS_DIR) };
}

/** A ClickHouse client for the configured database; the caller closes it. */
function clickhouse(e: Env): { client: ClickHouseClient; table: RegistryTable } {
  const client = createClickHouse({
    url: e.config.CLICKHOUSE_URL,
    username: e.config.CLICKHOUSE_USER,
    password: e.config.CLICKHOUSE_PASSWORD,
  });
  return { client, table: { client, database: e.config.CLICKHOUSE_DATABASE } };
}

const registryOption = () =>
  new Option('--registry <dir>', 'model registry folder (default: MODELS_DIR or models/model-registry)');

export function registerDataScienceCommands(program: Command): void {
  program
    .command('train')
    .description(
      "train a model on officers' dispositions (ClickHouse) or a labelled file; registers a candidate",
    )
    .option(
      '--from <source>',
      "'clickhouse' or an NDJSON reports file with a .labels.jsonl side file",
      'clickhouse',
    )
    .option('--labels <file>', 'label side file (default: <FILE>.labels.jsonl)')
    .option('--epochs <n>', 'upper bound on epochs (early stopping ends sooner)', int(1, 1000, 'epochs'), 60)
    .option('--seed <s>', 'seed of weights, split and batch order', int(0, 2 ** 31 - 1, 'a seed'), 1)
    .option(
      '--members <k>',
      'networks trained from different initial weights, served as one network of their mean logit',
      int(1, 16, 'a member count'),
      1,
    )
    .option('--hidden <h1,h2>', "units of the two hidden layers (each member's)", hiddenArg, [32, 16])
    .option(
      '--distill <share>',
      "train one network of the served size on (1 - share) x label + share x the members' mean probability",
      shareArg,
      0,
    )
    .addOption(new Option('--out <dir>', 'registry folder to add the version to').default(undefined))
    .addOption(
      new Option('--since <iso>', 'ClickHouse: labels of decisions scored at or after').argParser(iso),
    )
    .addOption(
      new Option('--until <iso>', 'ClickHouse: labels of decisions scored at or before').argParser(iso),
    )
    .option('--simulate-inspection', 'file: keep only the labels officers would have recorded, then reweight')
    .option('--no-weights', 'do not correct the selection bias (for comparison)')
    .option(
      '--exclude-pattern <name>',
      'leave the reports of this generator pattern out of training (repeatable; to measure recall on a pattern never seen)',
      patternArg,
      [] as string[],
    )
    .option('--holdout-seed <s>', 'generator seed of the held-out metrics', int(0, 2 ** 32 - 1, 'a seed'), 99)
    .option('--holdout-count <n>', 'held-out reports (0 = none)', int(0, 1_000_000, 'a count'), 20_000)
    .option('--no-record', 'do not write the model_registry row')
    .option('--no-progress', 'no progress on stderr')
    .action(
      async (o: {
        from: string;
        labels?: string;
        epochs: number;
        seed: number;
        members: number;
        hidden: [number, number];
        distill: number;
        out?: string;
        since?: Date;
        until?: Date;
        simulateInspection?: boolean;
        weights: boolean;
        excludePattern: string[];
        holdoutSeed: number;
        holdoutCount: number;
        record: boolean;
        progress: boolean;
      }) => {
        const e = env(o.out);
        const logger = createRootLogger(e.config.LOG_LEVEL === 'info' ? 'warn' : e.config.LOG_LEVEL);
        const fromClickHouse = o.from === 'clickhouse';
        if (fromClickHouse && o.simulateInspection) throw usage('--simulate-inspection needs --from FILE');
        const ch = fromClickHouse || o.record ? clickhouse(e) : null;
        const source: TrainSource = fromClickHouse
          ? {
              kind: 'clickhouse',
              ...(o.since ? { since: o.since } : {}),
              ...(o.until ? { until: o.until } : {}),
            }
          : {
              kind: 'file',
              file: o.from,
              ...(o.labels ? { labelsFile: o.labels } : {}),
              ...(o.simulateInspection ? { simulateInspection: DEFAULT_INSPECTION } : {}),
            };
        const scorer = o.simulateInspection
          ? await loadScorer({
              logger,
              modelsDir: e.registryDir,
              drift: false,
              permitsPath: e.config.PERMITS_DIR ?? DEFAULT_PERMITS_DIR,
            })
          : undefined;
        try {
          const result = await runTraining({
            source,
            registryDir: e.registryDir,
            epochs: o.epochs,
            seed: o.seed,
            members: o.members,
            hidden: o.hidden,
            distill: o.distill,
            holdout: o.holdoutCount > 0 ? { seed: o.holdoutSeed, count: o.holdoutCount } : null,
            table: ch?.table ?? null,
            lanePolicyPath: lanePolicyPath(e),
            ...(scorer ? { scorer } : {}),
            noWeights: !o.weights,
            excludePatterns: o.excludePattern,
            ...(e.config.RULES_DIR ? { rulesDir: e.config.RULES_DIR } : {}),
            permitsPath: e.config.PERMITS_DIR ?? DEFAULT_PERMITS_DIR,
            progress: o.progress ? createProgress() : silentProgress,
            logger,
          });
          if (result.recordError)
            process.stderr.write(
              `warning: model registered on disk but not in ClickHouse model_registry (${result.recordError}); ` +
                `\`precursor-risk promote\` records it later\n`,
            );
          json(result);
        } finally {
          await scorer?.close();
          await ch?.client.close();
        }
      },
    );

  program
    .command('evaluate')
    .description('PR-AUC, recall at capacity, calibration, per-pattern recall; rules only vs rules + model')
    .requiredOption('--model <version>', "a version, 'champion', 'challenger' or a model folder")
    .option('--against <version>', 'a second model to compare')
    .option('--data <file>', 'labelled NDJSON reports (with <file>.labels.jsonl)')
    .option('--labels <file>', 'label side file for --data')
    .option('--seed <s>', 'generate the evaluation reports with this seed', int(0, 2 ** 32 - 1, 'a seed'))
    .option('--count <n>', 'generated reports', int(100, 2_000_000, 'a count'))
    .option('--report <dir>', 'write report.md, report.html, report.json and plots here')
    .option('--watchlist <dir>', 'OFAC SDN legacy CSV folder for the rules (as score --watchlist)')
    .option(
      '--baseline',
      "also train LightGBM (a Python venv under .local/, made on first use) on the model's training rows and split",
    )
    .option('--train-data <file>', "the model's training file (labelled NDJSON), for --baseline")
    .addOption(registryOption())
    .action(
      async (o: {
        baseline?: boolean;
        trainData?: string;
        model: string;
        against?: string;
        data?: string;
        labels?: string;
        seed?: number;
        count?: number;
        report?: string;
        watchlist?: string;
        registry?: string;
      }) => {
        if (o.data && (o.seed !== undefined || o.count !== undefined))
          throw usage('give either --data FILE or --seed S --count N');
        if (o.baseline && !o.trainData)
          throw usage('--baseline needs --train-data FILE: the file the model was trained on');
        const e = env(o.registry);
        const data: EvalData = o.data
          ? { file: o.data, ...(o.labels ? { labelsFile: o.labels } : {}) }
          : { seed: o.seed ?? 2, count: o.count ?? 20_000 };
        const progress = createProgress();
        const r = await evaluate({
          registryDir: e.registryDir,
          model: o.model,
          ...(o.against ? { against: o.against } : {}),
          data,
          ...(e.config.RULES_DIR ? { rulesDir: e.config.RULES_DIR } : {}),
          lanePolicyPath: lanePolicyPath(e),
          ...(o.watchlist ? { watchlistDir: o.watchlist } : {}),
          ...(e.config.PERMITS_DIR ? { permitsPath: e.config.PERMITS_DIR } : {}),
          ...(o.baseline && o.trainData ? { baseline: { trainData: o.trainData } } : {}),
          onStage: (s) => progress.stage(s),
        });
        const written = o.report ? await writeEvaluationReport(r, o.report) : [];
        if (o.report) progress.stage(`report written to ${o.report}: ${written.join(', ')}`);
        const cap = `${HEADLINE_CAPACITY * 100}%`;
        json({
          data: r.data,
          models: r.models,
          systems: r.systems.map((s) => ({
            id: s.id,
            label: s.label,
            prAuc: s.ranking.prAuc,
            rocAuc: s.ranking.rocAuc,
            recallAt: s.ranking.recallAt,
            ...(s.lanes ? { lanes: s.lanes } : {}),
            ...(s.calibration
              ? {
                  calibration: {
                    brier: s.calibration.brier,
                    ece: s.calibration.ece,
                    meanScore: s.calibration.meanScore,
                  },
                }
              : {}),
          })),
          heldOutPatterns: r.heldOutPatterns,
          ...(r.baseline ? { baseline: sideBySide(r) } : {}),
          weakSignal: r.weakSignal,
          headline: `recall at ${cap} capacity`,
          report: o.report ?? null,
        });
      },
    );

  const models = program.command('models').description('the model registry');
  models
    .command('list')
    .description('versions on disk with their metrics and status (champion, challenger, ClickHouse status)')
    .option('--json', 'JSON instead of a table')
    .addOption(registryOption())
    .action(async (o: { json?: boolean; registry?: string }) => {
      const e = env(o.registry);
      const entries = await listModels(e.registryDir);
      const { client, table } = clickhouse(e);
      let rows: RegistryRow[] = [];
      let note = '';
      try {
        rows = await registryRows(table);
      } catch (err) {
        note = `ClickHouse status unavailable: ${(err as Error).message}`;
      } finally {
        await client.close();
      }
      const status = new Map(rows.map((r) => [r.version, r]));
      const list = entries.map((m) => ({
        version: m.version,
        role: m.champion ? 'champion' : m.challenger ? 'challenger' : '',
        recordedStatus: status.get(m.version)?.status ?? null,
        promotedAt: status.get(m.version)?.promotedAt ?? null,
        createdAt: m.manifest.createdAt,
        backend: m.manifest.backend,
        reports: m.manifest.training.reports,
        heldOutPrAuc: m.manifest.metrics?.prAuc ?? null,
        brier: m.manifest.metrics?.brier ?? null,
        driftReference: m.hasReference,
      }));
      if (o.json) {
        json({ registryDir: e.registryDir, models: list, note: note || undefined });
        return;
      }
      out(`registry ${e.registryDir}`);
      out('| version | role | recorded status | created | reports | held-out PR-AUC | Brier | drift ref |');
      out('| --- | --- | --- | --- | --- | --- | --- | --- |');
      for (const m of list)
        out(
          `| ${m.version} | ${m.role} | ${m.recordedStatus ?? '-'} | ${m.createdAt.slice(0, 19)} | ${m.reports} | ${m.heldOutPrAuc?.toFixed(4) ?? '-'} | ${m.brier?.toFixed(4) ?? '-'} | ${m.driftReference ? 'yes' : 'no'} |`,
        );
      if (note) process.stderr.write(`${note}\n`);
    });
  models
    .command('stop-challenger')
    .description('remove challenger.json: shadow scoring stops in running pipelines')
    .option('--no-record', 'do not update model_registry')
    .addOption(registryOption())
    .action(async (o: { record: boolean; registry?: string }) => {
      const e = env(o.registry);
      const ch = o.record ? clickhouse(e) : null;
      try {
        json(await clearChallenger({ registryDir: e.registryDir, table: ch?.table ?? null }));
      } finally {
        await ch?.client.close();
      }
    });

  program
    .command('promote')
    .description(
      'make VERSION the champion (or, with --challenger, run it in shadow); running pipelines swap within seconds',
    )
    .argument('<version>', 'a version folder in the registry')
    .option('--challenger', 'promote to challenger (shadow scoring) instead of champion')
    .option('--no-record', 'do not update model_registry in ClickHouse')
    .addOption(registryOption())
    .action(async (version: string, o: { challenger?: boolean; record: boolean; registry?: string }) => {
      const e = env(o.registry);
      const ch = o.record ? clickhouse(e) : null;
      try {
        const r = await promote({
          registryDir: e.registryDir,
          version,
          kind: o.challenger ? 'challenger' : 'champion',
          table: ch?.table ?? null,
        });
        json(r);
        if (r.recordError) {
          process.stderr.write(
            `promoted on disk (${r.kind}.json now names ${r.version}); ClickHouse model_registry NOT updated: ${r.recordError}. Re-running promote is safe.\n`,
          );
          process.exitCode = 1;
        }
      } finally {
        await ch?.client.close();
      }
    });

  program
    .command('compare')
    .description(
      'champion vs challenger from shadow_scores: agreement, lane changes, correlation, precision/recall',
    )
    .option('--challenger <version>', 'default: challenger.json, else the latest version in shadow_scores')
    .addOption(new Option('--since <iso>', 'only shadow scores from this time').argParser(iso))
    .option('--json', 'JSON instead of Markdown')
    .addOption(registryOption())
    .action(async (o: { challenger?: string; since?: Date; json?: boolean; registry?: string }) => {
      const e = env(o.registry);
      const { client } = clickhouse(e);
      try {
        const database = e.config.CLICKHOUSE_DATABASE;
        const challenger =
          o.challenger ??
          (await readPointer(e.registryDir, 'challenger').catch(() => null)) ??
          (await latestShadowVersion(client, database));
        if (challenger === null) throw usage(`no challenger given and no shadow scores in ${database}`);
        const r = await compareShadow({
          client,
          database,
          challenger,
          yellowThreshold: loadLanePolicy(lanePolicyPath(e)).thresholds.yellow,
          ...(o.since ? { since: o.since } : {}),
        });
        if (o.json) json(r);
        else out(formatCompare(r));
      } finally {
        await client.close();
      }
    });

  program
    .command('drift')
    .description("PSI of recent traffic (ClickHouse) or a file against the champion's training reference")
    .option('--from <source>', "'clickhouse'", 'clickhouse')
    .addOption(
      new Option('--since <iso>', 'ClickHouse: decisions scored at or after (default: 24 h ago)').argParser(
        iso,
      ),
    )
    .option(
      '--limit <n>',
      'ClickHouse: at most this many recent reports',
      int(1, 10_000_000, 'a count'),
      5000,
    )
    .option('--data <file>', 'NDJSON reports instead of ClickHouse')
    .option('--model <version>', 'reference of this version (default: the champion)')
    .option('--threshold <psi>', 'alert above this PSI', psiThreshold, 0.2)
    .option('--json', 'JSON instead of Markdown')
    .addOption(registryOption())
    .action(
      async (o: {
        from: string;
        since?: Date;
        limit: number;
        data?: string;
        model?: string;
        threshold: number;
        json?: boolean;
        registry?: string;
      }) => {
        const e = env(o.registry);
        if (!o.data && o.from !== 'clickhouse')
          throw usage("--from takes 'clickhouse'; use --data FILE for a file");
        let reports: Report[];
        if (o.data) reports = (await readReportsFile(o.data)).reports;
        else {
          const { client } = clickhouse(e);
          try {
            reports = await recentReports({
              client,
              database: e.config.CLICKHOUSE_DATABASE,
              since: o.since ?? new Date(Date.now() - 86_400_000),
              limit: o.limit,
            });
          } finally {
            await client.close();
          }
        }
        const { model, reference } = await modelWithReference(e.registryDir, o.model);
        try {
          const r = driftOf(reports, model, reference, { threshold: o.threshold });
          if (o.json) json(r);
          else out(formatDriftReport(r));
        } finally {
          model.dispose();
        }
      },
    );

  program
    .command('calibrate')
    .description(
      'lane thresholds that give the expected share per lane on recent traffic (models/lanes.yaml)',
    )
    .option(
      '--from <source>',
      "'clickhouse' (recent decisions' reports) or 'synthetic' (the generator)",
      'clickhouse',
    )
    .option('--data <file>', 'NDJSON reports instead')
    .addOption(
      new Option(
        '--since <iso>',
        'ClickHouse: decisions scored at or after (default: 30 days ago)',
      ).argParser(iso),
    )
    .option('--limit <n>', 'at most this many reports', int(1, 10_000_000, 'a count'), 100_000)
    .option('--seed <s>', 'synthetic: generator seed', int(0, 2 ** 32 - 1, 'a seed'), 11)
    .option('--red-rate <share>', 'expected share of RED (default: the policy file)', shareArg)
    .option('--yellow-rate <share>', 'expected share of YELLOW, random selections included', shareArg)
    .option('--random-rate <share>', 'random selection rate', shareArg)
    .option('--policy <file>', 'lane policy file (default: LANE_POLICY_FILE or models/lanes.yaml)')
    .option('--write', 'write the rates and thresholds into the policy file (default: only print)')
    .option('--json', 'JSON instead of Markdown')
    .addOption(registryOption())
    .action(
      async (o: {
        from: string;
        data?: string;
        since?: Date;
        limit: number;
        seed: number;
        redRate?: number;
        yellowRate?: number;
        randomRate?: number;
        policy?: string;
        write?: boolean;
        json?: boolean;
        registry?: string;
      }) => {
        const e = env(o.registry);
        if (!o.data && o.from !== 'clickhouse' && o.from !== 'synthetic')
          throw usage("--from takes 'clickhouse' or 'synthetic'; use --data FILE for a file");
        const policyPath = o.policy ?? lanePolicyPath(e);
        const policy = loadLanePolicy(policyPath);
        let reports: Report[];
        let source: string;
        if (o.data) {
          reports = (await readReportsFile(o.data)).reports.slice(0, o.limit);
          source = `file ${o.data}`;
        } else if (o.from === 'synthetic') {
          reports = generateReports({ count: Math.min(o.limit, 50_000), seed: o.seed }).reports.map((r) =>
            reportSchema.parse(r),
          );
          source = `synthetic: generator seed ${o.seed}`;
        } else {
          const since = o.since ?? new Date(Date.now() - 30 * 86_400_000);
          const { client } = clickhouse(e);
          try {
            reports = await recentReports({
              client,
              database: e.config.CLICKHOUSE_DATABASE,
              since,
              limit: o.limit,
            });
          } finally {
            await client.close();
          }
          source = `ClickHouse ${e.config.CLICKHOUSE_DATABASE}.decisions scored since ${since.toISOString()}`;
        }
        if (reports.length === 0)
          throw usage(
            `no reports to calibrate on from ${source}; try --since, --data FILE or --from synthetic`,
          );
        const logger = createRootLogger(e.config.LOG_LEVEL === 'info' ? 'warn' : e.config.LOG_LEVEL);
        const scorer = await loadScorer({
          logger,
          modelsDir: e.registryDir,
          lanePolicyPath: policyPath,
          drift: false,
          ...(e.config.RULES_DIR ? { rulesDir: e.config.RULES_DIR } : {}),
          ...(e.config.WATCHLIST_DIR ? { watchlistDir: e.config.WATCHLIST_DIR } : {}),
          // The pipeline's permit register, so lanes are calibrated on what the pipeline will decide.
          permitsPath: e.config.PERMITS_DIR ?? DEFAULT_PERMITS_DIR,
        });
        try {
          const run = runCalibration({
            scorer,
            reports,
            source,
            policy,
            rates: {
              ...(o.redRate === undefined ? {} : { RED: o.redRate }),
              ...(o.yellowRate === undefined ? {} : { YELLOW: o.yellowRate }),
              ...(o.randomRate === undefined ? {} : { randomSelectionRate: o.randomRate }),
            },
          });
          if (o.json) json(run);
          else out(formatCalibration(run));
          if (o.write) {
            applyCalibration(policyPath, run);
            process.stderr.write(`wrote ${policyPath}; running services reload it\n`);
          } else process.stderr.write('dry run: add --write to apply these thresholds\n');
        } catch (err) {
          if (err instanceof RangeError) throw usage(err.message);
          throw err;
        } finally {
          await scorer.close();
        }
      },
    );
}
