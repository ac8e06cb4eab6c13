/**
 * `dashboard.snapshot`: takes the day's dashboard snapshot (src/modules/dashboard/snapshot.service.ts).
 */
import { takeSnapshot } from '../../src/modules/dashboard/snapshot.service';
import type { JobDependencies } from '../types';

export async function dashboardSnapshot(_payload: Record<string, never>, deps: JobDependencies): Promise<void> {
  const summary = await takeSnapshot(deps.connection);
  deps.logger.info(summary, 'dashboard snapshot taken');
}
