/**
 * Settling uncertain messages (the worker died between the SMTP hand-over and recording it):
 * a person marks one sent, or has it sent again — which the next campaign run then does, once.
 */
import { randomUUID } from 'node:crypto';
import { campaignModel } from '../../../src/modules/campaigns/campaign.model';
import type { CampaignDraftInput } from '../../../src/modules/campaigns/campaign.schemas';
import { changeCampaignState, createCampaign } from '../../../src/modules/campaigns/campaigns.service';
import { deliveryModel, type CampaignDelivery } from '../../../src/modules/campaigns/delivery.model';
import { resolveUncertainDelivery } from '../../../src/modules/campaigns/follow-up.service';
import { runCampaigns } from '../../../src/modules/campaigns/runner.service';
import type { CampaignMailDependencies } from '../../../src/modules/campaigns/send.service';
import { timelineEventModel } from '../../../src/modules/customers/customer-event.model';
import { customerModel, type Customer } from '../../../src/modules/customers/customer.model';
import { ConflictError } from '../../../src/shared/errors';
import type { TestDatabase } from '../../helpers/database';
import { openMailingTestBed, type MailingTestBed } from '../../helpers/mailing';
import type { SmtpSink } from '../../helpers/smtp-sink';
import { churned, draft, MONDAY_10_UTC, seededRandom } from './support';

let bed: MailingTestBed;
let db: TestDatabase;
let sink: SmtpSink;
let deps: CampaignMailDependencies;

beforeAll(async () => {
  bed = await openMailingTestBed('offers@example.com');
  ({ db, sink, deps } = bed);
});
afterAll(() => bed.close());
beforeEach(async () => {
  await campaignModel(db.connection).updateMany({}, { $set: { state: 'completed' } });
  sink.messages.length = 0;
});

const claimedAt = new Date(MONDAY_10_UTC.getTime() - 60_000);

/** A campaign sent to one customer that completed, with its one message then found uncertain. */
async function uncertainMessage(): Promise<{ customer: Customer; delivery: CampaignDelivery; campaignId: string }> {
  const plan = `plan-${randomUUID().slice(0, 8)}`;
  const customer = await churned(db.connection, 'B', 'price', { plan });
  const audience: CampaignDraftInput['audience'] = { match: 'all', groups: [{ match: 'all', conditions: [{ field: 'plan', op: 'in', value: [plan] }] }] };
  const campaign = await createCampaign(db.connection, draft({ audience }), 'test');
  await changeCampaignState(db.connection, String(campaign._id), 'schedule');
  await runCampaigns(deps, { now: MONDAY_10_UTC, random: seededRandom() });
  await runCampaigns(deps, { now: MONDAY_10_UTC, random: seededRandom() });
  await sink.waitFor(1);
  sink.messages.length = 0;
  const delivery = await deliveryModel(db.connection)
    .findOneAndUpdate({ campaignId: campaign._id }, { $set: { state: 'uncertain', claimedAt, reason: 'the sending worker stopped before recording the result' }, $unset: { sentAt: 1 } }, { returnDocument: 'after' })
    .lean<CampaignDelivery>();
  // As after a real crash: the sender never recorded this message, so it is not on the timeline either.
  await timelineEventModel(db.connection).deleteMany({ key: `campaign_message:${delivery!._id}` });
  expect((await campaignModel(db.connection).findById(campaign._id).lean())?.state).toBe('completed');
  return { customer, delivery: delivery!, campaignId: String(campaign._id) };
}

test('when a person marks an uncertain message sent, then it counts as sent when it was handed over, once on the timeline', async () => {
  const { customer, delivery, campaignId } = await uncertainMessage();

  const settled = await resolveUncertainDelivery(db.connection, campaignId, String(delivery._id), 'sent', 'staff-1');

  expect(settled).toMatchObject({ state: 'sent', sentAt: claimedAt });
  expect(await timelineEventModel(db.connection).find({ customerId: customer._id }).lean()).toMatchObject([{ type: 'campaign_message', at: claimedAt, key: `campaign_message:${delivery._id}` }]);
  expect((await customerModel(db.connection).findById(customer._id).lean())?.engagement?.lastCampaignMessageAt?.getTime()).toBeGreaterThanOrEqual(claimedAt.getTime());
});

test('when a person has an uncertain message sent again, then the completed campaign runs again and sends it exactly once', async () => {
  const { customer, delivery, campaignId } = await uncertainMessage();
  const later = new Date(MONDAY_10_UTC.getTime() + 60 * 60_000);

  await resolveUncertainDelivery(db.connection, campaignId, String(delivery._id), 'resend', 'staff-1', later);
  expect((await campaignModel(db.connection).findById(campaignId).lean())?.state).toBe('running');

  expect((await runCampaigns(deps, { now: later })).sent).toBe(1);
  expect((await runCampaigns(deps, { now: new Date(later.getTime() + 120_000) })).sent).toBe(0);
  await sink.waitFor(1);
  expect(sink.messages.map((message) => message.to).flat()).toEqual([customer.email]);
  expect((await deliveryModel(db.connection).findById(delivery._id).lean())?.state).toBe('sent');
  expect((await campaignModel(db.connection).findById(campaignId).lean())?.state).toBe('completed');
});

test('when the message was already settled or the campaign was cancelled, then the decision is refused and nothing changes', async () => {
  const { delivery, campaignId } = await uncertainMessage();
  await resolveUncertainDelivery(db.connection, campaignId, String(delivery._id), 'sent', 'staff-1');
  await expect(resolveUncertainDelivery(db.connection, campaignId, String(delivery._id), 'resend', 'staff-2')).rejects.toBeInstanceOf(ConflictError);
  expect((await deliveryModel(db.connection).findById(delivery._id).lean())?.state).toBe('sent');

  const other = await uncertainMessage();
  await campaignModel(db.connection).updateOne({ _id: other.campaignId }, { $set: { state: 'cancelled' } });
  await expect(resolveUncertainDelivery(db.connection, other.campaignId, String(other.delivery._id), 'resend', 'staff-1')).rejects.toBeInstanceOf(ConflictError);
  expect((await deliveryModel(db.connection).findById(other.delivery._id).lean())?.state).toBe('uncertain');
});
