/**
 * What the customers API answers, as zod schemas of the JSON (dates are ISO strings, ids are
 * strings). The API description shows them; the API description test parses real responses
 * with them, so a field added to a response without being described here fails that test.
 */
import { z } from 'zod';
import { causeCodeSchema } from './causes';
import { timelineEventTypes } from './customer-event.model';
import { customerDataSources } from './privacy/data-sources';
import { causeSources, churnTypes, customerLocales, customerStatuses, rfmLevels, transactionKinds, valueTiers } from './vocabulary';

const id = z.string().meta({ description: 'A record id (24 hex digits).' });
const moment = z.iso.datetime();
const percentOrNull = z.number().nullable().meta({ description: 'Percent, two decimals; null when there is nothing to divide by.' });

const causeSchema = z.object({
  code: causeCodeSchema.optional(),
  secondary: causeCodeSchema.optional(),
  confidence: z.number().min(0).max(1).optional(),
  source: z.enum(causeSources),
  reason: z.string().optional().meta({ description: "The customer's or the host's own words." }),
  setBy: z.string().optional(),
  setAt: moment,
  explanation: z
    .array(z.object({ signal: z.enum(['choice', 'lexicon', 'model']), cause: z.string(), evidence: z.string(), weight: z.number() }))
    .optional()
    .meta({ description: "The classifier's signals behind the cause." }),
  needsReview: z.boolean().optional().meta({ description: 'The classifier was unsure; the customer waits in the review queue.' }),
  suggested: causeCodeSchema.optional(),
  confirmedAt: moment.optional(),
});

export const customerResponseSchema = z
  .object({
    id,
    source: z.string().meta({ description: 'Which system the record came from (`crm` for the host CRM); externalId is unique within it.' }),
    externalId: z.string(),
    name: z.string().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
    company: z.string().optional(),
    locale: z.enum(customerLocales),
    timezone: z.string().optional(),
    plan: z.string().optional(),
    signupDate: moment.optional(),
    status: z.enum(customerStatuses),
    churnedAt: moment.optional().meta({ description: 'The latest churn.' }),
    churnType: z.enum(churnTypes).optional(),
    wonBackAt: moment.optional(),
    churns: z
      .array(z.object({ at: moment, type: z.enum(churnTypes).optional(), wonBackAt: moment.optional(), wonBackMonthlyRevenue: z.number().optional() }))
      .meta({ description: 'Every spell of being lost, and when it ended.' }),
    cause: causeSchema.optional(),
    revenue: z.object({ monthly: z.number().optional(), total: z.number().optional(), costToServe: z.number().optional(), tenureMonths: z.number().optional() }),
    value: z
      .object({
        clv: z.number().meta({ description: 'Customer lifetime value.' }),
        rfm: z.object({ recencyDays: z.number().nullable(), frequencyChange: z.number().nullable(), monetaryChange: z.number().nullable(), level: z.enum(rfmLevels) }),
        tier: z.enum(valueTiers).optional(),
        computedAt: moment,
      })
      .optional(),
    contact: z.object({ emailConsent: z.boolean(), unsubscribedAt: moment.optional(), doNotContact: z.boolean() }),
    ownerId: id.nullable().meta({ description: 'The staff user who owns the customer.' }),
    tags: z.array(z.string()),
    attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).meta({ description: 'Extra fields from the host or an import file.' }),
    lastTransactionAt: moment.optional(),
    engagement: z.object({
      surveyAnsweredAt: moment.optional(),
      lastCampaignMessageAt: moment.optional(),
      lastCampaignId: id.optional(),
      campaignHoldouts: z.array(id),
    }),
    createdAt: moment,
    updatedAt: moment,
  })
  .meta({ description: 'A customer: what the host CRM told us, the cause of churn we learnt, and the value we computed.' });

export const timelineEventResponseSchema = z.object({
  id,
  type: z.enum(timelineEventTypes),
  at: moment,
  origin: z.string().meta({ description: '`api`, `staff`, `import` or `system`.' }),
  actor: z.string().nullable().meta({ description: 'Staff user id or API key name.' }),
  data: z.record(z.string(), z.unknown()),
});

export const reportResponseSchema = z.object({
  duplicate: z.boolean().meta({ description: 'True when this event id was reported before: nothing changed, and the first record is returned.' }),
  event: timelineEventResponseSchema,
  customer: customerResponseSchema,
});

export const transactionResponseSchema = z.object({
  duplicate: z.boolean().meta({ description: 'True when this transaction id was reported before.' }),
  transaction: z.object({
    id,
    customerId: id,
    transactionId: z.string(),
    kind: z.enum(transactionKinds),
    at: moment,
    amount: z.number(),
    currency: z.string().optional(),
    createdAt: moment,
  }),
  customer: customerResponseSchema,
});

export const customerListResponseSchema = z.object({
  customers: z.array(customerResponseSchema),
  nextCursor: id.nullable().meta({ description: 'Pass as `after` for the next page; null on the last page.' }),
});

export const oneCustomerResponseSchema = z.object({ customer: customerResponseSchema });

const dataSourceNames = customerDataSources.map((source) => source.name) as [string, ...string[]];

export const customerExportResponseSchema = z.object({
  exportedAt: moment,
  customer: customerResponseSchema,
  data: z.record(z.enum(dataSourceNames), z.array(z.unknown())).meta({ description: 'Every record held about the customer, by data source.' }),
});

export const erasureResponseSchema = z.object({
  erasure: z.object({
    customerId: id,
    erasedAt: moment,
    deleted: z.record(z.enum([...dataSourceNames, 'customer']), z.number().int()).meta({ description: 'Records deleted, by data source, and the customer record itself.' }),
  }),
});

const retentionFigures = {
  customersAtStart: z.number().int(),
  customersAtEnd: z.number().int(),
  newCustomers: z.number().int(),
  lost: z.number().int(),
  churnRate: percentOrNull,
  retentionRate: percentOrNull,
};

export const churnReportResponseSchema = z.object({
  period: z.enum(['month', 'quarter']),
  from: moment,
  to: moment,
  periods: z.array(
    z.object({
      period: z.string().meta({ description: '`2025-03` or `2025-Q1`.' }),
      start: moment,
      end: moment.meta({ description: 'Exclusive: the start of the next period.' }),
      ...retentionFigures,
      wonBack: z.number().int(),
      recoveredMonthlyRevenue: z.number(),
      byTier: z.partialRecord(z.enum([...valueTiers, 'none']), z.object(retentionFigures)),
      byCause: z.partialRecord(causeCodeSchema, z.object({ lost: z.number().int(), share: z.number(), churnRate: percentOrNull })),
      surveyResponses: z.object({ delivered: z.number().int(), answered: z.number().int(), rate: percentOrNull }),
      winBackRate: percentOrNull,
    }),
  ),
});
