/**
 * The runner's launch writes send lists, not deliveries; later turns write each list's
 * deliveries ahead of the sender. Real parts: embedded database, loopback SMTP, the clock passed in.
 */
import { randomUUID } from 'node:crypto';
import type { Types } from 'mongoose';
import { campaignModel, type Campaign } from '../../../src/modules/campaigns/campaign.model';
import { changeCampaignState, createCampaign } from '../../../src/modules/campaigns/campaigns.service';
import { deliveryModel } from '../../../src/modules/campaigns/delivery.model';
import { recordReply } from '../../../src/modules/campaigns/engagement.service';
import { runCampaigns } from '../../../src/modules/campaigns/runner.service';
import { sendListModel } from '../../../src/modules/campaigns/send-list.model';
import { queueSendLists } from '../../../src/modules/campaigns/send-lists.service';
import type { CampaignMailDependencies } from '../../../src/modules/campaigns/send.service';
import type { Customer } from '../../../src/modules/customers/customer.model';
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

/** Customers on a plan of their own and a scheduled campaign reaching exactly them. */
async function campaignFor(count: number, steps: Array<{ day: number }>): Promise<{ campaign: Campaign; customers: Customer[] }> {
  const plan = `plan-${randomUUID().slice(0, 8)}`;
  const customers = await Promise.all(Array.from({ length: count }, () => churned(db.connection, 'B', 'price', { plan })));
  const audience = { match: 'all' as const, groups: [{ match: 'all' as const, conditions: [{ field: 'plan' as const, op: 'in' as const, value: [plan] }] }] };
  const created = await createCampaign(db.connection, draft({ audience, steps }), 'test');
  await changeCampaignState(db.connection, String(created._id), 'schedule');
  return { campaign: (await campaignModel(db.connection).findById(created._id).lean<Campaign>().exec())!, customers };
}
const run = () => runCampaigns(deps, { now: MONDAY_10_UTC, random: seededRandom() });
const deliveriesOf = (campaignId: Types.ObjectId) => deliveryModel(db.connection).find({ campaignId }).lean().exec();
const mailTo = (customer: Customer) => sink.messages.filter((message) => message.to.includes(String(customer.email)));

test('when the runner launches a campaign, then it writes a send list and no deliveries, and a later turn writes and sends each message once', async () => {
  const { campaign, customers } = await campaignFor(3, [{ day: 0 }]);

  await run();
  expect(await deliveriesOf(campaign._id)).toHaveLength(0);
  expect(await sendListModel(db.connection).find({ campaignId: campaign._id }).lean().exec()).toMatchObject([{ queued: false, recipients: expect.any(Array) }]);

  await run();
  expect(await deliveriesOf(campaign._id)).toHaveLength(3);
  for (const customer of customers) expect(mailTo(customer)).toHaveLength(1);

  // A worker that died after writing a list's deliveries and before marking it queued: the list goes again.
  await sendListModel(db.connection).updateMany({ campaignId: campaign._id }, { $set: { queued: false } });
  expect(await queueSendLists(db.connection, campaign, 5)).toBe(3);
  await run();
  expect(await deliveriesOf(campaign._id)).toHaveLength(3);
  for (const customer of customers) expect(mailTo(customer)).toHaveLength(1);
  expect((await campaignModel(db.connection).findById(campaign._id).lean<Campaign>().exec())?.state).toBe('completed');
});

test('when a customer replies before their send list is queued, then each of their messages is cancelled and none is sent later', async () => {
  const { customers } = await campaignFor(2, [{ day: 0 }, { day: 7 }]);
  const [replying, staying] = customers;
  await run(); // launch: lists only

  expect(await recordReply(db.connection, { externalId: replying.externalId, source: replying.source, at: MONDAY_10_UTC })).toEqual({ cancelled: 2 });
  await run();

  expect(mailTo(replying)).toHaveLength(0);
  expect(mailTo(staying)).toHaveLength(1);
  expect(await deliveryModel(db.connection).find({ customerId: replying._id }).sort({ step: 1 }).lean().exec()).toMatchObject([
    { step: 0, state: 'cancelled', reason: 'replied' },
    { step: 1, state: 'cancelled', reason: 'replied' },
  ]);
});
