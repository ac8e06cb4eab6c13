/**
 * A receiver an admin registered: where to POST which events, and the secret they are signed
 * with. An endpoint that keeps failing is disabled with the reason shown in the admin pages.
 *
 * The secret is stored as given, not hashed like API keys: signing needs the secret itself, so
 * a hash would be useless, and encrypting it would need a key kept beside it in the same
 * configuration (SESSION_SECRET may even be random per process), which adds little. It is left
 * out of queries unless asked for (`select: false`) and shown to the admin only when made.
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { webhookEventTypes, type WebhookEventType } from './event-types';
import { countWrites } from '../../shared/db/write-counter';

export const disabledReasons = ['failures', 'admin'] as const;
export type DisabledReason = (typeof disabledReasons)[number];

export interface WebhookEndpoint {
  _id: Types.ObjectId;
  url: string;
  description?: string;
  eventTypes: WebhookEventType[];
  /** Only when asked for with `.select('+secret')`. */
  secret?: string;
  /** The secret before the last rotation, still signed with until `previousSecretUntil`. */
  previousSecret?: string;
  previousSecretUntil?: Date;
  enabled: boolean;
  /** Deliveries in a row that ended failed; a success resets it. */
  consecutiveFailures: number;
  disabledAt?: Date;
  disabledReason?: DisabledReason;
  /** The admin allowed loopback and private-network targets (an on-premises receiver). */
  allowPrivateNetwork: boolean;
  lastSuccessAt?: Date;
  lastFailureAt?: Date;
  createdBy?: string;
  createdAt: Date;
  updatedAt: Date;
}

const endpointSchema = new Schema<WebhookEndpoint>(
  {
    url: { type: String, required: true, maxlength: 2000 },
    description: { type: String, maxlength: 200 },
    eventTypes: { type: [{ type: String, enum: webhookEventTypes }], default: [] },
    secret: { type: String, required: true, select: false },
    previousSecret: { type: String, select: false },
    previousSecretUntil: Date,
    enabled: { type: Boolean, required: true, default: true },
    consecutiveFailures: { type: Number, required: true, default: 0 },
    disabledAt: Date,
    disabledReason: { type: String, enum: disabledReasons },
    allowPrivateNetwork: { type: Boolean, required: true, default: false },
    lastSuccessAt: Date,
    lastFailureAt: Date,
    createdBy: String,
  },
  { collection: 'webhook_endpoints', timestamps: true, versionKey: false },
);

// Announcing an event looks up the enabled endpoints subscribed to its type.
endpointSchema.index({ enabled: 1, eventTypes: 1 });

// Announcing caches which event types have no endpoint; a new or re-enabled one must count at once.
countWrites(endpointSchema, 'WebhookEndpoint');

export function webhookEndpointModel(connection: Connection): Model<WebhookEndpoint> {
  return (connection.models.WebhookEndpoint as Model<WebhookEndpoint> | undefined) ?? connection.model<WebhookEndpoint>('WebhookEndpoint', endpointSchema);
}
