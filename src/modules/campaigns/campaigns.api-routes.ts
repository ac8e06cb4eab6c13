/**
 * What the host CRM reports about campaign customers, under `/api/v1` (scope `campaigns:write`):
 *
 *   POST /coupon-redemptions   a campaign's coupon code was used     201 (200 when reported before)
 *   POST /replies              the customer replied: stop their sequence   200
 *
 * Bad input answers 400 naming each field; an unknown customer 404; nothing is written then.
 */
import { Router } from 'express';
import type { Connection } from 'mongoose';
import { declareRoute } from '../../shared/auth';
import { couponRedemptionSchema, replySchema } from './engagement.schemas';
import { recordCouponRedemption, recordReply } from './engagement.service';

export function campaignsApiRoutes({ connection }: { connection: Connection }): Router {
  const router = Router();

  declareRoute(router, { method: 'post', path: '/coupon-redemptions', apiScope: 'campaigns:write' }, async (req, res) => {
    const { redemption, duplicate } = await recordCouponRedemption(connection, couponRedemptionSchema.parse(req.body));
    res.status(duplicate ? 200 : 201).json({ duplicate, redemption });
  });

  declareRoute(router, { method: 'post', path: '/replies', apiScope: 'campaigns:write' }, async (req, res) => {
    res.json(await recordReply(connection, replySchema.parse(req.body)));
  });

  return router;
}
