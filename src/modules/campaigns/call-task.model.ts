/**
 * A personal call a campaign asks a customer's owner to make (the VIP treatment in DOMAIN.md:
 * valuable customers get a visit or a call, not an e-mail).
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';

export interface CallTask {
  _id: Types.ObjectId;
  campaignId: Types.ObjectId;
  customerId: Types.ObjectId;
  ownerId?: Types.ObjectId;
  tier: string;
  cause: string;
  dueAt: Date;
  status: 'open' | 'done';
  outcome?: string;
  createdAt: Date;
}

const callTaskSchema = new Schema<CallTask>(
  {
    campaignId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    ownerId: Schema.Types.ObjectId,
    tier: { type: String, required: true },
    cause: { type: String, required: true },
    dueAt: { type: Date, required: true },
    status: { type: String, enum: ['open', 'done'], default: 'open' },
    outcome: String,
  },
  { collection: 'campaign_call_tasks', timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

callTaskSchema.index({ campaignId: 1, customerId: 1 }, { unique: true });
callTaskSchema.index({ ownerId: 1, status: 1, dueAt: 1 });

export function callTaskModel(connection: Connection): Model<CallTask> {
  return (connection.models.CampaignCallTask as Model<CallTask> | undefined) ?? connection.model<CallTask>('CampaignCallTask', callTaskSchema);
}
