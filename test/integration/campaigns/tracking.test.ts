/**
 * The links in a campaign message, followed as a customer's mail client would: the signed
 * click-through, the open pixel and one-click unsubscribing (RFC 8058), without any session.
 * Messages go through a loopback SMTP server and the links are read from what arrived.
 */
import { randomUUID } from 'node:crypto';
import type { Types } from 'mongoose';
import { campaignModel } from '../../../src/modules/campaigns/campaign.model';
import type { CampaignDraftInput } from '../../../src/modules/campaigns/campaign.schemas';
import { changeCampaignState, createCampaign } from '../../../src/modules/campaigns/campaigns.service';
import { deliveryModel } from '../../../src/modules/campaigns/delivery.model';
import { runCampaigns } from '../../../src/modules/campaigns/runner.service';
import type { CampaignMailDependencies } from '../../../src/modules/campaigns/send.service';
import { timelineEventModel } from '../../../src/modules/customers/customer-event.model';
import { customerModel, type Customer } from '../../../src/modules/customers/customer.model';
import { invitationModel } from '../../../src/modules/surveys/invitation.model';
import { createLogger } from '../../../src/shared/logging';
import { createEmailRenderer, createMailer, type Mailer } from '../../../src/shared/mail';
import { startTestApp } from '../../helpers/app';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../../helpers/smtp-sink';
import { churned, draft, MONDAY_10_UTC, seededRandom } from './support';

let db: TestDatabase;
let app: ListeningApp;
let sink: SmtpSink;
let mailer: Mailer;
let deps: CampaignMailDependencies;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp({ connection: db.connection });
  sink = await startSmtpSink();
  mailer = createMailer({ connection: db.connection, from: 'offers@example.com', smtpUrl: sink.url });
  // Links in the messages point at the app under test.
  deps = { connection: db.connection, mailer, renderer: createEmailRenderer(), baseUrl: app.url, logger: createLogger({ level: 'silent' }) };
});
afterAll(async () => {
  mailer.close();
  await sink.close();
  await app.close();
  await db.close();
});
beforeEach(async () => {
  await campaignModel(db.connection).updateMany({}, { $set: { state: 'completed' } });
});

const DAY = 86_400_000;
const LANDING = 'https://shop.example.com/welcome-back';

/** Customers of the test's own plan, a campaign of two steps (day 0, day 7) to them, and its first step sent. */
async function sentCampaign(count: number): Promise<{ customers: Customer[]; messages: ReceivedMail[] }> {
  const plan = `plan-${randomUUID().slice(0, 8)}`;
  const customers = await Promise.all(Array.from({ length: count }, () => churned(db.connection, 'B', 'price', { plan })));
  const audience: CampaignDraftInput['audience'] = { match: 'all', groups: [{ match: 'all', conditions: [{ field: 'plan', op: 'in', value: [plan] }] }] };
  const campaign = await createCampaign(db.connection, draft({ audience, steps: [{ day: 0 }, { day: 7 }], landingUrl: LANDING }), 'test');
  const before = sink.messages.length;
  await changeCampaignState(db.connection, String(campaign._id), 'schedule');
  await runCampaigns(deps, { now: MONDAY_10_UTC, random: seededRandom() });
  await runCampaigns(deps, { now: MONDAY_10_UTC, random: seededRandom() });
  const emails = new Set(customers.map((customer) => customer.email));
  const messages = (await sink.waitFor(before + count)).filter((message) => message.to.some((to) => emails.has(to)));
  expect(messages).toHaveLength(count);
  return { customers, messages };
}

function linkIn(message: ReceivedMail, pattern: RegExp): string {
  const found = pattern.exec(`${message.text}\n${message.html}\n${message.headers['list-unsubscribe'] ?? ''}`)?.[0];
  if (!found) throw new Error(`no link matching ${pattern} in the message`);
  return found.slice(app.url.length);
}
const clickLink = (message: ReceivedMail) => linkIn(message, new RegExp(`${app.url}/c/[0-9a-f]{24}/[\\w-]{32}`));
const pixelLink = (message: ReceivedMail) => linkIn(message, new RegExp(`${app.url}/o/[0-9a-f]{24}/[\\w-]{32}\\.gif`));
const unsubscribeLink = (message: ReceivedMail) => linkIn(message, new RegExp(`${app.url}/u/c/[0-9a-f]{24}/[\\w-]{32}`));
const deliveryOf = (link: string) => deliveryModel(db.connection).findById(link.split('/').at(-2)).lean();
/** The same link with its signature's first character changed. */
function tampered(link: string): string {
  const parts = link.split('/');
  const signature = parts.pop()!;
  return [...parts, `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`].join('/');
}
const get = (path: string) => fetch(`${app.url}${path}`, { redirect: 'manual', headers: { accept: 'text/html' } });

describe('the click-through link', () => {
  test('when a customer clicks a genuine link, then the first click is recorded and they land on the campaign page', async () => {
    const { messages } = await sentCampaign(1);
    const link = clickLink(messages[0]);

    const response = await get(link);
    const firstClick = (await deliveryOf(link))?.clickedAt;
    await get(link);

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(LANDING);
    expect(firstClick).toBeInstanceOf(Date);
    expect((await deliveryOf(link))?.clickedAt).toEqual(firstClick);
  });

  test('when the link was tampered with or names an unknown message, then a friendly 400 page answers and nothing is recorded', async () => {
    const { messages } = await sentCampaign(1);
    const link = clickLink(messages[0]);

    const forged = await get(tampered(link));
    const unknown = await get(link.replace(/\/c\/[0-9a-f]{24}\//, '/c/0123456789abcdef01234567/'));
    const malformed = await get('/c/not-an-id/short');

    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('This link does not work');
    expect(unknown.status).toBe(400);
    expect(malformed.status).toBe(400);
    expect((await deliveryOf(link))?.clickedAt).toBeUndefined();
  });
});

describe('the open pixel', () => {
  test('when the pixel loads, then a GIF answers and the first open is recorded; a tampered pixel gets the GIF and records nothing', async () => {
    const { messages } = await sentCampaign(2);
    const genuine = pixelLink(messages[0]);
    const forged = tampered(pixelLink(messages[1]));

    const opened = await get(genuine);
    const refused = await get(forged);

    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-type')).toBe('image/gif');
    expect(Buffer.from(await opened.arrayBuffer()).subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect((await deliveryOf(genuine))?.openedAt).toBeInstanceOf(Date);
    expect(refused.status).toBe(200);
    expect(refused.headers.get('content-type')).toBe('image/gif');
    expect((await deliveryOf(forged))?.openedAt).toBeUndefined();
  });
});

describe('unsubscribing from a campaign message', () => {
  test('when a mail client posts the one-click unsubscribe, then the customer is unsubscribed everywhere and the next run sends them nothing', async () => {
    const { customers, messages } = await sentCampaign(2);
    const leaving = customers.find((customer) => messages[0].to.includes(String(customer.email)))!;
    const staying = customers.find((customer) => customer !== leaving)!;
    await invitationModel(db.connection).create({ customerId: leaving._id, surveyKey: 'exit', surveyVersion: 1, status: 'scheduled', locale: 'en', sendAt: MONDAY_10_UTC, expiresAt: new Date(MONDAY_10_UTC.getTime() + 14 * DAY), origin: 'test' });
    const link = unsubscribeLink(messages[0]);
    expect(messages[0].headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');

    const confirmation = await get(link);
    expect(confirmation.status).toBe(200);
    expect(await confirmation.text()).toContain(`action="${link}?lang&#x3D;en"`);

    // RFC 8058: a plain POST with this body, no cookies and no CSRF token.
    const response = await fetch(`${app.url}${link}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click', redirect: 'manual' });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('You are unsubscribed');

    const customer = await customerModel(db.connection).findById(leaving._id).lean();
    expect(customer?.contact.unsubscribedAt).toBeInstanceOf(Date);
    expect(await deliveryModel(db.connection).find({ customerId: leaving._id, step: 1 }).lean()).toMatchObject([{ state: 'cancelled', reason: 'unsubscribed' }]);
    expect(await invitationModel(db.connection).findOne({ customerId: leaving._id }).lean()).toMatchObject({ status: 'suppressed', reason: 'unsubscribed' });
    expect(await timelineEventModel(db.connection).countDocuments({ customerId: leaving._id, type: 'unsubscribed' })).toBe(1);

    sink.messages.length = 0;
    const week = new Date(MONDAY_10_UTC.getTime() + 7 * DAY);
    expect((await runCampaigns(deps, { now: week })).sent).toBe(1);
    await sink.waitFor(1);
    expect(sink.messages.map((message) => message.to).flat()).toEqual([staying.email]);
  });

  test('when the unsubscribe link was tampered with, then a friendly 400 page answers and nothing changes', async () => {
    const { customers, messages } = await sentCampaign(1);
    const link = tampered(unsubscribeLink(messages[0]));

    const page = await get(link);
    const posted = await fetch(`${app.url}${link}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });

    expect(page.status).toBe(400);
    expect(posted.status).toBe(400);
    expect(await posted.text()).toContain('This link does not work');
    const customer = await customerModel(db.connection).findById(customers[0]._id).lean();
    expect(customer?.contact.unsubscribedAt).toBeUndefined();
    expect(await deliveryModel(db.connection).countDocuments({ customerId: customers[0]._id as Types.ObjectId, state: 'pending' })).toBe(1);
  });

  test('when a Chinese-speaking customer opens the link, then the page speaks Chinese', async () => {
    const { customers, messages } = await sentCampaign(1);
    await customerModel(db.connection).updateOne({ _id: customers[0]._id }, { $set: { locale: 'zh-CN' } });

    const page = await get(unsubscribeLink(messages[0]));

    expect(await page.text()).toContain('您将不会再通过电子邮件收到我们的优惠或问卷。');
  });
});
