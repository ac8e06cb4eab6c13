/**
 * A win-back campaign: who (a segment, frozen at launch), what (offer rules by value tier and
 * churn cause, each with A/B content variants), when (a sequence of steps, a start time, a send
 * window in the recipient's time zone, a throttle) and how it went (state, launch progress).
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { SegmentDefinition } from '../segments/segment.schemas';

export const campaignStates = ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'] as const;
export type CampaignState = (typeof campaignStates)[number];

export const offerActions = ['discount', 'coupon', 'free_months', 'plan_downgrade', 'personal_call', 'exclude'] as const;
export type OfferAction = (typeof offerActions)[number];

export interface LocalizedText {
  en: string;
  'zh-CN': string;
}

/** One A/B variant of a rule's message. */
export interface ContentVariant {
  key: string;
  /** Share of the rule's recipients, relative to the other variants' weights. */
  weight: number;
  subject: LocalizedText;
  body: LocalizedText;
}

/** Who gets what: the first rule whose tiers and causes match a customer decides their offer. */
export interface OfferRule {
  /** Value tiers, or `*` for any (customers without a tier count as `none`). */
  tiers: string[];
  /** Cause codes, or `*` for any (customers without a cause count as `other`). */
  causes: string[];
  action: OfferAction;
  discountPercent?: number;
  couponCode?: string;
  freeMonths?: number;
  plan?: string;
  variants: ContentVariant[];
}

export interface CampaignStep {
  /** Days after the start. */
  day: number;
  /** Replaces the variant's subject/body for this step (follow-ups). */
  subject?: LocalizedText;
  body?: LocalizedText;
}

export interface SendSchedule {
  startAt: Date;
  /** Local hours [from, to) in the recipient's time zone. */
  windowStartHour: number;
  windowEndHour: number;
  weekdaysOnly: boolean;
  /** Messages per minute for the whole campaign. */
  throttlePerMinute: number;
  /** No two campaign messages to one customer (from different campaigns) closer than this. */
  frequencyCapDays: number;
  /** Used when a customer has no time zone. */
  defaultTimezone: string;
}

export interface Campaign {
  _id: Types.ObjectId;
  name: string;
  goal?: string;
  segmentId?: Types.ObjectId;
  /** The audience definition; frozen (copied from the segment) when scheduled. */
  audience: SegmentDefinition;
  offers: OfferRule[];
  holdoutPercent: number;
  steps: CampaignStep[];
  schedule: SendSchedule;
  /** Where the message's button leads (through a signed, tracked redirect). */
  landingUrl: string;
  /** Days after a message within which a reactivation counts as won back by it. */
  attributionDays: number;
  state: CampaignState;
  launch: {
    startedAt?: Date;
    /** The last customer id processed: a crashed launch resumes after it. */
    lastCustomerId?: Types.ObjectId;
    completedAt?: Date;
    members: number;
  };
  completedAt?: Date;
  createdBy?: string;
  createdAt: Date;
  updatedAt: Date;
}

const localized = { en: { type: String, default: '' }, 'zh-CN': { type: String, default: '' } };

const variantSchema = new Schema<ContentVariant>({ key: { type: String, required: true }, weight: { type: Number, required: true }, subject: localized, body: localized }, { _id: false });

const offerSchema = new Schema<OfferRule>(
  {
    tiers: { type: [String], required: true },
    causes: { type: [String], required: true },
    action: { type: String, enum: offerActions, required: true },
    discountPercent: Number,
    couponCode: String,
    freeMonths: Number,
    plan: String,
    variants: { type: [variantSchema], default: [] },
  },
  { _id: false },
);

const campaignSchema = new Schema<Campaign>(
  {
    name: { type: String, required: true },
    goal: String,
    segmentId: Schema.Types.ObjectId,
    audience: { type: Schema.Types.Mixed, required: true },
    offers: { type: [offerSchema], default: [] },
    holdoutPercent: { type: Number, required: true, default: 10 },
    steps: { type: [new Schema<CampaignStep>({ day: { type: Number, required: true }, subject: localized, body: localized }, { _id: false })], default: [] },
    schedule: {
      startAt: { type: Date, required: true },
      windowStartHour: { type: Number, required: true },
      windowEndHour: { type: Number, required: true },
      weekdaysOnly: { type: Boolean, default: false },
      throttlePerMinute: { type: Number, required: true },
      frequencyCapDays: { type: Number, required: true },
      defaultTimezone: { type: String, default: 'UTC' },
    },
    landingUrl: { type: String, required: true },
    attributionDays: { type: Number, default: 30 },
    state: { type: String, enum: campaignStates, required: true, default: 'draft' },
    launch: {
      startedAt: Date,
      lastCustomerId: Schema.Types.ObjectId,
      completedAt: Date,
      members: { type: Number, default: 0 },
    },
    completedAt: Date,
    createdBy: String,
  },
  { collection: 'campaigns', timestamps: true, versionKey: false, minimize: false },
);

campaignSchema.index({ state: 1, 'schedule.startAt': 1 });

export function campaignModel(connection: Connection): Model<Campaign> {
  return (connection.models.Campaign as Model<Campaign> | undefined) ?? connection.model<Campaign>('Campaign', campaignSchema);
}
