// Dashboard and the labels export for training. Reads: decisions, dispositions, labels (view),
// case_shares. Writes: an audit entry per export. Guarantees: both are scoped to what the caller's
// agency may see; neither carries party names, addresses or free-text notes (no case PII).
import type { FastifyInstance } from 'fastify';
import { queryRows } from '../storage/clickhouse.ts';
import { identifier, sql } from '../storage/sql.ts';
import { buildDashboard } from './dashboard.ts';
import { dashboardQuerySchema, labelsQuerySchema } from './request-schemas.ts';
import { parse, principalOf, type ReviewDeps } from './route-support.ts';
import { visibleTo } from './visibility.ts';

interface LabelRow {
  messageId: string;
  consignmentId: string;
  disposition: string;
  positive: number;
  decidedAt: string;
  lane: string;
  randomSelection: number | null;
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // Quote always; a leading = + - @ is neutralised so spreadsheets do not evaluate it.
  return `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
};

export function registerInsightRoutes(app: FastifyInstance, deps: ReviewDeps) {
  app.get('/api/dashboard', { config: { permission: 'dashboard.read' } }, async (request) => {
    const who = principalOf(request);
    const { days } = parse(dashboardQuerySchema, request.query);
    return buildDashboard({
      client: deps.client,
      database: deps.database,
      agency: who.agency,
      days,
      now: deps.clock.now(),
      drift: deps.drift,
      lanePolicy: deps.lanePolicy(),
    });
  });

  app.get('/api/labels', { config: { permission: 'labels.export' } }, async (request, reply) => {
    const who = principalOf(request);
    const q = parse(labelsQuerySchema, request.query);
    const labels = identifier(`${deps.database}.labels`);
    const decisions = identifier(`${deps.database}.decisions`);
    const since =
      q.since === undefined ? sql`1` : sql`decidedAt >= toDateTime(${`${q.since} 00:00:00`}, 'UTC')`;
    const rows = await queryRows<LabelRow>(
      deps.client,
      sql`SELECT messageId, consignmentId, toString(disposition) AS disposition, positive, decidedAt,
          toString(lane) AS lane, randomSelection
        FROM ${labels}
        WHERE ${since} AND messageId IN (SELECT messageId FROM ${decisions} WHERE ${visibleTo(deps.database, who.agency)})
        ORDER BY decidedAt, messageId`.text,
    );
    await deps.audit.append({
      actor: who.username,
      agency: who.agency,
      action: 'labels.export',
      details: { rows: rows.length, format: q.format, since: q.since ?? null },
    });
    const stamp = deps.clock.now().toISOString().slice(0, 10);
    reply.header(
      'Content-Disposition',
      `attachment; filename="labels-${who.agency}-${stamp}.${q.format === 'csv' ? 'csv' : 'jsonl'}"`,
    );
    if (q.format === 'csv') {
      const header = [
        'messageId',
        'consignmentId',
        'disposition',
        'positive',
        'decidedAt',
        'lane',
        'randomSelection',
      ];
      const lines = rows.map((r) => header.map((h) => csvCell(r[h as keyof LabelRow])).join(','));
      return reply
        .type('text/csv; charset=utf-8')
        .send(`${header.join(',')}\n${lines.join('\n')}${lines.length ? '\n' : ''}`);
    }
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .send(
        rows.map((r) => JSON.stringify({ ...r, positive: Number(r.positive) })).join('\n') +
          (rows.length ? '\n' : ''),
      );
  });
}
