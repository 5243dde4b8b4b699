// The case view's molecule drawing in headless Chromium (Debian's /usr/bin/chromium through playwright-core):
// a goods line naming a designer analogue by its systematic name is scored by the real scorer with the OPSIN
// helper running, stored, and opened by a CBSA officer; the case view draws the parent structure (RDKit SVG)
// with the family's matched substructure highlighted, next to the goods line and the listing. Screenshots go
// to test-results/screenshots/ (git-ignored).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../schemas/decision.ts';
import { reportSchema } from '../../schemas/report.ts';
import { parentStructure } from '../../services/chemistry/structure.ts';
import { loadConfig, reviewConfigSchema } from '../../services/common/config.ts';
import { startReviewServer } from '../../services/review/app.ts';
import { DEMO_IDS, demoCases } from '../../services/review/demo-cases.ts';
import { seedReviewDemo } from '../../services/review/seed.ts';
import { caseRow } from '../../services/review/synthetic.ts';
import { DEMO_PASSWORD } from '../../services/review/users.ts';
import { type ChemistryRuntime, startChemistry } from '../../services/runtime/chemistry.ts';
import { createDefaultScorer } from '../../services/scoring/decide.ts';
import { insertCaseRows } from '../../services/storage/decision-rows.ts';
import { createTestDatabase, type TestDatabase, testLogger } from '../support/env.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.resolve('test-results/screenshots');
const ANALOGUE = 'tert-Butyl 4-(4-fluorophenylamino)piperidine-1-carboxylate, 99%';
// An industrial solvent (DMI) only the parser reads: the decision identifies nothing in its line.
const SOLVENT = '1,3-Dimethyl-2-imidazolidinone, 200 L drums';

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startReviewServer>>;
let context: BrowserContext;
let userDataDir: string;
let chemistry: ChemistryRuntime;
let caseId: string;
let decision: Decision;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  mkdirSync(SHOTS, { recursive: true });
  db = await createTestDatabase();
  const now = new Date();
  await seedReviewDemo(db.client, db.database, now, { synthetic: 0 });

  // A goods line only the name parser can read, scored by the real scorer.
  chemistry = await startChemistry({ logger: testLogger, cacheFile: null });
  const demo = demoCases(now).find((c) => c.report.messageId === DEMO_IDS.redCaManifest)!;
  const input = structuredClone(demo.report);
  caseId = randomUUID();
  input.messageId = caseId;
  input.consignment.consignmentId = `MOL${caseId.slice(0, 8).toUpperCase()}`;
  input.consignment.goods = [
    { ...input.consignment.goods[0]!, description: ANALOGUE, casNumbers: [], hsCode: '293339' },
    { ...input.consignment.goods[0]!, lineNumber: 2, description: SOLVENT, casNumbers: [], hsCode: '293329' },
  ];
  const report = reportSchema.parse(input);
  const { scorer, rules } = createDefaultScorer();
  await scorer.prepare?.([report], 60_000);
  decision = scorer.scoreBatch([report], now)[0]!;
  rules.close();
  await insertCaseRows(db.client, db.database, [caseRow({ report: input, decision })]);

  server = await startReviewServer({
    config: loadConfig(reviewConfigSchema, { CLICKHOUSE_DATABASE: db.database }),
    clickhouse: db.client,
    database: db.database,
    logger: testLogger,
    host: '127.0.0.1',
    port: 0,
    pollIntervalMs: 1000,
  });
  userDataDir = mkdtempSync(path.join(os.tmpdir(), 'molecule-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
    viewport: { width: 1366, height: 900 },
  });
}, 300_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  await chemistry?.stop();
  await db?.drop();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

describe('case view molecule drawing in Chromium', () => {
  it('draws the resolved structure with the family substructure highlighted, beside the goods line and listing', async () => {
    const s = decision.substances[0]!;
    expect(s).toMatchObject({ resolvedBy: 'FAMILY', family: 'halogenated-4-ap' });
    expect(s.smarts).toBeTruthy();

    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of (401|403)/.test(m.text())) errors.push(m.text());
    });
    await page.goto(`${server.url}/`);
    await page.fill('#username', 'cbsa.officer');
    await page.fill('#password', DEMO_PASSWORD);
    await page.click('#login-submit');
    await page.waitForSelector('#queue-table tbody tr');
    await page.goto(`${server.url}/#/case/${caseId}`);
    const figure = page.locator('figure.molecule').first();
    await figure.waitFor();
    await figure.scrollIntoViewIfNeeded();

    const drawn = await figure.locator('svg').evaluate((el) => ({
      paths: el.querySelectorAll('path').length,
      // RDKit marks highlighted bonds and atoms with its highlight colour (#FF7F7F by default).
      highlighted: [...el.querySelectorAll('*')].filter((n) =>
        /#FF7F7F/i.test(`${n.getAttribute('fill') ?? ''} ${n.getAttribute('stroke') ?? ''}`),
      ).length,
      width: el.getBoundingClientRect().width,
    }));
    expect(drawn.paths).toBeGreaterThan(10);
    expect(drawn.highlighted).toBeGreaterThan(0);
    expect(drawn.width).toBeGreaterThan(100);
    const card = figure.locator('xpath=ancestor::li[1]');
    const text = await card.textContent();
    expect(text).toContain(ANALOGUE);
    expect(text).toContain(s.listing ?? 'CA-PCR-CLASS-A');
    expect(text).toContain(s.inchikey!);
    await figure.screenshot({ path: path.join(SHOTS, 'case-molecule.png') });
    await page.screenshot({ path: path.join(SHOTS, 'case-molecule-page.png'), fullPage: true });

    // The solvent's line, where the decision identified nothing, is read and drawn when the case opens.
    expect(decision.substances.filter((x) => x.goodsLine === 2 && x.smiles)).toEqual([]);
    const other = page.locator('#other-structures li').first();
    await other.waitFor();
    const otherText = await other.textContent();
    expect(otherText).toContain(SOLVENT);
    expect(otherText).toContain(parentStructure('CN1CCN(C)C1=O')!.inchikey); // DMI, drawn from its name
    expect(await other.locator('figure.molecule svg path').count()).toBeGreaterThan(5);
    await other.screenshot({ path: path.join(SHOTS, 'case-other-structure.png') });
    expect(errors).toEqual([]);
  }, 120_000);
});
