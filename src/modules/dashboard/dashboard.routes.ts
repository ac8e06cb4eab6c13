/**
 * The dashboard, for every staff role:
 *
 *   GET /dashboard               the charts and their tables for a period and filters
 *   GET /dashboard/:chart.csv    one chart's table as CSV, with the same query
 */
import { Router, type Request } from 'express';
import type { Connection } from 'mongoose';
import { declareRoute } from '../../shared/auth/route-table';
import { NotFoundError, ValidationError } from '../../shared/errors';
import { dashboardCsv, dashboardTable, isDashboardChart } from './dashboard-tables';
import { dashboardView } from './dashboard-view';
import { dashboardQuerySchema, type DashboardQuery } from './dashboard.schemas';
import { dashboardFigures } from './dashboard.service';

const staff = ['admin', 'success', 'marketer'] as const;

export function dashboardRoutes({ connection }: { connection: Connection }): Router {
  const router = Router();

  declareRoute(router, { method: 'get', path: '/dashboard', roles: staff }, async (req, res) => {
    const query = queryOf(req);
    const figures = await dashboardFigures(connection, query);
    res.render('dashboard/index', dashboardView(figures, query, req.locale, req.t));
  });

  declareRoute(router, { method: 'get', path: '/dashboard/:chart.csv', roles: staff, example: '/dashboard/causes.csv' }, async (req, res) => {
    const chart = String(req.params.chart);
    if (!isDashboardChart(chart)) throw new NotFoundError('No such chart.');
    const figures = await dashboardFigures(connection, queryOf(req));
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="dashboard-${chart}.csv"`,
      'Cache-Control': 'no-store',
    });
    res.send(dashboardCsv(dashboardTable(chart, figures, req.t)));
  });

  return router;
}

function queryOf(req: Request): DashboardQuery {
  const parsed = dashboardQuerySchema.safeParse(req.query);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  return parsed.data;
}
