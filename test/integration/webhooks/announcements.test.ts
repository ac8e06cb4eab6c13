/**
 * The events other modules announce reach webhooks: a survey answered (and the cause it sets),
 * a review-queue decision, a campaign completed. Each test checks the delivery queued for an
 * endpoint subscribed to that event alone.
 */
import type { Connection } from 'mongoose';
import { campaignModel } from '../../../src/modules/campaigns/campaign.model';
import { changeCampaignState, createCampaign } from '../../../src/modules/campaigns/campaigns.service';
import { runCampaigns } from '../../../src/modules/campaigns/runner.service';
import { decideReview } from '../../../src/modules/classification/review-queue.service';
import { invitationModel } from '../../../src/modules/surveys/invitation.model';
import { inviteCustomer } from '../../../src/modules/surveys/invitations.service';
import { submitResponse } from '../../../src/modules/surveys/responses.service';
import { ensureDefaultSurvey } from '../../../src/modules/surveys/surveys.service';
import { registerEndpoint } from '../../../src/modules/webhooks/endpoints.service';
import type { WebhookEventType } from '../../../src/modules/webhooks/event-types';
import type { WebhookBody } from '../../../src/modules/webhooks/payloads';
import { subscribeWebhooks } from '../../../src/modules/webhooks/subscriptions';
import { webhookDeliveryModel } from '../../../src/modules/webhooks/webhook-delivery.model';
import { webhookEndpointModel } from '../../../src/modules/webhooks/webhook-endpoint.model';
import { createLogger } from '../../../src/shared/logging';
import { createEmailRenderer, createMailer } from '../../../src/shared/mail';
import { newLinkToken } from '../../../src/shared/security/tokens';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { draft, MONDAY_10_UTC } from '../campaigns/support';
import { churnedCustomer } from '../surveys/support';

let db: TestDatabase;
let connection: Connection;

beforeAll(async () => {
  db = await createTestDatabase();
  connection = db.connection;
  await ensureDefaultSurvey(connection);
  subscribeWebhooks(connection);
});
afterAll(() => db.close());
beforeEach(async () => {
  await webhookEndpointModel(connection).updateMany({}, { $set: { enabled: false, disabledReason: 'admin' } });
});

/** An endpoint for `type` alone; resolves to the bodies queued for it so far. */
async function listenTo(type: WebhookEventType): Promise<() => Promise<WebhookBody[]>> {
  const { endpoint } = await registerEndpoint(connection, { url: 'https://hooks.example.com/', eventTypes: [type] }, { actor: { id: 'admin-1' }, resolveHost: async () => ['93.184.215.14'] });
  return async () => {
    const deliveries = await webhookDeliveryModel(connection).find({ endpointId: endpoint._id }).sort({ createdAt: 1 }).lean();
    return deliveries.map((delivery) => JSON.parse(delivery.payload) as WebhookBody);
  };
}

test('when a customer answers the exit survey, then survey.responded carries the answers, and customer.classified the cause they set', async () => {
  const responded = await listenTo('survey.responded');
  const classified = await listenTo('customer.classified');
  const customer = await churnedCustomer(connection);
  const { invitation } = await inviteCustomer(connection, customer._id, { origin: 'test', delayMinutes: 0 });
  const link = newLinkToken();
  await invitationModel(connection).updateOne({ _id: invitation._id }, { $set: { status: 'sent', tokenHashes: [link.hash] } });

  const outcome = await submitResponse(connection, link.token, { 'q_main-reason': 'price' });

  expect(outcome.state).toBe('stored');
  const [answered] = await responded();
  expect(answered).toMatchObject({
    type: 'survey.responded',
    data: { customer: { externalId: customer.externalId }, response: { surveyKey: 'exit', answers: [{ questionId: 'main-reason', choiceIds: ['price'] }], derivedCause: { code: 'price' } } },
  });
  const [cause] = await classified();
  expect(cause).toMatchObject({ type: 'customer.classified', data: { customer: { externalId: customer.externalId, cause: { code: 'price', source: 'survey' } } } });
});

test('when staff decide a customer in the review queue, then customer.classified carries the decided cause', async () => {
  const classified = await listenTo('customer.classified');
  const customer = await churnedCustomer(connection, { cause: { code: 'other', source: 'classifier', needsReview: true, suggested: 'service', confidence: 0.4, setAt: new Date() } });

  await decideReview(connection, { customerId: String(customer._id), decision: 'correct', cause: 'competitor', staff: { id: 'staff-1' } });

  const [body] = await classified();
  expect(body.data).toMatchObject({ customer: { id: String(customer._id), cause: { code: 'competitor', source: 'staff', needsReview: false } } });
});

test('when a running campaign has nothing left to send, then campaign.completed is announced once', async () => {
  const completed = await listenTo('campaign.completed');
  const nobody = { match: 'all' as const, groups: [{ match: 'all' as const, conditions: [{ field: 'tags' as const, op: 'anyOf' as const, value: ['no-such-tag'] }] }] };
  const campaign = await createCampaign(connection, draft({ name: 'Spring win-back', audience: nobody }), 'marketer-1');
  await changeCampaignState(connection, String(campaign._id), 'schedule');
  const deps = { connection, logger: createLogger({ level: 'silent' }), mailer: createMailer({ connection, from: 'offers@example.com' }), renderer: createEmailRenderer(), baseUrl: 'https://crm.example.com' };

  for (let turn = 0; turn < 3; turn++) await runCampaigns(deps, { now: MONDAY_10_UTC });

  expect((await campaignModel(connection).findById(campaign._id).lean())?.state).toBe('completed');
  const bodies = await completed();
  expect(bodies).toHaveLength(1);
  expect(bodies[0].data).toMatchObject({ campaign: { id: String(campaign._id), name: 'Spring win-back', members: 0 } });
});
