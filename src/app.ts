/**
 * Builds the standalone Express application from its dependencies, and nothing else: it does
 * not connect to the database or listen. `src/server.ts` and the tests both build the app
 * through here.
 *
 * The standalone app is the plugin (src/plugin.ts) mounted at `/` in a host of our own: our
 * sessions and sign-in, users and API keys, the health probes and the job dashboard.
 */
import express, { Router, type Express, type RequestHandler } from 'express';
import type { Connection } from 'mongoose';
import type { Scheduler } from '../jobs/scheduler';
import type { Config } from './config';
import { accountsRoutes } from './modules/accounts/accounts.routes';
import { passwordChangeGate } from './modules/accounts/password-change-gate';
import { createStaffPassport } from './modules/accounts/staff-passport';
import { healthRoutes } from './modules/health/health.routes';
import { buildChurnRouters, productName } from './plugin';
import { declareRoute, mountApp, staffSessions } from './shared/auth';
import { createErrorHandler, notFoundHandler } from './shared/errors';
import { securityHeaders } from './shared/http/security';
import { createHttpLogger, type Logger } from './shared/logging';
import { viewsDir } from './shared/paths';
import { createViewEngine } from './shared/views/engine';

export { productName };

export interface AppDependencies {
  config: Config;
  logger: Logger;
  connection: Connection;
  /** The job scheduler, when this process has one (its status, the dashboard, queueing jobs). */
  scheduler?: Pick<Scheduler, 'isRunning' | 'dashboard'> & Partial<Pick<Scheduler, 'now'>>;
  /** True when this process processes jobs; readiness then requires the scheduler to run. */
  runsJobs?: boolean;
}

export function createApp(deps: AppDependencies): Express {
  const { config, logger, connection, scheduler } = deps;
  const app = express();
  // The top-level app renders only what falls outside the plugin's routers (its 404s and errors).
  const viewEngine = createViewEngine();
  app.engine('hbs', viewEngine.engine);
  app.set('view engine', 'hbs');
  app.set('views', viewsDir);
  app.locals.productName = productName;
  app.set('trust proxy', config.trustProxy);

  app.use(createHttpLogger(logger));
  app.use(securityHeaders());
  app.use(healthRoutes({ connection, logger, jobWorker: deps.runsJobs ? scheduler : undefined }));

  const { secureCookies, sessionTtlHours, loginMaxFailures, loginLockoutMinutes } = config.accounts;
  const staffPassport = createStaffPassport(connection, { maxFailures: loginMaxFailures, lockoutMinutes: loginLockoutMinutes });
  const { router, publicRouter } = buildChurnRouters({
    config,
    logger,
    connection,
    jobQueue: scheduler?.now ? { now: scheduler.now.bind(scheduler) } : undefined,
    staffSignIn: {
      // Our own sign-in: sessions in our database, passport reading the staff account back.
      before: [staffSessions({ connection, logger, secret: config.session.secret, ttlHours: sessionTtlHours, secureCookies }), staffPassport.initialize(), staffPassport.session()],
      routes: [Router().use(passwordChangeGate()), accountsRoutes({ config, connection, passport: staffPassport })],
    },
    extraStaffRoutes: scheduler ? [jobDashboard(scheduler)] : [],
    viewEngine,
    // Set above for every answer, the probes and 404s included.
    securityHeadersSet: true,
  });
  // Customers' pages and the API first: they need no session.
  mountApp(app, '/', publicRouter);
  mountApp(app, '/', router);

  app.use(notFoundHandler);
  app.use(createErrorHandler(logger));
  return app;
}

/** agendash, for admins; loaded on the first visit only: it is heavy, and jest's transform cannot load it. */
function jobDashboard(scheduler: NonNullable<AppDependencies['scheduler']>): Router {
  const router = Router();
  let dashboard: RequestHandler | undefined;
  declareRoute(router, { method: 'use', path: '/admin/jobs', roles: ['admin'] }, (req, res, next) => (dashboard ??= scheduler.dashboard())(req, res, next));
  return router;
}
