/**
 * The dashboard in a real browser (Debian's Chromium): every chart is drawn (an SVG with
 * visible marks), the strict CSP blocks nothing, and a screenshot lands in
 * test-output/screenshots/.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { startTestApp } from '../helpers/app';
import { createStaff, signIn } from '../helpers/auth';
import { chromiumInstallTimeoutMs, launchBrowser, screenshot, signedInContext } from '../helpers/browser';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import type { ListeningApp } from '../helpers/http';
import { createReadStream } from 'node:fs';
import { importCustomers } from '../../src/modules/customers/import/customer-import';
import { mappingPresets } from '../../src/modules/customers/import/mappings';
import { telcoFile, telcoTest } from '../helpers/telco';
import { seedQuarter } from '../integration/dashboard/support';

let db: TestDatabase;
let app: ListeningApp;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  browser = await launchBrowser();
  db = await createTestDatabase();
  app = await startTestApp({ connection: db.connection });
}, chromiumInstallTimeoutMs + 30_000);

beforeEach(async () => {
  const agent = await signIn(app.url, await createStaff(db.connection, 'marketer'));
  context = await signedInContext(browser, app.url, agent);
});

afterEach(async () => {
  await context?.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await db?.close();
});

test('when a marketer opens the dashboard for a quarter, then every chart is drawn with visible marks and nothing is blocked', async () => {
  const fixture = await seedQuarter(db.connection);
  const page = await context.newPage();
  const problems: string[] = [];
  // A style the CSP blocks shows up as a console error; a missing asset as a failed response (the favicon aside).
  page.on('console', (message) => message.type() === 'error' && !message.text().startsWith('Failed to load resource') && problems.push(message.text()));
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => response.status() >= 400 && !response.url().endsWith('/favicon.ico') && problems.push(`${response.status()} ${response.url()}`));

  await page.goto(`${app.url}/dashboard?${fixture.search}`);

  const charts = await page.locator('svg.chart').evaluateAll((svgs) =>
    svgs.map((svg) => {
      const box = svg.getBoundingClientRect();
      const marks = [...svg.querySelectorAll('rect, polyline, circle')].map((mark) => mark.getBoundingClientRect()).filter((mark) => mark.width > 0 || mark.height > 0);
      return { chart: svg.getAttribute('data-chart'), width: box.width, height: box.height, marks: marks.length };
    }),
  );
  expect(charts.map((chart) => chart.chart)).toEqual(['churn-retention', 'churned-now', 'causes', 'causes-over-time', 'lost-revenue', 'survey-responses', 'campaigns', 'at-risk', 'competitors']);
  for (const chart of charts) {
    expect(chart.width).toBeGreaterThan(100);
    expect(chart.height).toBeGreaterThan(20);
    expect(chart.marks).toBeGreaterThan(0);
  }
  // The stylesheet applied: a cause bar is filled with its cause's colour, not the default black.
  expect(await page.locator('rect.chart-cause--price').first().evaluate((rect) => rect.ownerDocument.defaultView?.getComputedStyle(rect).fill)).toBe('rgb(36, 113, 163)');
  await screenshot(page, 'dashboard-quarter');
  expect(problems).toEqual([]);
});

test('when the dashboard is opened in Chinese, then titles are Chinese and a screenshot is saved', async () => {
  const fixture = await seedQuarter(db.connection);
  const page = await context.newPage();

  await page.goto(`${app.url}/dashboard?${fixture.search}&lang=zh-CN`);

  await expect(page.locator('h1').innerText()).resolves.toBe('流失仪表盘');
  expect(await page.locator('svg.chart').count()).toBe(9);
  await screenshot(page, 'dashboard-quarter-zh-CN');
});

telcoTest(
  'when the Telco file was imported, then the dashboard shows its 1,869 churned customers by cause, drawn, with a screenshot',
  async () => {
    // A database and app of their own: the figures are the file's alone.
    const telcoDb = await createTestDatabase();
    const telcoApp = await startTestApp({ connection: telcoDb.connection });
    try {
      await importCustomers(telcoDb.connection, createReadStream(telcoFile), { mapping: mappingPresets.telco });
      const agent = await signIn(telcoApp.url, await createStaff(telcoDb.connection, 'success'));
      const telcoContext = await signedInContext(browser, telcoApp.url, agent);
      const page = await telcoContext.newPage();

      await page.goto(`${telcoApp.url}/dashboard`);

      await expect(page.locator('[data-figure="churned-now-total"]').innerText()).resolves.toBe('1,869');
      const rows = await page.locator('[data-table="churned-now"] tbody tr').allInnerTexts();
      expect(rows.map((row) => row.split('\t').map((cell) => cell.trim()))).toEqual([
        ['Competitor', '841'],
        ['Service', '420'],
        ['Product', '215'],
        ['Price', '211'],
        ['Other or unknown', '130'],
        ['Natural churn', '52'],
      ]);
      expect(await page.locator('svg[data-chart="churned-now"] rect').count()).toBe(6);
      await screenshot(page, 'dashboard-telco');
      await telcoContext.close();
    } finally {
      await telcoApp.close();
      await telcoDb.close();
    }
  },
  60_000,
);
