/**
 * Every background job the application knows, in one list. The scheduler defines each of
 * them with agenda; payloads are checked against the schema before the handler runs.
 */
import { z } from 'zod';
import { staffConfirmedLabels } from '../src/modules/classification/labels.service';
import { reclassifyJobSchema } from '../src/modules/classification/reclassify.service';
import { classificationReclassify } from './handlers/classification-reclassify';
import { classificationRetrain } from './handlers/classification-retrain';
import { customersRecomputeValue } from './handlers/customers-recompute-value';
import { dashboardSnapshot } from './handlers/dashboard-snapshot';
import { campaignsRun } from './handlers/campaigns-run';
import { surveysDispatch } from './handlers/surveys-dispatch';
import { systemHeartbeat } from './handlers/system-heartbeat';
import { webhooksDeliver } from './handlers/webhooks-deliver';
import { defineJob, type JobSpec } from './types';

export const heartbeatJob = defineJob({
  name: 'system.heartbeat',
  description: 'Records that a worker is alive and processing jobs.',
  payload: z.object({ worker: z.string().min(1).max(200).optional() }).strict(),
  options: { concurrency: 1, lockLifetimeMs: 60_000, retries: { attempts: 0, backoffMs: 0 } },
  everyMs: 60_000,
  handler: systemHeartbeat,
});

export const recomputeValueJob = defineJob({
  name: 'customers.recompute-value',
  description: "Recomputes customers' CLV, RFM warning level and value tier (all nightly, or one customer).",
  payload: z.object({ customerId: z.string().regex(/^[0-9a-f]{24}$/i, 'expected a customer id (24 hex digits)').optional() }).strict(),
  options: { concurrency: 1, lockLifetimeMs: 30 * 60_000, retries: { attempts: 2, backoffMs: 60_000 } },
  everyMs: 24 * 60 * 60_000,
  handler: customersRecomputeValue,
});

export const surveysDispatchJob = defineJob({
  name: 'surveys.dispatch',
  description: 'Sends due exit-survey invitations and reminders, and closes expired invitations.',
  payload: z.object({ batchSize: z.number().int().min(1).max(5000).optional() }).strict(),
  // One at a time per worker; several workers are safe (each message is claimed before sending).
  options: { concurrency: 1, lockLifetimeMs: 10 * 60_000, retries: { attempts: 0, backoffMs: 0 } },
  everyMs: 60_000,
  handler: surveysDispatch,
});

export const campaignsRunJob = defineJob({
  name: 'campaigns.run',
  description: 'Starts scheduled win-back campaigns, finishes launches, sends due messages within windows and throttles.',
  payload: z.object({}).strict(),
  // Safe on several workers at once: launches are idempotent and each message is claimed.
  options: { concurrency: 1, lockLifetimeMs: 10 * 60_000, retries: { attempts: 0, backoffMs: 0 } },
  everyMs: 5_000,
  handler: campaignsRun,
});

export const classificationRetrainJob = defineJob({
  name: 'classification.retrain',
  description: 'Retrains the churn-cause classifier from staff-confirmed labels: nightly, or when enough new labels exist.',
  payload: z
    .object({ reason: z.enum(['nightly', 'new-labels', 'manual']).optional(), minNewLabels: z.number().int().min(1).max(100_000).optional() })
    .strict(),
  options: { concurrency: 1, lockLifetimeMs: 30 * 60_000, retries: { attempts: 1, backoffMs: 60_000 } },
  everyMs: 24 * 60 * 60_000,
  handler: classificationRetrain(staffConfirmedLabels),
});

export const classificationReclassifyJob = defineJob({
  name: 'classification.reclassify',
  description: 'Re-runs the churn-cause classifier over the customers of a filter, in batches (never causes set by staff or interviews).',
  payload: reclassifyJobSchema,
  options: { concurrency: 1, lockLifetimeMs: 30 * 60_000, retries: { attempts: 0, backoffMs: 0 } },
  handler: classificationReclassify,
});

export const dashboardSnapshotJob = defineJob({
  name: 'dashboard.snapshot',
  description: "Takes the day's dashboard snapshot (churn counts per month, tier, plan and language) so the dashboard need not scan customers.",
  payload: z.object({}).strict(),
  options: { concurrency: 1, lockLifetimeMs: 30 * 60_000, retries: { attempts: 1, backoffMs: 60_000 } },
  everyMs: 24 * 60 * 60_000,
  handler: dashboardSnapshot,
});

export const webhooksDeliverJob = defineJob({
  name: 'webhooks.deliver',
  description: 'Sends due webhook deliveries with their signatures, retrying failed ones with exponential backoff.',
  payload: z.object({}).strict(),
  // Safe on several workers at once: each delivery is claimed with a lease before it is sent.
  options: { concurrency: 1, lockLifetimeMs: 10 * 60_000, retries: { attempts: 0, backoffMs: 0 } },
  everyMs: 5_000,
  handler: webhooksDeliver,
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each job has its own payload type
export const jobRegistry: readonly JobSpec<any>[] = [heartbeatJob, recomputeValueJob, surveysDispatchJob, campaignsRunJob, classificationRetrainJob, classificationReclassifyJob, dashboardSnapshotJob, webhooksDeliverJob];
