/**
 * Sends what is due: invitations after their delay, reminders on the survey's schedule, and
 * closes invitations past their expiry. Run by the `surveys.dispatch` job every minute and
 * right after staff send one.
 *
 * Each message is claimed before it is sent (an atomic update sets `claimedAt`), so two workers
 * never send the same step. A worker that dies between the SMTP hand-over and recording it
 * leaves a claim that expires after the lease; the step is then sent again with the same
 * Message-ID (a duplicate survey e-mail is the accepted cost here, unlike campaigns).
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { MailDeliveryError, type MailingDependencies, unsubscribeHeaders } from '../../shared/mail';
import { newLinkToken } from '../../shared/security/tokens';
import { customerModel, type Customer } from '../customers/customer.model';
import { invitationModel, type Invitation } from './invitation.model';
import { responseModel } from './response.model';
import { suppressionReason } from './invitations.service';
import { surveyVersion } from './surveys.service';
import { recordSurveyEvent } from './timeline';

const DAY = 86_400_000;
const MAX_ATTEMPTS = 5;

export type SurveyMailDependencies = MailingDependencies;

export interface DispatchOptions {
  now?: Date;
  /** Most messages sent in one run; the rest wait for the next run. */
  batchSize?: number;
  /** How long a claim holds before another worker may retake the step. */
  leaseMs?: number;
  /** First retry delay after a transient SMTP failure; doubles each attempt. */
  retryBaseMs?: number;
}

export interface DispatchReport {
  sent: number;
  reminded: number;
  expired: number;
  suppressed: number;
  failed: number;
  retrying: number;
  /** Invitations found already answered (a response whose request died before closing them). */
  answered: number;
}

export async function dispatchDueInvitations(deps: SurveyMailDependencies, options: DispatchOptions = {}): Promise<DispatchReport> {
  const now = options.now ?? new Date();
  const report: DispatchReport = { sent: 0, reminded: 0, expired: 0, suppressed: 0, failed: 0, retrying: 0, answered: 0 };
  report.expired = await expireOverdue(deps.connection, now);
  const batchSize = options.batchSize ?? 200;
  for (let i = 0; i < batchSize; i++) {
    const invitation = await claimNext(deps.connection, now, options.leaseMs ?? 5 * 60_000);
    if (!invitation) break;
    const outcome = await sendStep(deps, invitation, now, options.retryBaseMs ?? 60_000);
    report[outcome]++;
  }
  return report;
}

async function expireOverdue(connection: Connection, now: Date): Promise<number> {
  const result = await invitationModel(connection).updateMany(
    { status: trusted({ $in: ['scheduled', 'sent'] }), expiresAt: trusted({ $lte: now }) },
    { $set: { status: 'expired' }, $unset: { nextMessageAt: 1, claimedAt: 1 } },
  );
  return result.modifiedCount;
}

async function claimNext(connection: Connection, now: Date, leaseMs: number): Promise<Invitation | null> {
  return invitationModel(connection)
    .findOneAndUpdate(
      {
        nextMessageAt: trusted({ $lte: now }),
        status: trusted({ $in: ['scheduled', 'sent'] }),
        $or: [{ claimedAt: trusted({ $exists: false }) }, { claimedAt: trusted({ $lt: new Date(now.getTime() - leaseMs) }) }],
      },
      { $set: { claimedAt: now } },
      { sort: { nextMessageAt: 1 }, returnDocument: 'after' },
    )
    .lean<Invitation>()
    .exec();
}

type StepOutcome = 'sent' | 'reminded' | 'suppressed' | 'failed' | 'retrying' | 'answered';

async function sendStep(deps: SurveyMailDependencies, invitation: Invitation, now: Date, retryBaseMs: number): Promise<StepOutcome> {
  const invitations = invitationModel(deps.connection);
  const customer = await customerModel(deps.connection).findById(invitation.customerId).lean<Customer>().exec();
  const survey = await surveyVersion(deps.connection, invitation.surveyKey, invitation.surveyVersion);
  const reason = !customer ? 'customer erased' : !survey ? 'survey removed' : suppressionReason(customer);
  if (reason || !customer || !survey) {
    await invitations.updateOne({ _id: invitation._id }, { $set: { status: 'suppressed', reason }, $unset: { nextMessageAt: 1, claimedAt: 1 } });
    return 'suppressed';
  }

  const step = invitation.messagesSent;
  // A response stored by a request that died before closing its invitation: close it now rather
  // than remind someone who already answered (reminders only: nothing can answer before step 0).
  if (step > 0 && (await responseModel(deps.connection).exists({ invitationId: invitation._id }))) {
    await invitations.updateOne({ _id: invitation._id }, { $set: { status: 'answered', answeredAt: now }, $unset: { nextMessageAt: 1, claimedAt: 1 } });
    return 'answered';
  }
  const link = newLinkToken();
  // The link must work the moment the message arrives: its hash is stored before sending.
  await invitations.updateOne({ _id: invitation._id }, { $push: { tokenHashes: link.hash } });

  const locale = invitation.locale === 'zh-CN' ? 'zh-CN' : 'en';
  const surveyUrl = `${deps.baseUrl}/s/${link.token}`;
  const unsubscribeUrl = `${deps.baseUrl}/u/${link.token}`;
  const rendered = await deps.renderer.render(step === 0 ? 'surveys/emails/invitation' : 'surveys/emails/reminder', {
    locale,
    customerName: customer.name,
    surveyTitle: survey.title[locale],
    surveyUrl,
    unsubscribeUrl,
    expiresAt: invitation.expiresAt,
  });
  try {
    await deps.mailer.send({
      to: customer.email!,
      subject: survey.title[locale],
      ...rendered,
      headers: unsubscribeHeaders(unsubscribeUrl),
      category: step === 0 ? 'survey.invitation' : 'survey.reminder',
      refs: { customerId: String(customer._id), invitationId: String(invitation._id) },
      messageId: `<survey-${invitation._id}-${step}@${new URL(deps.baseUrl).hostname}>`,
    });
  } catch (error) {
    return recordFailure(deps, invitation, MailDeliveryError.from(error), now, retryBaseMs);
  }

  const firstSentAt = invitation.sentAt ?? now;
  const nextReminder = reminderDue(survey.schedule.reminderDays, step + 1, firstSentAt, invitation.expiresAt);
  await invitations.updateOne(
    { _id: invitation._id },
    {
      $set: { status: 'sent', sentAt: firstSentAt, lastMessageAt: now, messagesSent: step + 1, attempts: 0, ...(nextReminder ? { nextMessageAt: nextReminder } : {}) },
      $unset: { claimedAt: 1, lastError: 1, ...(nextReminder ? {} : { nextMessageAt: 1 }) },
    },
  );
  await recordSurveyEvent(deps.connection, customer._id, step === 0 ? 'survey_sent' : 'survey_reminded', now, { invitationId: String(invitation._id), via: deps.mailer.mode });
  return step === 0 ? 'sent' : 'reminded';
}

/** When message number `nextStep` (1 = first reminder) is due, if it comes before expiry. */
function reminderDue(reminderDays: number[], nextStep: number, firstSentAt: Date, expiresAt: Date): Date | null {
  const days = reminderDays[nextStep - 1];
  if (days === undefined) return null;
  const due = new Date(firstSentAt.getTime() + days * DAY);
  return due < expiresAt ? due : null;
}

async function recordFailure(deps: SurveyMailDependencies, invitation: Invitation, error: MailDeliveryError, now: Date, retryBaseMs: number): Promise<StepOutcome> {
  const attempts = invitation.attempts + 1;
  const invitations = invitationModel(deps.connection);
  if (error.permanent || attempts >= MAX_ATTEMPTS) {
    await invitations.updateOne(
      { _id: invitation._id },
      { $set: { status: 'failed', attempts, lastError: error.message }, $unset: { nextMessageAt: 1, claimedAt: 1 } },
    );
    await recordSurveyEvent(deps.connection, invitation.customerId as Types.ObjectId, 'mail_failed', now, { invitationId: String(invitation._id), reason: error.message });
    deps.logger.warn({ invitationId: String(invitation._id), reason: error.message }, 'survey e-mail failed for good');
    return 'failed';
  }
  const retryAt = new Date(now.getTime() + retryBaseMs * 2 ** (attempts - 1));
  await invitations.updateOne({ _id: invitation._id }, { $set: { attempts, lastError: error.message, nextMessageAt: retryAt }, $unset: { claimedAt: 1 } });
  deps.logger.info({ invitationId: String(invitation._id), reason: error.message, retryAt }, 'survey e-mail will be retried');
  return 'retrying';
}
