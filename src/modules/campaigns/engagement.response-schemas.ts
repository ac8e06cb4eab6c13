/**
 * What the campaign engagement API answers, as zod schemas of the JSON; the API description
 * shows them and its test parses real responses with them.
 */
import { z } from 'zod';

const id = z.string().meta({ description: 'A record id (24 hex digits).' });

export const couponRedemptionResponseSchema = z.object({
  duplicate: z.boolean().meta({ description: 'True when this coupon use was reported before: the first report stands.' }),
  redemption: z.object({
    campaignId: id,
    customerId: id,
    couponCode: z.string(),
    redeemedAt: z.iso.datetime(),
    orderValue: z.number().optional(),
  }),
});

export const replyResponseSchema = z.object({
  cancelled: z.number().int().meta({ description: "Pending messages of the customer's campaign sequences that were cancelled." }),
});
