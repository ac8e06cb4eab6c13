/**
 * Every model of the application, so that start-up builds their indexes before anything
 * writes. Unique indexes carry correctness (one delivery per campaign step and customer, one
 * response per invitation, idempotent API events): mongoose builds them in the background, and
 * a write racing that build on a fresh database could slip a duplicate in and make the build fail.
 */
import type { Connection, Model } from 'mongoose';
import { seedTaxonomy } from './modules/classification/taxonomy.service';
import { ensureDefaultSurvey } from './modules/surveys/surveys.service';
import { apiKeyModel } from './modules/accounts/api-key.model';
import { staffAccountModel } from './modules/accounts/user.model';
import { callTaskModel } from './modules/campaigns/call-task.model';
import { campaignModel } from './modules/campaigns/campaign.model';
import { deliveryModel } from './modules/campaigns/delivery.model';
import { memberModel } from './modules/campaigns/member.model';
import { classifierModelModel } from './modules/classification/classifier-model.model';
import { causeModel } from './modules/classification/taxonomy.model';
import { timelineEventModel } from './modules/customers/customer-event.model';
import { customerModel } from './modules/customers/customer.model';
import { transactionModel } from './modules/customers/transaction.model';
import { snapshotCellModel, snapshotRunModel } from './modules/dashboard/snapshot.model';
import { heartbeatModel } from './modules/health/heartbeat.model';
import { interviewModel } from './modules/interviews/interview.model';
import { segmentModel } from './modules/segments/segment.model';
import { invitationModel } from './modules/surveys/invitation.model';
import { responseModel } from './modules/surveys/response.model';
import { surveyModel } from './modules/surveys/survey.model';
import { webhookDeliveryModel } from './modules/webhooks/webhook-delivery.model';
import { webhookEndpointModel } from './modules/webhooks/webhook-endpoint.model';
import { auditEntryModel } from './shared/audit/audit-log.model';
import { outboxModel } from './shared/mail/outbox.model';

const modelsOf: Array<(connection: Connection) => Model<never>> = [
  apiKeyModel,
  staffAccountModel,
  callTaskModel,
  campaignModel,
  deliveryModel,
  memberModel,
  classifierModelModel,
  causeModel,
  timelineEventModel,
  customerModel,
  transactionModel,
  snapshotRunModel,
  snapshotCellModel,
  heartbeatModel,
  interviewModel,
  segmentModel,
  invitationModel,
  responseModel,
  surveyModel,
  webhookEndpointModel,
  webhookDeliveryModel,
  auditEntryModel,
  outboxModel,
] as never;

/** Builds every model's collection and indexes; resolves when all exist. */
export async function ensureIndexes(connection: Connection): Promise<void> {
  await Promise.all(modelsOf.map((model) => model(connection).init()));
}

/**
 * What the database needs before a process serves anything, run at every start (each step only
 * adds what is missing): the indexes, the default exit survey, and the cause taxonomy of
 * DOMAIN.md (missing causes only, so an admin's renames stay).
 */
export async function prepareDatabase(connection: Connection): Promise<void> {
  await ensureIndexes(connection);
  await ensureDefaultSurvey(connection);
  await seedTaxonomy(connection);
}
