// The officers' review app in headless Chromium (Debian's /usr/bin/chromium through playwright-core;
// no browser is downloaded): a CBSA officer triages the RED Canadian case to a seizure, a new case
// arrives without a reload, and a CBIC officer can neither see nor open it. Screenshots at 1366×768
// go to test-results/screenshots/ (git-ignored) for a human look.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, reviewConfigSchema } from '../../services/common/config.ts';
import { startReviewServer } from '../../services/review/app.ts';
import { DEMO_IDS, demoCases } from '../../services/review/demo-cases.ts';
import { seedReviewDemo } from '../../services/review/seed.ts';
import { caseRow } from '../../services/review/synthetic.ts';
import { DEMO_PASSWORD } from '../../services/review/users.ts';
import { insertCaseRows } from '../../services/storage/decision-rows.ts';
import { createTestDatabase, type TestDatabase, testLogger } from '../support/env.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.resolve('test-results/screenshots');
const RED_CA = DEMO_IDS.redCaManifest;

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startReviewServer>>;
let context: BrowserContext;
let userDataDir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  mkdirSync(SHOTS, { recursive: true });
  db = await createTestDatabase();
  await seedReviewDemo(db.client, db.database, new Date(), { synthetic: 80 });
  server = await startReviewServer({
    config: loadConfig(reviewConfigSchema, { CLICKHOUSE_DATABASE: db.database }),
    clickhouse: db.client,
    database: db.database,
    logger: testLogger,
    host: '127.0.0.1',
    port: 0,
    pollIntervalMs: 1000,
  });
  userDataDir = mkdtempSync(path.join(os.tmpdir(), 'review-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1366, height: 768 },
  });
});

afterAll(async () => {
  await context?.close();
  await server?.close();
  await db?.drop();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

async function signIn(page: Page, username: string) {
  await page.goto(`${server.url}/`);
  await page.fill('#username', username);
  await page.fill('#password', DEMO_PASSWORD);
  await page.click('#login-submit');
  await page.waitForSelector('#queue-table tbody tr');
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForSelector('#username');
}

/** Fails the test on any script error or CSP violation in the page. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (401|403|404)/.test(m.text())) errors.push(m.text());
  });
  return errors;
}

describe('officer review app in Chromium', () => {
  it('a CBSA officer triages the RED case to a seizure; CBIC cannot see or open it', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);

    // --- CBSA officer: the queue
    await signIn(page, 'cbsa.officer');
    const row = page.locator(`#queue-table tr[data-id="${RED_CA}"]`);
    await expect.poll(() => row.count()).toBe(1);
    await expect.poll(() => row.textContent()).toContain('EXP7781203344');
    expect(await row.textContent()).toContain('WATCHLIST');
    // A case is a consignment: one queue entry, its manifest and declaration listed under it.
    const entries = page.locator('#queue-table tbody tr', { hasText: 'EXP7781203344' });
    expect(await entries.count()).toBe(1);
    const docIds = await row
      .locator('li.doc')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-doc')));
    expect(docIds.sort()).toEqual([DEMO_IDS.redCaDeclaration, RED_CA].sort());
    expect(await page.locator(`#queue-table tr[data-id="${DEMO_IDS.redIn}"]`).count()).toBe(0);
    expect(await page.locator('#queue-table').textContent()).not.toContain('LH-020-55512340');
    // Keyboard triage: j moves the selection down, k back up.
    await page.keyboard.press('j');
    expect(
      await page.locator('#queue-table tbody tr[aria-selected="true"]').getAttribute('data-id'),
    ).not.toBeNull();
    await page.keyboard.press('k');
    await page.screenshot({ path: path.join(SHOTS, 'queue.png') });

    // --- the case view, opened from the keyboard
    const ids = await page
      .locator('#queue-table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')));
    for (let i = 0; i < ids.indexOf(RED_CA); i++) await page.keyboard.press('j');
    await page.keyboard.press('o');
    await page.waitForSelector('#rule-hits');
    const reasons = await page.locator('#rule-hits').textContent();
    expect(reasons).toContain('controlled-substance-no-permit');
    expect(reasons).toContain('no PEN, import permit or registration was filed');
    expect(await page.locator('#watchlist').textContent()).toContain('ILLICIT-DRUGS-EO14059');
    expect(await page.locator('#goods mark').first().textContent()).toBe(
      '4-Piperidone monohydrate hydrochloride',
    );
    expect(await page.locator('#differences').textContent()).toContain('Piperidone salt, laboratory reagent');
    expect(await page.locator('#features').textContent()).toContain('controlled_cas_present');
    // The case view lists every document of the consignment, this one marked.
    const caseDocs = await page
      .locator('#consignment-documents li.doc')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-doc')));
    expect(caseDocs).toEqual([RED_CA, DEMO_IDS.redCaDeclaration]);
    expect(await page.locator('#consignment-documents').textContent()).toContain('manifest (this one)');
    await page.screenshot({ path: path.join(SHOTS, 'case.png') });
    await page.screenshot({ path: path.join(SHOTS, 'case-full.png'), fullPage: true });

    // --- record a seizure with s, and see it in the history
    await page.keyboard.press('a');
    await expect.poll(() => page.locator('#case-state').textContent()).toContain('Assigned to me');
    await page.keyboard.press('s');
    await page.waitForSelector('#dispose[open]');
    expect(await page.locator('#dispose-kind').inputValue()).toBe('SEIZED');
    await page.fill('#dispose-qty', '25');
    await page.selectOption('#dispose-unit', 'KG');
    await page.fill('#dispose-form textarea', 'One 25 kg drum, sealed; sample to lab');
    await page.click('#dispose-submit');
    await expect.poll(() => page.locator('#history').textContent()).toContain('recorded Seized — 25 KG');
    expect(await page.locator('#case-state').textContent()).toContain('Seized');
    expect(await page.locator('#history').textContent()).toContain('assigned to cbsa.officer');

    // --- back to the queue; a new flagged case arrives without a reload
    await page.keyboard.press('u');
    await page.waitForSelector(`#queue-table tr[data-id="${RED_CA}"]`);
    expect(await page.locator(`#queue-table tr[data-id="${RED_CA}"]`).textContent()).toContain('Seized');
    // Disposing the consignment closed every document of it.
    const states = await page
      .locator(`#queue-table tr[data-id="${RED_CA}"] li.doc`)
      .evaluateAll((lis) => lis.map((li) => li.textContent ?? ''));
    expect(states).toHaveLength(2);
    for (const s of states) expect(s).toContain('Seized');
    const declaration = (await page.evaluate(
      async (id) => (await fetch(`/api/cases/${id}`)).json(),
      DEMO_IDS.redCaDeclaration,
    )) as { disposition: string };
    expect(declaration.disposition).toBe('SEIZED');
    const fresh = structuredClone(demoCases(new Date())[0]!);
    fresh.report.messageId = '7f9c2ba4-2222-4aaa-8aaa-0000000000aa';
    fresh.report.consignment.consignmentId = 'NEWARRIVAL0001';
    fresh.decision.messageId = fresh.report.messageId;
    fresh.decision.consignmentId = 'NEWARRIVAL0001';
    fresh.decision.riskScore = 0.999;
    fresh.decision.scoredAt = new Date(Date.now() + 1000).toISOString();
    await insertCaseRows(db.client, db.database, [caseRow(fresh)]);
    await page.waitForSelector(`#queue-table tr[data-id="${fresh.report.messageId}"]`, { timeout: 15_000 });

    // --- dashboard
    await page.goto(`${server.url}/#/dashboard`);
    await page.waitForSelector('#chart-day svg');
    expect(await page.locator('#drift').textContent()).toContain('no drift data');
    expect(await page.locator('#lane-rates').textContent()).toContain('RED');
    expect(await page.locator('#lane-rates').textContent()).toMatch(/\(policy \d+\.\d %\)/);
    await page.screenshot({ path: path.join(SHOTS, 'dashboard.png') });
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-full.png'), fullPage: true });
    await signOut(page);

    // --- CBIC officer: absent from the queue, 404 from the API (as a missing case), not found in the UI
    await signIn(page, 'cbic.officer');
    await expect.poll(() => page.locator(`#queue-table tr[data-id="${DEMO_IDS.redIn}"]`).count()).toBe(1);
    expect(await page.locator(`#queue-table tr[data-id="${RED_CA}"]`).count()).toBe(0);
    expect(await page.locator('#queue-table').textContent()).not.toContain('EXP7781203344');
    const search = (await page.evaluate(async () => (await fetch('/api/queue?q=EXP7781203344')).json())) as {
      total: number;
    };
    expect(search.total).toBe(0);
    const status = await page.evaluate(async (id) => (await fetch(`/api/cases/${id}`)).status, RED_CA);
    expect(status).toBe(404);
    await page.goto(`${server.url}/#/case/${RED_CA}`);
    await page.waitForSelector('.state.empty');
    expect(await page.locator('main').textContent()).toContain('No such case');
    expect(await page.locator('main').textContent()).not.toContain('Hubei');
    await page.screenshot({ path: path.join(SHOTS, 'cbic-denied.png') });

    expect(errors).toEqual([]);
    await page.close();
  });
});
