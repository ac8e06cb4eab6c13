/**
 * The first ten minutes of a newcomer, end to end: `npm run demo` on an empty installation,
 * then the real server on the same data (`npm start`), then signing in with the admin account
 * the demo printed, in a real browser: the dashboard shows the demo's figures. Screenshots of the
 * dashboard and the campaign report land in test-output/screenshots/ (the README's "Try it").
 *
 * Assertions read the headline figures and tables, not the charts, which are drawn in the browser.
 */
import type { Browser } from 'playwright-core';
import { signIn } from '../helpers/auth';
import { chromiumInstallTimeoutMs, launchBrowser, screenshot, signedInContext } from '../helpers/browser';
import { newDemoInstall, type DemoInstall } from '../helpers/demo-cli';
import { spawnServer, type ServerProcess } from '../helpers/server-process';

let browser: Browser;
let install: DemoInstall;
let server: ServerProcess | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
  install = await newDemoInstall();
}, chromiumInstallTimeoutMs + 30_000);

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await browser?.close();
  await install?.remove();
});

test('when a newcomer runs the demo, starts the app and signs in with the printed admin, then the dashboard shows the demo', async () => {
  const demo = await install.runDemo(['--size', '400', '--surveyed', '80']);
  expect(demo.code).toBe(0);
  const printed = readSummary(demo.stdout);

  server = spawnServer('src/server.ts', { ...install.env, PORT: '0', LOG_LEVEL: 'info' });
  const url = String((await server.waitForLog(/^listening on /, 30_000)).url);
  const agent = await signIn(url, printed.admin);
  const context = await signedInContext(browser, url, agent);
  const page = await context.newPage();

  await page.goto(`${url}/dashboard`);

  await expect(page.locator('[data-figure="churned-now-total"]').innerText()).resolves.toBe(printed.churned);
  const surveyMonths = await rowsOf(page, 'survey-responses');
  // The invitations went out and were answered this month: the last row of the period.
  expect(surveyMonths.at(-1)?.slice(1, 3)).toEqual([printed.surveySent, printed.answered]);
  const campaigns = await rowsOf(page, 'campaigns');
  expect(campaigns).toHaveLength(1);
  expect(campaigns[0][0]).toBe(printed.campaignName);
  expect(campaigns[0][2]).toBe(printed.wonBack);
  await screenshot(page, 'demo-dashboard');

  await page.goto(`${url}/campaigns/${printed.campaignId}`);
  await expect(page.locator('h1').innerText()).resolves.toContain(printed.campaignName);
  await screenshot(page, 'demo-campaign-report');
  await context.close();
}, 90_000);

/** What a newcomer reads in the demo's output: the admin's sign-in and the headline figures. */
function readSummary(stdout: string) {
  const figure = (pattern: RegExp) => {
    const match = pattern.exec(stdout);
    if (!match) throw new Error(`the demo's summary has no ${pattern}:\n${stdout}`);
    return match;
  };
  const [, email, password] = figure(/^ {2}admin +.+? {2,}(\S+@\S+) +(\S+)$/m);
  return {
    admin: { email, password },
    churned: figure(/^Customers .*: ([\d,]+) churned/m)[1],
    surveySent: figure(/^Exit survey +([\d,]+) invitations sent/m)[1],
    answered: figure(/; ([\d,]+) answered/)[1],
    campaignName: figure(/^Campaign +"([^"]+)"/m)[1],
    wonBack: figure(/ ([\d,]+) won back \(/)[1],
    campaignId: figure(/\/campaigns\/([0-9a-f]{24})/)[1],
  };
}

async function rowsOf(page: import('playwright-core').Page, table: string): Promise<string[][]> {
  const rows = await page.locator(`[data-table="${table}"] tbody tr`).allInnerTexts();
  return rows.map((row) => row.split('\t').map((cell) => cell.trim()));
}
