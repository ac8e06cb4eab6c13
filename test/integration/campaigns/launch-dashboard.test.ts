/**
 * A campaign launched by the engine shows on the dashboard: its members are stored with their
 * createdAt, by which the dashboard's win-back table finds the campaigns of a period (a lean
 * insertMany skips mongoose's timestamps, so the launch sets it itself).
 */
import { Types } from 'mongoose';
import { launchCampaign } from '../../../src/modules/campaigns/launch.service';
import { campaignModel, type Campaign } from '../../../src/modules/campaigns/campaign.model';
import { createCampaign } from '../../../src/modules/campaigns/campaigns.service';
import { memberModel } from '../../../src/modules/campaigns/member.model';
import { dashboardFigures } from '../../../src/modules/dashboard/dashboard.service';
import { dashboardQuerySchema } from '../../../src/modules/dashboard/dashboard.schemas';
import { createLogger } from '../../../src/shared/logging';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { churned, draft, MONDAY_10_UTC, seededRandom } from './support';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

test('when the engine launches a campaign, then its members carry the launch time and the dashboard lists the campaign', async () => {
  await churned(db.connection, 'B', 'price');
  await churned(db.connection, 'C', 'service');
  const created = await createCampaign(db.connection, draft(), 'test');
  // As the runner starts it: running, with the launch time the dashboard finds campaigns of a period by.
  await campaignModel(db.connection).updateOne({ _id: created._id }, { $set: { state: 'running', 'launch.startedAt': MONDAY_10_UTC } });
  const campaign = (await campaignModel(db.connection).findById(created._id).lean<Campaign>().exec())!;

  await launchCampaign(db.connection, createLogger({ level: 'silent' }), campaign, { now: MONDAY_10_UTC, random: seededRandom() });

  const members = await memberModel(db.connection).find({ campaignId: created._id as Types.ObjectId }).lean().exec();
  expect(members).toHaveLength(2);
  expect(members.map((member) => member.createdAt)).toEqual([MONDAY_10_UTC, MONDAY_10_UTC]);
  const figures = await dashboardFigures(db.connection, dashboardQuerySchema.parse({ range: '3' }), MONDAY_10_UTC);
  expect(figures.campaigns).toEqual([expect.objectContaining({ id: String(created._id), targeted: 2, wonBack: 0 })]);
});
