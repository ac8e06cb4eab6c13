/**
 * What the host CRM reports about a campaign's customers (`/api/v1`): a coupon code used at
 * checkout, and a reply to a campaign message. The customer is named by our id or by the
 * host's (externalId within a source); objects are strict, so a misspelt field is an error.
 */
import { z } from 'zod';
import { recordIdSchema } from '../customers/customers.schemas';

const moment = z.iso.datetime({ offset: true, error: 'expected a date-time such as 2025-03-14T09:30:00Z' }).transform((value) => new Date(value));

const customerFields = {
  customerId: recordIdSchema.optional(),
  externalId: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'expected visible ASCII characters without spaces')
    .optional(),
  source: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'expected lowercase letters, digits, - or _')
    .optional(),
};

/** Exactly one way of naming the customer. */
function oneCustomerReference(input: { customerId?: unknown; externalId?: unknown; source?: unknown }, ctx: z.RefinementCtx): void {
  if (input.customerId === undefined && input.externalId === undefined) {
    ctx.addIssue({ code: 'custom', path: ['customerId'], message: 'expected customerId, or externalId (with source, default crm)' });
  }
  if (input.customerId !== undefined && (input.externalId !== undefined || input.source !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['externalId'], message: 'give either customerId or externalId and source, not both' });
  }
}

/** A missing customer is reported with the other fields' problems, not only once they are fixed. */
const reportAlongOthers = { when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null };

export const couponRedemptionSchema = z
  .object({
    couponCode: z.string().trim().min(1).max(64),
    ...customerFields,
    at: moment.optional(),
    orderValue: z.number().finite().min(0).max(1e12).optional(),
  })
  .strict()
  .superRefine(oneCustomerReference, reportAlongOthers);
export type CouponRedemptionInput = z.output<typeof couponRedemptionSchema>;

export const replySchema = z
  .object({ ...customerFields, at: moment.optional() })
  .strict()
  .superRefine(oneCustomerReference, reportAlongOthers);
export type ReplyInput = z.output<typeof replySchema>;

export type CustomerReferenceInput = Pick<CouponRedemptionInput, 'customerId' | 'externalId' | 'source'>;
