/**
 * The built-in suppressions: customers no segment may reach, whatever its conditions say.
 * Each one is written twice — the clause that keeps the eligible customers (for audiences)
 * and its opposite (to count, in a preview, how many of a segment's matches it removes).
 */
import { trusted, type Connection, type Types } from 'mongoose';
import type { FilterQuery } from './segment.filter';

export const suppressionNames = ['unsubscribed', 'doNotContact', 'noConsent', 'noEmail', 'natural', 'wonBack', 'holdout'] as const;
export type SuppressionName = (typeof suppressionNames)[number];

export interface SuppressionOptions {
  /** Campaigns in the `running` state: their holdout (control group) members are left alone. */
  runningCampaignIds: Types.ObjectId[];
}

/** Customers that every suppression lets through. */
export function suppressionFilter(options: SuppressionOptions): FilterQuery {
  return { $and: suppressionRules(options).map((rule) => rule.keeps) } as FilterQuery;
}

/** Each suppression's keep and remove clauses; the holdout rule only while a campaign runs. */
export function suppressionRules({ runningCampaignIds }: SuppressionOptions): SuppressionRule[] {
  const rules: SuppressionRule[] = [
    { name: 'unsubscribed', keeps: { 'contact.unsubscribedAt': null }, removes: { 'contact.unsubscribedAt': trusted({ $ne: null }) } },
    { name: 'doNotContact', keeps: { 'contact.doNotContact': trusted({ $ne: true }) }, removes: { 'contact.doNotContact': true } },
    { name: 'noConsent', keeps: { 'contact.emailConsent': true }, removes: { 'contact.emailConsent': trusted({ $ne: true }) } },
    // `$in: [null, '']` also matches a missing address.
    { name: 'noEmail', keeps: { email: trusted({ $nin: [null, ''] }) }, removes: { email: trusted({ $in: [null, ''] }) } },
    // Natural churn (moved away, closed, deceased) cannot be won back (DOMAIN.md).
    { name: 'natural', keeps: { 'cause.code': trusted({ $ne: 'natural' }) }, removes: { 'cause.code': 'natural' } },
    { name: 'wonBack', keeps: { status: trusted({ $ne: 'won_back' }) }, removes: { status: 'won_back' } },
  ];
  if (runningCampaignIds.length > 0) {
    const ids = [...runningCampaignIds];
    rules.push({
      name: 'holdout',
      keeps: { 'engagement.campaignHoldouts': trusted({ $nin: ids }) },
      removes: { 'engagement.campaignHoldouts': trusted({ $in: ids }) },
    });
  }
  return rules;
}

export interface SuppressionRule {
  name: SuppressionName;
  keeps: Record<string, unknown>;
  removes: Record<string, unknown>;
}

/**
 * Ids of the campaigns now running. Read from the raw `campaigns` collection so segments do
 * not depend on the campaign model (campaigns depend on segments, not the other way round).
 */
export async function runningCampaignIds(connection: Connection): Promise<Types.ObjectId[]> {
  const running = await connection
    .collection<{ _id: Types.ObjectId; state: string }>('campaigns')
    .find({ state: 'running' }, { projection: { _id: 1 } })
    .toArray();
  return running.map((campaign) => campaign._id);
}
