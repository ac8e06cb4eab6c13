/**
 * Customer-success staff in a real browser (Debian's Chromium): sign in, filter the customer
 * list, open a customer, log an exit interview and find it on the timeline; then the same pages
 * on a portrait tablet. Screenshots of each page land in test-output/screenshots/.
 */
import { Types } from 'mongoose';
import type { TimelineEventType } from '../../src/modules/customers/customer-event.model';
import { recordTimelineEvent } from '../../src/modules/customers/timeline.service';
import { transactionModel } from '../../src/modules/customers/transaction.model';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp } from '../helpers/app';
import { createStaff, type TestStaff } from '../helpers/auth';
import { chromiumInstallTimeoutMs, launchBrowser, screenshot } from '../helpers/browser';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import type { ListeningApp } from '../helpers/http';
import { staffCustomer, uniqueTag } from '../integration/customers/staff-pages-support';

let db: TestDatabase;
let app: ListeningApp;
let browser: Browser;
let context: BrowserContext | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
  db = await createTestDatabase();
  app = await startTestApp({ connection: db.connection });
}, chromiumInstallTimeoutMs + 30_000);

afterEach(async () => {
  await context?.close();
  context = undefined;
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await db?.close();
});

/** A page that records what a strict CSP or a missing asset would break: console errors, page errors, failed responses. */
async function watchedPage(viewport: { width: number; height: number }, locale = 'en-GB'): Promise<{ page: Page; problems: string[] }> {
  context = await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  const problems: string[] = [];
  // A failed load is reported below with its address (the browser's own favicon request is not ours).
  page.on('console', (message) => message.type() === 'error' && !message.text().startsWith('Failed to load resource') && problems.push(message.text()));
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => response.status() >= 400 && !response.url().endsWith('/favicon.ico') && problems.push(`${response.status()} ${response.url()}`));
  return { page, problems };
}

async function signInAs(page: Page, staff: TestStaff): Promise<void> {
  await page.goto(`${app.url}/login`);
  await page.getByLabel('E-mail').fill(staff.email);
  await page.getByLabel('Password').fill(staff.password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.getByRole('button', { name: 'Sign in' }).click()]);
}

/** Three customers of the test's own tag, one of whom the filter below finds. */
async function seedCustomers(tag: string) {
  const owner = await createStaff(db.connection, 'success', { name: 'Owner Olga' });
  const lena = await staffCustomer(db.connection, {
    tags: [tag, 'fleet'],
    name: 'Lena Fischer',
    email: 'lena.fischer@example.de',
    company: 'Fischer Logistik GmbH',
    plan: 'Fleet 40',
    tier: 'VIP',
    clv: 84_300,
    rfmLevel: 'red',
    churnType: 'voluntary',
    revenue: { monthly: 1450, total: 52_200, tenureMonths: 36 },
    ownerId: new Types.ObjectId(owner.id),
    cause: { code: 'price', confidence: 0.64, source: 'survey', reason: 'The renewal quote went up by a third, and NetCo offered the same for less.', setAt: new Date('2026-06-18T00:00:00Z') },
  });
  const event = (type: TimelineEventType, day: string, data: Record<string, unknown> = {}, origin = 'surveys') =>
    recordTimelineEvent(db.connection, { customerId: lena._id, type, at: new Date(`${day}T09:30:00Z`), origin, actor: origin === 'api' ? 'crm-sync' : undefined, data });
  await event('churned', '2026-06-15', { trigger: 'cancellation', churnType: 'voluntary' }, 'api');
  await event('survey_sent', '2026-06-16');
  await event('survey_answered', '2026-06-18', { cause: 'price' });
  await event('cause_set', '2026-06-18', { code: 'price', source: 'survey' });
  await transactionModel(db.connection).insertMany(
    ['2026-03-02', '2026-04-01', '2026-05-04'].map((day, index) => ({ customerId: lena._id, transactionId: `${tag}-${index}`, kind: 'order', at: new Date(`${day}T00:00:00Z`), amount: 1450 })),
  );
  await staffCustomer(db.connection, { tags: [tag], name: 'Lars Active', status: 'active', tier: 'VIP', churnedAt: undefined });
  await staffCustomer(db.connection, { tags: [tag], name: 'Bo Basic', tier: 'C', clv: 900 });
  return lena;
}

test('when success staff filter the list, open a customer and log an exit interview, then it shows on the timeline', async () => {
  const tag = uniqueTag();
  const lena = await seedCustomers(tag);
  const staff = await createStaff(db.connection, 'success', { name: 'Mei Lin' });
  const { page, problems } = await watchedPage({ width: 1280, height: 900 });

  await signInAs(page, staff);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
  await page.waitForURL(`${app.url}/customers`);
  // Narrow to this test's customers through a link (the tag), then filter with the form.
  await page.goto(`${app.url}/customers?tag=${tag}`);
  await page.getByLabel('Status', { exact: true }).selectOption('churned');
  await page.getByLabel('Tier', { exact: true }).selectOption('VIP');
  await Promise.all([page.waitForURL(/status=churned/), page.getByRole('button', { name: 'Show customers' }).click()]);
  const rows = page.locator('.customer-table tbody tr');
  expect(await rows.count()).toBe(1);
  expect(await rows.first().innerText()).toContain('Lena Fischer');
  expect(await page.locator('.list-count').innerText()).toContain('Customers 1–1 of 1');
  await screenshot(page, 'staff-customers-1-list-1280');

  await Promise.all([page.waitForURL(`${app.url}/customers/${String(lena._id)}`), page.getByRole('link', { name: 'Lena Fischer' }).click()]);
  expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Lena Fischer');
  expect(await page.locator('#churn-title + .facts').innerText()).toContain('Price');
  await screenshot(page, 'staff-customers-2-customer-1280');

  await Promise.all([page.waitForURL(/\/interviews\/new$/), page.getByRole('link', { name: 'Log exit interview' }).click()]);
  await page.getByRole('radio', { name: 'visit' }).check();
  await page.getByLabel('Notes').fill('Visited her depot. The renewal quote rose by a third; NetCo matched the old price and added free telematics. Would come back for a two-year fixed price.');
  await page.getByRole('checkbox', { name: 'Price' }).check();
  await page.getByRole('checkbox', { name: 'Competitor' }).check();
  await page.getByLabel('Primary cause').selectOption('competitor');
  await page.getByLabel('Competitor named').fill('NetCo');
  await page.getByLabel('Likelihood to return (0–10)').fill('7');
  await page.getByLabel('Task').fill('Send a two-year fixed-price offer');
  await page.getByLabel('Due').fill('2026-12-01');
  await screenshot(page, 'staff-customers-3-interview-form-1280');
  await Promise.all([page.waitForURL(new RegExp(`/customers/${String(lena._id)}#interview-`)), page.getByRole('button', { name: 'Log the interview' }).click()]);

  expect(await page.locator('.page-notice:not([data-mail-notice])').innerText()).toBe('Interview logged; the churn cause now comes from it.');
  const timeline = page.locator('#timeline');
  expect(await timeline.innerText()).toContain('Exit interview (visit) with Mei Lin');
  expect(await timeline.innerText()).toContain('Churn cause set to Competitor (exit interview)');
  expect(await page.locator('.interview').first().innerText()).toContain('NetCo matched the old price');
  expect(await page.locator('#churn-title + .facts').innerText()).toContain('exit interview · confidence 100%');
  await screenshot(page, 'staff-customers-4-timeline-1280');
  expect(problems).toEqual([]);
});

test('when the pages are read on a portrait tablet, then the list, the customer and the form fit its width', async () => {
  const tag = uniqueTag();
  const lena = await seedCustomers(tag);
  const staff = await createStaff(db.connection, 'success', { name: 'Mei Lin' });
  const { page, problems } = await watchedPage({ width: 820, height: 1180 });
  const fitsWidth = async () => (await page.evaluate('document.documentElement.scrollWidth')) as number;

  await signInAs(page, staff);
  await page.goto(`${app.url}/customers?tag=${tag}&sort=clv-desc`);
  expect(await page.locator('.customer-table tbody tr').count()).toBe(3);
  expect(await fitsWidth()).toBeLessThanOrEqual(820);
  await screenshot(page, 'staff-customers-5-list-820');

  await page.goto(`${app.url}/customers/${String(lena._id)}`);
  expect(await fitsWidth()).toBeLessThanOrEqual(820);
  await screenshot(page, 'staff-customers-6-customer-820');

  await page.goto(`${app.url}/customers/${String(lena._id)}/interviews/new?lang=zh-CN`);
  expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('记录流失访谈');
  expect(await fitsWidth()).toBeLessThanOrEqual(820);
  await screenshot(page, 'staff-customers-7-interview-form-820-zh');
  expect(problems).toEqual([]);
});
