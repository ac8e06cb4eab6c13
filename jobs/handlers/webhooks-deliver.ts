import { deliverDueWebhooks } from '../../src/modules/webhooks/sender.service';
import type { JobDependencies } from '../types';

/** Sends due webhook deliveries (retries included) and records each outcome. */
export async function webhooksDeliver(_payload: Record<string, never>, deps: JobDependencies): Promise<void> {
  const report = await deliverDueWebhooks({ connection: deps.connection, logger: deps.logger }, { ...deps.webhooks, workerId: deps.workerId });
  if (report.succeeded + report.retrying + report.failed > 0) deps.logger.info({ report }, 'webhook deliveries');
}
