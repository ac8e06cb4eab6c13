/**
 * One event for one endpoint: the durable outbox of webhooks. Announcing an event only writes
 * these; the `webhooks.deliver` job sends them, so no request waits for a receiver.
 *
 *   pending ──claim (lease)──▶ delivering ──▶ succeeded (2xx)
 *      ▲                          │  ╰──────▶ failed (4xx, redirect, refused address, out of attempts)
 *      ╰──── retry after backoff ─┤  (5xx, 408, 429, network error, timeout)
 *      ╰──── lease expired ───────╯  (the worker died: sent again — receivers dedupe on the event id)
 *   succeeded / failed ──redeliver──▶ pending (one manual attempt)
 *
 * Delivery is at least once: unlike a campaign e-mail, a webhook carries an id the receiver
 * can deduplicate on, so a claim whose worker died is retried rather than left uncertain.
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { DeliveredEventType } from './event-types';

export const deliveryStatuses = ['pending', 'delivering', 'succeeded', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof deliveryStatuses)[number];

export interface DeliveryAttempt {
  at: Date;
  /** The receiver's HTTP status; none when no response came (network error, timeout, refusal). */
  statusCode?: number;
  error?: string;
  durationMs: number;
  /** The start of the receiver's answer, for the log. */
  responseSnippet?: string;
}

export interface WebhookDelivery {
  _id: Types.ObjectId;
  endpointId: Types.ObjectId;
  eventType: DeliveredEventType;
  /** `evt_…`, shared by every endpoint's copy of one event; sent as Webhook-Id. */
  eventId: string;
  /** The JSON body exactly as sent, so every attempt signs the same bytes. */
  payload: string;
  status: WebhookDeliveryStatus;
  /** Claims so far (a claim whose worker died counts too, so a poison event cannot loop forever). */
  attemptCount: number;
  /** The latest attempts, oldest first (at most 20 kept). */
  attempts: DeliveryAttempt[];
  nextAttemptAt: Date;
  /** A redelivery or test event an admin asked for: one attempt, sent even while the endpoint is disabled. */
  manual: boolean;
  leaseExpiresAt?: Date;
  claimToken?: string;
  claimedBy?: string;
  lastStatusCode?: number;
  lastError?: string;
  succeededAt?: Date;
  failedAt?: Date;
  /** Finished deliveries are removed 30 days after they finished (TTL index). */
  expiresAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const attemptSchema = new Schema<DeliveryAttempt>(
  { at: { type: Date, required: true }, statusCode: Number, error: String, durationMs: { type: Number, required: true }, responseSnippet: String },
  { _id: false },
);

const deliverySchema = new Schema<WebhookDelivery>(
  {
    endpointId: { type: Schema.Types.ObjectId, required: true },
    eventType: { type: String, required: true },
    eventId: { type: String, required: true },
    payload: { type: String, required: true },
    status: { type: String, enum: deliveryStatuses, required: true, default: 'pending' },
    attemptCount: { type: Number, required: true, default: 0 },
    attempts: { type: [attemptSchema], default: [] },
    nextAttemptAt: { type: Date, required: true },
    manual: { type: Boolean, required: true, default: false },
    leaseExpiresAt: Date,
    claimToken: String,
    claimedBy: String,
    lastStatusCode: Number,
    lastError: String,
    succeededAt: Date,
    failedAt: Date,
    expiresAt: Date,
  },
  { collection: 'webhook_deliveries', timestamps: true, versionKey: false },
);

// One copy of an event per endpoint, however often the announcement is repeated.
deliverySchema.index({ endpointId: 1, eventId: 1 }, { unique: true });
// The sender's queries: due pending deliveries, and claims whose lease ran out.
deliverySchema.index({ status: 1, nextAttemptAt: 1 });
deliverySchema.index({ status: 1, leaseExpiresAt: 1 });
// The endpoint page's log, newest first.
deliverySchema.index({ endpointId: 1, createdAt: -1 });
deliverySchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function webhookDeliveryModel(connection: Connection): Model<WebhookDelivery> {
  return (connection.models.WebhookDelivery as Model<WebhookDelivery> | undefined) ?? connection.model<WebhookDelivery>('WebhookDelivery', deliverySchema);
}
