// Sign-in throttling against the real ClickHouse, through app.inject(): simultaneous attempts cannot
// overrun the limit (counted before the password is checked), the count is shared by every review
// process on the database, and a locked name still signs in from its owner's usual address.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, reviewConfigSchema } from '../../services/common/config.ts';
import { buildReviewApp } from '../../services/review/app.ts';
import { type Authenticator, createLocalAuthenticator } from '../../services/review/authenticator.ts';
import { THROTTLE_DEFAULTS } from '../../services/review/login-throttle.ts';
import { seedReviewDemo } from '../../services/review/seed.ts';
import { createUserDirectory, DEMO_PASSWORD } from '../../services/review/users.ts';
import { createTestDatabase, type TestDatabase, testLogger } from '../support/env.ts';

let db: TestDatabase;
let checks = 0;
let firstBurst = 0;
const apps: FastifyInstance[] = [];

/** The local authenticator, counting every password it checks. */
function countingAuth(): Authenticator {
  const inner = createLocalAuthenticator(
    createUserDirectory({ client: db.client, database: db.database, clock: { now: () => new Date() } }),
  );
  return {
    ...inner,
    async passwordLogin(username, password) {
      checks++;
      return inner.passwordLogin!(username, password);
    },
  };
}

async function reviewProcess(): Promise<FastifyInstance> {
  const app = await buildReviewApp({
    config: loadConfig(reviewConfigSchema, { CLICKHOUSE_DATABASE: db.database }),
    clickhouse: db.client,
    database: db.database,
    logger: testLogger,
    auth: countingAuth(),
  });
  await app.ready();
  apps.push(app);
  return app;
}

const signIn = (app: FastifyInstance, ip: string, username: string, password: string) =>
  app.inject({
    method: 'POST',
    url: '/api/login',
    remoteAddress: ip,
    headers: { cookie: 'pr_csrf=t0k3n', 'x-csrf-token': 't0k3n' },
    payload: { username, password },
  });

beforeAll(async () => {
  db = await createTestDatabase();
  await seedReviewDemo(db.client, db.database, new Date(), { synthetic: 0 });
});

afterAll(async () => {
  await Promise.allSettled(apps.map((a) => a.close()));
  await db?.drop();
});

describe('sign-in throttling', () => {
  it('100 simultaneous wrong sign-ins check at most the per-user limit of passwords', async () => {
    const app = await reviewProcess();
    // The owner signs in from the office first: that address becomes a usual one.
    expect((await signIn(app, '10.0.0.1', 'cbsa.officer', DEMO_PASSWORD)).statusCode).toBe(200);
    checks = 0;
    // Two bursts of 100 at once, then one at a time: however they arrive, at most the limit is checked.
    for (let burst = 0; burst < 2; burst++) {
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) => signIn(app, '10.6.6.6', 'cbsa.officer', `wrong-${burst}-${i}`)),
      );
      const statuses = answers.map((a) => a.statusCode);
      expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
      expect(statuses.filter((s) => s === 401).length).toBe(checks - (burst === 0 ? 0 : firstBurst));
      if (burst === 0) firstBurst = checks;
      expect(checks).toBeLessThanOrEqual(THROTTLE_DEFAULTS.maxPerUser);
    }
    let last = 0;
    for (let i = 0; i < 10; i++)
      last = (await signIn(app, '10.6.6.6', 'cbsa.officer', `slow-${i}`)).statusCode;
    expect(last).toBe(429);
    expect(checks).toBe(THROTTLE_DEFAULTS.maxPerUser);
    // Even the right password is not checked from the attacker's address now.
    const right = await signIn(app, '10.6.6.6', 'cbsa.officer', DEMO_PASSWORD);
    expect(right.statusCode).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    expect(checks).toBe(THROTTLE_DEFAULTS.maxPerUser);
  });

  it('the owner still signs in from their usual address; an unknown address stays locked', async () => {
    const app = apps[0]!;
    expect((await signIn(app, '10.0.0.1', 'cbsa.officer', DEMO_PASSWORD)).statusCode).toBe(200);
    expect((await signIn(app, '10.7.7.7', 'cbsa.officer', DEMO_PASSWORD)).statusCode).toBe(429);
  });

  it('every review process on the database sees the same counts', async () => {
    const second = await reviewProcess();
    const before = checks;
    const res = await signIn(second, '10.6.6.6', 'cbsa.officer', 'wrong-again');
    expect(res.statusCode).toBe(429);
    expect(checks).toBe(before);
  });

  it('100 simultaneous wrong sign-ins for different names from one address check at most the per-address limit', async () => {
    const app = apps[0]!;
    checks = 0;
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => signIn(app, '10.9.9.9', `nobody.${i}`, 'wrong')),
    );
    expect(checks).toBeLessThanOrEqual(THROTTLE_DEFAULTS.maxPerAddress);
    expect(answers.filter((a) => a.statusCode === 429).length).toBe(100 - checks);
    let last = 0;
    for (let i = 0; i < 30; i++) last = (await signIn(app, '10.9.9.9', `later.${i}`, 'wrong')).statusCode;
    expect(last).toBe(429);
    expect(checks).toBe(THROTTLE_DEFAULTS.maxPerAddress);
    const rows = await db.count(
      `SELECT count() AS n FROM ${db.database}.login_attempts WHERE ip = '10.9.9.9' AND kind = 'ATTEMPT'`,
    );
    expect(rows).toBe(130);
  });
});

describe('behind TLS', () => {
  it('SECURE_COOKIES marks every cookie Secure and sends HSTS; without it neither', async () => {
    for (const secure of [true, false]) {
      const app = await buildReviewApp({
        config: loadConfig(reviewConfigSchema, {
          CLICKHOUSE_DATABASE: db.database,
          SECURE_COOKIES: String(secure),
          HSTS_MAX_AGE: '600',
        }),
        clickhouse: db.client,
        database: db.database,
        logger: testLogger,
      });
      apps.push(app);
      const res = await signIn(app, '10.1.1.1', 'cbsa.supervisor', DEMO_PASSWORD);
      expect(res.statusCode).toBe(200);
      expect(res.cookies.length).toBeGreaterThanOrEqual(2);
      for (const c of res.cookies) expect(Boolean(c.secure), `${c.name} secure=${secure}`).toBe(secure);
      const hsts = res.headers['strict-transport-security'];
      if (secure) expect(hsts).toBe('max-age=600; includeSubDomains');
      else expect(hsts).toBeUndefined();
    }
  });
});
