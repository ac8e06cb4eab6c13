/**
 * Queueing webhook deliveries: an announced event becomes one pending delivery per enabled
 * endpoint subscribed to it (the durable outbox the `webhooks.deliver` job sends from); an admin
 * can send a test event, redeliver one delivery, and read an endpoint's delivery log.
 */
import { randomUUID } from 'node:crypto';
import { trusted, Types, type Connection } from 'mongoose';
import { ReadCache } from '../../shared/db/read-cache';
import { NotFoundError } from '../../shared/errors';
import { testEventType, type DeliveredEventType, type WebhookEventType } from './event-types';
import type { WebhookBody } from './payloads';
import { webhookDeliveryModel, type WebhookDelivery } from './webhook-delivery.model';
import { webhookEndpointModel, type WebhookEndpoint } from './webhook-endpoint.model';

/** Queues `type` with `data` for every enabled endpoint subscribed to it; returns how many. */
export async function announceToWebhooks(connection: Connection, type: WebhookEventType, data: Record<string, unknown>, now = new Date()): Promise<number> {
  if (!(await subscribedTypes.get(connection, () => readSubscribedTypes(connection))).has(type)) return 0;
  const endpoints = await webhookEndpointModel(connection).find({ enabled: true, eventTypes: type }, { _id: 1 }).lean<Pick<WebhookEndpoint, '_id'>[]>().exec();
  if (endpoints.length === 0) return 0;
  const { eventId, payload } = eventBody(type, data, now);
  await webhookDeliveryModel(connection).insertMany(
    endpoints.map((endpoint) => ({ endpointId: endpoint._id, eventType: type, eventId, payload, status: 'pending', nextAttemptAt: now, manual: false })),
  );
  return endpoints.length;
}

/** Queues a `webhook.test` event for one endpoint, sent even while it is disabled. */
export async function sendTestEvent(connection: Connection, endpointId: string, now = new Date()): Promise<WebhookDelivery> {
  const endpoint = await endpointById(connection, endpointId);
  const { eventId, payload } = eventBody(testEventType, { endpointId: String(endpoint._id), message: 'A test event sent from the admin pages.' }, now);
  const created = await webhookDeliveryModel(connection).create({ endpointId: endpoint._id, eventType: testEventType, eventId, payload, status: 'pending', nextAttemptAt: now, manual: true });
  return created.toObject();
}

/**
 * Sends a finished delivery once more, now, with the same event id and body (a receiver that
 * already has it recognises it). One attempt, not retried; sent even while the endpoint is disabled.
 */
export async function redeliver(connection: Connection, endpointId: string, deliveryId: string, now = new Date()): Promise<WebhookDelivery> {
  const endpoint = await endpointById(connection, endpointId);
  const redelivered = Types.ObjectId.isValid(deliveryId)
    ? await webhookDeliveryModel(connection)
        .findOneAndUpdate(
          // A delivery still waiting or in flight is left alone: it is going out anyway.
          { _id: new Types.ObjectId(deliveryId), endpointId: endpoint._id, status: trusted({ $in: ['succeeded', 'failed'] }) },
          { $set: { status: 'pending', nextAttemptAt: now, manual: true }, $unset: { expiresAt: 1, leaseExpiresAt: 1, claimToken: 1, claimedBy: 1 } },
          { returnDocument: 'after' },
        )
        .lean<WebhookDelivery>()
        .exec()
    : null;
  if (!redelivered) throw new NotFoundError('No finished delivery of this endpoint has this id.');
  return redelivered;
}

export const deliveryLogSize = 50;

/** The endpoint's latest deliveries, newest first. */
export async function deliveryLog(connection: Connection, endpointId: Types.ObjectId): Promise<WebhookDelivery[]> {
  return webhookDeliveryModel(connection).find({ endpointId }).sort({ createdAt: -1, _id: -1 }).limit(deliveryLogSize).lean<WebhookDelivery[]>().exec();
}

// ---------------------------------------------------------------------------------------------

/**
 * Most installations have no endpoint for most events, and every survey answer announces two,
 * so which types any enabled endpoint listens to is kept for a few seconds: an endpoint
 * registered or enabled in this process counts at once, one in another process (a second web
 * process) within 5 s. Types that have endpoints are still looked up exactly on each event.
 */
const subscribedTypes = new ReadCache<ReadonlySet<string>>({ ttlMs: 5_000, dependsOn: ['WebhookEndpoint'] });

async function readSubscribedTypes(connection: Connection): Promise<ReadonlySet<string>> {
  const endpoints = await webhookEndpointModel(connection).find({ enabled: true }, { eventTypes: 1, _id: 0 }).lean<Pick<WebhookEndpoint, 'eventTypes'>[]>().exec();
  return new Set(endpoints.flatMap((endpoint) => endpoint.eventTypes));
}

function eventBody(type: DeliveredEventType, data: Record<string, unknown>, now: Date): { eventId: string; payload: string } {
  const eventId = `evt_${randomUUID().replace(/-/g, '')}`;
  const body: WebhookBody = { id: eventId, type, createdAt: now.toISOString(), data };
  return { eventId, payload: JSON.stringify(body) };
}

async function endpointById(connection: Connection, id: string): Promise<WebhookEndpoint> {
  const endpoint = Types.ObjectId.isValid(id) ? await webhookEndpointModel(connection).findById(id).lean<WebhookEndpoint>().exec() : null;
  if (!endpoint) throw new NotFoundError('No webhook endpoint has this id.');
  return endpoint;
}
