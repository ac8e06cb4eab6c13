/**
 * The churn plugin as a library: a host Express CRM mounts our staff pages behind its own
 * login, our customer-facing pages and API in front of it, and runs our jobs.
 *
 *   const churn = await createChurnPlugin({
 *     connection,                                   // the host's mongoose connection
 *     authenticate: (req) => req.user && { id: req.user.id, email: req.user.email, name: req.user.name },
 *     authorize: (user) => (user.isAdmin ? 'admin' : 'success'),
 *     config: { BASE_URL: 'https://crm.example.com/churn', SMTP_URL: 'smtp://…' },
 *   });
 *   app.use('/churn', churn.publicRouter);         // survey pages, unsubscribe, tracking, /api/v1
 *   app.use('/churn', requireHostLogin, churn.router);
 *   await churn.startJobs();                        // or startJobs({ agenda: hostAgenda })
 *
 * The standalone server (src/app.ts) is built from the same pieces, with our own sign-in.
 * Both routers are Express sub-apps with their own view engine, so pages render the same in
 * any host; links and redirects follow the mount path (src/shared/http/mount-path.ts).
 */
import express, { type Express, type Request, type RequestHandler, type Router } from 'express';
import type { Agenda } from 'agenda';
import type { Connection } from 'mongoose';
import { createScheduler, type Scheduler } from '../jobs/scheduler';
import { currentWorkerId, startWorker } from '../jobs/worker';
import { loadConfig, type Config } from './config';
import { prepareDatabase } from './models';
import { apiKeyCheckRoutes, apiKeyRoutes } from './modules/accounts/api-keys.routes';
import { authenticateApiKey } from './modules/accounts/api-keys.service';
import { hostStaffDirectory, type HostStaffUser } from './modules/accounts/host-staff.service';
import { apiDocsRoutes } from './modules/api-docs/api-docs.routes';
import { attributeOnWinBack } from './modules/campaigns/attribution.service';
import { campaignsApiRoutes } from './modules/campaigns/campaigns.api-routes';
import { campaignPublicRoutes } from './modules/campaigns/campaigns.public-routes';
import { campaignRoutes } from './modules/campaigns/campaigns.routes';
import { classificationAdminRoutes } from './modules/classification/classification-admin.routes';
import { surveyTextClassifier } from './modules/classification/customer-classification.service';
import { causeReviewRoutes } from './modules/classification/review.routes';
import { customersApiRoutes } from './modules/customers/customers.api-routes';
import { customerPageRoutes } from './modules/customers/customer-pages.routes';
import { customerRoutes } from './modules/customers/customers.routes';
import { dashboardApiRoutes } from './modules/dashboard/dashboard.api-routes';
import { dashboardRoutes } from './modules/dashboard/dashboard.routes';
import { homeRoutes } from './modules/home/home.routes';
import { interviewRoutes } from './modules/interviews/interviews.routes';
import { outboxRoutes } from './modules/outbox/outbox.routes';
import { segmentRoutes } from './modules/segments/segments.routes';
import { inviteOnChurn } from './modules/surveys/hooks';
import { surveyPublicRoutes } from './modules/surveys/surveys.public-routes';
import { surveyRoutes } from './modules/surveys/surveys.routes';
import { subscribeWebhooks } from './modules/webhooks/subscriptions';
import { webhookRoutes } from './modules/webhooks/webhooks.routes';
import { apiKeyAuthentication } from './shared/auth';
import { staffViewLocals } from './shared/auth/staff-locals';
import type { StaffRole, StaffUser } from './shared/auth/staff-user';
import { staffRoles } from './shared/auth/staff-user';
import { AppError, createErrorHandler, notFoundHandler } from './shared/errors';
import { csrfProtection } from './shared/http/csrf';
import { followMountPath } from './shared/http/mount-path';
import { pageNotice } from './shared/http/notice';
import { securityHeaders } from './shared/http/security';
import { selectLocale } from './shared/i18n';
import { createLogger, type Logger } from './shared/logging';
import { createEmailRenderer, createMailer, type Mailer } from './shared/mail';
import { assetsDir, chartJsDistDir, viewsDir } from './shared/paths';
import { createViewEngine } from './shared/views/engine';
import type { ExpressHandlebars } from 'express-handlebars';

export type { HostStaffUser } from './modules/accounts/host-staff.service';
export type { StaffRole } from './shared/auth/staff-user';

export const productName = 'Churn & Win-back';

export interface ChurnPluginOptions {
  /** The host's mongoose connection (our collections live beside the host's). */
  connection: Connection;
  /** Who is signed in at the host, or null/undefined when nobody is. */
  authenticate(req: Request): HostStaffUser | null | undefined | Promise<HostStaffUser | null | undefined>;
  /** Our role for a host user (`admin`, `success`, `marketer`), or null/undefined for none (403). */
  authorize(user: HostStaffUser, req: Request): StaffRole | null | undefined | Promise<StaffRole | null | undefined>;
  /** Where browsers go when nobody is signed in (the host's login); 401 when not given. */
  signInUrl?: string | ((req: Request) => string);
  /** Our settings as environment variables (BASE_URL of the public mount, SMTP_URL, MAIL_FROM …), or a loaded Config. */
  config?: Config | Record<string, string | undefined>;
  /** Sends our e-mails; by default SMTP_URL from the config, else the stored outbox. */
  mailer?: Mailer;
  logger?: Logger;
  /** A folder of templates that replace ours of the same name (e.g. `dashboard/index.hbs`). */
  viewsOverrideDir?: string;
}

export interface ChurnPlugin {
  /** Staff pages: mount behind the host's login. */
  router: Express;
  /** Customers' pages (survey, unsubscribe, tracking), the API (API keys) and its docs: mount in front of the host's login. */
  publicRouter: Express;
  /** Defines our jobs, on the host's agenda when given (the host starts and stops it), else on our own, and starts processing. */
  startJobs(options?: { agenda?: Agenda }): Promise<void>;
  /** Lets running jobs finish and stops ours (a host's agenda is left to the host). */
  stopJobs(): Promise<void>;
  /** Stops our jobs and closes what the plugin opened itself (its SMTP pool); the connection stays the host's. */
  close(): Promise<void>;
  /** Queues one of our jobs to run now (e.g. `surveys.dispatch` after a bulk change); needs startJobs first. */
  runJobNow(name: string, payload?: object): Promise<string>;
}

/** Builds the plugin; resolves once our indexes and the default survey exist. */
export async function createChurnPlugin(options: ChurnPluginOptions): Promise<ChurnPlugin> {
  const { connection } = options;
  // Our queries rely on it against operator injection; on this connection only, so a host's
  // own models are left as they are (give the plugin a connection of its own to be sure).
  connection.set('sanitizeFilter', true);
  const config = configOf(options.config);
  const logger = options.logger ?? createLogger({ level: config.log.level });
  const mailer = options.mailer ?? createMailer({ connection, from: config.mail.from, smtpUrl: config.mail.smtpUrl });
  await prepareDatabase(connection);

  let scheduler: Scheduler | undefined;
  const jobQueue = {
    async now(name: string, payload: unknown): Promise<string> {
      if (!scheduler) throw new AppError('jobs_not_started', 'Background jobs are not running (the host has not called startJobs()).', { httpStatus: 503 });
      return scheduler.now(name, payload);
    },
  };
  const stopJobs = async () => {
    await scheduler?.stop();
    scheduler = undefined;
  };
  const directory = hostStaffDirectory(connection);
  const routers = buildChurnRouters({
    config,
    logger,
    connection,
    jobQueue,
    viewsOverrideDir: options.viewsOverrideDir,
    staffSignIn: {
      identify: hostIdentity(options, directory),
      routes: [apiKeyRoutes({ connection })],
      hostManaged: true,
    },
  });

  return {
    ...routers,
    async startJobs({ agenda } = {}) {
      // Jobs announce events too (campaign completion).
      subscribeWebhooks(connection);
      scheduler = await createScheduler({
        connection,
        logger,
        workerId: currentWorkerId(),
        processEveryMs: config.jobs.processEveryMs,
        campaignClaimLeaseMs: config.jobs.campaignClaimLeaseMs,
        agenda,
        mail: { mailer, renderer: createEmailRenderer({ cache: config.env === 'production' }), baseUrl: config.http.baseUrl },
      });
      await startWorker(scheduler);
    },
    stopJobs,
    runJobNow: (name, payload = {}) => jobQueue.now(name, payload),
    async close() {
      await stopJobs();
      if (!options.mailer) mailer.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Shared with the standalone app (src/app.ts).

/** How staff are signed in: our own sessions (standalone) or the host's login (plugin). */
export interface StaffSignIn {
  /** Middleware run first on staff requests (sessions, passport); the host's own in plugin mode. */
  before?: RequestHandler[];
  /** The signed-in staff user, if any; may answer the request itself (a redirect to sign in). */
  identify?: RequestHandler;
  /** Routes of ours about accounts (sign-in, users, API keys …). */
  routes: Router[];
  /** True in plugin mode: the host owns users, passwords and sign-out, so our pages hide those links. */
  hostManaged?: boolean;
}

export interface ChurnRouterDependencies {
  config: Config;
  logger: Logger;
  connection: Connection;
  staffSignIn: StaffSignIn;
  /** Queues background jobs; absent when this process has no scheduler. */
  jobQueue?: { now(name: string, payload: unknown): Promise<string> };
  /** Extra staff routes (the standalone app's job dashboard). */
  extraStaffRoutes?: Router[];
  viewsOverrideDir?: string;
  /** The Handlebars engine to render with; one is made when not given (the standalone app shares its own). */
  viewEngine?: ExpressHandlebars;
  /** True when the app around the routers already sets our security headers (standalone), so they are not set again. */
  securityHeadersSet?: boolean;
}

/** Request bodies beyond this get 413. Imports have their own upload limit. */
const bodyLimit = '100kb';

export function buildChurnRouters(deps: ChurnRouterDependencies): Pick<ChurnPlugin, 'router' | 'publicRouter'> {
  const { config, logger, connection, jobQueue, staffSignIn } = deps;
  // One engine for both routers: each compiles and caches the templates and partials it renders.
  const viewEngine = deps.viewEngine ?? createViewEngine();

  const publicRouter = subApp(deps, viewEngine);
  // Customers' pages (survey, unsubscribe): no session, no staff chrome; the link is the credential.
  publicRouter.use(apiDocsRoutes({ productName, cacheAssets: config.env === 'production' }));
  publicRouter.use(surveyPublicRoutes({ connection, classifyText: surveyTextClassifier(connection) }));
  publicRouter.use(campaignPublicRoutes({ connection }));
  publicRouter.use('/api/v1', apiKeyAuthentication((token) => authenticateApiKey(connection, token)));
  publicRouter.use('/api/v1', apiKeyCheckRoutes());
  publicRouter.use('/api/v1', customersApiRoutes({ connection }));
  publicRouter.use('/api/v1', campaignsApiRoutes({ connection }));
  publicRouter.use('/api/v1', dashboardApiRoutes({ connection }));
  // Anything else falls through to the staff side (or the host).
  publicRouter.use('/api', notFoundHandler);
  publicRouter.use(createErrorHandler(logger));
  inviteOnChurn(connection);
  attributeOnWinBack(connection);
  subscribeWebhooks(connection);

  const router = subApp(deps, viewEngine);
  router.locals.hostManagesStaff = staffSignIn.hostManaged === true;
  for (const step of staffSignIn.before ?? []) router.use(step);
  if (staffSignIn.identify) router.use(staffSignIn.identify);
  router.use(selectLocale({ secureCookies: config.accounts.secureCookies }));
  router.use(csrfProtection(), staffViewLocals(), pageNotice());
  router.use(...staffSignIn.routes);
  router.use(customerRoutes({ connection }));
  // After customerRoutes: its /customers/import and /customers/export.csv are not customer ids.
  router.use(customerPageRoutes({ connection }));
  router.use(interviewRoutes({ connection }));
  router.use(homeRoutes());
  router.use(segmentRoutes({ connection }));
  router.use(causeReviewRoutes({ connection, scheduler: jobQueue }));
  router.use(classificationAdminRoutes({ connection, scheduler: jobQueue }));
  router.use(campaignRoutes({ connection, baseUrl: config.http.baseUrl }));
  router.use(surveyRoutes({ connection }));
  router.use(outboxRoutes({ connection }));
  router.use(dashboardRoutes({ connection, scheduler: jobQueue }));
  router.use(webhookRoutes({ connection }));
  for (const extra of deps.extraStaffRoutes ?? []) router.use(extra);
  router.use(notFoundHandler);
  router.use(createErrorHandler(logger));

  return { router, publicRouter };
}

/** An Express app of ours, mountable anywhere: our views, our assets, body parsing, mount-path-aware links. */
function subApp({ config, viewsOverrideDir, securityHeadersSet }: ChurnRouterDependencies, viewEngine: ExpressHandlebars): Express {
  const app = express();
  app.disable('x-powered-by');
  app.engine('hbs', viewEngine.engine);
  app.set('view engine', 'hbs');
  app.set('views', viewsOverrideDir ? [viewsOverrideDir, viewsDir] : viewsDir);
  if (config.env === 'production') app.enable('view cache');
  app.locals.productName = productName;
  // Staff pages say so when mail goes to the outbox instead of being delivered.
  app.locals.mailGoesToOutbox = config.mail.smtpUrl === undefined;
  // Our pages carry our strict CSP wherever they are mounted.
  if (!securityHeadersSet) app.use(securityHeaders());
  followMountPath(app);
  const assetCaching = { maxAge: config.env === 'production' ? '1d' : 0, index: false };
  app.use('/assets/vendor/chart.js', express.static(chartJsDistDir, assetCaching));
  app.use('/assets', express.static(assetsDir, assetCaching));
  app.use(express.json({ limit: bodyLimit }));
  app.use(express.urlencoded({ extended: false, limit: bodyLimit }));
  return app;
}

/** Plugin mode: the host's user, its role, and our mirror account become `req.user`. */
function hostIdentity(options: ChurnPluginOptions, directory: ReturnType<typeof hostStaffDirectory>): RequestHandler {
  return async (req, res, next) => {
    const hostUser = await options.authenticate(req);
    if (!hostUser) {
      if (req.method === 'GET' && options.signInUrl && req.accepts(['html', 'json']) === 'html') {
        const url = typeof options.signInUrl === 'function' ? options.signInUrl(req) : options.signInUrl;
        // Set directly: the host's URL must not get our mount path prefixed.
        res.status(303).set('Location', url).end();
        return;
      }
      throw new AppError('unauthorized', 'Sign in to the CRM first.', { httpStatus: 401 });
    }
    if (!req.session) throw new AppError('host_sessions_missing', 'The churn plugin needs the host to mount express-session before its router (forms are protected by a token kept in the session).');
    const role = await options.authorize(hostUser, req);
    if (!role || !(staffRoles as readonly string[]).includes(role)) {
      throw new AppError('forbidden', 'Your CRM account has no role in the churn plugin.', { httpStatus: 403 });
    }
    const staff: StaffUser = await directory.staffUserFor(hostUser, role);
    req.user = staff;
    next();
  };
}

function configOf(given: ChurnPluginOptions['config']): Config {
  if (given && 'http' in given && typeof given.http === 'object') return given as Config;
  return loadConfig({ ...(given as Record<string, string | undefined> | undefined) }, []);
}
