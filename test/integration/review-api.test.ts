// The review API against a real ClickHouse, through app.inject(): authentication on every route,
// the role and agency matrix, injection attempts in every filter, CSRF, throttling, and the effects
// of actions (dispositions → labels view, audit entries).
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, reviewConfigSchema } from '../../services/common/config.ts';
import { ROLE_PERMISSIONS, type Role } from '../../services/review/access.ts';
import { buildReviewApp } from '../../services/review/app.ts';
import { DEMO_IDS, demoCases } from '../../services/review/demo-cases.ts';
import { seedReviewDemo } from '../../services/review/seed.ts';
import { caseRow, syntheticRows } from '../../services/review/synthetic.ts';
import { DEMO_PASSWORD } from '../../services/review/users.ts';
import { loadLanePolicy } from '../../services/scoring/lane-policy.ts';
import { insertRows, queryRows } from '../../services/storage/clickhouse.ts';
import { insertCaseRows } from '../../services/storage/decision-rows.ts';
import { formatDateTime } from '../../services/storage/sql.ts';
import { createTestDatabase, type TestDatabase, testLogger } from '../support/env.ts';

let db: TestDatabase;
let app: FastifyInstance;
const now = new Date();

interface Agent {
  cookie: string;
  csrf: string;
}

function cookieHeader(res: LightMyRequestResponse, previous = ''): string {
  const jar = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((c) => c.split('=') as [string, string]),
  );
  for (const c of res.cookies) jar.set(c.name, c.value);
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

async function anonymous(): Promise<Agent> {
  const res = await app.inject({ method: 'GET', url: '/api/session' });
  return { cookie: cookieHeader(res), csrf: res.json().csrfToken };
}

async function login(username: string, password = DEMO_PASSWORD): Promise<Agent> {
  const anon = await anonymous();
  const res = await app.inject({
    method: 'POST',
    url: '/api/login',
    headers: { cookie: anon.cookie, 'x-csrf-token': anon.csrf },
    payload: { username, password },
  });
  expect(res.statusCode, res.body).toBe(200);
  return { cookie: cookieHeader(res, anon.cookie), csrf: res.json().csrfToken };
}

function call(agent: Agent | null, method: string, url: string, payload?: unknown, csrf = true) {
  const headers: Record<string, string> = {};
  if (agent) headers.cookie = agent.cookie;
  if (agent && csrf && method !== 'GET') headers['x-csrf-token'] = agent.csrf;
  return app.inject({
    method: method as 'GET',
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

const agents = new Map<string, Agent>();
const as = async (username: string) => {
  let a = agents.get(username);
  if (!a) {
    a = await login(username);
    agents.set(username, a);
  }
  return a;
};

const USER_OF_ROLE: Record<Role, string> = {
  officer: 'cbsa.officer',
  supervisor: 'cbsa.supervisor',
  liaison: 'cbsa.liaison',
  data_scientist: 'cbsa.analyst',
  admin: 'admin',
};

/** A valid request for a route, so only role or agency can be the reason for a refusal. */
function sampleRequest(method: string, url: string): { url: string; payload?: unknown } {
  const u = url.replace(':id', DEMO_IDS.yellowCa);
  if (method === 'GET') return { url: u === '/api/queue/new' ? `${u}?since=0` : u };
  if (u.endsWith('/disposition'))
    return { url: u, payload: { disposition: 'REFERRED', notes: 'matrix test' } };
  if (u.endsWith('/assign')) return { url: u, payload: {} };
  if (u === '/api/users') {
    return {
      url: u,
      payload: {
        username: 'matrix.user',
        displayName: 'Matrix',
        role: 'officer',
        agency: 'CBSA',
        password: 'a-long-password-1',
      },
    };
  }
  return { url: u, payload: {} };
}

const leaksSql = (body: string) =>
  /DB::Exception|Code: \d+|Syntax error|e\.what\(\)|\bSELECT\b|\bFROM\b.*decisions/.test(body);

beforeAll(async () => {
  db = await createTestDatabase();
  await seedReviewDemo(db.client, db.database, now, { synthetic: 300 });
  app = await buildReviewApp({
    config: loadConfig(reviewConfigSchema, { CLICKHOUSE_DATABASE: db.database }),
    clickhouse: db.client,
    database: db.database,
    logger: testLogger,
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('authentication', () => {
  it('every non-public route answers 401 without a session (and without reading the body)', async () => {
    const guarded = app.reviewRoutes.filter((r) => r.access !== 'public');
    expect(guarded.length).toBeGreaterThanOrEqual(9);
    for (const r of guarded) {
      const req = sampleRequest(r.method, r.url);
      const res = await call(null, r.method, req.url, req.payload);
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHENTICATED');
      // A forged or stale session cookie is no session.
      const forged = await app.inject({
        method: r.method as 'GET',
        url: req.url,
        headers: { cookie: 'pr_session=forged; pr_csrf=x', 'x-csrf-token': 'x' },
      });
      expect(forged.statusCode, `${r.method} ${r.url} with a forged cookie`).toBe(401);
    }
  });

  it('refuses wrong passwords without saying which part was wrong, then throttles', async () => {
    const anon = await anonymous();
    const attempt = (username: string, password: string) =>
      app.inject({
        method: 'POST',
        url: '/api/login',
        headers: { cookie: anon.cookie, 'x-csrf-token': anon.csrf },
        payload: { username, password },
      });
    const unknown = await attempt('nobody.here', 'whatever-password');
    const wrong = await attempt('cbic.liaison', 'wrong-password');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json().error.message).toBe(wrong.json().error.message);
    for (let i = 0; i < 4; i++) await attempt('cbic.liaison', `wrong-${i}`);
    const limited = await attempt('cbic.liaison', DEMO_PASSWORD);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('sets the session cookie httpOnly and SameSite=Strict, and security headers on every answer', async () => {
    const anon = await anonymous();
    const res = await app.inject({
      method: 'POST',
      url: '/api/login',
      headers: { cookie: anon.cookie, 'x-csrf-token': anon.csrf },
      payload: { username: 'cbsa.officer', password: DEMO_PASSWORD },
    });
    const session = res.cookies.find((c) => c.name === 'pr_session')!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('Strict');
    expect(session.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const url of ['/', '/api/session', '/js/app.js']) {
      const r = await app.inject({ method: 'GET', url });
      const csp = String(r.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('logout ends the session', async () => {
    const a = await login('cbsa.officer');
    expect((await call(a, 'GET', '/api/queue')).statusCode).toBe(200);
    expect((await call(a, 'POST', '/api/logout')).statusCode).toBe(200);
    expect((await call(a, 'GET', '/api/queue')).statusCode).toBe(401);
  });
});

describe('CSRF', () => {
  it('every state-changing route refuses a missing or wrong X-CSRF-Token with 403', async () => {
    const officer = await login('cbsa.officer');
    const admin = await login('admin');
    const changing = app.reviewRoutes.filter((r) => r.method !== 'GET' && r.access !== 'public');
    expect(changing.length).toBeGreaterThanOrEqual(4);
    for (const r of changing) {
      const agent = r.permission === 'users.admin' ? admin : officer;
      const req = sampleRequest(r.method, r.url);
      const missing = await call(agent, r.method, req.url, req.payload, false);
      expect(missing.statusCode, `${r.method} ${r.url}`).toBe(403);
      expect(missing.json().error.code).toBe('CSRF_FAILED');
      const wrong = await app.inject({
        method: r.method as 'POST',
        url: req.url,
        headers: { cookie: agent.cookie, 'x-csrf-token': 'not-the-token' },
        payload: req.payload as object,
      });
      expect(wrong.statusCode, `${r.method} ${r.url} wrong token`).toBe(403);
    }
    // Sign-in itself needs the pre-session token.
    const res = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'cbsa.officer', password: DEMO_PASSWORD },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('roles', () => {
  it('each role gets 403 on every route its permissions do not include', async () => {
    for (const [role, username] of Object.entries(USER_OF_ROLE) as [Role, string][]) {
      const agent = await as(username);
      for (const r of app.reviewRoutes.filter((x) => x.permission !== undefined)) {
        const allowed = ROLE_PERMISSIONS[role].includes(r.permission!);
        const req = sampleRequest(r.method, r.url);
        const res = await call(agent, r.method, req.url, req.payload);
        if (allowed) expect(res.statusCode, `${role} ${r.method} ${r.url}: ${res.body}`).toBeLessThan(300);
        else {
          expect(res.statusCode, `${role} ${r.method} ${r.url}`).toBe(403);
          expect(res.json().error.code).toBe('FORBIDDEN');
        }
      }
    }
  });

  it('an officer assigns only themselves; a supervisor assigns officers of their agency', async () => {
    const officer = await as('cbsa.officer');
    const supervisor = await as('cbsa.supervisor');
    const url = `/api/cases/${DEMO_IDS.yellowCa}/assign`;
    expect((await call(officer, 'POST', url, { assignee: 'cbsa.supervisor' })).statusCode).toBe(403);
    expect((await call(supervisor, 'POST', url, { assignee: 'cbic.officer' })).statusCode).toBe(400);
    const ok = await call(supervisor, 'POST', url, { assignee: 'cbsa.officer' });
    expect(ok.statusCode, ok.body).toBe(200);
    const mine = await call(officer, 'GET', '/api/queue?assignee=me');
    expect(mine.json().items.map((i: { messageId: string }) => i.messageId)).toContain(DEMO_IDS.yellowCa);
    // An officer hands back their own case, but cannot take one from someone else.
    expect((await call(officer, 'POST', url, { assignee: '' })).statusCode).toBe(200);
    expect((await call(supervisor, 'POST', url, {})).statusCode).toBe(200);
    const taken = await call(officer, 'POST', url, { assignee: '' });
    expect(taken.statusCode).toBe(403);
    expect(taken.json().error.message).toContain('cbsa.supervisor'); // Nor take it for themselves, nor decide it while another holds it; the supervisor may.
    const grab = await call(officer, 'POST', url, {});
    expect(grab.statusCode).toBe(403);
    expect(grab.json().error.message).toContain('only a supervisor takes');
    const decide = await call(officer, 'POST', `/api/cases/${DEMO_IDS.yellowCa}/disposition`, {
      disposition: 'REFERRED',
      notes: 'not mine',
    });
    expect(decide.statusCode).toBe(403);
    expect((await call(supervisor, 'POST', url, { assignee: 'cbsa.officer' })).statusCode).toBe(200);
    expect((await call(officer, 'POST', url, { assignee: '' })).statusCode).toBe(200);
  });

  it('assignment is per consignment: taking one document takes its manifest, declaration and amendments', async () => {
    const officer = await as('cbsa.officer');
    const supervisor = await as('cbsa.supervisor');
    const manifest = `/api/cases/${DEMO_IDS.redCaManifest}`;
    const declaration = `/api/cases/${DEMO_IDS.redCaDeclaration}`;
    const took = await call(supervisor, 'POST', `${manifest}/assign`, { assignee: 'cbsa.supervisor' });
    expect(took.statusCode, took.body).toBe(200);
    expect(new Set(took.json().covered)).toEqual(
      new Set([DEMO_IDS.redCaManifest, DEMO_IDS.redCaDeclaration]),
    );
    expect((await call(officer, 'GET', declaration)).json().assignee).toBe('cbsa.supervisor');
    // The other document is held too: an officer cannot take the consignment through it.
    const grab = await call(officer, 'POST', `${declaration}/assign`, {});
    expect(grab.statusCode).toBe(403);
    expect(grab.json().error.message).toContain('cbsa.supervisor');
    const mine = await call(supervisor, 'GET', '/api/queue?assignee=me');
    const entries = mine
      .json()
      .items.filter((i: { consignmentId: string }) => i.consignmentId === 'EXP7781203344');
    expect(entries).toHaveLength(1);
    // Every covered document has its audit entry.
    for (const id of [DEMO_IDS.redCaManifest, DEMO_IDS.redCaDeclaration]) {
      const rows = await queryRows<{ n: string }>(
        db.client,
        `SELECT count() AS n FROM ${db.database}.audit_log WHERE caseId = '${id}' AND action = 'case.assign'`,
      );
      expect(Number(rows[0]?.n)).toBeGreaterThan(0);
    }
    expect((await call(supervisor, 'POST', `${declaration}/assign`, { assignee: '' })).statusCode).toBe(200);
    expect((await call(officer, 'GET', manifest)).json().assignee).toBe('');
  });

  it('an admin manages only their own agency', async () => {
    const admin = await as('admin');
    const list = await call(admin, 'GET', '/api/users');
    const agencies = new Set(list.json().users.map((u: { agency: string }) => u.agency));
    expect([...agencies]).toEqual(['CBSA']);
    expect(JSON.stringify(list.json())).not.toContain('scrypt');
    const foreign = await call(admin, 'POST', '/api/users', {
      username: 'cbic.new',
      displayName: 'x',
      role: 'officer',
      agency: 'CBIC',
      password: 'a-long-password-1',
    });
    expect(foreign.statusCode).toBe(403);
    const takeover = await call(admin, 'POST', '/api/users', {
      username: 'cbic.officer',
      displayName: 'x',
      role: 'admin',
      agency: 'CBSA',
    });
    expect(takeover.statusCode).toBe(403);
  });

  it('disabling a user ends their session', async () => {
    const admin = await as('admin');
    const created = await call(admin, 'POST', '/api/users', {
      username: 'cbsa.temp',
      displayName: 'Temp',
      role: 'officer',
      agency: 'CBSA',
      password: 'temporary-password-1',
    });
    expect(created.statusCode, created.body).toBe(200);
    const temp = await login('cbsa.temp', 'temporary-password-1');
    expect((await call(temp, 'GET', '/api/queue')).statusCode).toBe(200);
    await call(admin, 'POST', '/api/users', {
      username: 'cbsa.temp',
      displayName: 'Temp',
      role: 'officer',
      agency: 'CBSA',
      disabled: true,
    });
    expect((await call(temp, 'GET', '/api/queue')).statusCode).toBe(401);
  });
});

describe('agencies', () => {
  it('each agency sees only its jurisdiction in the queue', async () => {
    const cbsa = (await call(await as('cbsa.officer'), 'GET', '/api/queue?limit=100')).json();
    const cbic = (await call(await as('cbic.officer'), 'GET', '/api/queue?limit=100')).json();
    const ids = (p: { items: { messageId: string }[] }) => p.items.map((i) => i.messageId);
    expect(ids(cbsa)).toContain(DEMO_IDS.redCaManifest);
    expect(ids(cbsa)).not.toContain(DEMO_IDS.redIn);
    expect(ids(cbsa)).not.toContain(DEMO_IDS.redUs);
    expect(ids(cbsa)).not.toContain(DEMO_IDS.greenCa);
    expect(ids(cbic)).toContain(DEMO_IDS.redIn);
    expect(ids(cbic)).not.toContain(DEMO_IDS.redCaManifest);
    for (const i of cbsa.items) expect([i.reportingCountry, i.destinationCountry]).toContain('CA');
    for (const i of cbic.items) expect([i.reportingCountry, i.destinationCountry]).toContain('IN');
    // Highest risk first, then earliest arrival.
    const keys = cbsa.items.map((i: { riskScore: number; scoredAtMs: number }) => [
      i.riskScore,
      i.scoredAtMs,
    ]);
    for (let k = 1; k < keys.length; k++) {
      const [r0, t0] = keys[k - 1];
      const [r1, t1] = keys[k];
      expect(r0 > r1 || (r0 === r1 && t0 <= t1)).toBe(true);
    }
  });

  it("a case outside the caller's agency answers exactly as a missing one (404), and the refusal is audited", async () => {
    const cbic = await as('cbic.officer');
    const missingId = '7f9c2ba4-1111-4aaa-8aaa-00000000ffff';
    for (const [method, suffix, payload] of [
      ['GET', '', undefined],
      ['POST', '/assign', {}],
      ['POST', '/disposition', { disposition: 'RELEASED', notes: '' }],
    ] as const) {
      const res = await call(cbic, method, `/api/cases/${DEMO_IDS.redCaManifest}${suffix}`, payload);
      const missing = await call(cbic, method, `/api/cases/${missingId}${suffix}`, payload);
      expect(res.statusCode, `${method} ${suffix}`).toBe(404);
      expect(res.body).toBe(missing.body);
      expect(res.body).not.toContain('EXP7781203344');
    }
    expect((await call(await as('cbsa.officer'), 'GET', `/api/cases/${DEMO_IDS.redUs}`)).statusCode).toBe(
      404,
    );
    const denied = await db.count(
      `SELECT count() AS n FROM ${db.database}.audit_log WHERE action = 'case.view.denied' AND actor = 'cbic.officer'`,
    );
    expect(denied).toBeGreaterThanOrEqual(1);
  });

  it('a share row never opens the source decision to the partner; an unreadable package shows nothing', async () => {
    const cbsa = await as('cbsa.liaison');
    const officer = await as('cbsa.officer');
    const share = {
      shareId: 'share-1',
      messageId: DEMO_IDS.redIn,
      fromAgency: 'CBIC',
      toAgency: 'CBSA',
      sharedAt: formatDateTime(now),
      packageJson: '{}',
      tlp: 'AMBER',
    };
    expect((await call(cbsa, 'GET', `/api/cases/${DEMO_IDS.redIn}`)).statusCode).toBe(404);
    await insertRows(db.client, `${db.database}.case_shares`, [{ ...share, revoked: 0 }]);
    const view = await call(cbsa, 'GET', `/api/cases/${DEMO_IDS.redIn}`);
    expect(view.statusCode).toBe(404);
    const queue = (await call(officer, 'GET', '/api/queue?limit=100')).json();
    expect(queue.items.map((i: { messageId: string }) => i.messageId)).not.toContain(DEMO_IDS.redIn);
    const act = await call(officer, 'POST', `/api/cases/${DEMO_IDS.redIn}/disposition`, {
      disposition: 'RELEASED',
    });
    expect(act.statusCode).toBe(404);
  });
});

describe('filters are data, never SQL', () => {
  const payloads = [
    "'",
    "''",
    '\\',
    "\\'",
    "' OR 1=1 --",
    "' OR '1'='1",
    "\\' OR 1=1 --",
    "CA') OR 1=1 --",
    '"; DROP TABLE decisions_raw; --',
    "'; SELECT * FROM system.users --",
    '%27%20OR%201%3D1',
    '`backtick`',
    '$' + '{1+1}', // a template placeholder, as data
    '\u0000',
    '\u202e\u0027 OR 1=1',
    'ｰ\uFF07 OR \uFF071\uFF07=\uFF071',
    "😀' UNION ALL SELECT 1 --",
    'IN',
    'x'.repeat(101),
  ];
  const keys = [
    'lane',
    'port',
    'country',
    'substance',
    'from',
    'to',
    'documentType',
    'assignee',
    'state',
    'q',
    'cursor',
    'limit',
  ];

  it('returns 200 with only own-agency rows, or 400 naming the field — never foreign data or SQL text', async () => {
    const officer = await as('cbsa.officer');
    let accepted = 0;
    for (const key of keys) {
      for (const value of payloads) {
        for (const url of ['/api/queue', '/api/queue/new']) {
          const qs = new URLSearchParams({ [key]: value, ...(url.endsWith('new') ? { since: '0' } : {}) });
          const res = await call(officer, 'GET', `${url}?${qs}`);
          expect([200, 400], `${url} ${key}=${JSON.stringify(value)}: ${res.body}`).toContain(res.statusCode);
          expect(leaksSql(res.body), `${key}=${JSON.stringify(value)} leaked: ${res.body}`).toBe(false);
          if (res.statusCode === 400) {
            expect(res.json().error.code).toBe('BAD_REQUEST');
            expect(res.json().error.message).toMatch(new RegExp(`^(${key}|since|request)`));
          } else if (url === '/api/queue') {
            accepted++;
            for (const item of res.json().items) {
              expect([item.reportingCountry, item.destinationCountry]).toContain('CA');
            }
            // Free text matches literally: nothing here contains these payloads.
            if (['q', 'substance'].includes(key) && value !== 'IN') expect(res.json().total).toBe(0);
          }
        }
      }
    }
    expect(accepted).toBeGreaterThan(20); // free-text filters took the payloads as data
    // The tables are all still there.
    expect(await db.count(`SELECT count() AS n FROM ${db.database}.decisions`)).toBeGreaterThan(300);
  });

  it('other query strings and path parameters too', async () => {
    const officer = await as('cbsa.officer');
    const analyst = await as('cbsa.analyst');
    for (const value of payloads) {
      const e = encodeURIComponent(value);
      const responses = [
        await call(officer, 'GET', `/api/cases/${e}`),
        await call(officer, 'POST', `/api/cases/${e}/assign`, {}),
        await call(officer, 'GET', `/api/dashboard?days=${e}`),
        await call(analyst, 'GET', `/api/labels?since=${e}`),
        await call(analyst, 'GET', `/api/labels?format=${e}`),
        await call(officer, 'GET', `/api/queue?unknown=${e}`),
      ];
      for (const res of responses) {
        expect([400, 404], `${value}: ${res.body}`).toContain(res.statusCode);
        expect(leaksSql(res.body)).toBe(false);
      }
    }
  });

  it('the filters themselves work', async () => {
    const officer = await as('cbsa.officer');
    const get = async (qs: string) => (await call(officer, 'GET', `/api/queue?${qs}`)).json();
    const red = await get('lane=RED&limit=100');
    expect(red.items.length).toBeGreaterThan(0);
    expect(red.items.every((i: { lane: string }) => i.lane === 'RED')).toBe(true);
    expect((await get('q=dhillon')).items.map((i: { consignmentId: string }) => i.consignmentId)).toContain(
      'EXP7781203344',
    );
    expect((await get('q=EXP778')).items[0].consignmentId).toBe('EXP7781203344');
    expect(
      (await get('substance=40064-34-4')).items.map((i: { messageId: string }) => i.messageId),
    ).toContain(DEMO_IDS.redCaManifest);
    const port = await get('port=CAYYZ&limit=100');
    expect(port.items.every((i: { portOfDischarge: string }) => i.portOfDischarge === 'CAYYZ')).toBe(true);
    const decl = await get('documentType=DECLARATION&limit=100');
    expect(decl.items.every((i: { documentType: string }) => i.documentType === 'DECLARATION')).toBe(true);
    const future = await get(`from=${new Date(now.getTime() + 86_400_000 * 2).toISOString().slice(0, 10)}`);
    expect(future.total).toBe(0);
    expect((await call(officer, 'GET', '/api/queue?from=2026-02-02&to=2026-01-01')).statusCode).toBe(400);
  });

  it('keyset pages cover every case exactly once', async () => {
    const officer = await as('cbsa.officer');
    const all = (await call(officer, 'GET', '/api/queue?limit=100')).json();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(officer, 'GET', `/api/queue?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      const page = res.json();
      seen.push(...page.items.map((i: { messageId: string }) => i.messageId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(all.total);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, all.items.length)).toEqual(all.items.map((i: { messageId: string }) => i.messageId));
  });
});

describe('actions', () => {
  it('dispositions are validated, appended, audited and feed the labels view (latest wins)', async () => {
    const officer = await as('cbsa.officer');
    const url = `/api/cases/${DEMO_IDS.redCaManifest}/disposition`;
    const noQty = await call(officer, 'POST', url, { disposition: 'SEIZED', notes: '' });
    expect(noQty.statusCode).toBe(400);
    expect(noQty.json().error.message).toMatch(/^quantity/);
    expect((await call(officer, 'POST', url, { disposition: 'LOST' })).statusCode).toBe(400);
    expect((await call(officer, 'POST', url, { disposition: 'RELEASED', extra: 1 })).statusCode).toBe(400);

    expect((await call(officer, 'POST', url, { disposition: 'REFERRED', notes: 'to lab' })).statusCode).toBe(
      200,
    );
    const refLabels = await queryRows<{ n: string }>(
      db.client,
      `SELECT count() AS n FROM ${db.database}.labels WHERE messageId = '${DEMO_IDS.redCaManifest}'`,
    );
    expect(Number(refLabels[0]!.n)).toBe(0); // REFERRED is no label
    const seized = await call(officer, 'POST', url, {
      disposition: 'SEIZED',
      quantity: 25,
      unit: 'KG',
      notes: 'drum',
    });
    expect(seized.statusCode, seized.body).toBe(200);
    const labels = await queryRows<{
      disposition: string;
      positive: number;
      lane: string;
      randomSelection: null;
    }>(
      db.client,
      `SELECT disposition, positive, lane, randomSelection FROM ${db.database}.labels WHERE messageId = '${DEMO_IDS.redCaManifest}'`,
    );
    expect(labels).toEqual([{ disposition: 'SEIZED', positive: 1, lane: 'RED', randomSelection: null }]);

    const view = (await call(officer, 'GET', `/api/cases/${DEMO_IDS.redCaManifest}`)).json();
    expect(view.disposition).toBe('SEIZED');
    expect(view.dispositions.map((d: { disposition: string }) => d.disposition)).toEqual([
      'REFERRED',
      'SEIZED',
    ]);
    const actions = view.history.map((e: { action: string }) => e.action);
    expect(actions).toContain('case.disposition');
    expect(actions).toContain('case.view');
    expect((await call(officer, 'GET', '/api/queue?state=SEIZED')).json().items[0].messageId).toBe(
      DEMO_IDS.redCaManifest,
    );
    expect(
      (await call(officer, 'GET', '/api/queue?state=open&limit=100'))
        .json()
        .items.map((i: { messageId: string }) => i.messageId),
    ).not.toContain(DEMO_IDS.redCaManifest);
  });

  it('the case view explains the decision and compares the other document', async () => {
    const view = (await call(await as('cbsa.officer'), 'GET', `/api/cases/${DEMO_IDS.redCaManifest}`)).json();
    expect(view.ruleHits.length).toBe(5);
    expect(view.watchlistHits.map((h: { ruleId: string }) => h.ruleId)).toEqual(['watchlist-drug-hit']);
    const line1 = view.goods[0];
    expect(line1.segments.find((s: { mark?: string }) => s.mark)?.text).toBe(
      '4-Piperidone monohydrate hydrochloride',
    );
    expect(line1.casNumbers).toEqual([{ cas: '40064-34-4', matched: true }]);
    expect(view.goods[1].hsMatched).toBe(true);
    expect(view.topFeatures[0].feature).toBe('controlled_cas_present');
    expect(view.otherDocument.messageId).toBe(DEMO_IDS.redCaDeclaration);
    // A case is a consignment: the view lists all its documents, oldest filing first, each with its
    // state (the disposition above covered both).
    expect(
      view.documents.map((d: { messageId: string; documentType: string; disposition: string }) => [
        d.messageId,
        d.documentType,
        d.disposition,
      ]),
    ).toEqual([
      [DEMO_IDS.redCaManifest, 'MANIFEST', 'SEIZED'],
      [DEMO_IDS.redCaDeclaration, 'DECLARATION', 'SEIZED'],
    ]);
    const fields = view.otherDocument.differences.map((d: { field: string }) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(['Line 1 description', 'Line 1 quantity', 'Consignee phone']),
    );
    expect(fields).not.toContain('Shipper');
  });

  it('the data scientist exports labels without party data, and the export is audited', async () => {
    const analyst = await as('cbsa.analyst');
    const exportsBefore = await db.count(
      `SELECT count() AS n FROM ${db.database}.audit_log WHERE action = 'labels.export'`,
    );
    const csv = await call(analyst, 'GET', '/api/labels?format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[0]).toBe(
      'messageId,consignmentId,disposition,positive,decidedAt,lane,randomSelection',
    );
    expect(csv.body).not.toMatch(/Dhillon|Hubei/);
    const nd = await call(analyst, 'GET', '/api/labels');
    const rows = nd.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.find((r: { messageId: string }) => r.messageId === DEMO_IDS.redCaManifest)?.positive).toBe(1);
    const exports = await db.count(
      `SELECT count() AS n FROM ${db.database}.audit_log WHERE action = 'labels.export'`,
    );
    expect(exports - exportsBefore).toBe(2);
    const dash = await call(analyst, 'GET', '/api/dashboard?days=7');
    expect(dash.statusCode).toBe(200);
    expect(dash.json().drift).toBeNull();
    expect(dash.body).not.toMatch(/Dhillon|Hubei/);
    expect(dash.json().charts.perDay).toMatch(/^<svg /);
    // The one seizure covered a consignment of two documents (RED manifest, YELLOW declaration): it
    // counts once, in the lane of the consignment's queue entry.
    const seized = Object.fromEntries(
      dash.json().lanes.map((l: { key: string; seized: number }) => [l.key, l.seized]),
    );
    expect(seized).toEqual({ RED: 1, YELLOW: 0, GREEN: 0 });
    // Lane shares come with what the lane policy expects of them.
    const policy = loadLanePolicy();
    expect(dash.json().lanes.find((l: { key: string }) => l.key === 'RED').expected).toBe(
      policy.expectedRates.RED,
    );
  });

  it('new cases are reported to the poll', async () => {
    const officer = await as('cbsa.officer');
    const first = (await call(officer, 'GET', '/api/queue')).json();
    const none = (await call(officer, 'GET', `/api/queue/new?since=${first.newestScoredAtMs}`)).json();
    expect(none.count).toBe(0);
    const later = new Date(Date.now() + 5 * 60_000);
    await insertCaseRows(db.client, db.database, [
      ...syntheticRows(200, { seed: 99, now: later, days: 0.0005 }),
    ]);
    const some = (await call(officer, 'GET', `/api/queue/new?since=${first.newestScoredAtMs}`)).json();
    expect(some.count).toBeGreaterThan(0);
  });

  it('an amendment lists under its consignment and shows what changed since the version it replaced', async () => {
    const original = demoCases(now).find((c) => c.decision.messageId === DEMO_IDS.redCaDeclaration)!;
    const amended = structuredClone(original);
    const amendmentId = '7f9c2ba4-1111-4aaa-8aaa-0000000000a1';
    const filedAt = new Date(Date.parse(original.report.filedAt) + 3_600_000).toISOString();
    amended.report.messageId = amendmentId;
    amended.report.filedAt = filedAt;
    amended.report.consignment.goods[0]!.description = 'Chemical reagent';
    amended.decision.messageId = amendmentId;
    await insertCaseRows(db.client, db.database, [caseRow(amended)]);
    const officer = await as('cbsa.officer');
    const view = (await call(officer, 'GET', `/api/cases/${amendmentId}`)).json();
    expect(view.documents.map((d: { messageId: string }) => d.messageId)).toEqual([
      DEMO_IDS.redCaManifest,
      DEMO_IDS.redCaDeclaration,
      amendmentId,
    ]);
    expect(view.previousVersion.messageId).toBe(DEMO_IDS.redCaDeclaration);
    expect(view.previousVersion.differences).toEqual([
      expect.objectContaining({ field: 'Line 1 description', here: 'Chemical reagent' }),
    ]);
    // The original declaration has no earlier version of its kind.
    expect(
      (await call(officer, 'GET', `/api/cases/${DEMO_IDS.redCaDeclaration}`)).json().previousVersion,
    ).toBeNull();
  });

  it('the audit chain of everything above verifies', async () => {
    const { createAuditLog } = await import('../../services/audit/audit-log.ts');
    const result = await createAuditLog({
      client: db.client,
      database: db.database,
      logger: testLogger,
    }).verify();
    expect(result.ok).toBe(true);
  });
});
