import { dispatchDueInvitations } from '../../src/modules/surveys/dispatch.service';
import type { JobDependencies } from '../types';

/** Sends due survey invitations and reminders, and closes expired ones. */
export async function surveysDispatch(payload: { batchSize?: number }, deps: JobDependencies): Promise<void> {
  const report = await dispatchDueInvitations({ connection: deps.connection, logger: deps.logger, ...deps.mail }, { batchSize: payload.batchSize });
  if (report.sent + report.reminded + report.expired + report.failed > 0) deps.logger.info({ report }, 'survey dispatch');
}
