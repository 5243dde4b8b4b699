// HTTP routes of the liaison flow, for the review app to mount: `await registerSharingRoutes(app,
// { service })` or `app.register(registerSharingRoutes, { service })`. Reads: the signed-in user
// ({ username, role, agency }), by default from `request.user` as set by the app's authentication.
// Guarantees: every route checks role (liaison; supervisor may also report outcomes) and that the
// user belongs to this agency; bodies are parsed with zod (400 naming the field); sharing errors map
// to their catalogue status; every route declares its access in `config` (the review app refuses
// routes that do not); nothing is logged per request.
import type {
  FastifyBaseLogger,
  FastifyContextConfig,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerBase,
  RawServerDefault,
} from 'fastify';
import { z } from 'zod';
import { agencyIdSchema } from './agreements.ts';
import { SharingError } from './errors.ts';
import type { SentPackage, SharingService } from './service.ts';
import { OUTCOME_DISPOSITIONS } from './stix-package.ts';
import { TLP_LEVELS } from './tlp.ts';

export interface SharingRoutesOptions {
  /** One agency's service, or several (a process serving both demo agencies): chosen by the user's agency. */
  service: SharingService | readonly SharingService[];
  /** Where the signed-in user is (default `request.user`). */
  principalOf?: (request: unknown) => unknown;
  /** Route `config` of the liaison routes (default `{ permission: 'sharing' }`, the review app's). */
  liaisonRouteConfig?: Record<string, unknown>;
  /** Route `config` of POST /api/sharing/outcome (default `{ access: 'session' }`: role checked here). */
  outcomeRouteConfig?: Record<string, unknown>;
  /** Roles that may report an outcome of a received case (default liaison and supervisor). */
  outcomeRoles?: readonly string[];
  /** Error body shape (default `{ error: code, message }`); the review app uses its own `{ error: { code, message } }`. */
  errorBody?: (code: string, message: string) => unknown;
}

const userSchema = z
  .object({ username: z.string().min(1), role: z.string().min(1), agency: z.string().min(1) })
  .loose();
type User = z.infer<typeof userSchema>;

const messageIds = z.array(z.string().trim().min(1).max(128)).min(1).max(50);
const tlp = z.enum(TLP_LEVELS).optional();

export const previewBodySchema = z.object({ messageIds, partner: agencyIdSchema, tlp }).strict();
export const shareBodySchema = z
  .object({
    messageIds,
    partner: agencyIdSchema,
    tlp,
    /** messageId → contentSha256 from the preview the officer approved. */
    expectedContent: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)).optional(),
  })
  .strict();
export const updateBodySchema = z.object({ tlp }).strict();
export const revokeBodySchema = z.object({ reason: z.string().trim().min(1).max(2000) }).strict();
export const outcomeBodySchema = z
  .object({
    shareId: z.uuid(),
    disposition: z.enum(OUTCOME_DISPOSITIONS),
    decidedAt: z.iso.datetime().optional(),
  })
  .strict();
const shareIdParams = z.object({ shareId: z.uuid() }).strict();

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new HttpProblem(400, 'BAD_REQUEST', `${issue.path.join('.') || 'body'}: ${issue.message}`);
}

const defaultPrincipal = (request: unknown) => (request as { user?: unknown }).user;

function userOf(
  principal: unknown,
  services: readonly SharingService[],
  roles: readonly string[],
): { user: User; service: SharingService } {
  const parsed = userSchema.safeParse(principal);
  if (!parsed.success) throw new HttpProblem(401, 'UNAUTHENTICATED', 'sign in first');
  const user = parsed.data;
  if (!roles.includes(user.role)) {
    throw new HttpProblem(
      403,
      'FORBIDDEN',
      `role ${user.role} may not do this (needs ${roles.join(' or ')})`,
    );
  }
  const service = services.find((s) => s.agencyId === user.agency);
  if (service === undefined) {
    throw new HttpProblem(
      403,
      'FORBIDDEN',
      `this sharing service acts for ${services.map((s) => s.agencyId).join(', ')}, not ${user.agency}`,
    );
  }
  return { user, service };
}

function summary(p: SentPackage) {
  return {
    shareId: p.shareId,
    caseId: p.caseId,
    messageId: p.messageId,
    partner: p.partner,
    kind: p.kind,
    version: p.version,
    bundleId: p.bundleId,
    bundleSha256: p.bundleSha256,
  };
}

interface Reply {
  code(status: number): { send(body: unknown): unknown };
}

const defaultErrorBody = (code: string, message: string) => ({ error: code, message });

async function answer(
  reply: Reply,
  status: number,
  work: () => Promise<unknown>,
  errorBody: (code: string, message: string) => unknown,
): Promise<unknown> {
  try {
    const body = await work();
    return reply.code(status).send(body);
  } catch (err) {
    if (err instanceof HttpProblem) return reply.code(err.status).send(errorBody(err.code, err.message));
    if (err instanceof SharingError) return reply.code(err.status).send(errorBody(err.code, err.message));
    throw err; // fastify's error handler logs it under `err` and answers 500
  }
}

const LIAISON = ['liaison'] as const;
const OUTCOME_ROLES = ['liaison', 'supervisor'] as const;

interface RequestParts {
  body: unknown;
  params: unknown;
}

/** Generic over server and logger, so an app built with its own pino logger can mount it. */
export async function registerSharingRoutes<
  S extends RawServerBase = RawServerDefault,
  L extends FastifyBaseLogger = FastifyBaseLogger,
>(
  app: FastifyInstance<S, RawRequestDefaultExpression<S>, RawReplyDefaultExpression<S>, L>,
  opts: SharingRoutesOptions,
) {
  const services: readonly SharingService[] = Array.isArray(opts.service)
    ? (opts.service as readonly SharingService[])
    : [opts.service as SharingService];
  const principalOf = opts.principalOf ?? defaultPrincipal;
  const liaison = { config: (opts.liaisonRouteConfig ?? { permission: 'sharing' }) as FastifyContextConfig };
  const outcome = { config: (opts.outcomeRouteConfig ?? { access: 'session' }) as FastifyContextConfig };
  const outcomeRoles = opts.outcomeRoles ?? OUTCOME_ROLES;
  const errorBody = opts.errorBody ?? defaultErrorBody;
  const user = (request: unknown, roles: readonly string[]) => userOf(principalOf(request), services, roles);
  const answerWith = (reply: Reply, status: number, work: () => Promise<unknown>) =>
    answer(reply, status, work, errorBody);

  app.post('/api/sharing/preview', liaison, (request: RequestParts, reply) =>
    answerWith(reply, 200, async () => {
      const { user: u, service } = user(request, LIAISON);
      const body = parse(previewBodySchema, request.body);
      const previews = await service.previewShare(body.messageIds, body.partner, {
        actor: u.username,
        ...(body.tlp ? { tlp: body.tlp } : {}),
      });
      return { previews };
    }),
  );

  app.post('/api/sharing/share', liaison, (request: RequestParts, reply) =>
    answerWith(reply, 201, async () => {
      const { user: u, service } = user(request, LIAISON);
      const body = parse(shareBodySchema, request.body);
      const sent = await service.share(body.messageIds, body.partner, {
        actor: u.username,
        ...(body.tlp ? { tlp: body.tlp } : {}),
        ...(body.expectedContent ? { expectedContent: body.expectedContent } : {}),
      });
      return { shares: sent.map(summary) };
    }),
  );

  app.post('/api/sharing/:shareId/update', liaison, (request: RequestParts, reply) =>
    answerWith(reply, 200, async () => {
      const { user: u, service } = user(request, LIAISON);
      const { shareId } = parse(shareIdParams, request.params);
      const body = parse(updateBodySchema, request.body);
      return summary(
        await service.update(shareId, { actor: u.username, ...(body.tlp ? { tlp: body.tlp } : {}) }),
      );
    }),
  );

  app.post('/api/sharing/:shareId/revoke', liaison, (request: RequestParts, reply) =>
    answerWith(reply, 200, async () => {
      const { user: u, service } = user(request, LIAISON);
      const { shareId } = parse(shareIdParams, request.params);
      const body = parse(revokeBodySchema, request.body);
      return summary(await service.revoke(shareId, { actor: u.username, reason: body.reason }));
    }),
  );

  app.post('/api/sharing/outcome', outcome, (request: RequestParts, reply) =>
    answerWith(reply, 201, async () => {
      const { user: u, service } = user(request, outcomeRoles);
      const body = parse(outcomeBodySchema, request.body);
      return summary(
        await service.recordOutcome({
          shareId: body.shareId,
          disposition: body.disposition,
          actor: u.username,
          ...(body.decidedAt ? { decidedAt: new Date(body.decidedAt) } : {}),
        }),
      );
    }),
  );

  app.get('/api/sharing/shares', liaison, (request, reply) =>
    answerWith(reply, 200, async () => {
      const { service } = user(request, LIAISON);
      return { agency: service.agencyId, shares: await service.listShares() };
    }),
  );

  app.get('/api/sharing/partners', liaison, (request, reply) =>
    answerWith(reply, 200, async () => {
      const { service } = user(request, LIAISON);
      return { agency: service.agencyId, partners: service.partners() };
    }),
  );
}
