// Sign-in, sign-out and "who am I": the only routes that create or end sessions.
// Writes: sessions, cookies, audit entries (auth.login, auth.login.failed, auth.logout).
// Guarantees: every sign-in is counted (login-throttle.ts) before its password is checked, per address
// and per name, across review processes; the reply never says whether the name or the password was wrong.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { permissionsOf } from './access.ts';
import { HttpError } from './http-errors.ts';
import { loginBodySchema } from './request-schemas.ts';
import { CSRF_COOKIE, parse, type ReviewDeps, SESSION_COOKIE } from './route-support.ts';
import { randomToken, type Session } from './sessions.ts';

function setSessionCookies(reply: FastifyReply, deps: ReviewDeps, session: Session) {
  reply.setCookie(SESSION_COOKIE, session.id, { ...deps.cookieOptions, httpOnly: true });
  // Readable by the page's script, which echoes it in X-CSRF-Token (double submit).
  reply.setCookie(CSRF_COOKIE, session.csrfToken, { ...deps.cookieOptions, httpOnly: false });
}

export function registerAuthRoutes(app: FastifyInstance, deps: ReviewDeps) {
  app.get('/api/session', { config: { access: 'public' } }, async (request, reply) => {
    const session = request.reviewSession;
    if (session === null) {
      // A pre-session token, so the sign-in POST itself carries a double-submitted token.
      const token = request.cookies[CSRF_COOKIE] ?? randomToken();
      reply.setCookie(CSRF_COOKIE, token, { ...deps.cookieOptions, httpOnly: false });
      return { authenticated: false, authKind: deps.auth.kind, csrfToken: token };
    }
    setSessionCookies(reply, deps, session);
    return {
      authenticated: true,
      authKind: deps.auth.kind,
      csrfToken: session.csrfToken,
      user: session.principal,
      permissions: permissionsOf(session.principal.role),
      pollIntervalMs: deps.pollIntervalMs,
      /** Whether a sharing service serves this user's agency here (liaison flow, outcomes). */
      sharing: deps.sharing.some((s) => s.agencyId === session.principal.agency),
    };
  });

  app.post('/api/login', { config: { access: 'public' } }, async (request, reply) => {
    const body = parse(loginBodySchema, request.body);
    const username = body.username.trim().toLowerCase();
    if (deps.auth.passwordLogin === undefined) {
      throw new HttpError('BAD_REQUEST', `sign-in is through ${deps.auth.kind}, not a password`);
    }
    // Counted before the password is checked: simultaneous attempts cannot overrun the limit.
    const verdict = await deps.throttle.begin(request.ip, username);
    if (!verdict.ok) {
      throw new HttpError('RATE_LIMITED', `too many failed sign-ins; try again in ${verdict.retryAfter} s`, {
        'Retry-After': String(verdict.retryAfter),
      });
    }
    const principal = await deps.auth.passwordLogin(username, body.password);
    if (principal === null) {
      await deps.audit.append({
        actor: username.slice(0, 64),
        agency: '',
        action: 'auth.login.failed',
        details: { ip: request.ip },
      });
      throw new HttpError('LOGIN_FAILED', 'user name or password not recognised');
    }
    await deps.throttle.succeeded(verdict.attemptId, request.ip, username);
    const previous = request.reviewSession;
    if (previous !== null) await deps.sessions.destroy(previous.id);
    const session = await deps.sessions.create(principal);
    await deps.audit.append({
      actor: principal.username,
      agency: principal.agency,
      action: 'auth.login',
      details: { ip: request.ip, role: principal.role },
    });
    setSessionCookies(reply, deps, session);
    return {
      authenticated: true,
      authKind: deps.auth.kind,
      csrfToken: session.csrfToken,
      user: principal,
      permissions: permissionsOf(principal.role),
      pollIntervalMs: deps.pollIntervalMs,
      sharing: deps.sharing.some((s) => s.agencyId === principal.agency),
    };
  });

  app.post('/api/logout', { config: { access: 'session' } }, async (request, reply) => {
    const session = request.reviewSession!;
    await deps.sessions.destroy(session.id);
    await deps.audit.append({
      actor: session.principal.username,
      agency: session.principal.agency,
      action: 'auth.logout',
    });
    reply.clearCookie(SESSION_COOKIE, deps.cookieOptions);
    reply.clearCookie(CSRF_COOKIE, deps.cookieOptions);
    return { authenticated: false };
  });
}
