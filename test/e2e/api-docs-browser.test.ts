/**
 * The API docs page in a real browser (Debian's Chromium): Swagger UI, served from our own
 * origin, renders every operation of the OpenAPI document under the app's CSP, with nothing
 * blocked and no console errors; a screenshot lands in test-output/screenshots/.
 */
import type { Browser, Page } from 'playwright-core';
import { createApiKey } from '../../src/modules/accounts/accounts.service';
import { apiDescriptions } from '../../src/modules/api-docs/api-document';
import { startTestApp } from '../helpers/app';
import { chromiumInstallTimeoutMs, launchBrowser, screenshot } from '../helpers/browser';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import type { ListeningApp } from '../helpers/http';

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

/** Console errors (a CSP refusal is one), page errors, failed requests and requests to other origins. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => !request.url().startsWith(app.url) && !request.url().startsWith('data:') && problems.push(`left the origin: ${request.url()}`));
  page.on('response', (response) => response.status() >= 400 && problems.push(`${response.status()} ${response.url()}`));
  return problems;
}

test('when someone opens /api/docs without signing in, then Swagger UI shows every documented operation and nothing is blocked', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchProblems(page);

  await page.goto(`${app.url}/api/docs`);

  const operations = apiDescriptions.flatMap((module) => module.operations);
  await page.locator('.opblock').first().waitFor();
  const shown = await page.locator('.opblock-summary').evaluateAll((blocks) =>
    blocks.map((block) => `${block.querySelector('.opblock-summary-method')?.textContent?.toLowerCase()} ${block.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`),
  );
  expect(shown.sort()).toEqual(operations.map((operation) => `${operation.method} ${operation.path}`).sort());
  await expect(page.locator('.info .title').innerText()).resolves.toContain('Churn & Win-back API');
  // Opening an operation shows its schema and the shared error responses.
  await page.locator('#operations-customers-reportChurnEvent .opblock-summary').click();
  await page.locator('#operations-customers-reportChurnEvent .responses-table').first().waitFor();
  await expect(page.locator('#operations-customers-reportChurnEvent').innerText()).resolves.toMatch(/validation_failed/);
  await screenshot(page, 'api-docs');

  expect(problems).toEqual([]);
  await context.close();
});

test('when a developer enters an API key under Authorize and tries GET /key, then the answer shows the key\'s name from this server', async () => {
  const { token } = await createApiKey(db.connection, { name: 'docs reader', scopes: ['customers:read'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${app.url}/api/docs`);

  await page.locator('.auth-wrapper .authorize').click();
  await page.locator('.modal-ux input[type=text], .modal-ux input[type=password]').first().fill(token);
  await page.locator('.modal-ux .auth-btn-wrapper .authorize').first().click();
  await page.locator('.modal-ux .btn-done').first().click();
  const operation = page.locator('#operations-api_keys-getApiKey');
  await operation.locator('.opblock-summary').click();
  await operation.locator('.try-out__btn').click();
  await operation.locator('.execute').click();

  const answer = operation.locator('.live-responses-table tr.response');
  await answer.waitFor();
  await expect(answer.locator('.response-col_status').innerText()).resolves.toContain('200');
  await expect(answer.locator('.response-col_description').innerText()).resolves.toContain('docs reader');
  await screenshot(page, 'api-docs-try-it-out');
  expect(problems).toEqual([]);
  await context.close();
});
