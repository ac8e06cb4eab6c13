/**
 * Helpers for running jobs in a process (roles `all` and `worker`), used by src/server.ts.
 */
import { hostname } from 'node:os';
import type { Scheduler } from './scheduler';

/** `hostname:pid`: names this process in job documents and heartbeats. */
export function currentWorkerId(): string {
  return `${hostname()}:${process.pid}`;
}

/** Makes sure the recurring jobs exist, then starts processing due jobs. */
export async function startWorker(scheduler: Scheduler): Promise<void> {
  await scheduler.scheduleRecurring();
  await scheduler.start();
}
