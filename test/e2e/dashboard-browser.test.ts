/**
 * The dashboard in a real browser (Debian's Chromium): every chart is drawn by Chart.js (a
 * canvas with painted pixels), the strict CSP blocks nothing, and a screenshot lands in
 * test-output/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
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

test('when a marketer opens the dashboard for a quarter, then every chart is drawn on its canvas and nothing is blocked', async () => {
  const fixture = await seedQuarter(db.connection);
  const page = await context.newPage();
  const problems: string[] = [];
  // A style the CSP blocks shows up as a console error; a missing asset as a failed response (the favicon aside).
  page.on('console', (message) => message.type() === 'error' && !message.text().startsWith('Failed to load resource') && problems.push(message.text()));
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => response.status() >= 400 && !response.url().endsWith('/favicon.ico') && problems.push(`${response.status()} ${response.url()}`));

  await page.goto(`${app.url}/dashboard?${fixture.search}`);

  const charts = await drawnCharts(page);
  expect(charts.map((chart) => chart.chart)).toEqual(['churn-retention', 'churned-now', 'causes', 'causes-over-time', 'lost-revenue', 'survey-responses', 'campaigns', 'at-risk', 'competitors']);
  for (const chart of charts) {
    expect(chart.width).toBeGreaterThan(100);
    expect(chart.height).toBeGreaterThan(20);
    expect(chart.paintedPixels).toBeGreaterThan(500);
  }
  // The cause bars carry their cause's colour (the same as the legend swatches).
  const causeColors = await page.locator('canvas[data-chart="causes"]').evaluate((canvas) => {
    const chart = (globalThis as unknown as { Chart: { getChart(canvas: unknown): { data: { labels: string[]; datasets: Array<{ backgroundColor: string[] }> } } } }).Chart.getChart(canvas);
    return Object.fromEntries(chart.data.labels.map((label, index) => [label, chart.data.datasets[0].backgroundColor[index]]));
  });
  expect(causeColors.Price).toBe('#2471a3');
  await screenshot(page, 'dashboard-quarter');
  expect(problems).toEqual([]);
});

test('when the dashboard is opened in Chinese, then titles are Chinese and a screenshot is saved', async () => {
  const fixture = await seedQuarter(db.connection);
  const page = await context.newPage();

  await page.goto(`${app.url}/dashboard?${fixture.search}&lang=zh-CN`);

  await expect(page.locator('h1').innerText()).resolves.toBe('流失仪表盘');
  expect((await drawnCharts(page)).filter((chart) => chart.paintedPixels > 0)).toHaveLength(9);
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
      const churnedNow = await page.locator('canvas[data-chart="churned-now"]').evaluate(
        (canvas) => (globalThis as unknown as { Chart: { getChart(canvas: unknown): { data: { datasets: Array<{ data: number[] }> } } } }).Chart.getChart(canvas).data.datasets[0].data,
      );
      expect(churnedNow).toEqual([841, 420, 215, 211, 130, 52]);
      expect((await drawnCharts(page)).find((chart) => chart.chart === 'churned-now')?.paintedPixels).toBeGreaterThan(500);
      await screenshot(page, 'dashboard-telco');
      await telcoContext.close();
    } finally {
      await telcoApp.close();
      await telcoDb.close();
    }
  },
  60_000,
);

/** Every chart canvas on the page, its size, and how many of its pixels Chart.js painted. */
async function drawnCharts(page: Page): Promise<Array<{ chart: string | null; width: number; height: number; paintedPixels: number }>> {
  await page.waitForFunction(() => typeof (globalThis as unknown as { Chart?: unknown }).Chart === 'function');
  return page.locator('canvas.chart').evaluateAll((canvases) =>
    (canvases as unknown as BrowserCanvas[]).map((canvas) => {
      const box = canvas.getBoundingClientRect();
      const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
      let painted = 0;
      for (let alpha = 3; alpha < pixels.length; alpha += 4) if (pixels[alpha] > 0) painted += 1;
      return { chart: canvas.getAttribute('data-chart'), width: box.width, height: box.height, paintedPixels: painted };
    }),
  );
}

/** The parts of a browser canvas read above (the tests compile without the DOM library). */
interface BrowserCanvas {
  width: number;
  height: number;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number };
  getContext(kind: '2d'): { getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray } } | null;
}
