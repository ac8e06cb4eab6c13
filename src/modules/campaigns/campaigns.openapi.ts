/**
 * The campaign engagement API (`campaigns.api-routes.ts`) as the OpenAPI description shows it.
 */
import type { ApiModuleDescription } from '../../shared/http/openapi';
import { couponRedemptionSchema, replySchema } from './engagement.schemas';
import { couponRedemptionResponseSchema, replyResponseSchema } from './engagement.response-schemas';

const customerNaming = 'Name the customer by our `customerId`, or by your `externalId` (with `source`, default `crm`), not both.';

export const campaignsApiDescription: ApiModuleDescription = {
  tag: { name: 'campaigns', description: 'What customers do with a win-back campaign outside our links: use its coupon code, or reply to a message.' },
  schemas: { CouponRedemptionOutcome: couponRedemptionResponseSchema },
  operations: [
    {
      method: 'post',
      path: '/coupon-redemptions',
      operationId: 'reportCouponRedemption',
      summary: "Report that a campaign's coupon code was used",
      description: `Recorded on the customer's membership in the latest campaign that offered this code (case does not matter); 404 when no campaign offered it to the customer. The first report wins. ${customerNaming}`,
      scope: 'campaigns:write',
      body: { schema: couponRedemptionSchema, example: { couponCode: 'BACK-20', externalId: 'C-1042', at: '2025-06-03T12:00:00Z', orderValue: 49.9 } },
      responses: {
        201: {
          description: 'Recorded.',
          schema: couponRedemptionResponseSchema,
          example: { duplicate: false, redemption: { campaignId: '6650b2a4c9e77b0012a4d400', customerId: '6650a1f2c9e77b0012a4d3e0', couponCode: 'BACK-20', redeemedAt: '2025-06-03T12:00:00.000Z', orderValue: 49.9 } },
        },
        200: { description: 'Reported before: the first report stands.', schema: couponRedemptionResponseSchema },
      },
      errors: [404],
    },
    {
      method: 'post',
      path: '/replies',
      operationId: 'reportReply',
      summary: 'Report that the customer replied to a campaign message',
      description: `A person is talking with the customer now: their pending campaign messages are cancelled. ${customerNaming}`,
      scope: 'campaigns:write',
      body: { schema: replySchema, example: { customerId: '6650a1f2c9e77b0012a4d3e0', at: '2025-06-02T08:15:00Z' } },
      responses: { 200: { description: 'The sequence is stopped.', schema: replyResponseSchema, example: { cancelled: 1 } } },
      errors: [404],
    },
  ],
};
