/**
 * The one file that touches agenda. It defines every registry job on an agenda instance stored
 * in the app's own database, checks each payload before its handler runs, retries failures
 * with exponential backoff, and stops gracefully by draining running jobs.
 */
import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda, exponential, when, type Job } from 'agenda';
import type { Router } from 'express';
import type { Connection } from 'mongoose';
import type { ZodError } from 'zod';
import type { Logger } from '../src/shared/logging';
import { jobRegistry } from './registry';
import { createEmailRenderer, createMailer } from '../src/shared/mail';
import type { JobDependencies, JobSpec, MailServices } from './types';

export interface SchedulerOptions {
  connection: Connection;
  logger: Logger;
  /** Identifies this process in job documents and heartbeats. */
  workerId: string;
  /** How often to poll for due jobs, in ms. */
  processEveryMs: number;
  /** The jobs to define; the registry by default. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each job has its own payload type
  jobs?: readonly JobSpec<any>[];
  /**
   * Replaces every job's lock lifetime, in ms. agenda checks a running job's lock every
   * lifetime / 2 and leaves that timer pending after the job ends, so tests set a short one.
   */
  lockLifetimeOverrideMs?: number;
  /** Mail for jobs that send it; by default the stored outbox (nothing leaves the machine). */
  mail?: MailServices;
  campaignClaimLeaseMs?: number;
  webhooks?: JobDependencies['webhooks'];
  /** A host's agenda to define our jobs on (plugin mode); the host starts and stops it. */
  agenda?: Agenda;
}

export interface DrainOutcome {
  /** False when the timeout passed with jobs still running. */
  drained: boolean;
  stillRunning: number;
}

export interface Scheduler {
  /** Names of the defined jobs. */
  readonly jobNames: readonly string[];
  /** Starts processing due jobs in this process. */
  start(): Promise<void>;
  /** Creates (or keeps) one recurring job for each registry job that has `everyMs`. */
  scheduleRecurring(): Promise<void>;
  /** Stops taking new jobs and waits for running ones to finish (at most `timeoutMs`). */
  stop(timeoutMs?: number): Promise<DrainOutcome>;
  /** Queues a job to run as soon as a worker is free; returns its id. */
  now(name: string, payload: unknown): Promise<string>;
  /** True while this process is processing jobs. */
  isRunning(): boolean;
  /** The agendash dashboard as an Express router (loaded on first use). */
  dashboard(): Router;
}

/** Thrown by the payload check; never retried, since the same payload would fail again. */
export class InvalidPayloadError extends Error {
  override readonly name = 'InvalidPayloadError';
}

export async function createScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const { connection, logger, workerId } = options;
  const jobs = options.jobs ?? jobRegistry;
  const log = logger.child({ component: 'jobs' });
  if (connection.db === undefined) throw new Error('createScheduler needs a connected mongoose connection');

  const ownsAgenda = options.agenda === undefined;
  const agenda = options.agenda ?? (await ownAgenda(connection, options));
  agenda.on('error', errorLogger(log));
  agenda.on('success', (job: Job) => log.debug({ job: describeJob(job) }, 'job succeeded'));
  agenda.on('fail', (error: Error, job: Job) => {
    log.warn({ job: describeJob(job), reason: error.message }, 'job failed');
  });
  agenda.on('retry exhausted', (error: Error, job: Job) => {
    log.error({ job: describeJob(job), reason: error.message }, 'job failed for good after its retries');
  });

  const mail = options.mail ?? {
    mailer: createMailer({ connection, from: 'no-reply@localhost' }),
    renderer: createEmailRenderer(),
    baseUrl: 'http://localhost:3000',
  };
  const deps: JobDependencies = { connection, logger: log, workerId, mail, campaignClaimLeaseMs: options.campaignClaimLeaseMs ?? 300_000, webhooks: options.webhooks };
  for (const job of jobs) defineOnAgenda(agenda, job, deps, options.lockLifetimeOverrideMs);

  let running = false;
  const byName = new Map(jobs.map((job) => [job.name, job]));

  return {
    jobNames: jobs.map((job) => job.name),

    async start() {
      if (ownsAgenda) await agenda.start();
      running = true;
      log.info({ jobs: [...byName.keys()], processEveryMs: options.processEveryMs }, 'job worker started');
    },

    async scheduleRecurring() {
      for (const job of jobs) {
        if (job.everyMs !== undefined) await agenda.every(job.everyMs, job.name, {});
      }
    },

    async stop(timeoutMs) {
      running = false;
      if (!ownsAgenda) return { drained: true, stillRunning: 0 };
      const result = await agenda.drain({ timeout: timeoutMs, closeConnection: false });
      return { drained: !result.timedOut && !result.aborted, stillRunning: result.running };
    },

    async now(name, payload) {
      if (!byName.has(name)) throw new Error(`unknown job "${name}"`);
      const job = await agenda.now(name, payload);
      return String(job.attrs._id);
    },

    isRunning: () => running,

    dashboard() {
      // Loaded lazily: only development mounts it, and it pulls in its own static files.
      const agendash: typeof import('agendash') = require('agendash');
      return agendash.createExpressMiddleware(agenda);
    },
  };
}

/** Our own agenda, on the app's database (collection `agendaJobs`). */
async function ownAgenda(connection: Connection, options: SchedulerOptions): Promise<Agenda> {
  const backend = new MongoBackend({ mongo: connection.db!, collection: 'agendaJobs' });
  // agenda connects the backend in its constructor without handling a failure; connecting
  // here first turns a database problem into an ordinary startup error.
  await backend.connect();
  return new Agenda({
    backend,
    name: options.workerId,
    processEvery: options.processEveryMs,
    defaultLockLifetime: options.lockLifetimeOverrideMs ?? 10 * 60_000,
  });
}

/** Defines one registry job: check the payload, then run the handler; retry with backoff. */
function defineOnAgenda<Payload>(agenda: Agenda, job: JobSpec<Payload>, deps: JobDependencies, lockLifetimeOverrideMs?: number): void {
  const { concurrency, retries } = job.options;
  const lockLifetimeMs = lockLifetimeOverrideMs ?? job.options.lockLifetimeMs;
  const retryWithBackoff =
    retries.attempts > 0
      ? when((attempt) => !(attempt.error instanceof InvalidPayloadError), exponential({ delay: retries.backoffMs, factor: 2, maxRetries: retries.attempts }))
      : undefined;

  agenda.define(
    job.name,
    async (agendaJob: Job<unknown>) => {
      const parsed = job.payload.safeParse(agendaJob.attrs.data ?? {});
      if (!parsed.success) throw new InvalidPayloadError(`invalid payload: ${describeZodIssues(parsed.error)}`);
      await job.handler(parsed.data, deps);
    },
    { concurrency, lockLifetime: lockLifetimeMs, backoff: retryWithBackoff },
  );
}

/** `field x: expected number, received string; field y: …` */
function describeZodIssues(error: ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? `field ${issue.path.map(String).join('.')}` : 'payload';
      return `${where}: ${issue.message.replace(/^Invalid input: /, '')}`;
    })
    .join('; ');
}

function describeJob(job: Job): { name: string; id: string } {
  return { name: job.attrs.name, id: String(job.attrs._id) };
}

/**
 * agenda reports an error for every job name on every poll while the database is away (379 lines
 * in a 12 s outage). The first one is logged in full, then at most one line per 30 s with how many
 * were held back, so an outage does not bury the rest of the log.
 */
export function errorLogger(log: Logger, quietMs = 30_000, now: () => number = Date.now): (error: unknown) => void {
  let lastLoggedAt = Number.NEGATIVE_INFINITY;
  let heldBack = 0;
  return (error) => {
    if (now() - lastLoggedAt < quietMs) {
      heldBack++;
      return;
    }
    log.error({ err: error, ...(heldBack > 0 ? { similarErrorsHeldBack: heldBack } : {}) }, 'job scheduler error');
    lastLoggedAt = now();
    heldBack = 0;
  };
}
