/**
 * A look at what one member of the audience would get, before anything is scheduled: the most
 * valuable member's offer rule, and the first step's message in each of the rule's A/B variants,
 * composed exactly as the sender will compose it (merge fields filled in their language).
 */
import { Types, type Connection } from 'mongoose';
import type { EmailRenderer } from '../../shared/mail';
import { customerModel, type Customer } from '../customers/customer.model';
import { audienceFilter } from '../segments/audience.service';
import type { Campaign, OfferAction } from './campaign.model';
import type { CampaignDraft } from './campaign.schemas';
import { ruleFor } from './cells';
import type { CampaignDelivery } from './delivery.model';
import { composeMessage } from './message';

export interface PreviewDependencies {
  connection: Connection;
  renderer: EmailRenderer;
  baseUrl: string;
}

export interface MessagePreview {
  customer: { id: string; name: string; email: string; tier: string; cause: string; locale: string };
  /** Index of the offer rule the member falls under; -1 when none applies. */
  rule: number;
  action: OfferAction | 'none';
  messages: Array<{ variant: string; subject: string; text: string }>;
}

/** Null when the audience has nobody in it now. */
export async function previewCampaignMessage(deps: PreviewDependencies, draft: CampaignDraft, now = new Date()): Promise<MessagePreview | null> {
  const filter = await audienceFilter(deps.connection, draft.audience, { now });
  const customer = await customerModel(deps.connection).findOne(filter).sort({ 'value.clv': -1, _id: 1 }).lean<Customer>().exec();
  if (!customer) return null;

  const cell = { tier: customer.value?.tier ?? 'none', cause: customer.cause?.code ?? 'other' };
  const match = ruleFor(draft.offers, cell);
  const action = match?.rule.action ?? 'none';
  const campaign = { ...draft, segmentId: undefined, _id: new Types.ObjectId(), state: 'draft', launch: { members: 0 }, createdAt: now, updatedAt: now } as Campaign;
  const mails = match !== null && action !== 'exclude' && action !== 'personal_call';
  const messages = [];
  for (const variant of mails ? match.rule.variants : []) {
    const delivery = { _id: new Types.ObjectId(), campaignId: campaign._id, customerId: customer._id, step: 0, ...cell, variant: variant.key, state: 'pending', dueAt: now, timezone: 'UTC', attempts: 0, createdAt: now } as CampaignDelivery;
    const message = await composeMessage(deps, campaign, delivery, customer);
    messages.push({ variant: variant.key, subject: message.subject, text: message.text ?? '' });
  }
  return {
    customer: { id: String(customer._id), name: customer.name ?? '', email: customer.email ?? '', ...cell, locale: customer.locale ?? 'en' },
    rule: match?.index ?? -1,
    action,
    messages,
  };
}
