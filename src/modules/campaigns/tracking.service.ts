/**
 * What a campaign message's signed links record: the first click (then the landing page), the
 * first open (the pixel), and unsubscribing. The signature over the delivery id is the only
 * credential, so a link that fails verification is treated exactly like an unknown one, and
 * nothing is written for it.
 */
import type { Connection, Types } from 'mongoose';
import { linkSigner } from '../../shared/security/link-signing';
import { customerModel, type Customer } from '../customers/customer.model';
import { recordTimelineEvent } from '../customers/timeline.service';
import { suppressOpenInvitations } from '../surveys/invitations.service';
import { campaignModel, type Campaign } from './campaign.model';
import { deliveryModel, type CampaignDelivery } from './delivery.model';

export type LinkPurpose = 'click' | 'open' | 'unsubscribe';

/** A valid click: where to send the customer. Null for a tampered or unknown link. */
export async function recordClick(connection: Connection, deliveryId: string, signature: unknown, now = new Date()): Promise<{ landingUrl: string } | null> {
  const delivery = await signedDelivery(connection, 'click', deliveryId, signature);
  if (!delivery) return null;
  const campaign = await campaignModel(connection).findById(delivery.campaignId, { landingUrl: 1 }).lean<Pick<Campaign, 'landingUrl'>>().exec();
  if (!campaign) return null;
  await deliveryModel(connection).updateOne({ _id: delivery._id, clickedAt: null }, { $set: { clickedAt: now } });
  return { landingUrl: campaign.landingUrl };
}

/** Records the first open; false for a tampered or unknown link. */
export async function recordOpen(connection: Connection, deliveryId: string, signature: unknown, now = new Date()): Promise<boolean> {
  const delivery = await signedDelivery(connection, 'open', deliveryId, signature);
  if (!delivery) return false;
  await deliveryModel(connection).updateOne({ _id: delivery._id, openedAt: null }, { $set: { openedAt: now } });
  return true;
}

/** The language to ask in, when the unsubscribe link is genuine; null otherwise. */
export async function unsubscribeLinkLocale(connection: Connection, deliveryId: string, signature: unknown): Promise<{ locale: string | undefined } | null> {
  const delivery = await signedDelivery(connection, 'unsubscribe', deliveryId, signature);
  if (!delivery) return null;
  const customer = await customerModel(connection).findById(delivery.customerId, { locale: 1 }).lean<Pick<Customer, 'locale'>>().exec();
  return { locale: customer?.locale };
}

export type CampaignUnsubscribeOutcome = { state: 'unsubscribed' | 'already'; locale: string | undefined } | { state: 'unknown' };

/**
 * Unsubscribes the customer a message went to: no more campaign or survey mail. Their pending
 * campaign messages (of every campaign) are cancelled and open survey invitations closed, also
 * when they had unsubscribed before (repeating it is harmless).
 */
export async function unsubscribeByDelivery(connection: Connection, deliveryId: string, signature: unknown, now = new Date()): Promise<CampaignUnsubscribeOutcome> {
  const delivery = await signedDelivery(connection, 'unsubscribe', deliveryId, signature);
  if (!delivery) return { state: 'unknown' };
  const customerId = delivery.customerId as Types.ObjectId;
  const customer = await customerModel(connection).findById(customerId, { locale: 1 }).lean<Pick<Customer, 'locale'>>().exec();
  if (!customer) return { state: 'unknown' };

  const result = await customerModel(connection).updateOne({ _id: customerId, 'contact.unsubscribedAt': null }, { $set: { 'contact.unsubscribedAt': now } });
  await deliveryModel(connection).updateMany({ customerId, state: 'pending' }, { $set: { state: 'cancelled', reason: 'unsubscribed' } });
  await suppressOpenInvitations(connection, customerId, 'unsubscribed');
  if (result.modifiedCount === 0) return { state: 'already', locale: customer.locale };
  await recordTimelineEvent(connection, {
    customerId,
    type: 'unsubscribed',
    at: now,
    origin: 'campaigns',
    data: { via: 'campaign link', campaignId: String(delivery.campaignId), deliveryId: String(delivery._id) },
  });
  return { state: 'unsubscribed', locale: customer.locale };
}

// ---------------------------------------------------------------------------------------------

const objectIdHex = /^[0-9a-f]{24}$/;

/** The delivery a link names, when its signature for this purpose is right. */
async function signedDelivery(connection: Connection, purpose: LinkPurpose, deliveryId: string, signature: unknown): Promise<CampaignDelivery | null> {
  if (!objectIdHex.test(deliveryId)) return null;
  const signer = await linkSigner(connection);
  if (!signer.verify(`${purpose}:${deliveryId}`, signature)) return null;
  return deliveryModel(connection).findById(deliveryId, { campaignId: 1, customerId: 1 }).lean<CampaignDelivery>().exec();
}
