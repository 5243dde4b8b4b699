// The officers' review web app (docs/review-app.md). `buildReviewApp` builds it (tests use
// `app.inject()`, no port); `startReviewServer` listens on REVIEW_HOST:REVIEW_PORT. Reads ClickHouse
// (decisions and the review tables), writes assignments, dispositions, users and the audit log.
// Guarantees: every route declares `public` or a permission (refused at start-up otherwise); the
// session, CSRF and role checks run in one hook before any handler; errors never carry SQL text.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  LogController,
} from 'fastify';
import { type AuditLog, createAuditLog } from '../audit/audit-log.ts';
import type { ReviewConfig } from '../common/config.ts';
import { PrecursorRiskError } from '../common/errors.ts';
import type { Logger } from '../common/logger.ts';
import { type LanePolicy, loadLanePolicy } from '../scoring/lane-policy.ts';
import type { SharingService } from '../sharing/service.ts';
import type { ClickHouseClient } from '../storage/clickhouse.ts';
import { can, type Permission } from './access.ts';
import { createCaseActions } from './actions.ts';
import { type Authenticator, createLocalAuthenticator } from './authenticator.ts';
import { type DriftStatusProvider, noDriftData } from './dashboard.ts';
import { errorBody, HttpError, REVIEW_ERRORS, type ReviewErrorCode } from './http-errors.ts';
import { createLoginThrottle, type LoginThrottle } from './login-throttle.ts';
import { type Clock, CSRF_COOKIE, CSRF_HEADER, type ReviewDeps, SESSION_COOKIE } from './route-support.ts';
import { registerAdminRoutes } from './routes-admin.ts';
import { registerAuthRoutes } from './routes-auth.ts';
import { registerCaseRoutes } from './routes-cases.ts';
import { registerInsightRoutes } from './routes-insights.ts';
import { registerReceivedRoutes, registerSharing } from './routes-sharing.ts';
import { createMemorySessionStore, type Session, type SessionStore } from './sessions.ts';
import { createUserDirectory, type UserDirectory } from './users.ts';

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));
/** How often a session's principal is re-checked against the directory (disabled, role changed). */
const REVALIDATE_MS = 60_000;

export interface RouteAccess {
  method: string;
  url: string;
  access?: 'public' | 'session';
  permission?: Permission;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with what it requires (tests check each one; docs list them). */
    reviewRoutes: readonly RouteAccess[];
  }
  interface FastifyRequest {
    reviewSession: Session | null;
  }
  interface FastifyContextConfig {
    /** 'public': no session needed; 'session': any signed-in role. Else `permission` is required. */
    access?: 'public' | 'session';
    permission?: Permission;
  }
}

export interface ReviewAppOptions {
  config: ReviewConfig;
  clickhouse: ClickHouseClient;
  /** Defaults to config.CLICKHOUSE_DATABASE. */
  database?: string;
  logger: Logger;
  /** Defaults to local accounts in review_users. */
  auth?: Authenticator;
  audit?: AuditLog;
  clock?: Clock;
  users?: UserDirectory;
  sessions?: SessionStore;
  throttle?: LoginThrottle;
  drift?: DriftStatusProvider;
  /** The lane policy whose expected shares the dashboard shows (default: LANE_POLICY_FILE or models/lanes.yaml, read per request). */
  lanePolicy?: () => LanePolicy | undefined;
  /** Mark cookies Secure and send HSTS (default config.SECURE_COOKIES; set when served over https). */
  secureCookies?: boolean;
  /** How often the queue page polls for new cases (ms). */
  pollIntervalMs?: number;
  /**
   * Partner sharing (docs/sharing.md): one agency's service, or one per agency this app serves.
   * Build them with THIS app's audit log (pass the same `audit` here): one writer per database.
   */
  sharing?: SharingService | readonly SharingService[];
}

/** The lane policy on disk, or undefined when it cannot be read (the dashboard then shows no expectation). */
function currentLanePolicy(file: string | undefined): LanePolicy | undefined {
  try {
    return loadLanePolicy(file);
  } catch {
    return undefined;
  }
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

function loadPublicFiles(): Map<string, { body: Buffer; type: string; etag: string }> {
  const files = new Map<string, { body: Buffer; type: string; etag: string }>();
  for (const entry of readdirSync(PUBLIC_DIR, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const type = CONTENT_TYPES[path.extname(entry.name)];
    if (type === undefined) continue;
    const body = readFileSync(full);
    const rel = path.relative(PUBLIC_DIR, full).split(path.sep).join('/');
    files.set(`/${rel}`, {
      body,
      type,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
    });
  }
  return files;
}

function sendError(
  reply: FastifyReply,
  code: ReviewErrorCode,
  message: string,
  headers: Record<string, string> = {},
) {
  for (const [k, v] of Object.entries(headers)) reply.header(k, v);
  return reply.code(REVIEW_ERRORS[code].status).send(errorBody(code, message));
}

export async function buildReviewApp(opts: ReviewAppOptions): Promise<FastifyInstance> {
  const database = opts.database ?? opts.config.CLICKHOUSE_DATABASE;
  const clock = opts.clock ?? { now: () => new Date() };
  const logger = opts.logger.child({ component: 'review-app' });
  const client = opts.clickhouse;
  const users = opts.users ?? createUserDirectory({ client, database, clock });
  const audit = opts.audit ?? createAuditLog({ client, database, logger, clock });
  const deps: ReviewDeps = {
    client,
    database,
    logger,
    auth: opts.auth ?? createLocalAuthenticator(users),
    audit,
    clock,
    users,
    sessions: opts.sessions ?? createMemorySessionStore({ clock }),
    throttle: opts.throttle ?? createLoginThrottle({ client, database, clock }),
    drift: opts.drift ?? noDriftData,
    lanePolicy: opts.lanePolicy ?? (() => currentLanePolicy(opts.config.LANE_POLICY_FILE)),
    actions: createCaseActions({ client, database, audit, users, clock }),
    cookieOptions: {
      path: '/',
      sameSite: 'strict',
      secure: opts.secureCookies ?? opts.config.SECURE_COOKIES,
    },
    pollIntervalMs: opts.pollIntervalMs ?? 10_000,
    sharing:
      opts.sharing === undefined
        ? []
        : Array.isArray(opts.sharing)
          ? (opts.sharing as readonly SharingService[])
          : [opts.sharing as SharingService],
  };

  const app: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Normal operation logs nothing per request; failures are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    trustProxy: false,
    return503OnClosing: true,
    // Path parameters (case ids) are bounded by zod (128); the router's own limit must not answer first.
    routerOptions: { maxParamLength: 512 },
    // Errors the router raises before any route (bad URL encoding, too long): same body shape as ours.
    frameworkErrors: (err, _request, reply) => {
      sendError(reply as FastifyReply, 'BAD_REQUEST', err.message.split('\n')[0] ?? 'bad request');
    },
  });

  app.decorateRequest('reviewSession', null);
  const routeTable: RouteAccess[] = [];
  app.decorate('reviewRoutes', routeTable);

  // Every route must say who may call it; a forgotten declaration fails at start-up, not in production.
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { access?: 'public' | 'session'; permission?: Permission };
    if (config.access === undefined && config.permission === undefined) {
      throw new Error(`review route ${route.method} ${route.url} declares neither access nor a permission`);
    }
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      routeTable.push({ method, url: route.url, ...config });
    }
  });

  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Only behind TLS: HSTS over plain http would be ignored at best and pin a wrong scheme at worst.
    hsts: deps.cookieOptions.secure ? { maxAge: opts.config.HSTS_MAX_AGE, includeSubDomains: true } : false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    if (request.url.startsWith('/api/')) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  // Session → authentication → CSRF → role, in that order, for every route, before the body is read.
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return; // unknown route: the not-found handler answers 404, whoever asks
    const config = request.routeOptions.config;
    const sessionId = request.cookies[SESSION_COOKIE];
    let session = sessionId ? await deps.sessions.get(sessionId) : null;
    if (session !== null && clock.now().getTime() - (session.validatedAtMs ?? 0) > REVALIDATE_MS) {
      if (await deps.auth.stillValid(session.principal)) session.validatedAtMs = clock.now().getTime();
      else {
        await deps.sessions.destroy(session.id);
        session = null;
      }
    }
    request.reviewSession = session;
    if (config.access !== 'public' && session === null) {
      return sendError(reply, 'UNAUTHENTICATED', REVIEW_ERRORS.UNAUTHENTICATED.summary);
    }
    if (STATE_CHANGING.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      const cookieToken = request.cookies[CSRF_COOKIE];
      const expected = session?.csrfToken ?? cookieToken;
      if (typeof header !== 'string' || header === '' || header !== cookieToken || header !== expected) {
        return sendError(reply, 'CSRF_FAILED', REVIEW_ERRORS.CSRF_FAILED.summary);
      }
    }
    if (config.permission !== undefined && session !== null && !can(session.principal, config.permission)) {
      return sendError(
        reply,
        'FORBIDDEN',
        `the ${session.principal.role} role does not allow ${config.permission}`,
      );
    }
  });

  app.setErrorHandler((err, request, reply) => {
    if (err instanceof HttpError) return sendError(reply, err.code, err.message, err.headers);
    const e = err as { statusCode?: number; code?: string; message?: string };
    if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendError(reply, 'UNSUPPORTED_MEDIA_TYPE', REVIEW_ERRORS.UNSUPPORTED_MEDIA_TYPE.summary);
    }
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      // Fastify's own 4xx (malformed JSON, body too large): its message names the problem, not our SQL.
      return reply.code(e.statusCode).send(errorBody('BAD_REQUEST', e.message ?? 'bad request'));
    }
    if (err instanceof PrecursorRiskError && err.retriable) {
      request.log.warn({ err, url: request.routeOptions.url }, 'review store unavailable');
      return sendError(reply, 'STORE_UNAVAILABLE', REVIEW_ERRORS.STORE_UNAVAILABLE.summary);
    }
    request.log.error({ err, url: request.routeOptions.url }, 'review request failed');
    return sendError(reply, 'INTERNAL', REVIEW_ERRORS.INTERNAL.summary);
  });

  app.setNotFoundHandler((_request, reply) => sendError(reply, 'NOT_FOUND', 'no such route'));

  const files = loadPublicFiles();
  const index = files.get('/index.html');
  for (const [url, file] of files) {
    const routes = url === '/index.html' ? ['/'] : [url];
    for (const route of routes) {
      app.get(route, { config: { access: 'public' } }, async (request, reply) => {
        reply.header('Content-Type', file.type).header('Cache-Control', 'no-cache').header('ETag', file.etag);
        if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
        return reply.send(file.body);
      });
    }
  }
  if (index === undefined) throw new Error(`review front end missing: ${PUBLIC_DIR}index.html`);

  app.get('/healthz', { config: { access: 'public' } }, async () => ({ ok: true }));

  registerAuthRoutes(app, deps);
  registerCaseRoutes(app, deps);
  registerInsightRoutes(app, deps);
  registerAdminRoutes(app, deps);
  registerReceivedRoutes(app, deps);
  await registerSharing(app, deps);
  return app;
}

export interface StartReviewOptions extends ReviewAppOptions {
  host?: string;
  port?: number;
}

/** Builds and listens (REVIEW_HOST:REVIEW_PORT unless given; port 0 picks a free one). */
export async function startReviewServer(
  opts: StartReviewOptions,
): Promise<{ app: FastifyInstance; url: string; close(): Promise<void> }> {
  const app = await buildReviewApp(opts);
  const host = opts.host ?? opts.config.REVIEW_HOST;
  const address = await app.listen({ host, port: opts.port ?? opts.config.REVIEW_PORT });
  return { app, url: address, close: () => app.close() };
}
