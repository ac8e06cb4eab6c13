/**
 * A customer's place in a campaign, decided once at launch and stored: the offer cell (tier ×
 * cause), the A/B variant, whether they are in the holdout (control group, sent nothing), and
 * whether they came back. Lift compares the treated members with the holdout.
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';

export interface CampaignMember {
  _id: Types.ObjectId;
  campaignId: Types.ObjectId;
  customerId: Types.ObjectId;
  tier: string;
  cause: string;
  /** Index of the offer rule that matched. */
  rule: number;
  action: string;
  variant?: string;
  holdout: boolean;
  wonBackAt?: Date;
  /** Monthly revenue the customer came back with. */
  recoveredRevenue?: number;
  /** The step whose message the win-back is attributed to. */
  wonBackStep?: number;
  /** When the customer used the campaign's coupon code, as the host reported it. */
  couponRedeemedAt?: Date;
  /** The order the coupon was used on. */
  couponOrderValue?: number;
  createdAt: Date;
}

const memberSchema = new Schema<CampaignMember>(
  {
    campaignId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    tier: { type: String, required: true },
    cause: { type: String, required: true },
    rule: { type: Number, required: true },
    action: { type: String, required: true },
    variant: String,
    holdout: { type: Boolean, required: true },
    wonBackAt: Date,
    recoveredRevenue: Number,
    wonBackStep: Number,
    couponRedeemedAt: Date,
    couponOrderValue: Number,
  },
  { collection: 'campaign_members', timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

memberSchema.index({ campaignId: 1, customerId: 1 }, { unique: true });
memberSchema.index({ customerId: 1 });

export function memberModel(connection: Connection): Model<CampaignMember> {
  return (connection.models.CampaignMember as Model<CampaignMember> | undefined) ?? connection.model<CampaignMember>('CampaignMember', memberSchema);
}
