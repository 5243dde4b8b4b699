// Champion vs challenger from what the challenger did in shadow: agreement, lane changes, score correlation
// and, where officers' labels exist, precision and recall of each. Reads `shadow_scores`, `decisions` and
// (when migrated) `labels`; writes nothing. Guarantees: every report counts once (FINAL on both tables);
// against labels every consignment counts once (a case is a consignment: labelled if any of its
// documents is, positive if any is, flagged by a model if it flagged any of them).

import { loadLanePolicy } from '../scoring/lane-policy.ts';
import type { ClickHouseClient } from '../storage/clickhouse.ts';
import { queryRows } from '../storage/clickhouse.ts';
import { identifier, sql } from '../storage/sql.ts';
import { tableExists } from './registry-table.ts';

export interface CompareReport {
  challenger: string;
  champions: string[];
  reports: number;
  /** Consignments among those reports (a consignment's manifest, declaration and amendments count once). */
  consignments: number;
  agreement: number | null;
  laneChanges: { from: string; to: string; reports: number }[];
  scoreCorrelation: number | null;
  riskScoreCorrelation: number | null;
  flagRate: { champion: number | null; challenger: number | null };
  labels: null | {
    /** Labelled consignments. */
    labelled: number;
    positives: number;
    champion: { precision: number | null; recall: number | null; flagged: number };
    challenger: { precision: number | null; recall: number | null; flagged: number };
    /** Labelled consignments with a random quality-control selections: the unbiased slice. */
    randomSelection: {
      labelled: number;
      positives: number;
      championRecall: number | null;
      challengerRecall: number | null;
    };
  };
  note: string;
}

const num = (v: unknown) => (v === null || v === undefined ? Number.NaN : Number(v));
const orNull = (x: number) => (Number.isFinite(x) ? x : null);
const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/** The challenger version to compare: the one given, else the one with the latest shadow score. */
export async function latestShadowVersion(
  client: ClickHouseClient,
  database: string,
): Promise<string | null> {
  const rows = await queryRows<{ modelVersion: string }>(
    client,
    sql`SELECT modelVersion FROM ${identifier(`${database}.shadow_scores`)}
        GROUP BY modelVersion ORDER BY max(scoredAtMs) DESC LIMIT 1`.text,
  );
  return rows[0]?.modelVersion ?? null;
}

export async function compareShadow(opts: {
  client: ClickHouseClient;
  database: string;
  challenger: string;
  since?: Date;
  /** riskScore at which a report is at least YELLOW (the policy's threshold). */
  yellowThreshold?: number;
}): Promise<CompareReport> {
  const { client, database, challenger } = opts;
  const yellow = opts.yellowThreshold ?? loadLanePolicy().thresholds.yellow;
  const shadow = identifier(`${database}.shadow_scores`);
  const decisions = identifier(`${database}.decisions`);
  const since = opts.since ?? new Date(0);
  const base = sql`SELECT messageId, if(consignmentId = '', messageId, consignmentId) AS caseKey, modelScore, riskScore, toString(lane) AS lane, championModelVersion,
      championModelScore, toString(championLane) AS championLane
    FROM ${shadow} FINAL WHERE modelVersion = ${challenger} AND scoredAt >= ${since}`;

  const [summary] = await queryRows<Record<string, string | number | null>>(
    client,
    sql`SELECT count() AS n, uniqExact(caseKey) AS nConsignments, countIf(lane = championLane) AS agree,
          countIf(lane != 'GREEN') AS flagged, countIf(championLane != 'GREEN') AS championFlagged,
          corr(modelScore, championModelScore) AS scoreCorr,
          corr(riskScore, championRiskScore) AS riskCorr,
          groupUniqArray(championModelVersion) AS champions
        FROM (${base}) AS b
        ANY LEFT JOIN (SELECT messageId, riskScore AS championRiskScore FROM ${decisions}) AS c USING messageId`
      .text,
  );
  const n = num(summary?.n);
  const laneRows = await queryRows<{ fromLane: string; toLane: string; n: string }>(
    client,
    sql`SELECT championLane AS fromLane, lane AS toLane, count() AS n FROM (${base})
        GROUP BY fromLane, toLane ORDER BY fromLane, toLane`.text,
  );

  let labels: CompareReport['labels'] = null;
  if (await tableExists(client, database, 'labels')) {
    const l = identifier(`${database}.labels`);
    // 18.16 allows one JOIN per SELECT: the two joins are nested.
    const withLabels = sql`SELECT * FROM (${base}) AS b
      ANY LEFT JOIN (
        SELECT messageId, toUInt8(positive) AS positive, toUInt8(1) AS labelled,
          toUInt8(ifNull(randomSelection, 0)) AS isRandom
        FROM ${l}
      ) AS l USING messageId`;
    // One row per consignment. On the random slice every lane is at least YELLOW by construction;
    // compare the risk scores instead.
    // (Aliases differ from the columns: ClickHouse substitutes an alias wherever its name appears.)
    const perConsignment = sql`SELECT caseKey, max(labelled) AS cLabelled, max(labelled * positive) AS cPositive,
        max(labelled * isRandom) AS cRandom, max(championLane != 'GREEN') AS champFlag,
        max(lane != 'GREEN') AS chalFlag, max(championRiskScore) AS champRisk, max(riskScore) AS chalRisk
      FROM (${withLabels}) AS bl
      ANY LEFT JOIN (SELECT messageId, riskScore AS championRiskScore FROM ${decisions}) AS c USING messageId
      GROUP BY caseKey`;
    const [r] = await queryRows<Record<string, string | number>>(
      client,
      sql`SELECT sum(cLabelled) AS nLabelled, sum(cPositive) AS nPositives,
            countIf(cLabelled = 1 AND champFlag = 1) AS champFlagged,
            countIf(cPositive = 1 AND champFlag = 1) AS champTp,
            countIf(cLabelled = 1 AND chalFlag = 1) AS chalFlagged,
            countIf(cPositive = 1 AND chalFlag = 1) AS chalTp,
            sum(cRandom) AS rsLabelled, sum(cRandom * cPositive) AS rsPositives,
            countIf(cRandom = 1 AND cPositive = 1 AND champRisk >= ${yellow}) AS rsChampTp,
            countIf(cRandom = 1 AND cPositive = 1 AND chalRisk >= ${yellow}) AS rsChalTp
          FROM (${perConsignment})`.text,
    );
    const v = (k: string) => num(r?.[k] ?? 0);
    labels = {
      labelled: v('nLabelled'),
      positives: v('nPositives'),
      champion: {
        precision: ratio(v('champTp'), v('champFlagged')),
        recall: ratio(v('champTp'), v('nPositives')),
        flagged: v('champFlagged'),
      },
      challenger: {
        precision: ratio(v('chalTp'), v('chalFlagged')),
        recall: ratio(v('chalTp'), v('nPositives')),
        flagged: v('chalFlagged'),
      },
      randomSelection: {
        labelled: v('rsLabelled'),
        positives: v('rsPositives'),
        championRecall: ratio(v('rsChampTp'), v('rsPositives')),
        challengerRecall: ratio(v('rsChalTp'), v('rsPositives')),
      },
    };
  }

  return {
    challenger,
    champions: (summary?.champions as unknown as string[] | undefined) ?? [],
    reports: n,
    consignments: num(summary?.nConsignments ?? 0),
    agreement: n > 0 ? num(summary?.agree) / n : null,
    laneChanges: laneRows.map((r) => ({ from: r.fromLane, to: r.toLane, reports: Number(r.n) })),
    scoreCorrelation: orNull(num(summary?.scoreCorr)),
    riskScoreCorrelation: orNull(num(summary?.riskCorr)),
    flagRate: {
      champion: n > 0 ? num(summary?.championFlagged) / n : null,
      challenger: n > 0 ? num(summary?.flagged) / n : null,
    },
    labels,
    note:
      'Labels exist mostly where the champion flagged (officers inspect flagged cases), so precision/recall on ' +
      'all labels favour the champion; the random-selection slice is the unbiased comparison.',
  };
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`);
const fix = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));

export function formatCompare(r: CompareReport): string {
  const lines = [
    `# Champion vs challenger ${r.challenger}`,
    '',
    `champion(s): ${r.champions.join(', ') || 'n/a'}; reports scored in shadow: ${r.reports} (${r.consignments} consignments)`,
    '',
    '| measure | value |',
    '| --- | --- |',
    `| lane agreement | ${pct(r.agreement)} |`,
    `| model score correlation (Pearson) | ${fix(r.scoreCorrelation)} |`,
    `| risk score correlation (Pearson) | ${fix(r.riskScoreCorrelation)} |`,
    `| flag rate champion / challenger | ${pct(r.flagRate.champion)} / ${pct(r.flagRate.challenger)} |`,
    '',
    '## Lane changes (champion → challenger)',
    '',
    '| champion | challenger | reports |',
    '| --- | --- | --- |',
    ...r.laneChanges.map((c) => `| ${c.from} | ${c.to} | ${c.reports} |`),
  ];
  if (r.labels !== null) {
    const l = r.labels;
    lines.push(
      '',
      `## Against officers' labels (${l.labelled} consignments labelled, ${l.positives} positive)`,
      '',
      '| model | flagged (labelled) | precision | recall |',
      '| --- | --- | --- | --- |',
      `| champion | ${l.champion.flagged} | ${pct(l.champion.precision)} | ${pct(l.champion.recall)} |`,
      `| challenger | ${l.challenger.flagged} | ${pct(l.challenger.precision)} | ${pct(l.challenger.recall)} |`,
      '',
      `Random-selection slice: ${l.randomSelection.labelled} labelled, ${l.randomSelection.positives} positive; ` +
        `recall champion ${pct(l.randomSelection.championRecall)}, challenger ${pct(l.randomSelection.challengerRecall)}.`,
      '',
      r.note,
    );
  } else lines.push('', 'No `labels` view in this database yet: precision/recall not computed.');
  return `${lines.join('\n')}\n`;
}
