/**
 * `system.heartbeat`: records that a worker is alive and processing jobs.
 */
import { recordHeartbeat } from '../../src/modules/health/heartbeat.service';
import type { JobDependencies } from '../types';

export interface HeartbeatPayload {
  /** Name to record the heartbeat under; defaults to the worker running the job. */
  worker?: string;
}

export async function systemHeartbeat(payload: HeartbeatPayload, deps: JobDependencies): Promise<void> {
  await recordHeartbeat(deps.connection, payload.worker ?? deps.workerId);
}
