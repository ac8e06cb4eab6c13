/**
 * Who a segment reaches: its own conditions AND the built-in suppressions. Campaigns stream
 * `audienceFilter`; the builder shows `previewSegment` as the marketer edits.
 */
import type { Connection, Types } from 'mongoose';
import { customerModel, type Customer } from '../customers/customer.model';
import { checkSegmentCauses } from './segment-causes';
import { compileSegmentFilter, type FilterQuery } from './segment.filter';
import type { SegmentDefinition } from './segment.schemas';
import { runningCampaignIds, suppressionFilter, suppressionNames, suppressionRules, type SuppressionName } from './suppressions';

export interface AudienceOptions {
  now: Date;
  /** Leave out the holdout members of running campaigns (default true). */
  excludeHoldoutsOfRunning?: boolean;
  /**
   * A running campaign whose own holdout stays in: its launch, resumed after a crash, must see
   * the holdout members it already assigned (they are in its audience, as its control group).
   */
  exceptCampaignId?: Types.ObjectId;
}

/** The segment's members who may be contacted. The segment's clauses come first, where index selection looks. */
export async function audienceFilter(connection: Connection, definition: SegmentDefinition, options: AudienceOptions): Promise<FilterQuery> {
  const running = options.excludeHoldoutsOfRunning === false ? [] : (await runningCampaignIds(connection)).filter((id) => !options.exceptCampaignId?.equals(id));
  return { $and: [compileSegmentFilter(definition, options.now), suppressionFilter({ runningCampaignIds: running })] } as FilterQuery;
}

export interface SegmentPreview {
  /** Members after the suppressions. */
  count: number;
  /** The most valuable members first. */
  sample: PreviewMember[];
  /** How many of the segment's matches each suppression removes (a customer may count under several). */
  suppressed: Record<SuppressionName, number>;
}

export interface PreviewMember {
  _id: string;
  name: string | null;
  email: string | null;
  tier: string | null;
  cause: string | null;
  churnedAt: Date | null;
}

/** Who the definition reaches now; a cause the taxonomy does not know is a `CauseNotAllowedError`. */
export async function previewSegment(connection: Connection, definition: SegmentDefinition, options: { now: Date; sampleSize: number }): Promise<SegmentPreview> {
  await checkSegmentCauses(connection, definition);
  const customers = customerModel(connection);
  const running = await runningCampaignIds(connection);
  // Compiled afresh for every query: mongoose casts a filter in place.
  const segment = () => compileSegmentFilter(definition, options.now);
  const audience = () => ({ $and: [segment(), suppressionFilter({ runningCampaignIds: running })] }) as FilterQuery;
  const rules = suppressionRules({ runningCampaignIds: running });

  const [count, members, ...removed] = await Promise.all([
    customers.countDocuments(audience()),
    customers
      .find(audience(), { name: 1, email: 1, 'value.tier': 1, 'cause.code': 1, churnedAt: 1 })
      .sort({ 'value.clv': -1, _id: 1 })
      .limit(options.sampleSize)
      .lean<Pick<Customer, '_id' | 'name' | 'email' | 'value' | 'cause' | 'churnedAt'>[]>(),
    ...rules.map((rule) => customers.countDocuments({ $and: [segment(), rule.removes] } as FilterQuery)),
  ]);

  const suppressed = Object.fromEntries(suppressionNames.map((name) => [name, 0])) as Record<SuppressionName, number>;
  rules.forEach((rule, index) => (suppressed[rule.name] = removed[index]));
  const sample = members.map((member) => ({
    _id: String(member._id),
    name: member.name ?? null,
    email: member.email ?? null,
    tier: member.value?.tier ?? null,
    cause: member.cause?.code ?? null,
    churnedAt: member.churnedAt ?? null,
  }));
  return { count, sample, suppressed };
}
