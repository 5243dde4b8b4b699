// Queue, case view and case actions. Reads: decisions and the review tables through queue.ts and
// case-view.ts. Writes: audit entries for every case view (allowed or denied) and every action.
// Guarantees: a case the caller's agency may not read (visibility.ts) answers exactly as a missing
// one, 404, and the refusal is audited; a partner's shared case is shown only as its package.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from './access.ts';
import { ActionRefused } from './actions.ts';
import { buildCaseView, type CaseLookup, type CaseRow, lookupCase } from './case-view.ts';
import { HttpError } from './http-errors.ts';
import { BadCursorError, newCasesSince, queuePage } from './queue.ts';
import { receivedCase } from './received.ts';
import {
  assignBodySchema,
  caseIdSchema,
  dispositionBodySchema,
  newCasesQuerySchema,
  queueQuerySchema,
} from './request-schemas.ts';
import { parse, principalOf, type ReviewDeps } from './route-support.ts';

export function registerCaseRoutes(app: FastifyInstance, deps: ReviewDeps) {
  const ctx = { client: deps.client, database: deps.database };

  app.get('/api/queue', { config: { permission: 'queue.read' } }, async (request) => {
    const who = principalOf(request);
    const filters = parse(queueQuerySchema, request.query);
    try {
      return {
        ...(await queuePage(ctx, who.agency, filters, who.username)),
        pollIntervalMs: deps.pollIntervalMs,
      };
    } catch (err) {
      if (err instanceof BadCursorError) throw new HttpError('BAD_REQUEST', err.message);
      throw err;
    }
  });

  app.get('/api/queue/new', { config: { permission: 'queue.read' } }, async (request) => {
    const who = principalOf(request);
    const { since, ...rest } = (request.query ?? {}) as Record<string, unknown>;
    const { since: sinceMs } = parse(newCasesQuerySchema, { since });
    const filters = parse(queueQuerySchema, rest);
    return newCasesSince(ctx, who.agency, { ...filters, cursor: undefined }, who.username, sinceMs);
  });

  /** The case if the caller's agency may read it; a hidden case is audited and answers as a missing one. */
  async function caseFor(
    request: FastifyRequest,
    who: Principal,
    act: boolean,
    looked?: CaseLookup,
  ): Promise<{ access: 'own'; row: CaseRow }> {
    const { id } = parse(caseIdSchema, request.params);
    const found = looked ?? (await lookupCase(deps.client, deps.database, who.agency, id));
    if (found.kind === 'hidden') {
      await deps.audit.append({
        actor: who.username,
        agency: who.agency,
        action: act ? 'case.action.denied' : 'case.view.denied',
        caseId: id,
        details: { route: request.routeOptions.url },
      });
    }
    if (found.kind !== 'found') throw new HttpError('NOT_FOUND', 'no such case');
    return found;
  }

  app.get('/api/cases/:id', { config: { permission: 'case.read' } }, async (request) => {
    const who = principalOf(request);
    const { id } = parse(caseIdSchema, request.params);
    const looked = await lookupCase(deps.client, deps.database, who.agency, id);
    if (looked.kind !== 'found') {
      // A case a partner shared with this agency: built only from what the partner sent (received_cases),
      // never from a local decision of the same id (docs/sharing.md §5).
      const received = await receivedCase(ctx, who.agency, id);
      if (received !== undefined) {
        await deps.audit.append({
          actor: who.username,
          agency: who.agency,
          action: 'case.view',
          caseId: received.messageId,
          details: { access: 'received', shareId: received.shareId, from: received.fromAgency },
        });
        const history = (await deps.audit.forCase(received.messageId)).filter((e) => e.agency === who.agency);
        return {
          access: 'received' as const,
          ...received,
          history,
          outcomeEnabled: deps.sharing.some((s) => s.agencyId === who.agency),
        };
      }
    }
    const found = await caseFor(request, who, false, looked);
    await deps.audit.append({
      actor: who.username,
      agency: who.agency,
      action: 'case.view',
      caseId: found.row.messageId,
      details: { access: found.access },
    });
    const history = await deps.audit.forCase(found.row.messageId);
    return buildCaseView(deps.client, deps.database, who.agency, found, history);
  });

  app.post('/api/cases/:id/assign', { config: { permission: 'case.assign.self' } }, async (request) => {
    const who = principalOf(request);
    const { row } = await caseFor(request, who, true);
    const body = parse(assignBodySchema, request.body);
    try {
      return await deps.actions.assign(who, row, body.assignee);
    } catch (err) {
      if (err instanceof ActionRefused)
        throw new HttpError(err.status === 403 ? 'FORBIDDEN' : 'BAD_REQUEST', err.message);
      throw err;
    }
  });

  app.post('/api/cases/:id/disposition', { config: { permission: 'case.disposition' } }, async (request) => {
    const who = principalOf(request);
    const { row } = await caseFor(request, who, true);
    const body = parse(dispositionBodySchema, request.body);
    try {
      return await deps.actions.dispose(who, row, body);
    } catch (err) {
      if (err instanceof ActionRefused)
        throw new HttpError(err.status === 403 ? 'FORBIDDEN' : 'BAD_REQUEST', err.message);
      throw err;
    }
  });

  app.get('/api/assignees', { config: { permission: 'case.assign.others' } }, async (request) => {
    const who = principalOf(request);
    const users = await deps.users.list(who.agency);
    return {
      assignees: users
        .filter((u) => !u.disabled && (u.role === 'officer' || u.role === 'supervisor'))
        .map((u) => ({ username: u.username, displayName: u.displayName })),
    };
  });
}
