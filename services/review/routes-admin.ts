// User administration: an admin lists and changes the accounts of their own agency (each agency
// runs its own staff). Writes: review_users, audit entries (user.create, user.update).
// Guarantees: password hashes never leave the server; disabling a user or changing their role
// ends their sessions at once.
import type { FastifyInstance } from 'fastify';
import { HttpError } from './http-errors.ts';
import { userBodySchema } from './request-schemas.ts';
import { parse, principalOf, type ReviewDeps } from './route-support.ts';

export function registerAdminRoutes(app: FastifyInstance, deps: ReviewDeps) {
  app.get('/api/users', { config: { permission: 'users.admin' } }, async (request) => {
    const who = principalOf(request);
    return { users: await deps.users.list(who.agency) };
  });

  app.post('/api/users', { config: { permission: 'users.admin' } }, async (request) => {
    const who = principalOf(request);
    const body = parse(userBodySchema, request.body);
    if (body.agency !== who.agency) {
      throw new HttpError('FORBIDDEN', `an ${who.agency} administrator manages ${who.agency} accounts only`);
    }
    const existing = await deps.users.get(body.username);
    if (existing !== null && existing.agency !== who.agency) {
      throw new HttpError('FORBIDDEN', `${body.username} belongs to another agency`);
    }
    if (existing === null && body.password === undefined) {
      throw new HttpError('BAD_REQUEST', 'password: a new account needs a password');
    }
    if (body.username === who.username && (body.disabled || body.role !== 'admin')) {
      throw new HttpError('BAD_REQUEST', 'an administrator cannot disable or demote their own account');
    }
    await deps.audit.append({
      actor: who.username,
      agency: who.agency,
      action: existing === null ? 'user.create' : 'user.update',
      details: {
        username: body.username,
        role: body.role,
        disabled: body.disabled,
        passwordChanged: body.password !== undefined,
      },
    });
    const user = await deps.users.upsert(body, who.username);
    if (existing !== null && (body.disabled || existing.role !== body.role || body.password !== undefined)) {
      await deps.sessions.destroyForUser(body.username);
    }
    return { user };
  });
}
