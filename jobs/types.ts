/**
 * The shape of a job in the registry. A job is a name, a zod schema for its payload, its
 * processing options, and a thin handler that calls module services.
 */
import type { Connection } from 'mongoose';
import type { z } from 'zod';
import type { Logger } from '../src/shared/logging';
import type { EmailRenderer, Mailer } from '../src/shared/mail';
import type { WebhookDeliverySettings } from '../src/modules/webhooks/sender.service';

/** What every handler receives besides its payload. */
export interface JobDependencies {
  connection: Connection;
  logger: Logger;
  /** `hostname:pid` of the process running the job. */
  workerId: string;
  /** Outgoing mail, for the jobs that write to customers. */
  mail: MailServices;
  /** How long a claimed campaign message may stay unrecorded before it counts as abandoned. */
  campaignClaimLeaseMs: number;
  /** Overrides of the webhook sender's timeouts, retries and batch (tests use milliseconds). */
  webhooks?: Partial<WebhookDeliverySettings>;
}

export interface MailServices {
  mailer: Mailer;
  renderer: EmailRenderer;
  /** Public address of the app, for links in messages. */
  baseUrl: string;
}

export interface JobOptions {
  /** How many jobs of this kind one worker process runs at the same time. */
  concurrency: number;
  /** How long a worker holds a job before another may take it over (the job is presumed dead). */
  lockLifetimeMs: number;
  /** Retries after a failure, waiting backoffMs, 2×, 4× … between attempts. Invalid payloads are not retried. */
  retries: { attempts: number; backoffMs: number };
}

export interface JobSpec<Payload = unknown> {
  name: string;
  description: string;
  payload: z.ZodType<Payload>;
  options: JobOptions;
  /** Run every this many ms in worker processes (one run per interval across all workers). */
  everyMs?: number;
  handler: (payload: Payload, deps: JobDependencies) => Promise<void>;
}

/** Declares a job; the generic ties the handler's payload type to the schema's output. */
export function defineJob<Payload>(spec: JobSpec<Payload>): JobSpec<Payload> {
  return spec;
}
