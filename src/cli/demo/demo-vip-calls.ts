/**
 * The campaign gave VIP customers a personal call instead of an e-mail: the success manager
 * makes most of those calls, logs each as an exit interview (interviews service, through the
 * interview form's own validation) — the cause heard, the competitor named, how likely they are
 * to come back, a follow-up where one was promised — and marks the call task done.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { callTaskModel, type CallTask } from '../../modules/campaigns/call-task.model';
import { completeCallTask } from '../../modules/campaigns/follow-up.service';
import type { BuiltInCauseCode } from '../../modules/customers/causes';
import { customerModel, type Customer } from '../../modules/customers/customer.model';
import { interviewFormSchema } from '../../modules/interviews/interviews.schemas';
import { logInterview } from '../../modules/interviews/interviews.service';
import { exitComments } from './exit-answers';
import { seededRandom, seedOf } from './seeded-random';

export interface DemoCallsOutcome {
  tasks: number;
  interviews: number;
  competitorsNamed: number;
}

/** Made-up rivals, so the dashboard's "competitors named" has names to count. */
const competitors = ['Brightwave Mobile', 'NovaNet', 'Kestrel Telecom', 'Orbit Fibre'];

export async function holdVipCalls(connection: Connection, campaignId: Types.ObjectId, successManagerId: string): Promise<DemoCallsOutcome> {
  const tasks = await callTaskModel(connection).find({ campaignId }).sort({ _id: 1 }).lean<CallTask[]>().exec();
  const customers = await customerModel(connection)
    .find({ _id: trusted({ $in: tasks.map((task) => task.customerId) }) }, { name: 1, externalId: 1, locale: 1 })
    .lean<Array<Pick<Customer, '_id' | 'name' | 'externalId' | 'locale'>>>()
    .exec();
  const byId = new Map(customers.map((customer) => [String(customer._id), customer]));
  const outcome: DemoCallsOutcome = { tasks: tasks.length, interviews: 0, competitorsNamed: 0 };
  const today = new Date().toISOString().slice(0, 10);

  for (const task of tasks) {
    const customer = byId.get(String(task.customerId));
    if (!customer) continue;
    const random = seededRandom(seedOf(`call:${customer.externalId}`));
    // Some VIPs never pick up.
    if (!random.chance(0.7)) continue;
    const cause = (task.cause in exitComments.en ? task.cause : 'other') as BuiltInCauseCode;
    const competitor = cause === 'competitor' ? random.pick(competitors) : undefined;
    const followUp = random.chance(0.4);
    const form = interviewFormSchema().parse({
      heldOn: today,
      channel: random.chance(0.8) ? 'call' : 'visit',
      interviewerId: successManagerId,
      notes: `${customer.locale === 'zh-CN' ? '客户说：' : 'In their words: '}${random.pick(exitComments[customer.locale === 'zh-CN' ? 'zh-CN' : 'en'][cause])}`,
      // Now and then the manager is not sure and leaves the cause to the classifier.
      primaryCause: random.chance(0.85) ? cause : '',
      competitor: competitor ?? '',
      likelihoodToReturn: String(random.between(cause === 'natural' ? 0 : 3, 9)),
      followUpTask: followUp ? 'Send the tailored offer we discussed' : '',
      followUpDue: followUp ? new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10) : '',
    });
    await logInterview(connection, String(customer._id), form, successManagerId);
    await completeCallTask(connection, String(campaignId), String(task._id));
    outcome.interviews++;
    if (competitor) outcome.competitorsNamed++;
  }
  return outcome;
}
