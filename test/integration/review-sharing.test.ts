// The liaison routes mounted in the review app, and the receiving side, between two agencies (CBSA
// and CBIC: two apps, two databases, one Kafka under a unique topic prefix, test-generated keys in each
// other's trust store), through app.inject(): 401 without a session, 403 for the wrong role or agency,
// CSRF, a preview that holds exactly the agreed fields, and share → received case → outcome → label.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditLog, createAuditLog } from '../../services/audit/audit-log.ts';
import { loadConfig, reviewConfigSchema } from '../../services/common/config.ts';
import { createKafka } from '../../services/pipeline/kafka.ts';
import { buildReviewApp } from '../../services/review/app.ts';
import { DEMO_IDS } from '../../services/review/demo-cases.ts';
import { seedReviewDemo } from '../../services/review/seed.ts';
import { DEMO_PASSWORD } from '../../services/review/users.ts';
import { PSEUDONYM } from '../../services/sharing/pseudonymise.ts';
import { createSharingService, type SharingService } from '../../services/sharing/service.ts';
import { createStixValidator } from '../../services/sharing/stix-validate.ts';
import {
  type TestAgencyKeys,
  testAgreements,
  testKeys,
  trustStoreOf,
} from '../../services/sharing/test-fixtures.ts';
import {
  createTestDatabase,
  infraConfig,
  type TestDatabase,
  testLogger,
  uniqueName,
  waitFor,
} from '../support/env.ts';

const RED = DEMO_IDS.redCaManifest;
const validator = createStixValidator();

interface Agency {
  name: 'CBSA' | 'CBIC';
  db: TestDatabase;
  audit: AuditLog;
  service: SharingService;
  app: FastifyInstance;
}

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

async function login(app: FastifyInstance, username: string): Promise<Agent> {
  const anon = await app.inject({ method: 'GET', url: '/api/session' });
  const jar = cookieHeader(anon);
  const res = await app.inject({
    method: 'POST',
    url: '/api/login',
    headers: { cookie: jar, 'x-csrf-token': anon.json().csrfToken },
    payload: { username, password: DEMO_PASSWORD },
  });
  expect(res.statusCode, res.body).toBe(200);
  return { cookie: cookieHeader(res, jar), csrf: res.json().csrfToken };
}

function call(
  app: FastifyInstance,
  agent: Agent | null,
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
  csrf: string | null = agent?.csrf ?? null,
) {
  const headers: Record<string, string> = {};
  if (agent) headers.cookie = agent.cookie;
  if (method !== 'GET' && csrf !== null) headers['x-csrf-token'] = csrf;
  return app.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

describe('partner sharing in the review app', () => {
  const prefix = `${uniqueName('test')}.`;
  const kafka = createKafka({
    brokers: infraConfig.KAFKA_BROKERS,
    clientId: 'review-sharing',
    logger: testLogger,
  });
  const keys: Record<'CBSA' | 'CBIC', TestAgencyKeys> = { CBSA: testKeys('CBSA'), CBIC: testKeys('CBIC') };
  let cbsa: Agency;
  let cbic: Agency;
  const agents = new Map<string, Agent>();
  const as = async (a: Agency, username: string) => {
    const key = `${a.name}/${username}`;
    let agent = agents.get(key);
    if (!agent) {
      agent = await login(a.app, username);
      agents.set(key, agent);
    }
    return agent;
  };

  async function agency(name: 'CBSA' | 'CBIC'): Promise<Agency> {
    const db = await createTestDatabase();
    await seedReviewDemo(db.client, db.database, new Date(), { synthetic: 20 });
    const audit = createAuditLog({ client: db.client, database: db.database, logger: testLogger });
    const service = createSharingService({
      agencyId: name,
      clickhouse: db.client,
      database: db.database,
      kafka: {
        client: kafka,
        brokers: infraConfig.KAFKA_BROKERS,
        topicPrefix: prefix,
        groupId: `${prefix}${name}`,
      },
      audit,
      agreements: testAgreements(name),
      trustStore: trustStoreOf(keys[name === 'CBSA' ? 'CBIC' : 'CBSA']),
      signingKey: keys[name].signingKey,
      logger: testLogger,
      validator,
    });
    const app = await buildReviewApp({
      config: loadConfig(reviewConfigSchema, { CLICKHOUSE_DATABASE: db.database }),
      clickhouse: db.client,
      database: db.database,
      logger: testLogger,
      audit,
      sharing: service,
    });
    await app.ready();
    return { name, db, audit, service, app };
  }

  beforeAll(async () => {
    [cbsa, cbic] = await Promise.all([agency('CBSA'), agency('CBIC')]);
    await Promise.all([cbsa.service.startReceiver(), cbic.service.startReceiver()]);
  });

  afterAll(async () => {
    await Promise.allSettled([cbsa?.service.stop(), cbic?.service.stop()]);
    await Promise.allSettled([cbsa?.app.close(), cbic?.app.close()]);
    await Promise.allSettled([cbsa?.db.drop(), cbic?.db.drop()]);
  });

  it('declares every sharing route and answers 401 without a session', async () => {
    const sharingRoutes = cbsa.app.reviewRoutes.filter((r) => r.url.startsWith('/api/sharing'));
    expect(sharingRoutes.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      'GET /api/sharing/partners',
      'GET /api/sharing/shares',
      'POST /api/sharing/:shareId/revoke',
      'POST /api/sharing/:shareId/update',
      'POST /api/sharing/outcome',
      'POST /api/sharing/preview',
      'POST /api/sharing/share',
    ]);
    const share = '0f8fad5b-d9cb-569f-a165-70867728950e';
    for (const r of [...sharingRoutes, { method: 'GET', url: '/api/received' }]) {
      const url = r.url.replace(':shareId', share);
      const res = await call(cbsa.app, null, r.method as 'GET', url, r.method === 'POST' ? {} : undefined);
      expect(res.statusCode, `${r.method} ${url}`).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses the wrong role (403) and the wrong agency (403), in the app’s error shape', async () => {
    const body = { messageIds: [RED], partner: 'CBIC' };
    for (const user of ['cbsa.officer', 'cbsa.supervisor', 'cbsa.analyst', 'admin']) {
      const res = await call(cbsa.app, await as(cbsa, user), 'POST', '/api/sharing/preview', body);
      expect(res.statusCode, user).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
      const list = await call(cbsa.app, await as(cbsa, user), 'GET', '/api/sharing/shares');
      expect(list.statusCode, user).toBe(403);
    }
    // A CBIC liaison account in CBSA's app: the role may share, but this service acts for CBSA only.
    const foreign = await call(
      cbsa.app,
      await as(cbsa, 'cbic.liaison'),
      'POST',
      '/api/sharing/preview',
      body,
    );
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error).toMatchObject({ code: 'FORBIDDEN' });
    expect(foreign.json().error.message).toContain('CBSA');
    // Outcomes: the data scientist and the administrator may not report one.
    for (const user of ['cbic.admin']) {
      const res = await call(cbic.app, await as(cbic, user), 'POST', '/api/sharing/outcome', {
        shareId: '0f8fad5b-d9cb-569f-a165-70867728950e',
        disposition: 'SEIZED',
      });
      expect(res.statusCode, user).toBe(403);
    }
    // Malformed bodies name the field, in the same shape.
    const bad = await call(cbsa.app, await as(cbsa, 'cbsa.liaison'), 'POST', '/api/sharing/preview', {
      messageIds: [],
      partner: 'CBIC',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'BAD_REQUEST' });
    expect(bad.json().error.message).toContain('messageIds');
  });

  it('requires the CSRF token on every state-changing sharing route', async () => {
    const liaison = await as(cbsa, 'cbsa.liaison');
    const share = '0f8fad5b-d9cb-569f-a165-70867728950e';
    const posts = cbsa.app.reviewRoutes.filter(
      (r) => r.url.startsWith('/api/sharing') && r.method === 'POST',
    );
    expect(posts.length).toBe(5);
    for (const r of posts) {
      const url = r.url.replace(':shareId', share);
      const missing = await call(cbsa.app, liaison, 'POST', url, {}, null);
      expect(missing.statusCode, url).toBe(403);
      expect(missing.json().error.code).toBe('CSRF_FAILED');
      const wrong = await call(cbsa.app, liaison, 'POST', url, {}, 'not-the-token');
      expect(wrong.statusCode, url).toBe(403);
      expect(wrong.json().error.code).toBe('CSRF_FAILED');
    }
    expect(await cbsa.db.count(`SELECT count() AS n FROM ${cbsa.db.database}.sharing_messages`)).toBe(0);
  });

  it('previews exactly the fields the agreement allows, with TLP and legal basis', async () => {
    const liaison = await as(cbsa, 'cbsa.liaison');
    const partners = await call(cbsa.app, liaison, 'GET', '/api/sharing/partners');
    expect(partners.statusCode).toBe(200);
    expect(partners.json().partners).toEqual([
      expect.objectContaining({
        agency: 'CBIC',
        agreementId: 'ca-in-cmaa',
        terms: expect.objectContaining({ tlp: 'AMBER+STRICT' }),
      }),
    ]);
    const res = await call(cbsa.app, liaison, 'POST', '/api/sharing/preview', {
      messageIds: [RED],
      partner: 'CBIC',
    });
    expect(res.statusCode, res.body).toBe(200);
    const [p] = res.json().previews;
    expect(p.tlp).toBe('AMBER+STRICT');
    expect(p.terms.legalBasis).toHaveLength(2);
    expect(p.terms.legalBasis[0]).toContain('Mutual Assistance in Customs Matters');
    expect(p.terms).toMatchObject({ agreementId: 'ca-in-cmaa', retentionDays: 365, onwardSharing: false });
    const c = p.case;
    expect(Object.keys(c).sort()).toEqual([
      'assessment',
      'consignment',
      'documentType',
      'filedAt',
      'reportingCountry',
    ]);
    // Only allowed consignment fields (the demo case has no dates; absent values are not sent).
    const allowedConsignment = [
      'arrivalDate',
      'carrier',
      'consignmentId',
      'containers',
      'departureDate',
      'goods',
      'masterId',
      'mode',
      'parties',
      'payment',
      'permits',
      'route',
    ];
    for (const k of Object.keys(c.consignment)) expect(allowedConsignment).toContain(k);
    expect(Object.keys(c.consignment)).toEqual(
      expect.arrayContaining(['consignmentId', 'route', 'parties', 'goods']),
    );
    expect(Object.keys(c.assessment).sort()).toEqual(
      [
        'lane',
        'modelScore',
        'modelVersion',
        'riskScore',
        'ruleHits',
        'rulesVersion',
        'scoredAt',
        'substances',
      ].sort(),
    );
    // Rule evidence never leaves; a null goodsLine is not sent.
    for (const h of c.assessment.ruleHits) {
      for (const k of Object.keys(h)) expect(['explanation', 'goodsLine', 'ruleId', 'weight']).toContain(k);
      expect(h).not.toHaveProperty('evidence');
    }
    for (const g of c.consignment.goods) {
      for (const k of Object.keys(g)) {
        expect([
          'lineNumber',
          'description',
          'hsCode',
          'casNumbers',
          'quantity',
          'packages',
          'grossWeightKg',
          'declaredValue',
          'originCountry',
        ]).toContain(k);
      }
    }
    // The company in clear (street withheld); the natural person pseudonymised, only the country left.
    expect(c.consignment.parties.shipper.name).toBe('Hubei Rising Chemical Ltd');
    expect(c.consignment.parties.shipper.address).toEqual({ city: 'Wuhan', country: 'CN' });
    expect(c.consignment.parties.consignee.name).toMatch(PSEUDONYM);
    expect(c.consignment.parties.consignee.address).toEqual({ country: 'CA' });
    expect(c.consignment.parties.consignee.phone).toMatch(PSEUDONYM);
    const text = JSON.stringify(c);
    for (const secret of ['K. Dhillon', 'Brampton', '+86 135 0000 0000', 'CBSA-ACI'])
      expect(text).not.toContain(secret);
    expect(p.withheld).toEqual(expect.arrayContaining(['sourceSystem']));
    expect(p.pseudonymised).toEqual(expect.arrayContaining(['consignment.parties.consignee.name']));
    expect(p.contentSha256).toMatch(/^[0-9a-f]{64}$/);
    // Previewing sends nothing.
    expect(await cbsa.db.count(`SELECT count() AS n FROM ${cbsa.db.database}.sharing_messages`)).toBe(0);
  });

  it('shares; the partner sees it read-only from what was sent, reports an outcome, and it returns as a label', async () => {
    const liaison = await as(cbsa, 'cbsa.liaison');
    const previews = (
      await call(cbsa.app, liaison, 'POST', '/api/sharing/preview', { messageIds: [RED], partner: 'CBIC' })
    ).json().previews;
    // A case is a consignment: its declaration leaves with the manifest, each as its own package.
    expect(previews.map((x: { messageId: string }) => x.messageId)).toEqual([RED, DEMO_IDS.redCaDeclaration]);
    const p = previews[0];
    const changed = await call(cbsa.app, liaison, 'POST', '/api/sharing/share', {
      messageIds: [RED],
      partner: 'CBIC',
      expectedContent: { [RED]: 'f'.repeat(64) },
    });
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.code).toBe('CONTENT_CHANGED');
    const shared = await call(cbsa.app, liaison, 'POST', '/api/sharing/share', {
      messageIds: [RED],
      partner: 'CBIC',
      expectedContent: { [RED]: p.contentSha256 },
    });
    expect(shared.statusCode, shared.body).toBe(201);
    expect(shared.json().shares).toHaveLength(2);
    const shareId = shared.json().shares[0].shareId as string;
    expect(shareId).toBe(p.shareId);

    // CBIC: in the queue's received list, marked with the sender; the case comes from received_cases.
    const officer = await as(cbic, 'cbic.officer');
    const received = await waitFor(
      'CBIC to receive the case',
      async () => (await call(cbic.app, officer, 'GET', '/api/received')).json(),
      (r: { items: { shareId: string }[] }) => r.items.some((i) => i.shareId === shareId),
    );
    const item = received.items.find((i: { shareId: string }) => i.shareId === shareId);
    expect(item).toMatchObject({
      fromAgency: 'CBSA',
      consignmentId: 'EXP7781203344',
      lane: 'RED',
      messageId: RED,
    });
    // CBIC's database holds its own copy of the demo cases; the view is still the received one.
    const view = await call(cbic.app, officer, 'GET', `/api/cases/${RED}`);
    expect(view.statusCode, view.body).toBe(200);
    const v = view.json();
    expect(v.access).toBe('received');
    expect(v.fromAgency).toBe('CBSA');
    expect(v.case).toEqual(p.case);
    expect(JSON.stringify(v)).not.toContain('K. Dhillon');
    expect(v.legalBasis).toEqual(p.terms.legalBasis);
    expect(v.pseudonymised).toEqual(expect.arrayContaining(['consignment.parties.consignee.name']));
    expect(v.outcomeEnabled).toBe(true);
    // Read-only: no local disposition of the partner's case.
    const dispose = await call(cbic.app, officer, 'POST', `/api/cases/${RED}/disposition`, {
      disposition: 'RELEASED',
    });
    expect(dispose.statusCode).not.toBe(200);
    // Filters apply to received cases too (the declaration is YELLOW, the manifest RED).
    const yellow = await waitFor(
      'the declaration to arrive',
      async () => (await call(cbic.app, officer, 'GET', '/api/received?lane=YELLOW')).json(),
      (r: { items: { messageId: string }[] }) => r.items.length > 0,
    );
    expect(yellow.items.map((i: { messageId: string }) => i.messageId)).toEqual([DEMO_IDS.redCaDeclaration]);
    const both = await waitFor(
      'CBIC to receive both documents',
      async () => (await call(cbic.app, officer, 'GET', '/api/received?q=EXP77812')).json(),
      (r: { items: { messageId: string }[] }) => r.items.length === 2,
    );
    expect(new Set(both.items.map((i: { messageId: string }) => i.messageId))).toEqual(
      new Set([RED, DEMO_IDS.redCaDeclaration]),
    );

    // The officer reports the outcome; it travels back as a label.
    const analyst = await call(cbic.app, await as(cbic, 'cbic.admin'), 'POST', '/api/sharing/outcome', {
      shareId,
      disposition: 'SEIZED',
    });
    expect(analyst.statusCode).toBe(403);
    const outcome = await call(cbic.app, officer, 'POST', '/api/sharing/outcome', {
      shareId,
      disposition: 'SEIZED',
    });
    expect(outcome.statusCode, outcome.body).toBe(201);
    const after = (await call(cbic.app, officer, 'GET', `/api/cases/${RED}`)).json();
    expect(after.outcomes.map((o: { disposition: string }) => o.disposition)).toEqual(['SEIZED']);
    expect(after.history.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['sharing.case.received', 'case.view', 'sharing.outcome.sent']),
    );

    const shares = await waitFor(
      'CBSA to receive the outcome',
      async () => (await call(cbsa.app, liaison, 'GET', '/api/sharing/shares')).json(),
      (r: { shares: { shareId: string; outcome?: unknown }[] }) =>
        r.shares.some((s) => s.shareId === shareId && s.outcome !== undefined),
    );
    const mine = shares.shares.find((s: { shareId: string }) => s.shareId === shareId);
    expect(mine).toMatchObject({
      direction: 'OUT',
      partner: 'CBIC',
      consignmentId: 'EXP7781203344',
      receipt: { status: 'ACCEPTED' },
      outcome: { disposition: 'SEIZED' },
    });
    const labels = await cbsa.db.count(
      `SELECT count() AS n FROM ${cbsa.db.database}.partner_labels WHERE messageId = '${RED}' AND positive = 1`,
    );
    expect(labels).toBe(1);
    // One audit chain per database, intact, with the app's and sharing's entries in it.
    expect(await cbsa.audit.verify()).toMatchObject({ ok: true });
    expect(await cbic.audit.verify()).toMatchObject({ ok: true });

    // Revocation: the partner's copy disappears from its queue and view.
    const revoke = await call(cbsa.app, liaison, 'POST', `/api/sharing/${shareId}/revoke`, {
      reason: 'test revocation',
    });
    expect(revoke.statusCode, revoke.body).toBe(200);
    await waitFor(
      'CBIC to erase the case',
      async () => (await call(cbic.app, officer, 'GET', '/api/received')).json(),
      (r: { items: { shareId: string }[] }) => !r.items.some((i) => i.shareId === shareId),
    );
    const gone = await call(cbic.app, officer, 'GET', `/api/cases/${RED}`);
    expect(gone.json().access).not.toBe('received');
  });
});
