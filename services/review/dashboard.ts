// Dashboard figures for an agency over the last N days: flagged per day, per lane and per port; hit
// and seizure rates per rule and per lane; the model-drift status from whoever supplies it.
// Reads: decisions, dispositions, case_shares. Writes nothing. Guarantees: the same visibility rule
// as the queue (own jurisdiction + active shares); rates say how many cases they rest on; decided and
// seized count consignments (each once), volumes and hit rates count scored reports.
import type { LanePolicy } from '../scoring/lane-policy.ts';
import { type ClickHouseClient, queryRows } from '../storage/clickhouse.ts';
import { identifier, sql } from '../storage/sql.ts';
import { horizontalBarChart, LANE_COLOURS, stackedBarChart } from './charts.ts';
import { currentDispositions } from './queue.ts';
import { type Agency, visibleTo } from './visibility.ts';

export interface DriftStatus {
  status: 'ok' | 'warning' | 'drift';
  summary: string;
  checkedAt: string;
  metrics?: { name: string; value: number; threshold?: number }[];
}

/** Supplied by the model-monitoring side; resolves null while it has nothing to say. */
export type DriftStatusProvider = (agency: Agency) => Promise<DriftStatus | null>;

export const noDriftData: DriftStatusProvider = async () => null;

export interface RateRow {
  key: string;
  cases: number;
  /** Share of all scored reports in the period (rules) or of flagged cases (lanes). */
  hitRate: number;
  decided: number;
  seized: number;
  /** seized / decided (REFERRED and undecided cases excluded); null with no decided case. */
  seizureRate: number | null;
  /** Lanes: the share the lane policy (models/lanes.yaml) expects, to read hitRate against. */
  expected?: number;
}

export interface Dashboard {
  days: number;
  from: string;
  to: string;
  scored: number;
  flagged: number;
  perDay: { day: string; YELLOW: number; RED: number }[];
  perLane: { lane: string; cases: number }[];
  perPort: { port: string; YELLOW: number; RED: number }[];
  rules: RateRow[];
  lanes: RateRow[];
  drift: DriftStatus | null;
  charts: {
    perDay: string;
    perLane: string;
    perPort: string;
    ruleSeizureRates: string;
    laneSeizureRates: string;
  };
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const pct = (x: number | null) => (x === null ? 'no decided cases' : `${(x * 100).toFixed(1)} %`);

export async function buildDashboard(opts: {
  client: ClickHouseClient;
  database: string;
  agency: Agency;
  days: number;
  now: Date;
  drift: DriftStatusProvider;
  lanePolicy?: Pick<LanePolicy, 'expectedRates'>;
}): Promise<Dashboard> {
  const { client, database, agency, days, now } = opts;
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  const decisions = identifier(`${database}.decisions`);
  const scope = sql`${visibleTo(database, agency)} AND scoredAt >= ${start}`;
  const latest = currentDispositions(database);
  // Seizure rates count consignments (a disposition covers all documents of one); volumes count reports.
  const caseKey = sql`if(consignmentId = '', messageId, consignmentId)`;
  const num = (v: string | number) => Number(v);

  const [perDayRows, perLaneRows, perPortRows, ruleRows, laneRows, drift] = await Promise.all([
    queryRows<{ day: string; lane: string; n: string }>(
      client,
      sql`SELECT toString(toDate(scoredAt)) AS day, toString(lane) AS lane, count() AS n FROM ${decisions}
        WHERE ${scope} AND lane != 'GREEN' GROUP BY day, lane ORDER BY day`.text,
    ),
    queryRows<{ lane: string; n: string }>(
      client,
      sql`SELECT toString(lane) AS lane, count() AS n FROM ${decisions} WHERE ${scope} GROUP BY lane`.text,
    ),
    queryRows<{ port: string; yellow: string; red: string }>(
      client,
      sql`SELECT portOfDischarge AS port, countIf(lane = 'YELLOW') AS yellow, countIf(lane = 'RED') AS red
        FROM ${decisions} WHERE ${scope} AND lane != 'GREEN'
        GROUP BY port ORDER BY red + yellow DESC, port LIMIT 10`.text,
    ),
    queryRows<{ rule: string; hits: string; decided: string; seized: string }>(
      client,
      sql`SELECT rule, count() AS hits, uniqExactIf(caseKey, currentDisposition NOT IN ('', 'REFERRED')) AS decided,
          uniqExactIf(caseKey, currentDisposition = 'SEIZED') AS seized
        FROM (SELECT messageId, ${caseKey} AS caseKey, arrayDistinct(ruleHits.ruleId) AS rules
          FROM ${decisions} WHERE ${scope}) AS d
        ARRAY JOIN rules AS rule
        ANY LEFT JOIN ${latest} AS latest USING messageId
        GROUP BY rule ORDER BY hits DESC, rule LIMIT 25`.text,
    ),
    queryRows<{ lane: string; n: string; decided: string; seized: string }>(
      client,
      // A consignment counts once, in the lane of its highest-risk document (its queue entry).
      sql`SELECT cLane AS lane, count() AS n, sum(cDecided) AS decided, sum(cSeized) AS seized
        FROM (
          SELECT caseKey, argMax(toString(lane), riskScore) AS cLane,
            max(currentDisposition NOT IN ('', 'REFERRED')) AS cDecided, max(currentDisposition = 'SEIZED') AS cSeized
          FROM (SELECT messageId, ${caseKey} AS caseKey, lane, riskScore FROM ${decisions} WHERE ${scope}) AS d
          ANY LEFT JOIN ${latest} AS latest USING messageId
          GROUP BY caseKey
        )
        GROUP BY lane`.text,
    ),
    opts.drift(agency).catch(() => null),
  ]);

  const dayIndex = new Map<string, { day: string; YELLOW: number; RED: number }>();
  for (let i = 0; i < days; i++) {
    const d = day(new Date(start.getTime() + i * 86_400_000));
    dayIndex.set(d, { day: d, YELLOW: 0, RED: 0 });
  }
  for (const r of perDayRows) {
    const entry = dayIndex.get(r.day);
    if (entry && (r.lane === 'YELLOW' || r.lane === 'RED')) entry[r.lane] = num(r.n);
  }
  const perDay = [...dayIndex.values()];
  const laneCount = (lane: string) => num(perLaneRows.find((r) => r.lane === lane)?.n ?? 0);
  const scored = perLaneRows.reduce((s, r) => s + num(r.n), 0);
  const flagged = laneCount('YELLOW') + laneCount('RED');
  const perLane = ['RED', 'YELLOW', 'GREEN'].map((lane) => ({ lane, cases: laneCount(lane) }));
  const perPort = perPortRows.map((r) => ({ port: r.port, YELLOW: num(r.yellow), RED: num(r.red) }));
  const rate = (seized: number, decided: number) => (decided === 0 ? null : seized / decided);
  const rules: RateRow[] = ruleRows.map((r) => ({
    key: r.rule,
    cases: num(r.hits),
    hitRate: scored === 0 ? 0 : num(r.hits) / scored,
    decided: num(r.decided),
    seized: num(r.seized),
    seizureRate: rate(num(r.seized), num(r.decided)),
  }));
  const expected = opts.lanePolicy?.expectedRates;
  const expectedShare: Record<string, number> | undefined = expected && {
    RED: expected.RED,
    YELLOW: expected.YELLOW,
    GREEN: 1 - expected.RED - expected.YELLOW,
  };
  const lanes: RateRow[] = ['RED', 'YELLOW', 'GREEN'].map((lane) => {
    const r = laneRows.find((x) => x.lane === lane);
    const cases = laneCount(lane);
    return {
      ...(expectedShare === undefined ? {} : { expected: expectedShare[lane]! }),
      key: lane,
      cases,
      hitRate: scored === 0 ? 0 : cases / scored,
      decided: num(r?.decided ?? 0),
      seized: num(r?.seized ?? 0),
      seizureRate: rate(num(r?.seized ?? 0), num(r?.decided ?? 0)),
    };
  });

  const charts = {
    perDay: stackedBarChart({
      label: 'Flagged cases per day',
      categories: perDay.map((d) => d.day.slice(5)),
      series: [
        { name: 'RED', colour: LANE_COLOURS.RED!, values: perDay.map((d) => d.RED) },
        { name: 'YELLOW', colour: LANE_COLOURS.YELLOW!, values: perDay.map((d) => d.YELLOW) },
      ],
    }),
    perLane: horizontalBarChart({
      label: 'Scored reports per lane',
      rows: perLane.map((l) => ({ label: l.lane, value: l.cases, colour: LANE_COLOURS[l.lane] })),
      emptyMessage: 'no reports scored in this period',
    }),
    perPort: horizontalBarChart({
      label: 'Flagged cases per port of discharge',
      rows: perPort.map((p) => ({
        label: p.port,
        value: p.RED + p.YELLOW,
        colour: '#1f5fa8',
        note: `${p.RED} red, ${p.YELLOW} yellow`,
      })),
      emptyMessage: 'no flagged cases in this period',
    }),
    ruleSeizureRates: horizontalBarChart({
      label: 'Seizure rate per rule',
      max: 1,
      rows: rules.map((r) => ({
        label: r.key,
        value: r.seizureRate ?? 0,
        colour: '#6a3d9a',
        note:
          r.seizureRate === null ? `${r.cases} hits, none decided` : `${pct(r.seizureRate)} of ${r.decided}`,
      })),
      emptyMessage: 'no rule hits in this period',
    }),
    laneSeizureRates: horizontalBarChart({
      label: 'Seizure rate per lane',
      max: 1,
      rows: lanes.map((l) => ({
        label: l.key,
        value: l.seizureRate ?? 0,
        colour: LANE_COLOURS[l.key],
        note: l.seizureRate === null ? 'none decided' : `${pct(l.seizureRate)} of ${l.decided}`,
      })),
    }),
  };
  return {
    days,
    from: day(start),
    to: day(now),
    scored,
    flagged,
    perDay,
    perLane,
    perPort,
    rules,
    lanes,
    drift,
    charts,
  };
}
