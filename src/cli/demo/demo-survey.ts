/**
 * The exit survey, the way it runs for real: the most recently churned customers are invited
 * (invitations service), the messages go out through survey dispatch (to the outbox), and about
 * half of the customers open the link in their message and answer (responses service, with the
 * classifier reading the words of those who ticked "Something else").
 */
import { trusted, type Types } from 'mongoose';
import { surveyTextClassifier } from '../../modules/classification/customer-classification.service';
import { isBuiltInCauseCode, type BuiltInCauseCode } from '../../modules/customers/causes';
import { customerModel, type Customer } from '../../modules/customers/customer.model';
import { dispatchDueInvitations } from '../../modules/surveys/dispatch.service';
import { inviteCustomer } from '../../modules/surveys/invitations.service';
import { submitResponse } from '../../modules/surveys/responses.service';
import { ensureDefaultSurvey } from '../../modules/surveys/surveys.service';
import { outboxModel, type MailingDependencies, type OutboxMessage } from '../../shared/mail';
import { answerPlan } from './exit-answers';
import { seededRandom, seedOf } from './seeded-random';

export interface DemoSurveyOutcome {
  invited: number;
  /** Invitations recorded as suppressed (no consent, no address …): none are expected, the candidates have both. */
  suppressed: number;
  sent: number;
  answered: number;
  answeredInChinese: number;
  /** Answers whose cause the classifier read from the customer's words. */
  leftToClassifier: number;
}

/** About the response rate exit surveys get with reminders. */
const responseRate = 0.55;

export async function runDemoSurvey(deps: MailingDependencies, surveyed: number): Promise<DemoSurveyOutcome> {
  const { connection } = deps;
  await ensureDefaultSurvey(connection);
  const outcome: DemoSurveyOutcome = { invited: 0, suppressed: 0, sent: 0, answered: 0, answeredInChinese: 0, leftToClassifier: 0 };

  const candidates = await customerModel(connection)
    .find({ status: 'churned', 'contact.emailConsent': true, email: trusted({ $exists: true }) }, { _id: 1 })
    .sort({ churnedAt: -1, _id: 1 })
    .limit(surveyed)
    .lean<Array<Pick<Customer, '_id'>>>()
    .exec();
  for (const { _id } of candidates) {
    // Sent now rather than after the survey's usual delay, as staff's "send now" does.
    const { invitation } = await inviteCustomer(connection, _id, { origin: 'demo', delayMinutes: 0 });
    if (invitation.status === 'suppressed') outcome.suppressed++;
    else outcome.invited++;
  }

  for (;;) {
    const report = await dispatchDueInvitations(deps, { batchSize: 500 });
    outcome.sent += report.sent;
    if (report.sent + report.retrying + report.failed === 0) break;
  }

  await answerFromTheOutbox(deps, outcome);
  return outcome;
}

/** Each answering customer follows the link in the invitation they were sent. */
async function answerFromTheOutbox(deps: MailingDependencies, outcome: DemoSurveyOutcome): Promise<void> {
  const { connection } = deps;
  const classifyText = surveyTextClassifier(connection);
  const messages = await outboxModel(connection).find({ category: 'survey.invitation' }, { text: 1, refs: 1 }).sort({ _id: 1 }).lean<Array<Pick<OutboxMessage, 'text' | 'refs'>>>().exec();
  const customers = await customersById(
    connection,
    messages.map((message) => message.refs.customerId),
  );

  for (const message of messages) {
    const customer = customers.get(message.refs.customerId);
    const token = /\/s\/([A-Za-z0-9_-]+)/.exec(message.text)?.[1];
    if (!customer || !token) continue;
    const random = seededRandom(seedOf(`survey:${customer.externalId}`));
    if (!random.chance(responseRate)) continue;
    const locale = customer.locale === 'zh-CN' ? 'zh-CN' : 'en';
    const plan = answerPlan(random, causeToAnswer(customer, random.next()), locale);
    const result = await submitResponse(connection, token, plan.form, { classifyText });
    if (result.state !== 'stored') throw new Error(`a demo survey answer was not stored (${result.state}): ${JSON.stringify(result.state === 'invalid' ? result.errors : plan.form)}`);
    outcome.answered++;
    if (locale === 'zh-CN') outcome.answeredInChinese++;
    if (plan.leftToClassifier) outcome.leftToClassifier++;
  }
}

type SurveyedCustomer = Pick<Customer, '_id' | 'externalId' | 'locale' | 'cause'>;

async function customersById(connection: MailingDependencies['connection'], ids: string[]): Promise<Map<string, SurveyedCustomer>> {
  const found = await customerModel(connection)
    .find({ _id: trusted({ $in: ids }) }, { externalId: 1, locale: 1, 'cause.code': 1 })
    .lean<SurveyedCustomer[]>()
    .exec();
  return new Map(found.map((customer) => [String(customer._id as Types.ObjectId), customer]));
}

/** Mostly what the host CRM recorded; now and then the customer tells a different story. */
function causeToAnswer(customer: SurveyedCustomer, draw: number): BuiltInCauseCode {
  const recorded = customer.cause?.code;
  if (isBuiltInCauseCode(recorded) && recorded !== 'other' && draw < 0.8) return recorded;
  const causes: BuiltInCauseCode[] = ['price', 'competitor', 'product', 'service', 'trust', 'relationship', 'other'];
  return causes[Math.floor(draw * 1000) % causes.length];
}
