/**
 * The dashboard's figures for a host CRM, with the page's query (`range=3|6|12|custom`, `from`,
 * `to`, `tier`, `plan`, `locale`):
 *
 *   GET /metrics/dashboard    every series the dashboard draws    metrics:read
 */
import { Router } from 'express';
import type { Connection } from 'mongoose';
import { declareRoute } from '../../shared/auth/route-table';
import { ValidationError } from '../../shared/errors';
import { dashboardQuerySchema } from './dashboard.schemas';
import { dashboardFigures } from './dashboard.service';

export function dashboardApiRoutes({ connection }: { connection: Connection }): Router {
  const router = Router();

  declareRoute(router, { method: 'get', path: '/metrics/dashboard', apiScope: 'metrics:read' }, async (req, res) => {
    const parsed = dashboardQuerySchema.safeParse(req.query);
    if (!parsed.success) throw ValidationError.fromZod(parsed.error);
    res.json(await dashboardFigures(connection, parsed.data));
  });

  return router;
}
