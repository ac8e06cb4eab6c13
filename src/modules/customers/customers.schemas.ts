/**
 * What the events API and staff edits accept, checked field by field. Objects are strict: an
 * unknown or misspelt field is an error, not silently dropped.
 */
import { z } from 'zod';
import { causeCodeSchema } from './causes';
import { customerFilterSchema } from './customer-filter';
import { churnTriggers, churnTypes, customerLocales, transactionKinds } from './vocabulary';

const text = (max: number) => z.string().trim().min(1).max(max);
const money = z.number().finite().min(0).max(1e12);
const moment = z.iso.datetime({ offset: true, error: 'expected a date-time such as 2025-03-14T09:30:00Z' }).transform((value) => new Date(value));
const callerId = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'expected visible ASCII characters without spaces');
const source = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'expected lowercase letters, digits, - or _')
  .default('crm');

export const recordIdSchema = z.string().regex(/^[0-9a-f]{24}$/i, 'expected a record id (24 hex digits)');

/** `/customers/:id`: our id of the customer. */
export const customerIdParamsSchema = z.object({ id: recordIdSchema });

/** Which customer: the host's id, within a source (the host CRM is `crm`). */
export const customerReferenceSchema = z.object({ externalId: callerId, source }).strict();

const revenueSchema = z
  .object({ monthly: money, total: money, costToServe: money, tenureMonths: z.number().int().min(0).max(1200) })
  .partial()
  .strict();

/** What a caller may tell us about a customer; enough of it (a name or an e-mail) creates one. */
const customerDetailsSchema = z
  .object({
    name: text(300),
    email: z.email().max(320).toLowerCase(),
    phone: text(50),
    company: text(300),
    locale: z.enum(customerLocales),
    timezone: text(100),
    plan: text(200),
    signupDate: moment,
    revenue: revenueSchema,
    emailConsent: z.boolean(),
    tags: z.array(text(100)).max(50),
  })
  .partial()
  .strict();

export const churnEventSchema = z
  .object({
    /** The caller's id for this event: sending it again changes nothing. */
    eventId: callerId,
    customer: customerReferenceSchema.extend(customerDetailsSchema.shape).strict(),
    at: moment,
    trigger: z.enum(churnTriggers),
    churnType: z.enum(churnTypes).optional(),
    /** The host's own record of why, when it has one. */
    cause: z
      .object({ code: causeCodeSchema.optional(), secondary: causeCodeSchema.optional(), reason: text(2000).optional() })
      .strict()
      .optional(),
  })
  .strict();
export type ChurnEventInput = z.infer<typeof churnEventSchema>;

export const reactivationSchema = z
  .object({
    eventId: callerId,
    customer: customerReferenceSchema,
    at: moment,
    /** Monthly revenue the customer came back with (win-back attribution). */
    monthlyRevenue: money.optional(),
    plan: text(200).optional(),
  })
  .strict();
export type ReactivationInput = z.infer<typeof reactivationSchema>;

export const transactionSchema = z
  .object({
    transactionId: callerId,
    customer: customerReferenceSchema,
    at: moment,
    amount: money,
    kind: z.enum(transactionKinds).default('order'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as EUR')
      .optional(),
  })
  .strict();
export type TransactionInput = z.infer<typeof transactionSchema>;

/** A change to a customer. Status moves only through churn events and reactivations. */
export const customerPatchSchema = customerDetailsSchema
  .omit({ emailConsent: true })
  .extend({
    ownerId: recordIdSchema.nullable(),
    contact: z.object({ emailConsent: z.boolean(), doNotContact: z.boolean() }).partial().strict(),
    cause: z
      .object({
        code: causeCodeSchema,
        secondary: causeCodeSchema.optional(),
        confidence: z.number().min(0).max(1).optional(),
        reason: text(2000).optional(),
      })
      .strict(),
  })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'expected at least one field to change');
export type CustomerPatch = z.infer<typeof customerPatchSchema>;

/** `GET /customers`: the filters plus a page. */
export const customerListQuerySchema = customerFilterSchema
  .extend({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** The `nextCursor` of the previous page. */
    after: recordIdSchema.optional(),
  })
  .strict();
export type CustomerListQuery = z.infer<typeof customerListQuerySchema>;
