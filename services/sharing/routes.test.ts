import Fastify from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SharingError } from './errors.ts';
import { registerSharingRoutes } from './routes.ts';
import type { SentPackage, SharingService } from './service.ts';

const SHARE = '0f8fad5b-d9cb-569f-a165-70867728950e';
const sent = (kind: SentPackage['kind'], version: number): SentPackage => ({
  shareId: SHARE,
  caseId: 'CBSA:m-1',
  messageId: 'm-1',
  partner: 'CBIC',
  kind,
  version,
  bundleId: 'bundle--x',
  bundleSha256: 'f'.repeat(64),
  channel: 'kafka',
  envelope: {} as SentPackage['envelope'],
});

/** Records calls; answers like the real service would for the happy path. */
function fakeService(): SharingService & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  const service = {
    calls,
    agencyId: 'CBSA',
    keyId: 'ed25519-x',
    inboundTopic: 'partner.cbsa.cases.v1',
    async previewShare(...args: unknown[]) {
      calls.push(['preview', ...args]);
      return [];
    },
    async share(...args: unknown[]) {
      calls.push(['share', ...args]);
      if ((args[0] as string[])[0] === 'shared-already')
        throw new SharingError('ALREADY_SHARED', 'already shared');
      return [sent('CASE', 1)];
    },
    async update(...args: unknown[]) {
      calls.push(['update', ...args]);
      return sent('UPDATE', 2);
    },
    async revoke(...args: unknown[]) {
      calls.push(['revoke', ...args]);
      return sent('REVOKE', 3);
    },
    async recordOutcome(...args: unknown[]) {
      calls.push(['outcome', ...args]);
      return sent('OUTCOME', 1);
    },
    async listShares() {
      return [];
    },
    partners() {
      return [{ agency: 'CBIC', name: 'CBIC', agreementId: 'ca-in-cmaa', title: 't', terms: {} }];
    },
  };
  return service as unknown as SharingService & { calls: unknown[][] };
}

/** Like the review app: its own pino logger; authentication sets request.user (here from a header). */
async function appWith(service: SharingService) {
  const app = Fastify({ loggerInstance: pino({ level: 'silent' }) });
  app.addHook('onRequest', async (request) => {
    const h = request.headers['x-test-user'];
    if (typeof h === 'string') (request as unknown as { user: unknown }).user = JSON.parse(h);
  });
  await app.register(registerSharingRoutes, { service });
  return app;
}

const as = (role: string, agency = 'CBSA') => ({
  'x-test-user': JSON.stringify({ username: `${role}.1`, role, agency }),
});

describe('sharing routes', () => {
  it('lets a liaison officer preview and share, as themselves', async () => {
    const service = fakeService();
    const app = await appWith(service);
    const preview = await app.inject({
      method: 'POST',
      url: '/api/sharing/preview',
      headers: as('liaison'),
      payload: { messageIds: ['m-1'], partner: 'CBIC', tlp: 'RED' },
    });
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toEqual({ previews: [] });
    const share = await app.inject({
      method: 'POST',
      url: '/api/sharing/share',
      headers: as('liaison'),
      payload: { messageIds: ['m-1'], partner: 'CBIC', expectedContent: { 'm-1': 'a'.repeat(64) } },
    });
    expect(share.statusCode).toBe(201);
    expect(share.json().shares[0]).toMatchObject({ shareId: SHARE, kind: 'CASE', version: 1 });
    expect(service.calls[1]).toEqual([
      'share',
      ['m-1'],
      'CBIC',
      { actor: 'liaison.1', expectedContent: { 'm-1': 'a'.repeat(64) } },
    ]);
  });

  it('routes updates, revocations and the list', async () => {
    const service = fakeService();
    const app = await appWith(service);
    const update = await app.inject({
      method: 'POST',
      url: `/api/sharing/${SHARE}/update`,
      headers: as('liaison'),
      payload: {},
    });
    expect(update.json()).toMatchObject({ kind: 'UPDATE', version: 2 });
    const revoke = await app.inject({
      method: 'POST',
      url: `/api/sharing/${SHARE}/revoke`,
      headers: as('liaison'),
      payload: { reason: 'sent in error' },
    });
    expect(revoke.json()).toMatchObject({ kind: 'REVOKE', version: 3 });
    expect(service.calls.at(-1)).toEqual(['revoke', SHARE, { actor: 'liaison.1', reason: 'sent in error' }]);
    const list = await app.inject({ method: 'GET', url: '/api/sharing/shares', headers: as('liaison') });
    expect(list.json()).toEqual({ agency: 'CBSA', shares: [] });
  });

  it('lets a supervisor (or liaison) report an outcome, and nobody else', async () => {
    const service = fakeService();
    const app = await appWith(service);
    const body = { shareId: SHARE, disposition: 'SEIZED' };
    const ok = await app.inject({
      method: 'POST',
      url: '/api/sharing/outcome',
      headers: as('supervisor'),
      payload: body,
    });
    expect(ok.statusCode).toBe(201);
    expect(service.calls.at(-1)).toEqual([
      'outcome',
      { shareId: SHARE, disposition: 'SEIZED', actor: 'supervisor.1' },
    ]);
    const officer = await app.inject({
      method: 'POST',
      url: '/api/sharing/outcome',
      headers: as('officer'),
      payload: body,
    });
    expect(officer.statusCode).toBe(403);
  });

  it('refuses the unauthenticated, other roles, and users of another agency', async () => {
    const service = fakeService();
    const app = await appWith(service);
    const payload = { messageIds: ['m-1'], partner: 'CBIC' };
    const none = await app.inject({ method: 'POST', url: '/api/sharing/share', payload });
    expect(none.statusCode).toBe(401);
    const officer = await app.inject({
      method: 'POST',
      url: '/api/sharing/share',
      headers: as('officer'),
      payload,
    });
    expect(officer.statusCode).toBe(403);
    expect(officer.json().message).toMatch(/needs liaison/);
    const supervisor = await app.inject({
      method: 'POST',
      url: '/api/sharing/share',
      headers: as('supervisor'),
      payload,
    });
    expect(supervisor.statusCode).toBe(403);
    const foreign = await app.inject({
      method: 'POST',
      url: '/api/sharing/share',
      headers: as('liaison', 'CBIC'),
      payload,
    });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().message).toMatch(/acts for CBSA, not CBIC/);
    expect(service.calls).toEqual([]);
  });

  it('answers 400 naming the field, and maps sharing errors to their status', async () => {
    const app = await appWith(fakeService());
    const bad = await app.inject({
      method: 'POST',
      url: '/api/sharing/share',
      headers: as('liaison'),
      payload: { messageIds: [], partner: 'CBIC' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'BAD_REQUEST', message: expect.stringMatching(/^messageIds/) });
    const tlp = await app.inject({
      method: 'POST',
      url: '/api/sharing/preview',
      headers: as('liaison'),
      payload: { messageIds: ['m-1'], partner: 'CBIC', tlp: 'WHITE' },
    });
    expect(tlp.statusCode).toBe(400);
    const badId = await app.inject({
      method: 'POST',
      url: '/api/sharing/not-a-uuid/revoke',
      headers: as('liaison'),
      payload: { reason: 'x' },
    });
    expect(badId.statusCode).toBe(400);
    const conflict = await app.inject({
      method: 'POST',
      url: '/api/sharing/share',
      headers: as('liaison'),
      payload: { messageIds: ['shared-already'], partner: 'CBIC' },
    });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toEqual({ error: 'ALREADY_SHARED', message: 'already shared' });
  });

  it('declares access on every route, as the review app requires, and can read the user from elsewhere', async () => {
    const configs: unknown[] = [];
    const app = Fastify({ logger: false });
    app.addHook('onRoute', (route) => {
      configs.push(route.config);
    });
    app.addHook('onRequest', async (request) => {
      (request as unknown as { session: unknown }).session = {
        principal: { username: 'l', role: 'liaison', agency: 'CBSA' },
      };
    });
    await registerSharingRoutes(app, {
      service: fakeService(),
      principalOf: (r) => (r as { session?: { principal: unknown } }).session?.principal,
    });
    expect(configs).toEqual([
      { permission: 'sharing' },
      { permission: 'sharing' },
      { permission: 'sharing' },
      { permission: 'sharing' },
      { access: 'session' },
      { permission: 'sharing' },
      { permission: 'sharing' }, // HEAD of GET /api/sharing/shares
      { permission: 'sharing' }, // GET /api/sharing/partners
      { permission: 'sharing' }, // and its HEAD
    ]);
    const list = await app.inject({ method: 'GET', url: '/api/sharing/shares' });
    expect(list.statusCode).toBe(200);
    const partners = await app.inject({ method: 'GET', url: '/api/sharing/partners' });
    expect(partners.json()).toMatchObject({ agency: 'CBSA', partners: [{ agency: 'CBIC' }] });
  });

  it('serves several agencies, picks the service by the user, and lets the app shape errors', async () => {
    const cbsa = fakeService();
    const cbic = { ...fakeService(), agencyId: 'CBIC' } as SharingService & { calls: unknown[][] };
    const app = Fastify({ loggerInstance: pino({ level: 'silent' }) });
    app.addHook('onRequest', async (request) => {
      const h = request.headers['x-test-user'];
      if (typeof h === 'string') (request as unknown as { user: unknown }).user = JSON.parse(h);
    });
    await registerSharingRoutes(app, {
      service: [cbsa, cbic],
      outcomeRoles: ['officer', 'supervisor', 'liaison'],
      errorBody: (code, message) => ({ error: { code, message } }),
    });
    const outcome = await app.inject({
      method: 'POST',
      url: '/api/sharing/outcome',
      headers: as('officer', 'CBIC'),
      payload: { shareId: SHARE, disposition: 'SEIZED' },
    });
    expect(outcome.statusCode).toBe(201);
    expect(cbic.calls[0]?.[0]).toBe('outcome');
    const foreign = await app.inject({
      method: 'GET',
      url: '/api/sharing/shares',
      headers: as('liaison', 'XYZ'),
    });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('FORBIDDEN');
  });
});
