// Officers' actions on a case: assign and record a disposition, both for the whole consignment (every
// document of it the agency owns). Writes: assignments, dispositions (append-only) and one audit
// entry per action and document. Guarantees: the audit entry is stored before the
// action, so no action exists without its entry (an action whose insert then fails gets a second
// entry saying so); only the case's own agency acts on it (a shared case is read-only); a case held
// by one officer is taken, handed back or disposed of by someone else only by a supervisor.
import type { Decision } from '../../schemas/decision.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { type ClickHouseClient, insertRows } from '../storage/clickhouse.ts';
import { formatDateTime } from '../storage/sql.ts';
import { can, type Principal } from './access.ts';
import type { CaseRow } from './case-view.ts';
import { consignmentDocuments } from './consignment.ts';
import { caseStates } from './queue.ts';
import type { DispositionBody } from './request-schemas.ts';
import { randomToken } from './sessions.ts';
import type { UserDirectory } from './users.ts';

export interface ActionContext {
  client: ClickHouseClient;
  database: string;
  audit: AuditLog;
  users: UserDirectory;
  clock: { now(): Date };
}

/** A refusal with the HTTP status and reason the route returns. */
export class ActionRefused extends Error {
  constructor(
    readonly status: 403 | 400,
    message: string,
  ) {
    super(message);
  }
}

/** Strictly increasing milliseconds, so "latest row wins" never ties within this process. */
export function monotonicClock(clock: { now(): Date }): () => number {
  let last = 0;
  return () => {
    last = Math.max(last + 1, clock.now().getTime());
    return last;
  };
}

export function createCaseActions(ctx: ActionContext) {
  const nextMs = monotonicClock(ctx.clock);

  async function audited<T>(
    who: Principal,
    action: string,
    caseId: string,
    details: Record<string, unknown>,
    work: () => Promise<T>,
  ): Promise<T> {
    await ctx.audit.append({ actor: who.username, agency: who.agency, action, caseId, details });
    try {
      return await work();
    } catch (err) {
      await ctx.audit
        .append({ actor: who.username, agency: who.agency, action: `${action}.failed`, caseId, details: {} })
        .catch(() => {});
      throw err;
    }
  }

  /** The case's document and every other document of its consignment the agency owns. */
  async function consignmentOf(who: Principal, row: CaseRow) {
    const docs =
      (await consignmentDocuments(ctx.client, ctx.database, who.agency, [row.consignmentId]))
        .get(row.consignmentId)
        ?.filter((d) => d.own && d.messageId !== row.messageId) ?? [];
    return [
      {
        messageId: row.messageId,
        lane: row.lane,
        riskScore: row.riskScore,
        modelVersion: row.modelVersion,
        rulesVersion: row.rulesVersion,
        record: row.record,
      },
      ...docs,
    ];
  }

  /** Who holds the consignment: the holder of any of its documents other than `me` first, else me or ''. */
  async function holderOf(messageIds: readonly string[], me: string): Promise<string> {
    const holders = [...(await caseStates(ctx, messageIds)).values()].map((s) => s.assignee);
    return holders.find((h) => h !== '' && h !== me) ?? holders.find((h) => h !== '') ?? '';
  }

  return {
    /**
     * Assigns (or, with '', unassigns) the consignment: every document of it the agency owns, one
     * audit entry each. Officers assign only themselves; supervisors anyone of their agency.
     */
    async assign(
      who: Principal,
      row: CaseRow,
      requested: string | undefined,
    ): Promise<{ assignee: string; covered: string[] }> {
      const assignee = requested ?? who.username;
      const supervisor = can(who, 'case.assign.others');
      if (assignee !== '' && assignee !== who.username && !supervisor) {
        throw new ActionRefused(403, 'only a supervisor assigns cases to others');
      }
      const covered = await consignmentOf(who, row);
      const ids = covered.map((d) => d.messageId);
      if (!supervisor) {
        // An officer takes an unassigned case or hands back their own, never one another holds.
        const current = await holderOf(ids, who.username);
        if (current !== '' && current !== who.username) {
          throw new ActionRefused(
            403,
            `only a supervisor ${assignee === '' ? 'unassigns' : 'takes'} a case held by ${current}`,
          );
        }
      }
      if (assignee !== '' && assignee !== who.username) {
        const target = await ctx.users.get(assignee);
        if (
          target === null ||
          target.disabled ||
          target.agency !== who.agency ||
          !(target.role === 'officer' || target.role === 'supervisor')
        ) {
          throw new ActionRefused(400, `assignee: ${assignee} is not an active officer of ${who.agency}`);
        }
      }
      const ms = nextMs();
      const details = { assignee, consignmentId: row.consignmentId, covers: ids };
      for (const id of ids.slice(1))
        await ctx.audit.append({
          actor: who.username,
          agency: who.agency,
          action: 'case.assign',
          caseId: id,
          details,
        });
      await audited(who, 'case.assign', row.messageId, details, () =>
        insertRows(
          ctx.client,
          `${ctx.database}.assignments`,
          ids.map((messageId) => ({
            assignmentId: randomToken(),
            messageId,
            assignee,
            assigneeAgency: who.agency,
            assignedBy: who.username,
            assignedAt: formatDateTime(new Date(ms)),
            assignedAtMs: ms,
          })),
        ),
      );
      return { assignee, covered: ids };
    },

    /**
     * Records a disposition for the consignment: against this document and every other document of
     * its consignment the agency owns (manifest, declaration, amendments), one audit entry each.
     */
    async dispose(
      who: Principal,
      row: CaseRow,
      body: DispositionBody,
    ): Promise<{ disposition: string; covered: string[] }> {
      const covered = await consignmentOf(who, row);
      if (!can(who, 'case.assign.others')) {
        const current = await holderOf(
          covered.map((d) => d.messageId),
          who.username,
        );
        if (current !== '' && current !== who.username) {
          throw new ActionRefused(
            403,
            `this case is held by ${current}; only they or a supervisor decide it`,
          );
        }
      }
      const ms = nextMs();
      const details = (lane: string) => ({
        disposition: body.disposition,
        ...(body.disposition === 'SEIZED' ? { quantity: body.quantity, unit: body.unit } : {}),
        notes: body.notes,
        lane,
        consignmentId: row.consignmentId,
        covers: covered.map((d) => d.messageId),
      });
      const randomSelection = (record: string) => {
        try {
          const r = (JSON.parse(record) as Partial<Decision>).randomSelection;
          return typeof r === 'boolean' ? Number(r) : -1;
        } catch {
          return -1; // a record that does not parse still gets its disposition; randomSelection unknown
        }
      };
      // Audit entries first (no action without its entry), then one insert for every document.
      for (const d of covered.slice(1))
        await ctx.audit.append({
          actor: who.username,
          agency: who.agency,
          action: 'case.disposition',
          caseId: d.messageId,
          details: details(d.lane),
        });
      await audited(who, 'case.disposition', row.messageId, details(row.lane), () =>
        insertRows(
          ctx.client,
          `${ctx.database}.dispositions`,
          covered.map((d) => ({
            dispositionId: randomToken(),
            messageId: d.messageId,
            consignmentId: row.consignmentId,
            disposition: body.disposition,
            seizedQuantity: body.quantity ?? 0,
            seizedUnit: body.unit ?? '',
            notes: body.notes,
            actor: who.username,
            agency: who.agency,
            decidedAt: formatDateTime(new Date(ms)),
            decidedAtMs: ms,
            laneAtDecision: d.lane,
            riskScoreAtDecision: d.riskScore,
            modelVersionAtDecision: d.modelVersion,
            rulesVersionAtDecision: d.rulesVersion,
            randomSelection: randomSelection(d.record),
          })),
        ),
      );
      return { disposition: body.disposition, covered: covered.map((d) => d.messageId) };
    },
  };
}

export type CaseActions = ReturnType<typeof createCaseActions>;
