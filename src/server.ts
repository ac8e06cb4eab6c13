/**
 * The process entry point: reads the configuration, connects the database, starts the job
 * scheduler and the HTTP server according to the process role, and shuts everything down
 * gracefully on SIGTERM/SIGINT within SHUTDOWN_TIMEOUT_MS.
 *
 * Roles: `all` (default) serves HTTP and processes jobs; `web` serves HTTP and only enqueues
 * jobs; `worker` processes jobs and serves no HTTP.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createScheduler, type Scheduler } from '../jobs/scheduler';
import type { JobSpec } from '../jobs/types';
import { currentWorkerId, startWorker } from '../jobs/worker';
import { createApp } from './app';
import { prepareDatabase } from './models';
import { subscribeWebhooks } from './modules/webhooks/subscriptions';
import { ConfigError, environmentWithDotEnv, loadConfig, type Config } from './config';
import { connectDatabase, type Database } from './shared/db/connection';
import { createLogger, type Logger } from './shared/logging';
import { createEmailRenderer, createMailer } from './shared/mail';

export interface StartOptions {
  /** Jobs to define instead of the registry (test fixtures add their own). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each job has its own payload type
  jobs?: readonly JobSpec<any>[];
}

export interface RunningProcess {
  /** The address HTTP is served on; undefined for the `worker` role. */
  readonly url: string | undefined;
  /** Stops accepting requests, lets running jobs finish, closes the database. */
  stop(): Promise<void>;
}

/** Runs the process until a signal stops it; exits with 1 on bad config or a failed start. */
export async function main(options: StartOptions = {}): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.log.level });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection; exiting');
    process.exit(1);
  });
  if (config.session.secretWasGenerated && config.role !== 'worker') {
    logger.warn('SESSION_SECRET is not set: using a random one, so sign-ins end when the process restarts');
  }

  let running: RunningProcess;
  try {
    running = await startProcess(config, logger, options);
  } catch (error) {
    logger.fatal({ err: error }, 'startup failed');
    process.exit(1);
  }

  let stopping = false;
  const shutDown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal during shutdown; exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down');
    setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    running.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutDown);
  process.on('SIGINT', shutDown);
}

/** Connects and starts what the role asks for; on failure, closes what was already opened. */
export async function startProcess(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningProcess> {
  const database = await connectDatabase(config, logger);
  await prepareDatabase(database.connection);
  let scheduler: Scheduler | undefined;
  try {
    const runsJobs = config.role !== 'web';
    const jobScheduler = await createScheduler({
      connection: database.connection,
      logger,
      workerId: currentWorkerId(),
      processEveryMs: config.jobs.processEveryMs,
      jobs: options.jobs,
      campaignClaimLeaseMs: config.jobs.campaignClaimLeaseMs,
      mail: {
        mailer: createMailer({ connection: database.connection, from: config.mail.from, smtpUrl: config.mail.smtpUrl }),
        renderer: createEmailRenderer({ cache: config.env === 'production' }),
        baseUrl: config.http.baseUrl,
      },
    });
    scheduler = jobScheduler;
    if (runsJobs) {
      // Jobs announce events too (campaign completion), and a worker builds no app to subscribe.
      subscribeWebhooks(database.connection);
      await startWorker(jobScheduler);
    }

    let server: Server | undefined;
    let url: string | undefined;
    if (config.role !== 'worker') {
      const app = createApp({ config, logger, connection: database.connection, scheduler: jobScheduler, runsJobs });
      server = await listen(app, config.http.host, config.http.port);
      url = urlOf(server);
      logger.info({ url, role: config.role }, `listening on ${url}`);
    } else {
      logger.info({ role: config.role }, 'worker running (no HTTP)');
    }
    return { url, stop: () => stopAll(database, jobScheduler, server) };
  } catch (error) {
    await scheduler?.stop().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------

function loadConfigOrExit(): Config {
  try {
    return loadConfig(environmentWithDotEnv());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/** HTTP and jobs wind down side by side; the database closes once both are done. */
async function stopAll(database: Database, scheduler: Scheduler, server: Server | undefined): Promise<void> {
  await Promise.all([server ? closeServer(server) : undefined, scheduler.stop()]);
  await database.close();
}

function listen(app: Express, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

/** Stops accepting connections, closes idle keep-alive ones, and waits for requests in flight. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}

function urlOf(server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  const host = address === '0.0.0.0' || address === '::' ? 'localhost' : address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${port}`;
}

if (require.main === module) void main();
