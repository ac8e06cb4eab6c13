/**
 * Builds the Express application from its dependencies, and nothing else: it does not connect
 * to the database or listen. `src/server.ts` and the tests both build the app through here.
 */
import express, { type Express, type RequestHandler } from 'express';
import type { Connection } from 'mongoose';
import type { Scheduler } from '../jobs/scheduler';
import type { Config } from './config';
import { accountsRoutes } from './modules/accounts/accounts.routes';
import { apiDocsRoutes } from './modules/api-docs/api-docs.routes';
import { authenticateApiKey } from './modules/accounts/api-keys.service';
import { passwordChangeGate } from './modules/accounts/password-change-gate';
import { createStaffPassport } from './modules/accounts/staff-passport';
import { classificationAdminRoutes } from './modules/classification/classification-admin.routes';
import { surveyTextClassifier } from './modules/classification/customer-classification.service';
import { causeReviewRoutes } from './modules/classification/review.routes';
import { dashboardApiRoutes } from './modules/dashboard/dashboard.api-routes';
import { dashboardRoutes } from './modules/dashboard/dashboard.routes';
import { customersApiRoutes } from './modules/customers/customers.api-routes';
import { customerPageRoutes } from './modules/customers/customer-pages.routes';
import { customerRoutes } from './modules/customers/customers.routes';
import { healthRoutes } from './modules/health/health.routes';
import { homeRoutes } from './modules/home/home.routes';
import { interviewRoutes } from './modules/interviews/interviews.routes';
import { segmentRoutes } from './modules/segments/segments.routes';
import { attributeOnWinBack } from './modules/campaigns/attribution.service';
import { campaignsApiRoutes } from './modules/campaigns/campaigns.api-routes';
import { campaignPublicRoutes } from './modules/campaigns/campaigns.public-routes';
import { campaignRoutes } from './modules/campaigns/campaigns.routes';
import { outboxRoutes } from './modules/outbox/outbox.routes';
import { inviteOnChurn } from './modules/surveys/hooks';
import { surveyPublicRoutes } from './modules/surveys/surveys.public-routes';
import { surveyRoutes } from './modules/surveys/surveys.routes';
import { subscribeWebhooks } from './modules/webhooks/subscriptions';
import { webhookRoutes } from './modules/webhooks/webhooks.routes';
import { apiKeyAuthentication, declareRoute, staffSessions } from './shared/auth';
import { staffViewLocals } from './shared/auth/staff-locals';
import { createErrorHandler, notFoundHandler } from './shared/errors';
import { csrfProtection } from './shared/http/csrf';
import { pageNotice } from './shared/http/notice';
import { securityHeaders } from './shared/http/security';
import { selectLocale } from './shared/i18n';
import { createHttpLogger, type Logger } from './shared/logging';
import { assetsDir, chartJsDistDir, viewsDir } from './shared/paths';
import { createViewEngine } from './shared/views/engine';

export interface AppDependencies {
  config: Config;
  logger: Logger;
  connection: Connection;
  /** The job scheduler, when this process has one (its status, the dashboard, queueing jobs). */
  scheduler?: Pick<Scheduler, 'isRunning' | 'dashboard'> & Partial<Pick<Scheduler, 'now'>>;
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
  // Staff pages say so when mail goes to the outbox instead of being delivered.
  app.locals.mailGoesToOutbox = config.mail.smtpUrl === undefined;
  app.set('trust proxy', config.trustProxy);

  app.use(createHttpLogger(logger));
  app.use(securityHeaders());
  const assetCaching = { maxAge: config.env === 'production' ? '1d' : 0, index: false };
  app.use('/assets/vendor/chart.js', express.static(chartJsDistDir, assetCaching));
  app.use('/assets', express.static(assetsDir, assetCaching));
  app.use(express.json({ limit: bodyLimit }));
  app.use(express.urlencoded({ extended: false, limit: bodyLimit }));

  app.use(healthRoutes({ connection, logger, jobWorker: deps.runsJobs ? scheduler : undefined }));
  // The API description and its docs page: public, no session needed.
  app.use(apiDocsRoutes({ productName, cacheAssets: config.env === 'production' }));
  // Customers' pages (survey, unsubscribe): no session, no staff chrome; the link is the credential.
  app.use(surveyPublicRoutes({ connection, classifyText: surveyTextClassifier(connection) }));
  app.use(campaignPublicRoutes({ connection }));
  inviteOnChurn(connection);
  attributeOnWinBack(connection);
  subscribeWebhooks(connection);

  // The staff side: sessions and sign-in, the language, CSRF on every form, then the routes.
  const { secureCookies, sessionTtlHours, loginMaxFailures, loginLockoutMinutes } = config.accounts;
  const staffPassport = createStaffPassport(connection, { maxFailures: loginMaxFailures, lockoutMinutes: loginLockoutMinutes });
  app.use(staffSessions({ connection, logger, secret: config.session.secret, ttlHours: sessionTtlHours, secureCookies }));
  app.use(staffPassport.initialize(), staffPassport.session());
  app.use(selectLocale({ secureCookies }));
  app.use(csrfProtection(), staffViewLocals(), pageNotice(), passwordChangeGate());
  app.use('/api/v1', apiKeyAuthentication((token) => authenticateApiKey(connection, token)));
  app.use(accountsRoutes({ config, connection, passport: staffPassport }));
  app.use('/api/v1', customersApiRoutes({ connection }));
  app.use('/api/v1', campaignsApiRoutes({ connection }));
  app.use('/api/v1', dashboardApiRoutes({ connection }));
  app.use(customerRoutes({ connection }));
  // After customerRoutes: its /customers/import and /customers/export.csv are not customer ids.
  app.use(customerPageRoutes({ connection }));
  app.use(interviewRoutes({ connection }));
  app.use(homeRoutes());
  app.use(segmentRoutes({ connection }));
  const jobQueue = scheduler?.now ? { now: scheduler.now.bind(scheduler) } : undefined;
  app.use(causeReviewRoutes({ connection, scheduler: jobQueue }));
  app.use(classificationAdminRoutes({ connection, scheduler: jobQueue }));
  app.use(campaignRoutes({ connection, baseUrl: config.http.baseUrl }));
  app.use(surveyRoutes({ connection }));
  app.use(outboxRoutes({ connection }));
  app.use(dashboardRoutes({ connection, scheduler: jobQueue }));
  app.use(webhookRoutes({ connection }));

  if (scheduler) {
    // agendash is loaded on an admin's first visit only: it is heavy, and jest's transform cannot load it.
    let dashboard: RequestHandler | undefined;
    declareRoute(app, { method: 'use', path: '/admin/jobs', roles: ['admin'] }, (req, res, next) => (dashboard ??= scheduler.dashboard())(req, res, next));
  }

  app.use(notFoundHandler);
  app.use(createErrorHandler(logger));
  return app;
}
