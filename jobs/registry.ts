/**
 * Every background job the application knows, in one list. The scheduler defines each of
 * them with agenda; payloads are checked against the schema before the handler runs.
 */
import { z } from 'zod';
import { systemHeartbeat } from './handlers/system-heartbeat';
import { defineJob, type JobSpec } from './types';

export const heartbeatJob = defineJob({
  name: 'system.heartbeat',
  description: 'Records that a worker is alive and processing jobs.',
  payload: z.object({ worker: z.string().min(1).max(200).optional() }).strict(),
  options: { concurrency: 1, lockLifetimeMs: 60_000, retries: { attempts: 0, backoffMs: 0 } },
  everyMs: 60_000,
  handler: systemHeartbeat,
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each job has its own payload type
export const jobRegistry: readonly JobSpec<any>[] = [heartbeatJob];
