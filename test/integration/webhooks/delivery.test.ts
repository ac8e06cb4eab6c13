/**
 * Sending webhooks with real parts: endpoints and deliveries in the embedded database, a real
 * HTTP receiver on loopback (so endpoints allow private networks, except where the SSRF guard is
 * the point), and the clock passed in, so retries are driven turn by turn without waiting.
 */
import { trusted, Types } from 'mongoose';
import type { JobDependencies } from '../../../jobs/types';
import { webhooksDeliver } from '../../../jobs/handlers/webhooks-deliver';
import { customerEvents } from '../../../src/modules/customers/domain-events';
import { redeliver, sendTestEvent } from '../../../src/modules/webhooks/deliveries.service';
import { registerEndpoint, setEndpointEnabled } from '../../../src/modules/webhooks/endpoints.service';
import type { WebhookEventType } from '../../../src/modules/webhooks/event-types';
import { deliverDueWebhooks, type DeliverOptions } from '../../../src/modules/webhooks/sender.service';
import { verifyWebhookSignature } from '../../../src/modules/webhooks/signature';
import { subscribeWebhooks } from '../../../src/modules/webhooks/subscriptions';
import { webhookDeliveryModel, type WebhookDelivery } from '../../../src/modules/webhooks/webhook-delivery.model';
import { webhookEndpointModel } from '../../../src/modules/webhooks/webhook-endpoint.model';
import { createLogger } from '../../../src/shared/logging';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { churnedCustomer } from '../surveys/support';
import { startReceiver, type Receiver } from './support';

let db: TestDatabase;
let receiver: Receiver;
const logger = createLogger({ level: 'silent' });
const admin = { id: 'admin-1', name: 'Admin' };
// The test clock starts a little after the real one: events are queued at the real time.
const T0 = new Date(Math.ceil(Date.now() / 1000) * 1000 + 60_000);
const at = (ms: number) => () => new Date(T0.getTime() + ms);

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
  subscribeWebhooks(db.connection);
});
afterAll(async () => {
  await receiver.close();
  await db.close();
});
beforeEach(async () => {
  // Each test sends only to its own endpoints: earlier tests' endpoints and leftovers are put away.
  await webhookEndpointModel(db.connection).updateMany({}, { $set: { enabled: false, disabledReason: 'admin' } });
  await webhookDeliveryModel(db.connection).updateMany({ status: trusted({ $ne: 'succeeded' }) }, { $set: { status: 'failed' } });
});

async function endpointFor(url: string, eventTypes: WebhookEventType[] = ['customer.churned'], extra: Record<string, unknown> = {}) {
  return registerEndpoint(db.connection, { url, eventTypes, allowPrivateNetwork: 'on', ...extra }, { actor: admin });
}

async function announceChurn(): Promise<void> {
  const customer = await churnedCustomer(db.connection);
  await customerEvents(db.connection).emit('customer.churned', { customer, event: undefined as never });
}

function deliver(options: DeliverOptions = {}) {
  return deliverDueWebhooks({ connection: db.connection, logger }, { clock: at(0), random: () => 0, ...options });
}

async function deliveriesOf(endpointId: Types.ObjectId): Promise<WebhookDelivery[]> {
  return webhookDeliveryModel(db.connection).find({ endpointId }).sort({ createdAt: 1 }).lean<WebhookDelivery[]>().exec();
}

test('when a churn is announced, then each enabled endpoint subscribed to it gets one pending delivery, and no other endpoint does', async () => {
  const subscribed = await endpointFor(receiver.hook());
  const otherEvent = await endpointFor(receiver.hook(), ['customer.won_back']);
  const disabled = await endpointFor(receiver.hook());
  await setEndpointEnabled(db.connection, String(disabled.endpoint._id), false, admin);

  await announceChurn();

  const [delivery] = await deliveriesOf(subscribed.endpoint._id);
  expect(delivery).toMatchObject({ eventType: 'customer.churned', status: 'pending', manual: false });
  expect(delivery.eventId).toMatch(/^evt_[0-9a-f]{32}$/);
  expect(JSON.parse(delivery.payload)).toMatchObject({ id: delivery.eventId, type: 'customer.churned', data: { customer: { status: 'churned' } } });
  expect(JSON.parse(delivery.payload).data.customer.email).toBeUndefined();
  expect(await deliveriesOf(otherEvent.endpoint._id)).toEqual([]);
  expect(await deliveriesOf(disabled.endpoint._id)).toEqual([]);
});

test('when the receiver answers 2xx, then the delivery succeeded and the request carries an id, a timestamp and a signature that verify', async () => {
  const url = receiver.hook([204]);
  const { endpoint, secret } = await endpointFor(url);
  await announceChurn();

  expect(await deliver()).toMatchObject({ succeeded: 1, failed: 0, retrying: 0 });

  const [request] = receiver.requestsTo(url);
  const [delivery] = await deliveriesOf(endpoint._id);
  expect(request.headers['content-type']).toBe('application/json');
  expect(request.headers['webhook-id']).toBe(delivery.eventId);
  expect(request.headers['webhook-timestamp']).toBe(String(T0.getTime() / 1000));
  expect(request.body).toBe(delivery.payload);
  const received = { body: request.body, timestamp: String(request.headers['webhook-timestamp']), signature: String(request.headers['webhook-signature']) };
  expect(verifyWebhookSignature(secret, received, { now: T0 })).toBe(true);
  expect(verifyWebhookSignature('cwbwh_not-the-secret', received, { now: T0 })).toBe(false);
  expect(delivery).toMatchObject({ status: 'succeeded', lastStatusCode: 204, attempts: [{ statusCode: 204 }] });
});

test('when the receiver is down (500s), then the delivery is retried with growing backoff and succeeds once it is back', async () => {
  const url = receiver.hook([500, 503, 200]);
  const { endpoint } = await endpointFor(url);
  await announceChurn();

  expect(await deliver({ clock: at(0) })).toMatchObject({ retrying: 1 });
  let [delivery] = await deliveriesOf(endpoint._id);
  expect(delivery.nextAttemptAt).toEqual(at(30_000)());

  expect(await deliver({ clock: at(29_000) })).toMatchObject({ succeeded: 0, retrying: 0, failed: 0 }); // not due yet
  expect(await deliver({ clock: at(30_000) })).toMatchObject({ retrying: 1 });
  [delivery] = await deliveriesOf(endpoint._id);
  expect(delivery.nextAttemptAt).toEqual(at(30_000 + 60_000)());

  expect(await deliver({ clock: at(90_000) })).toMatchObject({ succeeded: 1 });
  [delivery] = await deliveriesOf(endpoint._id);
  expect(delivery.status).toBe('succeeded');
  expect(delivery.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 503, 200]);
  expect(receiver.requestsTo(url).map((request) => request.headers['webhook-id'])).toEqual([delivery.eventId, delivery.eventId, delivery.eventId]);
  expect((await webhookEndpointModel(db.connection).findById(endpoint._id).lean())?.consecutiveFailures).toBe(0);
});

test('when the jitter draws high, then the wait grows by at most a fifth', async () => {
  const url = receiver.hook([500]);
  const { endpoint } = await endpointFor(url);
  await announceChurn();

  await deliver({ random: () => 0.999 });

  const [delivery] = await deliveriesOf(endpoint._id);
  const waitedMs = delivery.nextAttemptAt.getTime() - T0.getTime();
  expect(waitedMs).toBeGreaterThan(30_000);
  expect(waitedMs).toBeLessThanOrEqual(36_000);
});

test('when the receiver keeps failing, then the delivery fails after the last attempt', async () => {
  const url = receiver.hook([500, 500, 500, 500]);
  const { endpoint } = await endpointFor(url);
  await announceChurn();

  for (const ms of [0, 30_000, 90_000]) await deliver({ clock: at(ms), maxAttempts: 3 });
  await deliver({ clock: at(10 * 60_000), maxAttempts: 3 });

  const [delivery] = await deliveriesOf(endpoint._id);
  expect(delivery).toMatchObject({ status: 'failed', lastStatusCode: 500 });
  expect(receiver.requestsTo(url)).toHaveLength(3);
});

test('when the receiver answers 404, then the delivery fails at once and is not tried again', async () => {
  const url = receiver.hook([404]);
  const { endpoint } = await endpointFor(url);
  await announceChurn();

  expect(await deliver()).toMatchObject({ failed: 1 });
  await deliver({ clock: at(3 * 3600_000) });

  const [delivery] = await deliveriesOf(endpoint._id);
  expect(delivery).toMatchObject({ status: 'failed', lastStatusCode: 404, attempts: [{ statusCode: 404, responseSnippet: 'status 404' }] });
  expect(receiver.requestsTo(url)).toHaveLength(1);
  expect((await webhookEndpointModel(db.connection).findById(endpoint._id).lean())?.consecutiveFailures).toBe(1);
});

test('when the receiver answers 429 or 408, then the delivery is retried rather than failed', async () => {
  const url = receiver.hook([429, 408]);
  const { endpoint } = await endpointFor(url);
  await announceChurn();

  await deliver({ clock: at(0) });
  await deliver({ clock: at(30_000) });
  await deliver({ clock: at(90_000) });

  const [delivery] = await deliveriesOf(endpoint._id);
  expect(delivery.attempts.map((attempt) => attempt.statusCode)).toEqual([429, 408, 200]);
  expect(delivery.status).toBe('succeeded');
});

test('when the receiver redirects, then the redirect is not followed and the delivery fails', async () => {
  const url = receiver.hook([302]);
  const { endpoint } = await endpointFor(url);
  await announceChurn();

  await deliver();

  const [delivery] = await deliveriesOf(endpoint._id);
  expect(delivery.status).toBe('failed');
  expect(delivery.lastError).toMatch(/redirect .* not followed/);
});

test('when the receiver does not answer in time, then the attempt times out and is retried', async () => {
  const url = receiver.hook(['hang']);
  const { endpoint } = await endpointFor(url);
  await announceChurn();

  expect(await deliver({ timeoutMs: 200 })).toMatchObject({ retrying: 1 });

  const [delivery] = await deliveriesOf(endpoint._id);
  expect(delivery).toMatchObject({ status: 'pending', lastError: 'no answer within 200 ms' });
  expect(delivery.attempts[0].statusCode).toBeUndefined();
});

test('when a finished delivery is redelivered, then it is sent once more now, with the same event id and body', async () => {
  const url = receiver.hook([404, 200]);
  const { endpoint } = await endpointFor(url);
  await announceChurn();
  await deliver();
  const [failed] = await deliveriesOf(endpoint._id);

  const queued = await redeliver(db.connection, String(endpoint._id), String(failed._id), at(3600_000)());
  expect(queued).toMatchObject({ status: 'pending', manual: true });
  expect(await deliver({ clock: at(3600_000) })).toMatchObject({ succeeded: 1 });

  const [first, second] = receiver.requestsTo(url);
  expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
  expect(second.body).toBe(first.body);
  const [delivery] = await deliveriesOf(endpoint._id);
  expect(delivery.attempts.map((attempt) => attempt.statusCode)).toEqual([404, 200]);
  await expect(redeliver(db.connection, String(endpoint._id), String(new Types.ObjectId()))).rejects.toMatchObject({ httpStatus: 404 });
});

test('when a redelivery fails again, then it is not retried automatically', async () => {
  const url = receiver.hook([404, 503]);
  const { endpoint } = await endpointFor(url);
  await announceChurn();
  await deliver();
  const [failed] = await deliveriesOf(endpoint._id);

  await redeliver(db.connection, String(endpoint._id), String(failed._id), at(60_000)());
  await deliver({ clock: at(60_000) });
  await deliver({ clock: at(3600_000) });

  expect(receiver.requestsTo(url)).toHaveLength(2);
  expect((await deliveriesOf(endpoint._id))[0].status).toBe('failed');
});

test('when the host name resolves to a private address at send time, then nothing is sent and the delivery fails (DNS rebinding)', async () => {
  const url = 'http://hooks.example.test/churn';
  const { endpoint } = await registerEndpoint(
    db.connection,
    { url, eventTypes: ['customer.churned'] },
    { actor: admin, resolveHost: async () => ['93.184.215.14'] },
  );
  expect(endpoint.allowPrivateNetwork).toBe(false);
  await announceChurn();

  expect(await deliver({ resolveHost: async () => ['93.184.215.14', '10.0.0.7'] })).toMatchObject({ failed: 1 });

  const [delivery] = await deliveriesOf(endpoint._id);
  expect(delivery.status).toBe('failed');
  expect(delivery.lastError).toMatch(/^refused: the host resolves to 10\.0\.0\.7 \(private\)/);
  expect(delivery.attempts[0].statusCode).toBeUndefined();
});

test('when the host name answers a public address to the check and loopback to the connect, then nothing reaches the receiver and the delivery is refused for good (DNS rebinding)', async () => {
  const receiverUrl = receiver.hook();
  const url = receiverUrl.replace('127.0.0.1', 'hooks.example.test');
  const { endpoint } = await registerEndpoint(db.connection, { url, eventTypes: ['customer.churned'] }, { actor: admin, resolveHost: async () => ['93.184.215.14'] });
  await announceChurn();
  const asked: string[] = [];
  const rebinding = async (hostname: string) => {
    asked.push(hostname);
    return [asked.length === 1 ? '93.184.215.14' : '127.0.0.1'];
  };

  expect(await deliver({ resolveHost: rebinding })).toMatchObject({ failed: 1, retrying: 0 });
  await deliver({ clock: at(3600_000), resolveHost: rebinding });

  expect(asked).toEqual(['hooks.example.test', 'hooks.example.test']); // the check, then the connect
  expect(receiver.requestsTo(receiverUrl)).toEqual([]);
  const [delivery] = await deliveriesOf(endpoint._id);
  expect(delivery).toMatchObject({ status: 'failed', attemptCount: 1 });
  expect(delivery.lastError).toMatch(/^refused: the host resolves to 127\.0\.0\.1 \(loopback\)/);
  expect(delivery.attempts).toHaveLength(1);
  expect(delivery.attempts[0].statusCode).toBeUndefined();
  expect((await webhookEndpointModel(db.connection).findById(endpoint._id).lean())?.consecutiveFailures).toBe(1);
});

test('when an endpoint that allows private networks names a host that resolves to loopback, then the delivery reaches the receiver', async () => {
  const receiverUrl = receiver.hook([204]);
  const url = receiverUrl.replace('127.0.0.1', 'crm.internal.test');
  const { endpoint } = await endpointFor(url);

  await announceChurn();
  expect(await deliver({ resolveHost: async () => ['127.0.0.1'] })).toMatchObject({ succeeded: 1 });

  expect(receiver.requestsTo(receiverUrl)).toHaveLength(1);
  expect(receiver.requestsTo(receiverUrl)[0].headers.host).toBe(new URL(url).host);
  expect((await deliveriesOf(endpoint._id))[0]).toMatchObject({ status: 'succeeded', lastStatusCode: 204 });
});

test('when the receiver cannot be reached, then the attempt is a network error and is retried', async () => {
  const receiverUrl = receiver.hook();
  const url = receiverUrl.replace('127.0.0.1', 'gone.internal.test');
  const { endpoint } = await endpointFor(url);
  await announceChurn();

  expect(await deliver({ resolveHost: async () => { throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' }); } })).toMatchObject({ retrying: 1 });

  expect((await deliveriesOf(endpoint._id))[0]).toMatchObject({ status: 'pending', lastError: 'network error: ENOTFOUND' });
  expect(receiver.requestsTo(receiverUrl)).toEqual([]);
});

test('when deliveries keep failing, then the endpoint is disabled, later events wait, and a test event still goes out', async () => {
  const url = receiver.hook([410, 410]);
  const { endpoint } = await endpointFor(url);
  await announceChurn();
  await announceChurn();

  expect(await deliver({ disableAfterFailures: 2 })).toMatchObject({ failed: 2, disabledEndpoints: 1 });
  const disabled = await webhookEndpointModel(db.connection).findById(endpoint._id).lean();
  expect(disabled).toMatchObject({ enabled: false, disabledReason: 'failures', consecutiveFailures: 2 });

  await announceChurn();
  expect(await deliveriesOf(endpoint._id)).toHaveLength(2); // nothing new queued while disabled

  await sendTestEvent(db.connection, String(endpoint._id), at(60_000)());
  expect(await deliver({ clock: at(60_000) })).toMatchObject({ succeeded: 1 });
  expect(JSON.parse(receiver.requestsTo(url)[2].body)).toMatchObject({ type: 'webhook.test' });

  await setEndpointEnabled(db.connection, String(endpoint._id), true, admin);
  expect(await webhookEndpointModel(db.connection).findById(endpoint._id).lean()).toMatchObject({ enabled: true, consecutiveFailures: 0 });
  expect((await webhookEndpointModel(db.connection).findById(endpoint._id).lean())?.disabledReason).toBeUndefined();
});

test('when two workers send at the same time, then each delivery goes out exactly once', async () => {
  const url = receiver.hook();
  const { endpoint } = await endpointFor(url);
  for (let i = 0; i < 12; i++) await announceChurn();

  const [first, second] = await Promise.all([deliver({ workerId: 'worker-a' }), deliver({ workerId: 'worker-b' })]);

  expect(first.succeeded + second.succeeded).toBe(12);
  const ids = receiver.requestsTo(url).map((request) => request.headers['webhook-id']);
  expect(new Set(ids).size).toBe(12);
  expect(ids).toHaveLength(12);
  expect((await deliveriesOf(endpoint._id)).every((delivery) => delivery.status === 'succeeded')).toBe(true);
});

test('when a worker stopped while holding a delivery, then it is sent again once its lease has run out', async () => {
  const url = receiver.hook();
  const { endpoint } = await endpointFor(url);
  await announceChurn();
  await webhookDeliveryModel(db.connection).updateOne(
    { endpointId: endpoint._id },
    { $set: { status: 'delivering', claimToken: 'dead-worker', claimedBy: 'gone', leaseExpiresAt: at(60_000)() }, $inc: { attemptCount: 1 } },
  );

  expect(await deliver({ clock: at(30_000) })).toMatchObject({ succeeded: 0 }); // still leased
  expect(await deliver({ clock: at(61_000) })).toMatchObject({ succeeded: 1 });
  expect((await deliveriesOf(endpoint._id))[0]).toMatchObject({ status: 'succeeded', attemptCount: 2 });
});

test('when the job runs, then it takes its retry settings from the job dependencies', async () => {
  const url = receiver.hook([500]);
  const { endpoint } = await endpointFor(url);
  await announceChurn();

  await webhooksDeliver({}, { connection: db.connection, logger, workerId: 'job-worker', webhooks: { baseRetryDelayMs: 5 } } as JobDependencies);

  const [delivery] = await deliveriesOf(endpoint._id);
  expect(delivery.status).toBe('pending');
  // Milliseconds, not the default 30 s.
  expect(delivery.nextAttemptAt.getTime() - delivery.attempts[0].at.getTime()).toBeLessThan(1000);
});
