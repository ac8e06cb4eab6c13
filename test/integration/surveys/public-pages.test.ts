/** The customer's pages through HTTP: links that must not open, answers that must not be stored. */
import { customerModel, type Customer } from '../../../src/modules/customers/customer.model';
import { invitationModel } from '../../../src/modules/surveys/invitation.model';
import { inviteCustomer } from '../../../src/modules/surveys/invitations.service';
import { responseModel } from '../../../src/modules/surveys/response.model';
import { ensureDefaultSurvey } from '../../../src/modules/surveys/surveys.service';
import { newLinkToken } from '../../../src/shared/security/tokens';
import { trusted } from 'mongoose';
import { startTestApp } from '../../helpers/app';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';
import { churnedCustomer, days } from './support';

let db: TestDatabase;
let app: ListeningApp;

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureDefaultSurvey(db.connection);
  app = await startTestApp({ connection: db.connection });
});
afterAll(async () => {
  await app.close();
  await db.close();
});

/** A customer with a sent invitation and a working link token (as the dispatcher would make). */
async function invited(overrides: Partial<Customer> = {}, expiresInDays = 30) {
  const customer = await churnedCustomer(db.connection, overrides);
  const { invitation } = await inviteCustomer(db.connection, customer._id, { origin: 'test', delayMinutes: 0 });
  const link = newLinkToken();
  await invitationModel(db.connection).updateOne(
    { _id: invitation._id },
    { $set: { status: 'sent', messagesSent: 1, sentAt: new Date(), expiresAt: new Date(Date.now() + days(expiresInDays)) }, $push: { tokenHashes: link.hash } },
  );
  return { customer, invitationId: invitation._id, token: link.token };
}

const post = (path: string, fields: Record<string, string | string[]>, contentType = 'application/x-www-form-urlencoded') => {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const one of [value].flat()) body.append(key, one);
  return fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body: contentType.includes('json') ? JSON.stringify(fields) : body.toString() });
};
const responsesOf = (customer: Customer) => responseModel(db.connection).countDocuments({ customerId: customer._id });

test('when a customer opens their link, then the survey shows in their language with every question', async () => {
  const { token } = await invited({ locale: 'zh-CN' });
  const page = await fetch(`${app.url}/s/${token}`);
  const html = await page.text();
  expect(page.status).toBe(200);
  expect(html).toContain('您为什么离开我们？');
  expect(html).toContain('name="q_main-reason"');
  expect(html).toContain('<html lang="zh-CN">');
  const english = await (await fetch(`${app.url}/s/${token}?lang=en`)).text();
  expect(english).toContain('Why did you leave us?');
});

test('when the answers are valid, then they are stored once, the cause is set and a second visit says thank you again', async () => {
  const { customer, token } = await invited();
  const response = await post(`/s/${token}`, { 'q_main-reason': 'competitor', 'q_likely-return': '7', q_details: 'They gave me <b>two months free</b>', mayContact: 'yes' });
  expect(response.status).toBe(200);
  expect(await response.text()).toContain('Thank you');
  expect(await responsesOf(customer)).toBe(1);
  const stored = await customerModel(db.connection).findById(customer._id).lean();
  expect(stored?.cause).toMatchObject({ code: 'competitor', source: 'survey', reason: 'They gave me <b>two months free</b>' });

  const again = await (await fetch(`${app.url}/s/${token}`)).text();
  expect(again).toContain('We already have your answers');
  const resubmit = await post(`/s/${token}`, { 'q_main-reason': 'price' });
  expect(await resubmit.text()).toContain('We already have your answers');
  expect(await responsesOf(customer)).toBe(1);
});

test('when staff already set the cause, then a survey answer does not override it', async () => {
  const { customer, token } = await invited({ cause: { code: 'service', source: 'staff', setAt: new Date(), setBy: 'staff-1' } });
  await post(`/s/${token}`, { 'q_main-reason': 'price' });
  const stored = await customerModel(db.connection).findById(customer._id).lean();
  expect(stored?.cause).toMatchObject({ code: 'service', source: 'staff' });
  expect(await responsesOf(customer)).toBe(1);
});

describe('links that must not open', () => {
  test.each([
    ['an unknown token', async () => newLinkToken().token],
    ['a malformed token', async () => 'not-a-token'],
    ['a tampered token', async () => {
      const { token } = await invited();
      return `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    }],
    ['an expired token', async () => (await invited({}, -1)).token],
  ])('when the link carries %s, then the same friendly closed page answers and nothing is written', async (_label, makeToken) => {
    const token = await makeToken();
    const before = await responseModel(db.connection).countDocuments();
    const page = await fetch(`${app.url}/s/${token}`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('This survey is closed');
    const submit = await post(`/s/${token}`, { 'q_main-reason': 'price' });
    expect(submit.status).toBe(404);
    expect(await responseModel(db.connection).countDocuments()).toBe(before);
  });

  test('when an unknown and an expired link are opened, then the answers are identical (no oracle)', async () => {
    const unknown = await fetch(`${app.url}/s/${newLinkToken().token}`);
    const expired = await fetch(`${app.url}/s/${(await invited({}, -1)).token}`);
    expect(unknown.status).toBe(expired.status);
    expect(await unknown.text()).toBe(await expired.text());
  });
});

describe('bad submissions', () => {
  test.each([
    ['a missing required answer', { q_details: 'hello' }, 'Please answer this question.'],
    ['an out-of-range scale', { 'q_main-reason': 'price', 'q_likely-return': '11' }, 'Please pick a number from 0 to 10.'],
    ['an unknown choice', { 'q_main-reason': 'cheaper-elsewhere' }, 'Please choose one of the answers offered.'],
    ['an oversized text', { 'q_main-reason': 'price', q_details: 'x'.repeat(2001) }, 'Please keep this under 2000 characters.'],
  ])('when the form has %s, then the page shows the problem, keeps the answers and stores nothing', async (_label, fields, message) => {
    const { customer, token } = await invited();
    const response = await post(`/s/${token}`, fields);
    const html = await response.text();
    expect(response.status).toBe(400);
    expect(html).toContain(message);
    expect(await responsesOf(customer)).toBe(0);
    const invitation = await invitationModel(db.connection).findOne({ customerId: customer._id }).lean();
    expect(invitation?.status).toBe('sent');
  });

  test('when the form comes as JSON instead of a form post, then it is refused and nothing is stored', async () => {
    const { customer, token } = await invited();
    const response = await post(`/s/${token}`, { 'q_main-reason': 'price' }, 'application/json');
    expect(response.status).toBe(415);
    expect(await responsesOf(customer)).toBe(0);
  });

  test('when a Chinese customer leaves a required question out, then the message is in Chinese', async () => {
    const { token } = await invited({ locale: 'zh-CN' });
    const html = await (await post(`/s/${token}`, {})).text();
    expect(html).toContain('请回答这个问题。');
  });
});

describe('unsubscribe', () => {
  test('when a mail client posts the one-click unsubscribe, then the customer is unsubscribed and open invitations close', async () => {
    const { customer, token } = await invited();
    const response = await post(`/u/${token}`, { 'List-Unsubscribe': 'One-Click' });
    expect(response.status).toBe(200);
    const stored = await customerModel(db.connection).findById(customer._id).lean();
    expect(stored?.contact.unsubscribedAt).toBeInstanceOf(Date);
    const invitation = await invitationModel(db.connection).findOne({ customerId: customer._id }).lean();
    expect(invitation).toMatchObject({ status: 'suppressed', reason: 'unsubscribed' });
  });

  test('when the unsubscribe page is opened, then it asks for confirmation and changes nothing yet', async () => {
    const { customer, token } = await invited();
    const page = await fetch(`${app.url}/u/${token}`);
    expect(await page.text()).toContain('Stop these e-mails?');
    const stored = await customerModel(db.connection).findById(customer._id).lean();
    expect(stored?.contact.unsubscribedAt).toBeUndefined();
  });

  test('when an unknown unsubscribe link is used, then nothing is written', async () => {
    const unsubscribed = () => customerModel(db.connection).countDocuments({ 'contact.unsubscribedAt': trusted({ $exists: true }) });
    const before = await unsubscribed();
    const response = await post(`/u/${newLinkToken().token}`, {});
    expect(response.status).toBe(404);
    expect(await unsubscribed()).toBe(before);
  });
});
