/**
 * One turn of the campaign machinery, run by the `campaigns.run` job every few seconds on
 * every worker: start scheduled campaigns whose time has come, finish launches (also one that
 * a crash interrupted), send what is due, and complete campaigns with nothing left to send.
 * Every step is safe to repeat and to run on several workers at once.
 */
import { trusted } from 'mongoose';
import { campaignModel, type Campaign } from './campaign.model';
import { deliveryModel } from './delivery.model';
import { campaignEvents } from './domain-events';
import { launchCampaign } from './launch.service';
import { sendDueDeliveries, type CampaignMailDependencies, type SendOptions, type SendReport } from './send.service';

export interface RunOptions extends SendOptions {
  random?: () => number;
}

export async function runCampaigns(deps: CampaignMailDependencies, options: RunOptions = {}): Promise<SendReport> {
  const now = options.now ?? new Date();
  const campaigns = campaignModel(deps.connection);
  await campaigns.updateMany(
    { state: 'scheduled', 'schedule.startAt': trusted({ $lte: now }) },
    { $set: { state: 'running', 'launch.startedAt': now } },
  );
  const total: SendReport = { sent: 0, failed: 0, retrying: 0, deferred: 0, cancelled: 0, skipped: 0, uncertain: 0 };
  for (const campaign of await campaigns.find({ state: 'running' }).lean<Campaign[]>().exec()) {
    if (!campaign.launch?.completedAt) {
      await launchCampaign(deps.connection, deps.logger, campaign, { now, random: options.random });
      continue; // send on the next turn, with the launch's deliveries all written
    }
    const report = await sendDueDeliveries(deps, campaign, { ...options, now });
    for (const key of Object.keys(total) as Array<keyof SendReport>) total[key] += report[key];
    await completeIfDone(deps, campaign, now);
  }
  return total;
}

async function completeIfDone(deps: CampaignMailDependencies, campaign: Campaign, now: Date): Promise<void> {
  const open = await deliveryModel(deps.connection).countDocuments({ campaignId: campaign._id, state: trusted({ $in: ['pending', 'sending'] }) });
  if (open > 0) return;
  const result = await campaignModel(deps.connection).updateOne({ _id: campaign._id, state: 'running' }, { $set: { state: 'completed', completedAt: now } });
  if (result.modifiedCount === 0) return;
  deps.logger.info({ campaignId: String(campaign._id) }, 'campaign completed');
  await campaignEvents(deps.connection).emit('campaign.completed', { campaign: { ...campaign, state: 'completed', completedAt: now } });
}
