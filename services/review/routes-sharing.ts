// Partner sharing in the review app: the liaison routes of services/sharing (preview, share, update,
// revoke, outcome, shares, partners) mounted with the app's session and access hook, and the list of
// cases partners shared with the caller's agency (GET /api/received; one opens through
// GET /api/cases/:id, see routes-cases.ts). Reads: received_cases, case_shares, sharing_messages.
// Writes: nothing itself; the sharing service writes through the app's own audit log (one writer
// per database). Guarantees: every route declares its access; errors keep the app's body shape.
import type { FastifyInstance } from 'fastify';
import { registerSharingRoutes } from '../sharing/routes.ts';
import { receivedCases } from './received.ts';
import { queueQuerySchema } from './request-schemas.ts';
import { parse, principalOf, type ReviewDeps } from './route-support.ts';

/** Roles of the receiving agency that may report what they did with a received case. */
export const OUTCOME_ROLES = ['officer', 'supervisor', 'liaison'] as const;

export function registerReceivedRoutes(app: FastifyInstance, deps: ReviewDeps) {
  const ctx = { client: deps.client, database: deps.database };

  app.get('/api/received', { config: { permission: 'queue.read' } }, async (request) => {
    const who = principalOf(request);
    const filters = parse(queueQuerySchema, request.query);
    const items = await receivedCases(ctx, who.agency, filters);
    return { items, total: items.length };
  });
}

/** Mounts the liaison routes when this app runs a sharing service (none: they answer 404). */
export async function registerSharing(app: FastifyInstance, deps: ReviewDeps) {
  if (deps.sharing.length === 0) return;
  await registerSharingRoutes(app, {
    service: deps.sharing,
    principalOf: (request) =>
      (request as { reviewSession?: { principal?: unknown } | null }).reviewSession?.principal,
    liaisonRouteConfig: { permission: 'sharing' },
    outcomeRouteConfig: { access: 'session' },
    outcomeRoles: OUTCOME_ROLES,
    errorBody: (code, message) => ({ error: { code, message } }),
  });
}
