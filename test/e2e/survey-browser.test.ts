/**
 * A Chinese-speaking customer answers the exit survey in a real browser (Debian's Chromium on a
 * phone-sized screen), starting from the link in the e-mail the dispatcher delivered to a real
 * SMTP server. Screenshots of each step land in test-output/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { customerModel } from '../../src/modules/customers/customer.model';
import { dispatchDueInvitations } from '../../src/modules/surveys/dispatch.service';
import { inviteCustomer } from '../../src/modules/surveys/invitations.service';
import { responseModel } from '../../src/modules/surveys/response.model';
import { ensureDefaultSurvey } from '../../src/modules/surveys/surveys.service';
import { createLogger } from '../../src/shared/logging';
import { createEmailRenderer, createMailer, type Mailer } from '../../src/shared/mail';
import { startTestApp } from '../helpers/app';
import { chromiumInstallTimeoutMs, launchBrowser, screenshot } from '../helpers/browser';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import type { ListeningApp } from '../helpers/http';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { churnedCustomer } from '../integration/surveys/support';

const phone = { width: 390, height: 844 };
/** Apple's and Google's guidance for a comfortable touch target, in CSS pixels. */
const minTouchTarget = 44;

let db: TestDatabase;
let app: ListeningApp;
let sink: SmtpSink;
let mailer: Mailer;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  // Installs Chromium from Debian on a fresh machine, hence the long time-out.
  browser = await launchBrowser();
  db = await createTestDatabase();
  await ensureDefaultSurvey(db.connection);
  app = await startTestApp({ connection: db.connection });
  sink = await startSmtpSink();
  mailer = createMailer({ connection: db.connection, from: 'care@example.com', smtpUrl: sink.url });
}, chromiumInstallTimeoutMs + 30_000);

beforeEach(async () => {
  context = await browser.newContext({ viewport: phone, isMobile: true, hasTouch: true, locale: 'zh-CN' });
});

afterEach(async () => {
  await context?.close();
});

afterAll(async () => {
  await browser?.close();
  mailer?.close();
  await sink?.close();
  await app?.close();
  await db?.close();
});

/** Invites a churned customer and returns the survey link from the e-mail they received. */
async function surveyLinkMailedTo(overrides: Parameters<typeof churnedCustomer>[1]) {
  const customer = await churnedCustomer(db.connection, overrides);
  await inviteCustomer(db.connection, customer._id, { origin: 'test', delayMinutes: 0 });
  const before = sink.messages.length;
  const report = await dispatchDueInvitations({ connection: db.connection, mailer, renderer: createEmailRenderer(), baseUrl: app.url, logger: createLogger({ level: 'silent' }) });
  expect(report.sent).toBe(1);
  const message = (await sink.waitFor(before + 1)).find((mail) => mail.to.includes(customer.email!));
  const link = /https?:\/\/\S+\/s\/[A-Za-z0-9_-]{43}/.exec(message?.text ?? '')?.[0];
  if (!link) throw new Error(`no survey link in the e-mail: ${message?.text}`);
  return { customer, link };
}

const heading = (page: Page) => page.locator('h1').innerText();
const htmlLang = (page: Page) => page.locator('html').getAttribute('lang');

test('when a zh-CN customer opens the mailed link on a phone, then they can switch language, fix a missing answer, submit once and see thanks in Chinese', async () => {
  const { customer, link } = await surveyLinkMailedTo({ name: '王芳', locale: 'zh-CN' });
  expect(link.startsWith(`${app.url}/s/`)).toBe(true);
  const page = await context.newPage();
  // A style or script the CSP blocks shows up as a console error; a missing asset as a failed response.
  // (HTTP errors of the pages themselves, such as the 400 of a failed submit, are checked below.)
  const consoleErrors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && !message.text().startsWith('Failed to load resource') && consoleErrors.push(message.text()));
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('response', (response) => {
    const request = response.request();
    if (response.status() >= 400 && request.resourceType() !== 'document' && !request.url().endsWith('/favicon.ico')) consoleErrors.push(`${response.status()} ${request.url()}`);
  });

  await page.goto(link);
  expect(await htmlLang(page)).toBe('zh-CN');
  expect(await heading(page)).toBe('您为什么离开我们？');
  await screenshot(page, 'survey-1-zh-CN');
  await expectPhoneFriendly(page);

  await page.getByRole('link', { name: 'English' }).click();
  await page.waitForURL(/lang=en/);
  expect(await htmlLang(page)).toBe('en');
  expect(await heading(page)).toBe('Why did you leave us?');
  await page.getByRole('link', { name: '中文' }).click();
  await page.waitForURL(/lang=zh-CN/);
  expect(await heading(page)).toBe('您为什么离开我们？');

  // Everything but the required main reason.
  await page.getByRole('radio', { name: '7', exact: true }).check();
  const text = '客服回复太慢了，等了三天才有人理我。';
  await page.getByRole('textbox', { name: '我们哪些地方可以做得更好？' }).fill(text);
  const [invalid] = await Promise.all([page.waitForResponse((response) => response.request().method() === 'POST'), page.getByRole('button', { name: '提交我的回答' }).click()]);
  expect(invalid.status()).toBe(400);
  await page.waitForLoadState();
  await expect(page.getByRole('alert').innerText()).resolves.toContain('有些回答需要再看一下');
  await expect(page.locator('.question--invalid .field-error').innerText()).resolves.toBe('请回答这个问题。');
  expect(await page.getByRole('radio', { name: '7', exact: true }).isChecked()).toBe(true);
  expect(await page.getByRole('textbox', { name: '我们哪些地方可以做得更好？' }).inputValue()).toBe(text);
  await screenshot(page, 'survey-2-validation-error');

  await page.getByRole('radio', { name: '服务或支持不好' }).check();
  await page.getByRole('button', { name: '提交我的回答' }).click();
  await page.waitForLoadState();
  expect(await heading(page)).toBe('谢谢您');
  await screenshot(page, 'survey-3-thank-you');

  await page.goto(link);
  expect(await heading(page)).toBe('我们已经收到您的回答');
  await screenshot(page, 'survey-4-already-answered');

  const responses = await responseModel(db.connection).find({ customerId: customer._id }).lean();
  expect(responses).toHaveLength(1);
  expect(responses[0]).toMatchObject({ locale: 'zh-CN', derivedCause: { code: 'service', source: 'choice' } });
  expect(responses[0].answers).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ questionId: 'main-reason', choiceIds: ['service'] }),
      expect.objectContaining({ questionId: 'likely-return', score: 7 }),
      expect.objectContaining({ questionId: 'details', text }),
    ]),
  );
  const stored = await customerModel(db.connection).findById(customer._id).lean();
  expect(stored?.cause).toMatchObject({ code: 'service', source: 'survey', reason: text });
  expect(consoleErrors).toEqual([]);
});

test('when a customer moves through the survey with the Tab key, then focus reaches the answer radios and the submit button', async () => {
  const { link } = await surveyLinkMailedTo({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(link);

  const reached: string[] = [];
  for (let i = 0; i < 20 && !reached.includes('button:submit'); i++) {
    await page.keyboard.press('Tab');
    reached.push(await page.evaluate<string>(focusedElement));
  }
  expect(reached).toEqual(expect.arrayContaining(['input:radio:q_main-reason', 'input:radio:q_likely-return', 'textarea:textarea:q_details', 'button:submit']));
  // Space on a focused radio answers the question, as on any form.
  await page.locator('input[name="q_main-reason"]').first().focus();
  await page.keyboard.press('Space');
  expect(await page.locator('input[name="q_main-reason"]').first().isChecked()).toBe(true);
});

/** No sideways scrolling, and every answer a finger can hit. */
async function expectPhoneFriendly(page: Page): Promise<void> {
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
  expect(overflow).toBeLessThanOrEqual(0);
  const small: string[] = [];
  for (const target of await page.locator('label.choice, label.scale__point, button[type="submit"]').all()) {
    const box = await target.boundingBox();
    if (!box || box.width < minTouchTarget || box.height < minTouchTarget) small.push(`${(await target.innerText()).trim()} ${Math.round(box?.width ?? 0)}×${Math.round(box?.height ?? 0)}`);
  }
  expect(small).toEqual([]);
}

/** Page script (the test compiles without DOM types): what has the keyboard focus, as tag:type:name. */
const focusedElement = `(() => {
  const el = document.activeElement;
  return el ? [el.tagName.toLowerCase(), el.type, el.name].filter(Boolean).join(':') : 'none';
})()`;
