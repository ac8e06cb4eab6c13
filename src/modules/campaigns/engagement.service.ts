/**
 * What customers do with a campaign outside our links, as the host CRM reports it: use the
 * offer's coupon code, or reply to a message. A reply stops the customer's sequence, like a
 * win-back or an unsubscribe does: a person is talking with them now.
 */
import { Types, trusted, type Connection } from 'mongoose';
import { NotFoundError } from '../../shared/errors';
import { customerModel, type Customer } from '../customers/customer.model';
import { findCustomerByReference } from '../customers/customers.service';
import { recordTimelineEvent } from '../customers/timeline.service';
import { campaignModel, type Campaign } from './campaign.model';
import { deliveryModel } from './delivery.model';
import type { CouponRedemptionInput, CustomerReferenceInput, ReplyInput } from './engagement.schemas';
import { memberModel, type CampaignMember } from './member.model';

export interface CouponRedemption {
  campaignId: string;
  customerId: string;
  couponCode: string;
  redeemedAt: Date;
  orderValue?: number;
}

/**
 * Records the coupon's use on the customer's membership in the campaign that offered that code
 * (the latest such campaign). The first report wins: a repeated one answers `duplicate`.
 */
export async function recordCouponRedemption(connection: Connection, input: CouponRedemptionInput, now = new Date()): Promise<{ redemption: CouponRedemption; duplicate: boolean }> {
  const customer = await customerOf(connection, input);
  const member = await memberOfferingCoupon(connection, customer._id, input.couponCode);
  if (!member) throw new NotFoundError('No campaign offered this coupon code to this customer.', { couponCode: input.couponCode });

  const at = input.at ?? now;
  const updated = await memberModel(connection)
    .findOneAndUpdate({ _id: member._id, couponRedeemedAt: null }, { $set: { couponRedeemedAt: at, ...(input.orderValue === undefined ? {} : { couponOrderValue: input.orderValue }) } }, { returnDocument: 'after' })
    .lean<CampaignMember>()
    .exec();
  const stored = updated ?? member;
  return {
    duplicate: updated === null,
    redemption: {
      campaignId: String(stored.campaignId),
      customerId: String(customer._id),
      couponCode: input.couponCode,
      redeemedAt: stored.couponRedeemedAt ?? at,
      orderValue: stored.couponOrderValue,
    },
  };
}

/** The customer replied: their pending campaign messages are cancelled; returns how many. */
export async function recordReply(connection: Connection, input: ReplyInput, now = new Date()): Promise<{ cancelled: number }> {
  const customer = await customerOf(connection, input);
  const result = await deliveryModel(connection).updateMany({ customerId: customer._id, state: 'pending' }, { $set: { state: 'cancelled', reason: 'replied' } });
  await recordTimelineEvent(connection, { customerId: customer._id, type: 'campaign_reply', at: input.at ?? now, origin: 'api', data: { cancelled: result.modifiedCount } });
  return { cancelled: result.modifiedCount };
}

// ---------------------------------------------------------------------------------------------

async function customerOf(connection: Connection, reference: CustomerReferenceInput): Promise<Customer> {
  const customer = reference.customerId
    ? await customerModel(connection).findById(new Types.ObjectId(reference.customerId)).lean<Customer>().exec()
    : await findCustomerByReference(connection, { externalId: reference.externalId!, source: reference.source ?? 'crm' });
  if (!customer) throw new NotFoundError('No customer has this id.');
  return customer;
}

/** The newest membership whose offer rule carries this code (codes compare without case). */
async function memberOfferingCoupon(connection: Connection, customerId: Types.ObjectId, couponCode: string): Promise<CampaignMember | null> {
  const members = await memberModel(connection).find({ customerId }).sort({ createdAt: -1 }).limit(100).lean<CampaignMember[]>().exec();
  if (members.length === 0) return null;
  const campaigns = await campaignModel(connection)
    .find({ _id: trusted({ $in: members.map((member) => member.campaignId) }) }, { offers: 1 })
    .lean<Pick<Campaign, '_id' | 'offers'>[]>()
    .exec();
  const offers = new Map(campaigns.map((campaign) => [String(campaign._id), campaign.offers]));
  const wanted = couponCode.toUpperCase();
  return members.find((member) => offers.get(String(member.campaignId))?.[member.rule]?.couponCode?.trim().toUpperCase() === wanted) ?? null;
}
