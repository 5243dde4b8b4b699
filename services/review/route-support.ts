// What the review app's route modules share: the dependencies resolved once by `buildReviewApp`, the
// cookie names, and the request helpers. Its own module so that app.ts imports the routes and the
// routes import this, never app.ts (no import cycle).

import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Logger } from '../common/logger.ts';
import type { LanePolicy } from '../scoring/lane-policy.ts';
import type { SharingService } from '../sharing/service.ts';
import type { ClickHouseClient } from '../storage/clickhouse.ts';
import type { createCaseActions } from './actions.ts';
import type { Authenticator } from './authenticator.ts';
import type { DriftStatusProvider } from './dashboard.ts';
import { HttpError } from './http-errors.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { describeIssue } from './request-schemas.ts';
import type { SessionStore } from './sessions.ts';
import type { UserDirectory } from './users.ts';

export const SESSION_COOKIE = 'pr_session';
export const CSRF_COOKIE = 'pr_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export interface Clock {
  now(): Date;
}

/** Everything route modules need, resolved once. */
export interface ReviewDeps {
  client: ClickHouseClient;
  database: string;
  logger: Logger;
  auth: Authenticator;
  audit: AuditLog;
  clock: Clock;
  users: UserDirectory;
  sessions: SessionStore;
  throttle: LoginThrottle;
  drift: DriftStatusProvider;
  lanePolicy: () => LanePolicy | undefined;
  actions: ReturnType<typeof createCaseActions>;
  cookieOptions: { path: string; sameSite: 'strict'; secure: boolean };
  pollIntervalMs: number;
  /** Sharing services by agency (empty: sharing off; received cases are still shown read-only). */
  sharing: readonly SharingService[];
}

/** Parses with a zod schema or answers 400 naming the field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw new HttpError('BAD_REQUEST', describeIssue(result.error));
  return result.data;
}

/** The principal of a route that required a permission (the hook guarantees a session). */
export function principalOf(request: FastifyRequest) {
  const session = request.reviewSession;
  if (session === null) throw new HttpError('UNAUTHENTICATED');
  return session.principal;
}
