/**
 * What the campaign form needs from the database: the saved segments to choose the audience
 * from, and the posted form turned into a campaign draft — the chosen segment's definition
 * copied into `audience` (frozen there; the segment keeps its id in `segmentId`).
 */
import { isValidObjectId, type Connection } from 'mongoose';
import { ValidationError } from '../../shared/errors';
import { segmentModel, type SavedSegment } from '../segments/segment.model';
import type { Campaign } from './campaign.model';
import { campaignDraftSchema, type CampaignDraft, type CampaignDraftInput } from './campaign.schemas';
import { draftInputOf, keepAudience, type CampaignForm } from './campaign-form';

export async function segmentChoices(connection: Connection): Promise<Array<{ id: string; name: string }>> {
  const segments = await segmentModel(connection).find({}, { name: 1 }).sort({ name: 1 }).limit(1000).lean<Pick<SavedSegment, '_id' | 'name'>[]>().exec();
  return segments.map((segment) => ({ id: String(segment._id), name: segment.name }));
}

/**
 * The draft the form describes. An unknown or missing segment leaves the audience empty, which
 * the campaign rules report as a problem of the audience. `keep` keeps the campaign's own.
 */
export async function draftFromForm(connection: Connection, form: CampaignForm, existing?: Campaign): Promise<CampaignDraftInput> {
  if (form.segmentId === keepAudience && existing && !existing.segmentId) return draftInputOf(form, { audience: existing.audience });
  const segment = isValidObjectId(form.segmentId) && /^[0-9a-f]{24}$/i.test(form.segmentId) ? await segmentModel(connection).findById(form.segmentId).lean<SavedSegment>().exec() : null;
  return draftInputOf(form, segment ? { segmentId: String(segment._id), audience: segment.definition } : {});
}

/** The draft checked by the campaign rules, for the preview (saving checks it in createCampaign). */
export function checkedDraft(input: CampaignDraftInput): CampaignDraft {
  const parsed = campaignDraftSchema.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  return parsed.data;
}
