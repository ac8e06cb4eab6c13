/**
 * Builds the Express application from its dependencies, and nothing else: it does not connect
 * to the database or listen. `src/server.ts` and the tests both build the app through here.
 */
import express, { type Express } from 'express';
import type { Connection } from 'mongoose';
import type { Scheduler } from '../jobs/scheduler';
import type { Config } from './config';
import { healthRoutes } from './modules/health/health.routes';
import { homeRoutes } from './modules/home/home.routes';
import { inviteOnChurn } from './modules/surveys/hooks';
import { surveyPublicRoutes } from './modules/surveys/surveys.public-routes';
import { createErrorHandler, notFoundHandler } from './shared/errors';
import { securityHeaders } from './shared/http/security';
import { selectLocale } from './shared/i18n';
import { createHttpLogger, type Logger } from './shared/logging';
import { assetsDir, viewsDir } from './shared/paths';
import { createViewEngine } from './shared/views/engine';

export interface AppDependencies {
  config: Config;
  logger: Logger;
  connection: Connection;
  /** The job scheduler, when this process has one (its status, the dashboard). */
  scheduler?: Pick<Scheduler, 'isRunning' | 'dashboard'>;
  /** True when this process processes jobs; readiness then requires the scheduler to run. */
  runsJobs?: boolean;
}

export const productName = 'Churn & Win-back';

/** Largest request body accepted; larger ones get 413. Imports will use their own upload limit. */
const bodyLimit = '100kb';

export function createApp(deps: AppDependencies): Express {
  const { config, logger, connection, scheduler } = deps;
  const app = express();

  app.engine('hbs', createViewEngine().engine);
  app.set('view engine', 'hbs');
  app.set('views', viewsDir);
  app.locals.productName = productName;

  app.use(createHttpLogger(logger));
  app.use(securityHeaders());
  app.use('/assets', express.static(assetsDir, { maxAge: config.env === 'production' ? '1d' : 0, index: false }));
  app.use(express.json({ limit: bodyLimit }));
  app.use(express.urlencoded({ extended: false, limit: bodyLimit }));

  app.use(healthRoutes({ connection, logger, jobWorker: deps.runsJobs ? scheduler : undefined }));
  // Customers' pages (survey, unsubscribe): no session, no staff chrome; the link is the credential.
  app.use(surveyPublicRoutes({ connection }));
  inviteOnChurn(connection);
  app.use(selectLocale({ secureCookies: config.accounts.secureCookies }));
  app.use(homeRoutes());

  if (config.env === 'development' && scheduler) {
    // TODO(auth issue): put the staff admin guard here and mount in every environment.
    app.use('/admin/jobs', scheduler.dashboard());
  }

  app.use(notFoundHandler);
  app.use(createErrorHandler(logger));
  return app;
}
