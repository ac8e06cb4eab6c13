/**
 * The recipients one launch batch decided to mail, kept as one document per batch. The launch
 * writes these instead of a delivery per recipient per step; the runner turns a list into its
 * deliveries (every step) as sending needs them — see send-lists.service.ts. One write per
 * thousand recipients is what lets a launch keep pace with a plain insert of its members.
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';

export interface SendListRecipient {
  customerId: Types.ObjectId;
  timezone: string;
  tier: string;
  cause: string;
  variant?: string;
}

export interface SendList {
  _id: Types.ObjectId;
  campaignId: Types.ObjectId;
  recipients: SendListRecipient[];
  /** Its deliveries are written (all of them: a re-run only meets duplicates). */
  queued: boolean;
  createdAt: Date;
}

const recipientSchema = new Schema<SendListRecipient>(
  {
    customerId: { type: Schema.Types.ObjectId, required: true },
    timezone: { type: String, required: true },
    tier: { type: String, required: true },
    cause: { type: String, required: true },
    variant: String,
  },
  { _id: false },
);

const sendListSchema = new Schema<SendList>(
  {
    campaignId: { type: Schema.Types.ObjectId, required: true },
    recipients: { type: [recipientSchema], default: [] },
    queued: { type: Boolean, default: false },
  },
  { collection: 'campaign_send_lists', timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

// The runner's query: a campaign's lists not yet turned into deliveries.
sendListSchema.index({ campaignId: 1, queued: 1 });

export function sendListModel(connection: Connection): Model<SendList> {
  return (connection.models.CampaignSendList as Model<SendList> | undefined) ?? connection.model<SendList>('CampaignSendList', sendListSchema);
}
