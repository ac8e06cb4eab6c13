/**
 * The webhook admin pages through HTTP, as an admin's browser uses them, and the whole path of
 * one event: a churn reported through the API with an API key, queued for the endpoint, sent by
 * the delivery job's service to a receiver on loopback, with a signature the receiver verifies.
 */
import { randomUUID } from 'node:crypto';
import { trusted } from 'mongoose';
import { createApiKey } from '../../../src/modules/accounts/accounts.service';
import { deliverDueWebhooks } from '../../../src/modules/webhooks/sender.service';
import { verifyWebhookSignature } from '../../../src/modules/webhooks/signature';
import { webhookDeliveryModel } from '../../../src/modules/webhooks/webhook-delivery.model';
import { webhookEndpointModel } from '../../../src/modules/webhooks/webhook-endpoint.model';
import { createLogger } from '../../../src/shared/logging';
import { startTestApp } from '../../helpers/app';
import { createStaff, signIn, type Agent } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';
import { startReceiver, type Receiver } from './support';

let db: TestDatabase;
let app: ListeningApp;
let receiver: Receiver;
let admin: Agent;
let apiKey: string;

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
  app = await startTestApp({ connection: db.connection });
  admin = await signIn(app.url, await createStaff(db.connection, 'admin'));
  apiKey = (await createApiKey(db.connection, { name: 'host crm', scopes: ['events:write'] })).token;
});
afterAll(async () => {
  await app.close();
  await receiver.close();
  await db.close();
});
beforeEach(async () => {
  // Each test sends only to its own endpoints.
  await webhookEndpointModel(db.connection).updateMany({}, { $set: { enabled: false, disabledReason: 'admin' } });
  await webhookDeliveryModel(db.connection).updateMany({ status: trusted({ $ne: 'succeeded' }) }, { $set: { status: 'failed' } });
});

const sendDue = () => deliverDueWebhooks({ connection: db.connection, logger: createLogger({ level: 'silent' }) });
const secretOn = (html: string) => /id="secret"[^>]*value="([^"]+)"/.exec(html)?.[1];

async function register(fields: Record<string, string | string[]>): Promise<{ id: string; secret: string }> {
  const response = await admin.postForm('/admin/webhooks', fields);
  const html = await response.text();
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const id = /href="\/admin\/webhooks\/([0-9a-f]{24})"/.exec(html)?.[1];
  const secret = secretOn(html);
  if (!id || !secret) throw new Error('no endpoint id or secret on the page');
  return { id, secret };
}

async function reportChurn(externalId: string): Promise<Response> {
  return fetch(`${app.url}/api/v1/churn-events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ eventId: `evt-${randomUUID()}`, customer: { externalId, name: 'Ada Lovelace', email: 'ada@example.com' }, at: '2026-02-02T10:00:00Z', trigger: 'cancellation' }),
  });
}

async function counts() {
  return { endpoints: await webhookEndpointModel(db.connection).countDocuments(), audit: await db.connection.collection('audit_log').countDocuments() };
}

test('when an admin registers an endpoint and a churn is reported through the API, then the receiver gets it once, signed with the secret shown at creation', async () => {
  const form = await (await admin.get('/admin/webhooks/new')).text();
  expect(form).toContain('name="_csrf"');
  expect(form).toContain('value="customer.churned"');
  const url = receiver.hook();
  const { secret } = await register({ url, description: 'Main CRM', eventTypes: ['customer.churned', 'customer.won_back'], allowPrivateNetwork: 'on' });
  expect(secret).toMatch(/^cwbwh_/);

  expect((await reportChurn('wh-api-1')).status).toBe(201);
  expect(receiver.requestsTo(url)).toHaveLength(0); // queued, not sent in the request
  expect(await sendDue()).toMatchObject({ succeeded: 1 });

  const [request] = receiver.requestsTo(url);
  const signed = { body: request.body, timestamp: String(request.headers['webhook-timestamp']), signature: String(request.headers['webhook-signature']) };
  expect(verifyWebhookSignature(secret, signed)).toBe(true);
  expect(JSON.parse(request.body)).toMatchObject({
    id: request.headers['webhook-id'],
    type: 'customer.churned',
    data: { customer: { externalId: 'wh-api-1', source: 'crm', status: 'churned' }, churn: { trigger: 'cancellation' } },
  });
  expect(await sendDue()).toMatchObject({ succeeded: 0 });
  expect(receiver.requestsTo(url)).toHaveLength(1);
});

test('when the URL is on loopback and private networks are not allowed, then the form is refused with 400 at the URL and nothing is written', async () => {
  const before = await counts();

  const response = await admin.postForm('/admin/webhooks', { url: 'http://127.0.0.1:9/hook', eventTypes: 'customer.churned' });
  const html = await response.text();

  expect(response.status).toBe(400);
  expect(html).toContain('id="url-error"');
  expect(html).toContain('private network');
  expect(html).toContain('value="http://127.0.0.1:9/hook"');
  expect(await counts()).toEqual(before);
});

test('when the form has no events, a non-http URL, credentials in the URL or an unknown event, then 400 names each field and nothing is written', async () => {
  const before = await counts();

  const noEvents = await admin.postForm('/admin/webhooks', { url: 'http://127.0.0.1:9/hook' });
  const ftp = await admin.postForm('/admin/webhooks', { url: 'ftp://hooks.example.com/churn', eventTypes: 'customer.churned' });
  const withPassword = await admin.postForm('/admin/webhooks', { url: 'https://user:pw@hooks.example.com/', eventTypes: 'customer.churned', allowPrivateNetwork: 'on' });
  const unknownEvent = await admin.postForm('/admin/webhooks', { url: 'https://hooks.example.com/', eventTypes: 'customer.deleted' });
  const empty = await admin.fetch('/admin/webhooks', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': await admin.csrfToken() }, body: '{}' });

  expect([noEvents.status, ftp.status, withPassword.status, unknownEvent.status, empty.status]).toEqual([400, 400, 400, 400, 400]);
  const noEventsPage = await noEvents.text();
  expect(noEventsPage).toContain('id="eventTypes-error"');
  expect(noEventsPage).toContain('id="url-error"'); // every problem at once, the address too
  expect(await ftp.text()).toContain('Only http:// and https://');
  expect(await withPassword.text()).toContain('id="url-error"');
  expect(await unknownEvent.text()).toContain('id="eventTypes-error"');
  expect(await counts()).toEqual(before);
});

test('when an admin opens an endpoint, then its delivery log shows status codes and attempts, and redeliver and the test event send again', async () => {
  const url = receiver.hook([500, 404]);
  const { id } = await register({ url, eventTypes: 'customer.churned', allowPrivateNetwork: 'on' });
  await reportChurn('wh-log-1');
  await sendDue(); // 500: retried later
  await webhookDeliveryModel(db.connection).updateMany({ endpointId: id }, { $set: { nextAttemptAt: new Date() } });
  await sendDue(); // 404: failed

  const page = await (await admin.get(`/admin/webhooks/${id}`)).text();
  expect(page).toContain('customer.churned');
  expect(page).toContain('HTTP 404');
  expect(page).toContain('<td>500</td>');
  expect(page).toContain('badge--off');
  const redeliverAction = /action="(\/admin\/webhooks\/[0-9a-f]{24}\/deliveries\/[0-9a-f]{24}\/redeliver)"/.exec(page)?.[1];
  expect(redeliverAction).toBeDefined();

  const redelivered = await admin.postForm(redeliverAction!, {});
  expect(redelivered.status).toBe(303);
  expect(redelivered.headers.get('location')).toBe(`/admin/webhooks/${id}`);
  const tested = await admin.postForm(`/admin/webhooks/${id}/test`, {});
  expect(tested.status).toBe(303);
  expect(await sendDue()).toMatchObject({ succeeded: 2 });

  const requests = receiver.requestsTo(url);
  expect(requests).toHaveLength(4);
  expect(requests[2].headers['webhook-id']).toBe(requests[0].headers['webhook-id']);
  expect(requests.map((request) => JSON.parse(request.body).type).sort()).toEqual(['customer.churned', 'customer.churned', 'customer.churned', 'webhook.test']);
  expect(await (await admin.get(`/admin/webhooks/${id}`)).text()).toContain('badge--on');
});

test('when an admin rotates the secret, then the new one is shown once and requests carry signatures with both secrets for a while', async () => {
  const url = receiver.hook();
  const { id, secret: oldSecret } = await register({ url, eventTypes: 'customer.churned', allowPrivateNetwork: 'on' });

  const rotated = await admin.postForm(`/admin/webhooks/${id}/rotate-secret`, {});
  expect(rotated.status).toBe(200);
  expect(rotated.headers.get('cache-control')).toBe('no-store');
  const newSecret = secretOn(await rotated.text());
  expect(newSecret).toMatch(/^cwbwh_/);
  expect(newSecret).not.toBe(oldSecret);
  expect(await (await admin.get(`/admin/webhooks/${id}`)).text()).not.toContain(newSecret!);

  await reportChurn('wh-rotate-1');
  await sendDue();
  const [request] = receiver.requestsTo(url);
  const signed = { body: request.body, timestamp: String(request.headers['webhook-timestamp']), signature: String(request.headers['webhook-signature']) };
  expect(verifyWebhookSignature(newSecret!, signed)).toBe(true);
  expect(verifyWebhookSignature(oldSecret, signed)).toBe(true);
});

test('when an endpoint was disabled after failures, then the list and its page say so, and enabling and deleting work', async () => {
  const url = receiver.hook();
  const { id } = await register({ url, eventTypes: 'customer.churned', allowPrivateNetwork: 'on' });
  await webhookEndpointModel(db.connection).updateOne({ _id: id }, { $set: { enabled: false, disabledReason: 'failures', disabledAt: new Date(), consecutiveFailures: 10 } });

  const list = await (await admin.get('/admin/webhooks')).text();
  expect(list).toContain('data-webhooks-failing');
  expect(list).toContain('href="/admin/webhooks"'); // the nav link for admins
  const page = await (await admin.get(`/admin/webhooks/${id}`)).text();
  expect(page).toContain('after 10 failed deliveries in a row');
  const zh = await (await admin.get(`/admin/webhooks/${id}?lang=zh-CN`)).text();
  expect(zh).toContain('因连续 10 次投递失败');

  expect((await admin.postForm(`/admin/webhooks/${id}/enable`, {})).status).toBe(303);
  expect(await webhookEndpointModel(db.connection).findById(id).lean()).toMatchObject({ enabled: true, consecutiveFailures: 0 });
  expect((await admin.postForm(`/admin/webhooks/${id}/disable`, {})).status).toBe(303);
  expect(await webhookEndpointModel(db.connection).findById(id).lean()).toMatchObject({ enabled: false, disabledReason: 'admin' });

  expect((await admin.postForm(`/admin/webhooks/${id}/delete`, {})).status).toBe(303);
  expect(await webhookEndpointModel(db.connection).findById(id).lean()).toBeNull();
  expect((await admin.get(`/admin/webhooks/${id}`)).status).toBe(404);
});

test('when a form is posted without its CSRF token, then it is refused and nothing is written', async () => {
  const before = await counts();
  const response = await admin.postForm('/admin/webhooks', { url: 'https://hooks.example.com/', eventTypes: 'customer.churned' }, { csrf: false });
  expect(response.status).toBe(403);
  expect(await counts()).toEqual(before);
});
