// Every route × role × agency of the review app (with sharing mounted for both agencies), generated
// from the app's own route table so a new route cannot be missed: a role without the permission gets
// 403; a role with it gets, for a case of another agency, a case of no agency and a missing case, the
// same 404 (bodies equal but for the id); lists carry no other agency's case. Then a partner's view
// of a shared case, in the sender's own app, is the signed package and never the source rows.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../services/audit/audit-log.ts';
import { loadConfig, reviewConfigSchema } from '../../services/common/config.ts';
import { createKafka } from '../../services/pipeline/kafka.ts';
import { AGENCIES, type Agency, ROLE_PERMISSIONS, ROLES, type Role } from '../../services/review/access.ts';
import type { RouteAccess } from '../../services/review/app.ts';
import { buildReviewApp } from '../../services/review/app.ts';
import { DEMO_IDS } from '../../services/review/demo-cases.ts';
import { OUTCOME_ROLES } from '../../services/review/routes-sharing.ts';
import { seedReviewDemo } from '../../services/review/seed.ts';
import { createUserDirectory, DEMO_PASSWORD } from '../../services/review/users.ts';
import { createSharingService, type SharingService } from '../../services/sharing/service.ts';
import { createStixValidator } from '../../services/sharing/stix-validate.ts';
import { testAgreements, testKeys, trustStoreOf } from '../../services/sharing/test-fixtures.ts';
import {
  createTestDatabase,
  infraConfig,
  type TestDatabase,
  testLogger,
  uniqueName,
} from '../support/env.ts';

let db: TestDatabase;
let app: FastifyInstance;
const services: SharingService[] = [];
const prefix = `${uniqueName('test')}.`;
const kafka = createKafka({
  brokers: infraConfig.KAFKA_BROKERS,
  clientId: 'access-matrix',
  logger: testLogger,
});

const OWN: Record<Agency, string> = { CBSA: DEMO_IDS.redCaManifest, CBIC: DEMO_IDS.redIn };
const FOREIGN: Record<Agency, readonly string[]> = {
  CBSA: [DEMO_IDS.redIn, DEMO_IDS.yellowIn, DEMO_IDS.redUs],
  CBIC: [DEMO_IDS.redCaManifest, DEMO_IDS.redCaDeclaration, DEMO_IDS.yellowCa, DEMO_IDS.redUs],
};
const MISSING = '7f9c2ba4-1111-4aaa-8aaa-00000000ffff';
const NO_SHARE = '0f8fad5b-d9cb-469f-a165-70867728950e';
const other = (a: Agency): Agency => (a === 'CBSA' ? 'CBIC' : 'CBSA');
const userOf = (a: Agency, r: Role) => `matrix.${a.toLowerCase()}.${r}`;

type Req = { method: string; url: string; payload?: unknown };
/** How each route is probed. `case`: aimed at a case id; `share`: at a share id; `list`: no target. */
type Probe =
  | { kind: 'case'; build: (id: string, agency: Agency) => Req }
  | { kind: 'share'; build: (shareId: string) => Req }
  | { kind: 'list'; build: (agency: Agency) => Req }
  | { kind: 'session' };

const get = (url: string) => () => ({ method: 'GET', url });
const PROBES: Record<string, Probe> = {
  'POST /api/logout': { kind: 'session' },
  'GET /api/queue': { kind: 'list', build: get('/api/queue?limit=100') },
  'GET /api/queue/new': { kind: 'list', build: get('/api/queue/new?since=0') },
  'GET /api/received': { kind: 'list', build: get('/api/received') },
  'GET /api/cases/:id': { kind: 'case', build: (id) => ({ method: 'GET', url: `/api/cases/${id}` }) },
  'POST /api/cases/:id/assign': {
    kind: 'case',
    build: (id) => ({ method: 'POST', url: `/api/cases/${id}/assign`, payload: {} }),
  },
  'POST /api/cases/:id/disposition': {
    kind: 'case',
    build: (id) => ({
      method: 'POST',
      url: `/api/cases/${id}/disposition`,
      payload: { disposition: 'REFERRED', notes: 'matrix' },
    }),
  },
  'GET /api/assignees': { kind: 'list', build: get('/api/assignees') },
  'GET /api/dashboard': { kind: 'list', build: get('/api/dashboard') },
  'GET /api/labels': { kind: 'list', build: get('/api/labels') },
  'GET /api/users': { kind: 'list', build: get('/api/users') },
  'POST /api/users': {
    kind: 'list',
    build: (agency) => ({
      method: 'POST',
      url: '/api/users',
      payload: {
        username: `made.${agency.toLowerCase()}`,
        displayName: 'Made by the matrix',
        role: 'officer',
        agency,
        password: 'a-long-password-1',
      },
    }),
  },
  'POST /api/sharing/preview': {
    kind: 'case',
    build: (id, agency) => ({
      method: 'POST',
      url: '/api/sharing/preview',
      payload: { messageIds: [id], partner: other(agency) },
    }),
  },
  'POST /api/sharing/share': {
    kind: 'case',
    build: (id, agency) => ({
      method: 'POST',
      url: '/api/sharing/share',
      payload: { messageIds: [id], partner: other(agency) },
    }),
  },
  'POST /api/sharing/:shareId/update': {
    kind: 'share',
    build: (s) => ({ method: 'POST', url: `/api/sharing/${s}/update`, payload: {} }),
  },
  'POST /api/sharing/:shareId/revoke': {
    kind: 'share',
    build: (s) => ({ method: 'POST', url: `/api/sharing/${s}/revoke`, payload: { reason: 'matrix' } }),
  },
  'POST /api/sharing/outcome': {
    kind: 'share',
    build: (s) => ({
      method: 'POST',
      url: '/api/sharing/outcome',
      payload: { shareId: s, disposition: 'SEIZED' },
    }),
  },
  'GET /api/sharing/shares': { kind: 'list', build: get('/api/sharing/shares') },
  'GET /api/sharing/partners': { kind: 'list', build: get('/api/sharing/partners') },
};
/** Public routes: the front end's files, health, and the two that begin a session. */
const PUBLIC = /^GET (\/|\/healthz|\/api\/session|\/[\w/.-]+\.(html|js|css|svg|ico))$|^POST \/api\/login$/;

interface Agent {
  cookie: string;
  csrf: string;
}

function jar(res: LightMyRequestResponse, previous = ''): string {
  const m = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((c) => c.split('=') as [string, string]),
  );
  for (const c of res.cookies) m.set(c.name, c.value);
  return [...m].map(([k, v]) => `${k}=${v}`).join('; ');
}

async function login(username: string): Promise<Agent> {
  const anon = await app.inject({ method: 'GET', url: '/api/session' });
  const res = await app.inject({
    method: 'POST',
    url: '/api/login',
    headers: { cookie: jar(anon), 'x-csrf-token': anon.json().csrfToken },
    payload: { username, password: DEMO_PASSWORD },
  });
  expect(res.statusCode, `${username}: ${res.body}`).toBe(200);
  return { cookie: jar(res, jar(anon)), csrf: res.json().csrfToken };
}

const agents = new Map<string, Agent>();
async function as(username: string): Promise<Agent> {
  let a = agents.get(username);
  if (a === undefined) {
    a = await login(username);
    agents.set(username, a);
  }
  return a;
}

function send(agent: Agent, r: Req) {
  return app.inject({
    method: r.method as 'GET',
    url: r.url,
    headers: { cookie: agent.cookie, ...(r.method === 'GET' ? {} : { 'x-csrf-token': agent.csrf }) },
    ...(r.payload === undefined ? {} : { payload: r.payload as object }),
  });
}

function allowed(route: RouteAccess, role: Role): boolean {
  if (route.url === '/api/sharing/outcome') return (OUTCOME_ROLES as readonly string[]).includes(role);
  if (route.permission !== undefined) return ROLE_PERMISSIONS[role].includes(route.permission);
  return route.access === 'session';
}

beforeAll(async () => {
  db = await createTestDatabase();
  await seedReviewDemo(db.client, db.database, new Date(), { synthetic: 40 });
  const users = createUserDirectory({
    client: db.client,
    database: db.database,
    clock: { now: () => new Date() },
  });
  for (const agency of AGENCIES) {
    for (const role of ROLES) {
      await users.upsert(
        {
          username: userOf(agency, role),
          displayName: `${agency} ${role}`,
          role,
          agency,
          disabled: false,
          password: DEMO_PASSWORD,
        },
        'matrix',
      );
    }
  }
  const audit = createAuditLog({ client: db.client, database: db.database, logger: testLogger });
  const keys = { CBSA: testKeys('CBSA'), CBIC: testKeys('CBIC') };
  const validator = createStixValidator();
  for (const agency of AGENCIES) {
    services.push(
      createSharingService({
        agencyId: agency,
        clickhouse: db.client,
        database: db.database,
        kafka: {
          client: kafka,
          brokers: infraConfig.KAFKA_BROKERS,
          topicPrefix: prefix,
          groupId: `${prefix}${agency}`,
        },
        audit,
        agreements: testAgreements(agency),
        trustStore: trustStoreOf(keys[other(agency)]),
        signingKey: keys[agency].signingKey,
        logger: testLogger,
        validator,
      }),
    );
  }
  app = await buildReviewApp({
    config: loadConfig(reviewConfigSchema, { CLICKHOUSE_DATABASE: db.database }),
    clickhouse: db.client,
    database: db.database,
    logger: testLogger,
    audit,
    sharing: services,
  });
  await app.ready();
});

afterAll(async () => {
  await Promise.allSettled(services.map((s) => s.stop()));
  await app?.close();
  await db?.drop();
});

describe('route × role × agency', () => {
  it('every route is probed: a new route without a probe fails here', () => {
    const routes = app.reviewRoutes.map((r) => `${r.method} ${r.url}`);
    const unprobed = routes.filter((r) => !(r in PROBES) && !PUBLIC.test(r));
    expect(unprobed).toEqual([]);
    expect(Object.keys(PROBES).filter((p) => !routes.includes(p))).toEqual([]);
    for (const r of app.reviewRoutes.filter((x) => PUBLIC.test(`${x.method} ${x.url}`))) {
      expect(r.access, `${r.method} ${r.url}`).toBe('public');
    }
  });

  it('answers every combination as the rule says (403 without the permission; 404 alike for hidden and missing)', async () => {
    let combinations = 0;
    let requests = 0;
    const routes = app.reviewRoutes.filter((r) => `${r.method} ${r.url}` in PROBES);
    for (const agency of AGENCIES) {
      for (const role of ROLES) {
        for (const route of routes) {
          const probe = PROBES[`${route.method} ${route.url}`]!;
          const label = `${agency} ${role} ${route.method} ${route.url}`;
          combinations++;
          if (probe.kind === 'session') {
            const fresh = await login(userOf(agency, role));
            const res = await send(fresh, { method: route.method, url: route.url });
            requests++;
            expect(res.statusCode, label).toBe(200);
            continue;
          }
          const agent = await as(userOf(agency, role));
          const first =
            probe.kind === 'case'
              ? probe.build(FOREIGN[agency][0]!, agency)
              : probe.kind === 'share'
                ? probe.build(NO_SHARE)
                : probe.build(agency);
          if (!allowed(route, role)) {
            const res = await send(agent, first);
            requests++;
            expect(res.statusCode, `${label}: ${res.body}`).toBe(403);
            expect(res.json().error.code, label).toBe('FORBIDDEN');
            continue;
          }
          if (probe.kind === 'list') {
            const res = await send(agent, first);
            requests++;
            expect(res.statusCode, `${label}: ${res.body}`).toBeLessThan(300);
            for (const id of FOREIGN[agency]) expect(res.body, `${label} leaks ${id}`).not.toContain(id);
          } else if (probe.kind === 'share') {
            const res = await send(agent, first);
            requests++;
            expect(res.statusCode, `${label}: ${res.body}`).toBe(404);
          } else {
            const missing = await send(agent, probe.build(MISSING, agency));
            requests++;
            expect(missing.statusCode, `${label} missing: ${missing.body}`).toBe(404);
            for (const id of FOREIGN[agency]) {
              const res = await send(agent, probe.build(id, agency));
              requests++;
              expect(res.statusCode, `${label} ${id}: ${res.body}`).toBe(404);
              expect(res.body.replaceAll(id, 'ID'), `${label} ${id}`).toBe(
                missing.body.replaceAll(MISSING, 'ID'),
              );
            }
            if (route.method === 'GET' || route.url === '/api/sharing/preview') {
              const own = await send(agent, probe.build(OWN[agency], agency));
              requests++;
              expect(own.statusCode, `${label} own case: ${own.body}`).toBe(200);
            }
          }
        }
      }
    }
    expect(combinations).toBe(routes.length * ROLES.length * AGENCIES.length);
    // For the report: how many combinations and requests this walk covered.
    console.info(
      `access matrix: ${routes.length} routes × ${ROLES.length} roles × ${AGENCIES.length} agencies = ${combinations} combinations, ${requests} requests`,
    );
    const denied = await db.count(
      `SELECT count() AS n FROM ${db.database}.audit_log WHERE action = 'sharing.preview.denied'`,
    );
    expect(denied).toBeGreaterThanOrEqual(2 * FOREIGN.CBIC.length);
    const previews = await db.count(
      `SELECT count() AS n FROM ${db.database}.audit_log WHERE action = 'sharing.preview'`,
    );
    // One per agency's own case and document: CBSA's is a consignment of two (manifest and declaration).
    expect(previews).toBe(3);
    expect(await db.count(`SELECT count() AS n FROM ${db.database}.sharing_messages`)).toBe(0);
  });
});

describe('a partner in the sender’s own app', () => {
  it('sees the shared case only as the redacted package, never the source rows, and not after revocation', async () => {
    const supervisor = await as(userOf('CBSA', 'supervisor'));
    const notes = 'INTERNAL-NOTE-never-leaves';
    const disposed = await send(supervisor, {
      method: 'POST',
      url: `/api/cases/${DEMO_IDS.redCaManifest}/disposition`,
      payload: { disposition: 'REFERRED', notes },
    });
    expect(disposed.statusCode, disposed.body).toBe(200);
    const liaison = await as(userOf('CBSA', 'liaison'));
    const shared = await send(liaison, {
      method: 'POST',
      url: '/api/sharing/share',
      payload: { messageIds: [DEMO_IDS.redCaManifest], partner: 'CBIC' },
    });
    expect(shared.statusCode, shared.body).toBe(201);
    // A case is a consignment: the declaration leaves with the manifest, as its own share.
    const shareIds = shared.json().shares.map((x: { shareId: string }) => x.shareId) as string[];
    expect(shareIds).toHaveLength(2);
    const shareId = shareIds[0]!;

    const officer = await as(userOf('CBIC', 'officer'));
    const view = await send(officer, { method: 'GET', url: `/api/cases/${DEMO_IDS.redCaManifest}` });
    expect(view.statusCode, view.body).toBe(200);
    const v = view.json();
    expect(v.access).toBe('received');
    expect(v.fromAgency).toBe('CBSA');
    expect(v.shareId).toBe(shareId);
    expect(v.report).toBeUndefined();
    expect(v.dispositions).toBeUndefined();
    for (const secret of ['K. Dhillon', notes, 'case.disposition', 'cbsa.']) {
      expect(view.body, secret).not.toContain(secret);
    }
    expect(v.pseudonymised).toEqual(expect.arrayContaining(['consignment.parties.consignee.name']));
    const queue = (await send(officer, { method: 'GET', url: '/api/queue?limit=100' })).json();
    expect(JSON.stringify(queue)).not.toContain(DEMO_IDS.redCaManifest);
    const received = (await send(officer, { method: 'GET', url: '/api/received' })).json();
    expect(received.items.map((i: { shareId: string }) => i.shareId).sort()).toEqual([...shareIds].sort());
    // Still not the partner's to act on.
    const act = await send(officer, {
      method: 'POST',
      url: `/api/cases/${DEMO_IDS.redCaManifest}/assign`,
      payload: {},
    });
    expect(act.statusCode).toBe(404);

    for (const id of shareIds) {
      const revoked = await send(liaison, {
        method: 'POST',
        url: `/api/sharing/${id}/revoke`,
        payload: { reason: 'matrix revocation' },
      });
      expect(revoked.statusCode, revoked.body).toBe(200);
    }
    expect(
      (await send(officer, { method: 'GET', url: `/api/cases/${DEMO_IDS.redCaManifest}` })).statusCode,
    ).toBe(404);
    expect((await send(officer, { method: 'GET', url: '/api/received' })).json().items).toEqual([]);
  });
});
