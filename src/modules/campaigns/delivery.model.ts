/**
 * One message of one campaign step to one customer. The unique (campaign, step, customer) index
 * means a launch can be re-run after a crash without creating a second delivery, and the
 * state machine makes sending idempotent:
 *
 *   pending ──claim──▶ sending ──▶ sent
 *                        │  ╰────▶ failed (permanent SMTP refusal, or out of retries)
 *                        │  ╰────▶ pending (transient failure: retried later)
 *                        ╰─(claim older than the lease: the worker died)─▶ uncertain
 *   pending ──▶ cancelled (customer won back, unsubscribed, replied, campaign cancelled)
 *   pending ──▶ skipped (frequency cap)
 *
 * `uncertain` is never re-sent automatically: the worker may have died after the SMTP server
 * accepted the message and before it was recorded. The report lists these for a person.
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';

export const deliveryStates = ['pending', 'sending', 'sent', 'failed', 'uncertain', 'cancelled', 'skipped'] as const;
export type DeliveryState = (typeof deliveryStates)[number];

export interface CampaignDelivery {
  _id: Types.ObjectId;
  campaignId: Types.ObjectId;
  step: number;
  customerId: Types.ObjectId;
  state: DeliveryState;
  /** Not before this time (the step's day, the send window, a retry's backoff). */
  dueAt: Date;
  timezone: string;
  tier: string;
  cause: string;
  variant?: string;
  attempts: number;
  claimedAt?: Date;
  claimedBy?: string;
  /** Which claim holds it: a group of deliveries is claimed with one update, then read back by this. */
  claimToken?: string;
  sentAt?: Date;
  messageId?: string;
  reason?: string;
  lastError?: string;
  clickedAt?: Date;
  openedAt?: Date;
  createdAt: Date;
}

const deliverySchema = new Schema<CampaignDelivery>(
  {
    campaignId: { type: Schema.Types.ObjectId, required: true },
    step: { type: Number, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    state: { type: String, enum: deliveryStates, required: true },
    dueAt: { type: Date, required: true },
    timezone: { type: String, required: true },
    tier: { type: String, required: true },
    cause: { type: String, required: true },
    variant: String,
    attempts: { type: Number, default: 0 },
    claimedAt: Date,
    claimedBy: String,
    claimToken: String,
    sentAt: Date,
    messageId: String,
    reason: String,
    lastError: String,
    clickedAt: Date,
    openedAt: Date,
  },
  { collection: 'campaign_deliveries', timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

deliverySchema.index({ campaignId: 1, step: 1, customerId: 1 }, { unique: true });
// The sender's query: a campaign's pending deliveries by due time; the throttle counts recent sends.
deliverySchema.index({ campaignId: 1, state: 1, dueAt: 1 });
deliverySchema.index({ campaignId: 1, sentAt: 1 });
deliverySchema.index({ customerId: 1, state: 1 });

export function deliveryModel(connection: Connection): Model<CampaignDelivery> {
  return (connection.models.CampaignDelivery as Model<CampaignDelivery> | undefined) ?? connection.model<CampaignDelivery>('CampaignDelivery', deliverySchema);
}
