/**
 * The dashboard, for every staff role:
 *
 *   GET  /dashboard               the charts and their tables for a period and filters
 *   GET  /dashboard/:chart.csv    one chart's table as CSV, with the same query
 *   POST /dashboard/snapshot      take today's snapshot now (after an import, say)
 *
 * Without a snapshot of today the page scans the customers, and asks the worker for one (once a
 * day per process), so the next visit reads the snapshot.
 */
import { Router, type Request } from 'express';
import type { Connection } from 'mongoose';
import type { Scheduler } from '../../../jobs/scheduler';
import { setNotice } from '../../shared/http/notice';
import { declareRoute } from '../../shared/auth/route-table';
import { NotFoundError, ValidationError } from '../../shared/errors';
import { causeLabels } from '../classification/cause-view';
import { dashboardCsv, dashboardTable, isDashboardChart } from './dashboard-tables';
import { dashboardView } from './dashboard-view';
import { dashboardQuerySchema, type DashboardQuery } from './dashboard.schemas';
import { dashboardFigures } from './dashboard.service';
import { takeSnapshot } from './snapshot.service';

const staff = ['admin', 'success', 'marketer'] as const;

export interface DashboardRouteDependencies {
  connection: Connection;
  /** Queues the snapshot job on the worker; without it the snapshot is taken in the request. */
  scheduler?: Pick<Scheduler, 'now'>;
}

export function dashboardRoutes({ connection, scheduler }: DashboardRouteDependencies): Router {
  const router = Router();
  let snapshotAskedOn = '';

  declareRoute(router, { method: 'get', path: '/dashboard', roles: staff }, async (req, res) => {
    const query = queryOf(req);
    const figures = await dashboardFigures(connection, query);
    const today = new Date().toISOString().slice(0, 10);
    if (figures.source === 'scan' && figures.snapshotWouldCover && scheduler && snapshotAskedOn !== today) {
      snapshotAskedOn = today;
      await scheduler.now('dashboard.snapshot', {});
    }
    res.render('dashboard/index', dashboardView(figures, query, { locale: req.locale, t: req.t, causes: await causeLabels(connection, req.locale) }, req.baseUrl));
  });

  declareRoute(router, { method: 'post', path: '/dashboard/snapshot', roles: staff }, async (req, res) => {
    if (scheduler) {
      await scheduler.now('dashboard.snapshot', {});
      setNotice(req, 'dashboard:refresh.queued');
    } else {
      await takeSnapshot(connection);
      setNotice(req, 'dashboard:refresh.taken');
    }
    res.redirect(303, '/dashboard');
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
    res.send(dashboardCsv(dashboardTable(chart, figures, req.t, await causeLabels(connection, req.locale))));
  });

  return router;
}

function queryOf(req: Request): DashboardQuery {
  const parsed = dashboardQuerySchema.safeParse(req.query);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  return parsed.data;
}
