/**
 * A customer as this module knows it: what the host CRM tells us (identity, plan, revenue, the
 * cancellation) merged with what we learn (the cause of churn) and what we compute (value).
 *
 * The timeline lives in `customer_events` and orders/payments in `transactions`, both keyed by
 * customer and time, so a long-lived customer's document stays small.
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { causeCodePattern, type CauseCode } from './causes';
import {
  causeSources,
  churnTypes,
  customerLocales,
  customerStatuses,
  rfmLevels,
  valueTiers,
  type CauseSource,
  type ChurnType,
  type CustomerLocale,
  type CustomerStatus,
  type RfmLevel,
  type ValueTier,
} from './vocabulary';

export interface ChurnCause {
  code?: CauseCode;
  secondary?: CauseCode;
  /** 0–1; how sure the source is (a classifier's score; 1 for staff and interviews). */
  confidence?: number;
  source: CauseSource;
  /** The customer's or the host's own words, kept for the classifier and for staff. */
  reason?: string;
  /** Staff user id or a system name (`telco import`, `classifier`). */
  setBy?: string;
  setAt: Date;
  /** Classifier results: the signals behind the cause, for staff to see why (src/modules/classification). */
  explanation?: CauseExplanationItem[];
  /** The classifier was unsure (the cause is then `other`): the customer waits in the review queue. */
  needsReview?: boolean;
  /** The classifier's best guess while `needsReview`: what the review queue offers to confirm. */
  suggested?: CauseCode;
  /** When staff confirmed or corrected the cause in the review queue: a label the classifier learns from. */
  confirmedAt?: Date;
}

export interface CauseExplanationItem {
  signal: 'choice' | 'lexicon' | 'model';
  cause: string;
  /** The words or choice that drove it (cleaned of markup by the classifier). */
  evidence: string;
  /** Share of the cause's final score; negative when it speaks against the cause ("not the price"). */
  weight: number;
}

/** One spell of being lost: when it started and, if it ended, when the customer came back. */
export interface ChurnEpisode {
  at: Date;
  type?: ChurnType;
  wonBackAt?: Date;
  /** Monthly revenue the customer came back with (win-back attribution). */
  wonBackMonthlyRevenue?: number;
}

export interface Revenue {
  monthly?: number;
  total?: number;
  /** Direct monthly cost of serving the customer, when known. */
  costToServe?: number;
  tenureMonths?: number;
}

export interface RfmScores {
  /** Days since the last transaction. */
  recencyDays: number | null;
  /** Change in transaction count, last window versus the one before (−0.4 = 40% fewer). */
  frequencyChange: number | null;
  /** Change in transaction value over the same windows. */
  monetaryChange: number | null;
  level: RfmLevel;
}

export interface CustomerValue {
  clv: number;
  rfm: RfmScores;
  tier?: ValueTier;
  computedAt: Date;
}

export interface ContactPermissions {
  emailConsent: boolean;
  unsubscribedAt?: Date;
  doNotContact: boolean;
}

export interface Customer {
  _id: Types.ObjectId;
  /** Which system the record came from (`crm`, `telco`, …); externalId is unique within it. */
  source: string;
  externalId: string;
  name?: string;
  email?: string;
  phone?: string;
  company?: string;
  locale: CustomerLocale;
  timezone?: string;
  plan?: string;
  signupDate?: Date;
  status: CustomerStatus;
  /** The latest churn; `churns` keeps every one, for metrics over time. */
  churnedAt?: Date;
  churnType?: ChurnType;
  wonBackAt?: Date;
  churns: ChurnEpisode[];
  cause?: ChurnCause;
  revenue: Revenue;
  value?: CustomerValue;
  contact: ContactPermissions;
  ownerId?: Types.ObjectId;
  tags: string[];
  /** Extra fields from the host or the import file (contract, city, the host's own CLTV …). */
  attributes: Record<string, string | number | boolean>;
  lastTransactionAt?: Date;
  /** Engagement kept on the record so segments can filter on it through an index. */
  engagement: {
    /** Last time the customer answered an exit survey. */
    surveyAnsweredAt?: Date;
    /** Last time a win-back campaign wrote to the customer (the frequency cap reads it). */
    lastCampaignMessageAt?: Date;
    lastCampaignId?: Types.ObjectId;
    /** Campaigns whose holdout (control group) the customer is in: other campaigns leave them alone. */
    campaignHoldouts: Types.ObjectId[];
  };
  /** Lower-cased name, email, external id and name words, for prefix search (no $text here). */
  searchKeys: string[];
  createdAt: Date;
  updatedAt: Date;
}

const causeSchema = new Schema<ChurnCause>(
  {
    // The shape only: which causes exist is the stored taxonomy's business (checked by the services).
    code: { type: String, match: causeCodePattern },
    secondary: { type: String, match: causeCodePattern },
    confidence: { type: Number, min: 0, max: 1 },
    source: { type: String, enum: causeSources, required: true },
    reason: { type: String, maxlength: 2000 },
    setBy: String,
    setAt: { type: Date, required: true },
    explanation: {
      type: [{ signal: { type: String, enum: ['choice', 'lexicon', 'model'] }, cause: String, evidence: { type: String, maxlength: 200 }, weight: Number, _id: false }],
      default: undefined,
    },
    needsReview: Boolean,
    suggested: { type: String, match: causeCodePattern },
    confirmedAt: Date,
  },
  { _id: false },
);

const churnEpisodeSchema = new Schema<ChurnEpisode>(
  { at: { type: Date, required: true }, type: { type: String, enum: churnTypes }, wonBackAt: Date, wonBackMonthlyRevenue: Number },
  { _id: false },
);

const valueSchema = new Schema<CustomerValue>(
  {
    clv: { type: Number, required: true },
    rfm: {
      recencyDays: { type: Number, default: null },
      frequencyChange: { type: Number, default: null },
      monetaryChange: { type: Number, default: null },
      level: { type: String, enum: rfmLevels, default: 'none' },
    },
    tier: { type: String, enum: valueTiers },
    computedAt: { type: Date, required: true },
  },
  { _id: false },
);

const customerSchema = new Schema<Customer>(
  {
    source: { type: String, required: true },
    externalId: { type: String, required: true },
    name: String,
    email: { type: String, lowercase: true, trim: true },
    phone: String,
    company: String,
    locale: { type: String, enum: customerLocales, default: 'en' },
    timezone: String,
    plan: String,
    signupDate: Date,
    status: { type: String, enum: customerStatuses, required: true, default: 'active' },
    churnedAt: Date,
    churnType: { type: String, enum: churnTypes },
    wonBackAt: Date,
    churns: { type: [churnEpisodeSchema], default: [] },
    cause: causeSchema,
    revenue: {
      monthly: Number,
      total: Number,
      costToServe: Number,
      tenureMonths: Number,
    },
    value: valueSchema,
    contact: {
      emailConsent: { type: Boolean, default: false },
      unsubscribedAt: Date,
      doNotContact: { type: Boolean, default: false },
    },
    ownerId: { type: Schema.Types.ObjectId },
    tags: { type: [String], default: [] },
    attributes: { type: Schema.Types.Mixed, default: {} },
    lastTransactionAt: Date,
    engagement: {
      surveyAnsweredAt: Date,
      lastCampaignMessageAt: Date,
      lastCampaignId: Schema.Types.ObjectId,
      campaignHoldouts: { type: [Schema.Types.ObjectId], default: [] },
    },
    searchKeys: { type: [String], default: [] },
  },
  { collection: 'customers', timestamps: true, versionKey: false, minimize: false },
);

// The selective field first: lookups by external id stay small even when one source holds all rows.
customerSchema.index({ externalId: 1, source: 1 }, { unique: true });
customerSchema.index({ status: 1, churnedAt: -1 });
customerSchema.index({ churnedAt: -1 });
customerSchema.index({ 'value.tier': 1, status: 1 });
customerSchema.index({ 'value.clv': -1 });
customerSchema.index({ 'cause.code': 1, status: 1 });
customerSchema.index({ 'value.rfm.level': 1, status: 1 });
customerSchema.index({ ownerId: 1, status: 1 });
customerSchema.index({ email: 1 });
customerSchema.index({ tags: 1 });
customerSchema.index({ searchKeys: 1 });
// Segments (src/modules/segments): the common audience filters start with status, then tier and cause.
customerSchema.index({ status: 1, 'value.tier': 1, 'cause.code': 1 });
customerSchema.index({ status: 1, 'value.rfm.level': 1 });
customerSchema.index({ lastTransactionAt: 1 });
customerSchema.index({ 'engagement.lastCampaignMessageAt': 1 });
// The classification review queue (src/modules/classification/review-queue.service.ts).
customerSchema.index({ 'cause.needsReview': 1 }, { sparse: true });

// Saves through a document keep the search keys current; bulk writes set them explicitly.
customerSchema.pre('validate', function keepSearchKeys() {
  this.searchKeys = searchKeysOf(this);
});

export function customerModel(connection: Connection): Model<Customer> {
  return (connection.models.Customer as Model<Customer> | undefined) ?? connection.model<Customer>('Customer', customerSchema);
}

/** The words a staff search matches by prefix: name, each name word, email, external id. */
export function searchKeysOf(customer: Pick<Customer, 'name' | 'email' | 'externalId'>): string[] {
  const keys = new Set<string>();
  const add = (value: string | undefined) => {
    const key = value?.trim().toLowerCase();
    if (key) keys.add(key);
  };
  add(customer.name);
  for (const word of customer.name?.split(/\s+/) ?? []) add(word);
  add(customer.email);
  add(customer.externalId);
  return [...keys].sort();
}
