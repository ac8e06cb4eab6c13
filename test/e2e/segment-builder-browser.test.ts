/**
 * A marketer builds a segment in a real browser (Debian's Chromium): the page script updates
 * the member count, the suppression counts and the field messages as boxes are ticked, and a
 * changed field brings the right value input. Screenshots land in test-output/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp } from '../helpers/app';
import { createStaff, signIn } from '../helpers/auth';
import { chromiumInstallTimeoutMs, launchBrowser, screenshot, signedInContext } from '../helpers/browser';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import type { ListeningApp } from '../helpers/http';
import { eligibleCustomer } from '../integration/segments/support';

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
  // The browser carries a session made through the sign-in form by the test agent.
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

const count = (page: Page) => page.locator('[data-preview-count]').innerText();
/** Waits until the page script has shown this member count. */
const countBecomes = (page: Page, text: string) => page.locator('[data-preview-count]', { hasText: new RegExp(`^${text}$`) }).waitFor({ timeout: 5000 });

test('when the marketer ticks and unticks values, then the count, the suppressions and the messages follow without a reload; a changed field redraws its input', async () => {
  await eligibleCustomer(db.connection, { name: 'Price Churner', status: 'churned' });
  await eligibleCustomer(db.connection, { name: 'Risky Active', status: 'at_risk' });
  await eligibleCustomer(db.connection, { status: 'churned', cause: { code: 'natural', source: 'staff', setAt: new Date() } });
  const page = await context.newPage();
  const problems: string[] = [];
  // A script or style the CSP blocks shows up as a console error; a missing asset as a failed response.
  page.on('console', (message) => message.type() === 'error' && !message.text().startsWith('Failed to load resource') && problems.push(message.text()));
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    const url = response.request().url();
    // The preview answers 400 while the draft is invalid; that is checked below.
    if (response.status() >= 400 && !url.endsWith('/favicon.ico') && !url.endsWith('/segments/preview')) problems.push(`${response.status()} ${url}`);
  });

  await page.goto(`${app.url}/segments/new`);
  expect(await count(page)).toBe('1');
  const navigations: string[] = [];
  page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations.push(frame.url()));

  await page.getByRole('checkbox', { name: 'At risk' }).check();
  await countBecomes(page, '2');
  expect(await page.locator('[data-preview-sample]').innerText()).toContain('Risky Active');
  expect(await page.locator('[data-suppressed="natural"]').innerText()).toBe('1');

  await page.getByRole('checkbox', { name: 'At risk' }).uncheck();
  await page.getByRole('checkbox', { name: 'Churned' }).uncheck();
  await countBecomes(page, '–');
  expect(await page.locator('[data-error-for="groups.0.conditions.0.value"]').innerText()).toBe('Pick or enter at least one value.');
  expect(navigations).toEqual([]);
  await screenshot(page, 'segment-builder-1-invalid');

  await page.getByRole('checkbox', { name: 'Churned' }).check();
  await countBecomes(page, '1');
  expect(await page.locator('[data-error-for="groups.0.conditions.0.value"]').isHidden()).toBe(true);

  await Promise.all([page.waitForURL(`${app.url}/segments`), page.getByLabel('Field').selectOption('churnedBetween')]);
  await page.waitForLoadState();
  expect(await page.getByLabel('From').getAttribute('type')).toBe('date');
  // A row drawn again for its new field is not yet a mistake.
  expect(await page.locator('.form-alert').count()).toBe(0);
  await page.getByLabel('From').fill('2026-01-01');
  await page.getByLabel('To (included)').fill('2026-12-31');
  await countBecomes(page, '2');
  await screenshot(page, 'segment-builder-2-dates');
  expect(problems).toEqual([]);
});
