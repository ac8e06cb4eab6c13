/**
 * Campaigns as marketers handle them: create and edit drafts (validated), and move a campaign
 * through its states. The running itself is launch.service.ts and send.service.ts.
 *
 *   draft → scheduled → running ⇄ paused → completed
 *   draft | scheduled | running | paused → cancelled
 */
import { Types, trusted, type Connection } from 'mongoose';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import { campaignModel, type Campaign, type CampaignState } from './campaign.model';
import { campaignDraftSchema, type CampaignDraftInput } from './campaign.schemas';
import { deliveryModel } from './delivery.model';

export async function createCampaign(connection: Connection, input: CampaignDraftInput, createdBy: string): Promise<Campaign> {
  const draft = parseDraft(input);
  const created = await campaignModel(connection).create({ ...draft, state: 'draft', createdBy, launch: { members: 0 } });
  return created.toObject() as Campaign;
}

/** Edits a campaign that has not started sending. */
export async function updateCampaign(connection: Connection, id: string, input: CampaignDraftInput): Promise<Campaign> {
  const draft = parseDraft(input);
  const updated = await campaignModel(connection)
    .findOneAndUpdate({ _id: campaignId(id), state: trusted({ $in: ['draft', 'scheduled'] }) }, { $set: draft }, { returnDocument: 'after' })
    .lean<Campaign>()
    .exec();
  if (!updated) throw await stateConflict(connection, id, 'edited');
  return updated;
}

export async function getCampaign(connection: Connection, id: string): Promise<Campaign> {
  const campaign = await campaignModel(connection).findById(campaignId(id)).lean<Campaign>().exec();
  if (!campaign) throw new NotFoundError('Campaign not found.', { id });
  return campaign;
}

export async function listCampaigns(connection: Connection): Promise<Campaign[]> {
  return campaignModel(connection).find().sort({ createdAt: -1 }).limit(500).lean<Campaign[]>().exec();
}

const transitions: Record<string, { from: CampaignState[]; to: CampaignState }> = {
  schedule: { from: ['draft'], to: 'scheduled' },
  unschedule: { from: ['scheduled'], to: 'draft' },
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  cancel: { from: ['draft', 'scheduled', 'running', 'paused'], to: 'cancelled' },
};
export type CampaignAction = keyof typeof transitions;

/** Moves a campaign to its next state; a pause takes effect before the next message. */
export async function changeCampaignState(connection: Connection, id: string, action: CampaignAction): Promise<Campaign> {
  const transition = Object.hasOwn(transitions, action) ? transitions[action] : undefined;
  if (!transition) throw new ValidationError([{ field: 'action', reason: `unknown action ${action}` }]);
  const updated = await campaignModel(connection)
    .findOneAndUpdate({ _id: campaignId(id), state: trusted({ $in: transition.from }) }, { $set: { state: transition.to } }, { returnDocument: 'after' })
    .lean<Campaign>()
    .exec();
  if (!updated) throw await stateConflict(connection, id, action);
  if (transition.to === 'cancelled') {
    await deliveryModel(connection).updateMany({ campaignId: updated._id, state: 'pending' }, { $set: { state: 'cancelled', reason: 'campaign cancelled' } });
  }
  return updated;
}

function parseDraft(input: CampaignDraftInput) {
  const parsed = campaignDraftSchema.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const { segmentId, ...draft } = parsed.data;
  return { ...draft, ...(segmentId ? { segmentId: new Types.ObjectId(segmentId) } : {}) };
}

function campaignId(id: string): Types.ObjectId {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError('Campaign not found.', { id });
  return new Types.ObjectId(id);
}

async function stateConflict(connection: Connection, id: string, action: string): Promise<Error> {
  const campaign = await getCampaign(connection, id);
  return new ConflictError(`A ${campaign.state} campaign cannot be ${action === 'edited' ? 'edited' : `given "${action}"`}.`, { state: campaign.state });
}
