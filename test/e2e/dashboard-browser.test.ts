/**
 * The dashboard in a real browser (Debian's Chromium): every chart is drawn (an SVG with
 * visible marks), the strict CSP blocks nothing, and a screenshot lands in
 * test-output/screenshots/.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { sessionCookieName } from '../../src/shared/auth';
import { startTestApp } from '../helpers/app';
import { createStaff, signIn } from '../helpers/auth';
import { chromiumInstallTimeoutMs, launchBrowser, screenshot } from '../helpers/browser';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import type { ListeningApp } from '../helpers/http';
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
  const session = /(?:^|; )([^=]+)=([^;]+)/.exec(agent.cookie().split('; ').find((pair) => pair.startsWith(`${sessionCookieName}=`)) ?? '');
  if (!session) throw new Error('no session cookie after sign-in');
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  await context.addCookies([{ name: session[1], value: session[2], url: app.url }]);
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
