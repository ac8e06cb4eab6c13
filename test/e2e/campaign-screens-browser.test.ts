/**
 * A marketer creates a campaign in a real browser (Debian's Chromium) on a laptop and on a
 * tablet, in English and Chinese: the form works without scripts, nothing the strict CSP blocks
 * is used, and no page scrolls sideways. Screenshots land in test-output/screenshots/.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createSegment } from '../../src/modules/segments/segments.service';
import { startTestApp } from '../helpers/app';
import { createStaff, signIn } from '../helpers/auth';
import { chromiumInstallTimeoutMs, launchBrowser, screenshot, signedInContext } from '../helpers/browser';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import type { ListeningApp } from '../helpers/http';
import { churned } from '../integration/campaigns/support';

let db: TestDatabase;
let app: ListeningApp;
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
  db = await createTestDatabase();
  app = await startTestApp({ connection: db.connection });
}, chromiumInstallTimeoutMs + 30_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await db?.close();
});

const laptop = { width: 1280, height: 900 };
const tablet = { width: 820, height: 1180 };

/** A browser context signed in as a new marketer, and the problems its pages report. */
async function marketerBrowser(viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const agent = await signIn(app.url, await createStaff(db.connection, 'marketer'));
  const context = await signedInContext(browser, app.url, agent, { viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(5000);
  const problems: string[] = [];
  // A script or style the CSP blocks shows up as a console error; a missing asset as a failed response.
  page.on('console', (message) => message.type() === 'error' && !message.text().startsWith('Failed to load resource') && problems.push(message.text()));
  page.on('response', (response) => response.status() >= 400 && response.url().includes('/assets/') && problems.push(`${response.status()} ${response.url()}`));
  return { context, page, problems };
}

/** The page is wider than the window (a string: the test's TypeScript has no DOM types). */
const scrollsSideways = async (page: Page) => (await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')) > 0;

async function segmentWithCustomer(name: string): Promise<string> {
  const plan = `plan-${randomUUID().slice(0, 8)}`;
  await churned(db.connection, 'B', 'price', { plan, name });
  const segment = await createSegment(db.connection, { name: `Price churners ${plan}`, definition: { match: 'all', groups: [{ match: 'all', conditions: [{ field: 'plan', op: 'in', value: [plan] }] }] } }, 'test');
  return segment.name;
}

test.each([
  ['laptop', laptop],
  ['tablet', tablet],
])('when a marketer fills the campaign form on a %s, then the preview and the saved campaign show, readable without sideways scrolling', async (device, viewport) => {
  const segmentName = await segmentWithCustomer('Lin Browser');
  const { context, page, problems } = await marketerBrowser(viewport);
  try {
    await page.goto(`${app.url}/campaigns/new`);
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill(`Spring win-back (${device})`);
    await page.getByLabel('Audience (saved segment)').selectOption({ label: segmentName });
    await page.getByLabel('Subject (English)').first().fill('We miss you, {{name}}');
    await page.getByLabel('Message (English)').first().fill('{{causeText}} Come back for {{offer}}.');
    await page.getByRole('textbox', { name: 'Landing page' }).fill('https://shop.example.com/back');
    expect(await scrollsSideways(page)).toBe(false);

    await page.getByRole('button', { name: 'Preview a message' }).last().click();
    await page.getByText('Come back for 20% off.').waitFor();
    await screenshot(page, `campaign-form-${device}`);

    await page.getByRole('button', { name: 'Save campaign' }).click();
    await page.waitForURL(/\/campaigns\/[0-9a-f]{24}$/);
    await page.getByText('Not enough data yet').waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    await screenshot(page, `campaign-report-${device}`);

    await page.goto(`${app.url}/campaigns`);
    await page.getByRole('link', { name: `Spring win-back (${device})` }).waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});

test('when the form is refused in Chinese on a tablet, then the problems are listed in Chinese and link to their fields', async () => {
  await segmentWithCustomer('Wang Browser');
  const { context, page, problems } = await marketerBrowser(tablet);
  try {
    await page.goto(`${app.url}/campaigns/new?lang=zh-CN`);
    await page.getByRole('textbox', { name: '名称', exact: true }).fill('春季挽回');
    await page.getByRole('textbox', { name: '落地页' }).fill('shop.example.com');
    await page.getByRole('button', { name: '保存活动' }).click();

    const summary = page.getByRole('alert');
    await summary.getByText('请为受众选择一个已保存的客户群。').waitFor();
    await summary.getByText('请输入以 http:// 或 https:// 开头的地址。').waitFor();
    await summary.getByRole('link', { name: '落地页' }).click();
    expect(page.url()).toMatch(/#f-landingUrl$/);
    expect(await page.getByRole('textbox', { name: '名称', exact: true }).inputValue()).toBe('春季挽回');
    expect(await scrollsSideways(page)).toBe(false);
    await screenshot(page, 'campaign-form-refused-zh-CN-tablet');
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});
