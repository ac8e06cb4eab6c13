/**
 * Campaigns as marketers handle them: create and edit drafts (validated), and move a campaign
 * through its states. The running itself is launch.service.ts and send.service.ts.
 *
 *   draft → scheduled → running ⇄ paused → completed
 *   draft | scheduled | running | paused → cancelled
 *
 * An offer rule's causes must be active in the stored taxonomy (an edit may keep one retired
 * since); the audience may filter by any cause the taxonomy knows, retired ones included.
 */
import { Types, trusted, type Connection } from 'mongoose';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import { checkCauses } from '../classification/known-causes';
import { checkSegmentCauses } from '../segments/segment-causes';
import { campaignModel, type Campaign, type CampaignState } from './campaign.model';
import { campaignDraftSchema, type CampaignDraftInput } from './campaign.schemas';
import { deliveryModel } from './delivery.model';

export async function createCampaign(connection: Connection, input: CampaignDraftInput, createdBy: string): Promise<Campaign> {
  const draft = parseDraft(input);
  await checkDraftCauses(connection, draft);
  const created = await campaignModel(connection).create({ ...draft, state: 'draft', createdBy, launch: { members: 0 } });
  return created.toObject() as Campaign;
}

/** Edits a campaign that has not started sending. */
export async function updateCampaign(connection: Connection, id: string, input: CampaignDraftInput): Promise<Campaign> {
  const draft = parseDraft(input);
  const stored = await campaignModel(connection).findById(campaignId(id), { offers: 1 }).lean<Pick<Campaign, 'offers'>>().exec();
  await checkDraftCauses(connection, draft, stored?.offers.flatMap((offer) => offer.causes) ?? []);
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

/** Refuses (`CauseNotAllowedError`) offer causes not in use, but those already in the stored campaign, and audience causes the taxonomy never had. */
async function checkDraftCauses(connection: Connection, draft: ReturnType<typeof parseDraft>, alreadyThere: readonly string[] = []): Promise<void> {
  const offerCauses = draft.offers.flatMap((offer, i) => offer.causes.map((code, j) => ({ field: `offers.${i}.causes.${j}`, code: code === '*' ? undefined : code })));
  await checkCauses(connection, offerCauses, 'assign', { alreadyThere });
  await checkSegmentCauses(connection, draft.audience, 'audience.');
}

function campaignId(id: string): Types.ObjectId {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError('Campaign not found.', { id });
  return new Types.ObjectId(id);
}

async function stateConflict(connection: Connection, id: string, action: string): Promise<Error> {
  const campaign = await getCampaign(connection, id);
  return new ConflictError(`A ${campaign.state} campaign cannot be ${action === 'edited' ? 'edited' : `given "${action}"`}.`, { state: campaign.state });
}
