/**
 * Unsubscribing through a link in any message: from then on no survey or campaign mail goes
 * to the customer (campaigns check `contact.unsubscribedAt` too), and open invitations close.
 * Links keep working after the survey expires: people unsubscribe from old mail.
 */
import type { Connection, Types } from 'mongoose';
import { hashLinkToken, looksLikeLinkToken } from '../../shared/security/tokens';
import { customerModel } from '../customers/customer.model';
import { invitationModel, type Invitation } from './invitation.model';
import { suppressOpenInvitations } from './invitations.service';
import { recordSurveyEvent } from './timeline';

export type UnsubscribeOutcome = 'unsubscribed' | 'already' | 'unknown';

/** Whether the link belongs to a customer (for the confirmation page). */
export async function unsubscribeLinkIsKnown(connection: Connection, token: unknown): Promise<boolean> {
  return (await invitationFor(connection, token)) !== null;
}

export async function unsubscribeByToken(connection: Connection, token: unknown, now = new Date()): Promise<UnsubscribeOutcome> {
  const invitation = await invitationFor(connection, token);
  if (!invitation) return 'unknown';
  const customerId = invitation.customerId as Types.ObjectId;
  const result = await customerModel(connection).updateOne(
    { _id: customerId, 'contact.unsubscribedAt': null },
    { $set: { 'contact.unsubscribedAt': now } },
  );
  await suppressOpenInvitations(connection, customerId, 'unsubscribed');
  if (result.modifiedCount === 0) return 'already';
  await recordSurveyEvent(connection, customerId, 'unsubscribed', now, { via: 'link', invitationId: String(invitation._id) });
  return 'unsubscribed';
}

async function invitationFor(connection: Connection, token: unknown): Promise<Invitation | null> {
  const hash = hashLinkToken(looksLikeLinkToken(token) ? token : 'not-a-token');
  return invitationModel(connection).findOne({ tokenHashes: hash }).lean<Invitation>().exec();
}
