import { runCampaigns } from '../../src/modules/campaigns/runner.service';
import type { JobDependencies } from '../types';

/** Starts due campaigns, finishes launches, sends due messages, completes finished campaigns. */
export async function campaignsRun(_payload: Record<string, never>, deps: JobDependencies): Promise<void> {
  const report = await runCampaigns({ connection: deps.connection, logger: deps.logger, ...deps.mail }, { workerId: deps.workerId, leaseMs: deps.campaignClaimLeaseMs });
  if (report.sent + report.failed + report.uncertain > 0) deps.logger.info({ report }, 'campaign sends');
}
