// Partner case sharing in headless Chromium (Debian's /usr/bin/chromium through playwright-core; no
// browser is downloaded), between two agency instances: CBSA and CBIC each run the review app (port 0)
// on its own ClickHouse database with its own sharing service; both meet on the one Kafka under a
// unique topic prefix, each trusting the other's test-generated key. A CBSA liaison officer selects
// the RED case, previews exactly what would leave and shares it; a CBIC officer finds it in the queue
// marked "shared by CBSA", opens the read-only view (the person pseudonymised, allowed fields in
// clear) and reports the outcome; the CBSA liaison sees the outcome on the share. Screenshots at
// 1366×768 go to test-results/screenshots/liaison-*.png for a human look.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../services/audit/audit-log.ts';
import { loadConfig, reviewConfigSchema } from '../../services/common/config.ts';
import { createKafka } from '../../services/pipeline/kafka.ts';
import { startReviewServer } from '../../services/review/app.ts';
import { DEMO_IDS } from '../../services/review/demo-cases.ts';
import { seedReviewDemo } from '../../services/review/seed.ts';
import { DEMO_PASSWORD } from '../../services/review/users.ts';
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
} from '../support/env.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.resolve('test-results/screenshots');
const RED = DEMO_IDS.redCaManifest;

interface Instance {
  db: TestDatabase;
  service: SharingService;
  server: Awaited<ReturnType<typeof startReviewServer>>;
  context: BrowserContext;
}

const prefix = `${uniqueName('test')}.`;
const kafka = createKafka({
  brokers: infraConfig.KAFKA_BROKERS,
  clientId: 'liaison-browser',
  logger: testLogger,
});
const keys: Record<'CBSA' | 'CBIC', TestAgencyKeys> = { CBSA: testKeys('CBSA'), CBIC: testKeys('CBIC') };
let browser: Browser;
let cbsa: Instance;
let cbic: Instance;

async function instance(
  name: 'CBSA' | 'CBIC',
  validator: ReturnType<typeof createStixValidator>,
): Promise<Instance> {
  const db = await createTestDatabase();
  await seedReviewDemo(db.client, db.database, new Date(), { synthetic: 40 });
  // One audit log per database: the app and its sharing service append through the same instance.
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
  await service.startReceiver();
  const server = await startReviewServer({
    config: loadConfig(reviewConfigSchema, { CLICKHOUSE_DATABASE: db.database }),
    clickhouse: db.client,
    database: db.database,
    logger: testLogger,
    host: '127.0.0.1',
    port: 0,
    pollIntervalMs: 1000,
    audit,
    sharing: service,
  });
  // Its own browser context: both apps are on 127.0.0.1, and cookies do not tell ports apart.
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  return { db, service, server, context };
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const validator = createStixValidator();
  [cbsa, cbic] = await Promise.all([instance('CBSA', validator), instance('CBIC', validator)]);
}, 120_000);

afterAll(async () => {
  for (const i of [cbsa, cbic]) {
    await i?.context.close().catch(() => {});
    await i?.server.close().catch(() => {});
    await i?.service.stop().catch(() => {});
  }
  await browser?.close();
  await Promise.allSettled([cbsa?.db.drop(), cbic?.db.drop()]);
});

async function signIn(page: Page, url: string, username: string) {
  await page.goto(`${url}/`);
  await page.fill('#username', username);
  await page.fill('#password', DEMO_PASSWORD);
  await page.click('#login-submit');
  await page.waitForSelector('#queue-table tbody tr');
}

/** Fails the test on any script error or CSP violation in the page. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (401|403)/.test(m.text())) errors.push(m.text());
  });
  return errors;
}

describe('partner case sharing in Chromium', () => {
  it('CBSA shares a RED case; CBIC sees it read-only and reports the outcome; CBSA sees the outcome', async () => {
    // --- CBSA liaison: select the RED case from the keyboard, preview, share
    const liaison = await cbsa.context.newPage();
    const liaisonErrors = watchErrors(liaison);
    await signIn(liaison, cbsa.server.url, 'cbsa.liaison');
    expect(await liaison.locator('#nav').textContent()).toContain('Shared cases');
    const ids = await liaison
      .locator('#queue-table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')));
    expect(ids).toContain(RED);
    for (let i = 0; i < ids.indexOf(RED); i++) await liaison.keyboard.press('j');
    await liaison.keyboard.press('x');
    await expect
      .poll(() => liaison.locator(`#queue-table tr[data-id="${RED}"] input.pick`).isChecked())
      .toBe(true);
    expect(await liaison.locator('#share-selected').textContent()).toBe('Share selected (1)');
    await liaison.screenshot({ path: path.join(SHOTS, 'liaison-queue.png') });

    await liaison.click('#share-selected');
    await liaison.waitForSelector(`#share-preview article[data-id="${RED}"]`);
    const terms = await liaison.locator('#share-terms').textContent();
    expect(terms).toContain('TLP:AMBER+STRICT');
    expect(terms).toContain('Mutual Assistance in Customs Matters');
    expect(terms).toContain('365 days');
    expect(await liaison.locator('#share-partner').inputValue()).toBe('CBIC');
    const preview = (await liaison.locator('#share-preview').textContent()) ?? '';
    expect(preview).toContain('EXP7781203344');
    expect(preview).toContain('Hubei Rising Chemical Ltd');
    expect(preview).toContain('pseudonym name');
    expect(preview).not.toContain('K. Dhillon');
    expect(preview).not.toContain('Brampton');
    expect(await liaison.locator('#preview-0-withheld').textContent()).toContain('sourceSystem');
    expect(await liaison.locator('#preview-0-pseudonymised').textContent()).toContain(
      'consignment.parties.consignee.name',
    );
    await liaison.screenshot({ path: path.join(SHOTS, 'liaison-preview.png') });
    await liaison.screenshot({ path: path.join(SHOTS, 'liaison-preview-full.png'), fullPage: true });

    // A case is a consignment: its declaration leaves with the manifest.
    expect(await liaison.locator('#share-confirm').textContent()).toBe(
      'Share 1 consignment (2 documents) with CBIC',
    );
    await liaison.click('#share-confirm');
    await liaison.waitForSelector(`#shares-sent tr[data-id="${RED}"]`);
    const sentRow = liaison.locator(`#shares-sent tr[data-id="${RED}"]`);
    await expect.poll(() => sentRow.getAttribute('data-status'), { timeout: 30_000 }).toBe('acknowledged');
    expect(await sentRow.textContent()).toContain('Receipt acknowledged');
    await liaison.screenshot({ path: path.join(SHOTS, 'liaison-shares-sent.png') });

    // --- CBIC officer: the shared case in the queue, the read-only view, the outcome
    const officer = await cbic.context.newPage();
    const officerErrors = watchErrors(officer);
    await signIn(officer, cbic.server.url, 'cbic.officer');
    const receivedRow = officer.locator(`#queue-table tr.received[data-id="${RED}"]`);
    await expect.poll(() => receivedRow.count()).toBe(1);
    expect(await receivedRow.textContent()).toContain('Shared by CBSA');
    expect(await receivedRow.textContent()).toContain('EXP7781203344');
    expect(await receivedRow.textContent()).not.toContain('K. Dhillon');
    // The partner's case appears once: CBIC's own copy of the demo data does not show it in full.
    expect(await officer.locator(`#queue-table tr[data-id="${RED}"]`).count()).toBe(1);
    await officer.screenshot({ path: path.join(SHOTS, 'liaison-cbic-queue.png') });

    await receivedRow.locator('a').first().click();
    await officer.waitForSelector('#shared-by');
    expect(await officer.locator('#shared-by').textContent()).toBe('Shared by CBSA');
    const main = (await officer.locator('main').textContent()) ?? '';
    expect(main).toContain('EXP7781203344'); // allowed: the consignment id
    expect(main).toContain('Hubei Rising Chemical Ltd'); // allowed: a company's name
    expect(main).not.toContain('K. Dhillon'); // a natural person: pseudonymised
    expect(main).not.toContain('Brampton'); // a person's city: never leaves
    expect(main).not.toContain('CBSA-ACI'); // source system: not in the agreement
    expect(await officer.locator('#doc-parties tr[data-party="consignee"]').textContent()).toContain(
      'pseudonym name',
    );
    expect(main).toContain('TLP:AMBER+STRICT');
    await officer.screenshot({ path: path.join(SHOTS, 'liaison-cbic-case.png') });
    await officer.screenshot({ path: path.join(SHOTS, 'liaison-cbic-case-full.png'), fullPage: true });

    await officer.keyboard.press('s');
    await officer.waitForSelector('#outcome[open]');
    expect(await officer.locator('#outcome-kind').inputValue()).toBe('SEIZED');
    await officer.screenshot({ path: path.join(SHOTS, 'liaison-cbic-outcome-dialog.png') });
    await officer.click('#outcome-submit');
    await expect
      .poll(() => officer.locator('#case-state').textContent())
      .toContain('Outcome reported: Seized');
    expect(await officer.locator('#outcomes').textContent()).toContain('cbic.officer');
    await officer.screenshot({ path: path.join(SHOTS, 'liaison-cbic-outcome.png') });

    // --- CBSA liaison: the outcome arrives on the share (the view refreshes itself)
    await expect.poll(() => sentRow.getAttribute('data-status'), { timeout: 30_000 }).toBe('outcome');
    expect(await sentRow.textContent()).toContain('Outcome received: Seized');
    await liaison.screenshot({ path: path.join(SHOTS, 'liaison-outcome.png') });

    expect(liaisonErrors).toEqual([]);
    expect(officerErrors).toEqual([]);
    await liaison.close();
    await officer.close();
  }, 120_000);
});
