/**
 * Seeds a living product into an empty database, every step through the same services and
 * jobs the app uses: customers imported, staff accounts made, the exit survey sent and
 * answered, the classifier run over the churned customers, a win-back campaign run to
 * completion with customers coming back, and the dashboard's daily snapshot taken.
 *
 * Mail always goes to the outbox here, even when SMTP_URL is set: the demo customers' addresses
 * are made up, and a demo must not send anything anywhere.
 */
import { Types, type Connection } from 'mongoose';
import { classificationReclassifyJob, dashboardSnapshotJob } from '../../../jobs/registry';
import type { JobDependencies, JobSpec } from '../../../jobs/types';
import { currentWorkerId } from '../../../jobs/worker';
import type { Config } from '../../config';
import { loadLastReclassify } from '../../modules/classification/classification-settings.store';
import { customerModel } from '../../modules/customers/customer.model';
import { snapshotCellModel, snapshotRunModel } from '../../modules/dashboard/snapshot.model';
import { createEmailRenderer, createMailer, type MailingDependencies } from '../../shared/mail';
import type { Logger } from '../../shared/logging';
import { createDemoAccounts, type DemoAccount } from './demo-accounts';
import { runDemoCampaign, type DemoCampaignOutcome } from './demo-campaign';
import { importDemoCustomers, type DemoCustomersOutcome } from './demo-customers';
import { reportRecentPayments, type DemoPaymentsOutcome } from './demo-payments';
import { runDemoSurvey, type DemoSurveyOutcome } from './demo-survey';
import { holdVipCalls, type DemoCallsOutcome } from './demo-vip-calls';

export interface DemoOptions {
  /** Synthetic customers to make instead of reading the Telco file. */
  size?: number;
  /** Churned customers to send the exit survey to. */
  surveyed: number;
  /** Active customers whose recent payments the host reports (the RFM early warning grades them). */
  paying: number;
  /** Told what is being done, step by step, and how long each step took: text to print as it comes (on stderr). */
  progress?: (text: string) => void;
}

export interface DemoSummary {
  customers: DemoCustomersOutcome & { total: number; churned: number; wonBack: number };
  accounts: DemoAccount[];
  survey: DemoSurveyOutcome;
  classifier: { examined: number; changed: number; needsReview: number };
  campaign: DemoCampaignOutcome;
  vipCalls: DemoCallsOutcome;
  payments: DemoPaymentsOutcome;
  snapshotCells: number;
  durationMs: number;
}

export async function seedDemo(context: { connection: Connection; config: Config; logger: Logger }, options: DemoOptions): Promise<DemoSummary> {
  const started = Date.now();
  const { connection } = context;
  const steps = stepReporter(options.progress);
  const step = steps.start;
  const mail: MailingDependencies = {
    connection,
    logger: context.logger,
    mailer: createMailer({ connection, from: context.config.mail.from }),
    renderer: createEmailRenderer({ cache: true }),
    baseUrl: context.config.http.baseUrl,
  };
  const jobs = jobDependencies(context, mail);

  step(options.size === undefined ? 'Importing customers …' : `Importing ${options.size} synthetic customers …`);
  const imported = await importDemoCustomers(connection, { size: options.size, now: new Date() });
  step('Creating demo staff accounts …');
  const accounts = await createDemoAccounts(connection);
  step(`Sending the exit survey to ${options.surveyed} churned customers and answering it …`);
  const survey = await runDemoSurvey(mail, options.surveyed);
  step('Running the classifier over the churned customers …');
  await runJob(classificationReclassifyJob, { status: 'churned', requestedBy: 'demo' }, jobs);
  const reclassified = await loadLastReclassify(connection);
  step('Running a win-back campaign to completion …');
  const campaign = await runDemoCampaign(mail);
  step('Holding the VIP calls and logging them as exit interviews …');
  const successManager = accounts.find((account) => account.role === 'success')!;
  const vipCalls = await holdVipCalls(connection, new Types.ObjectId(campaign.id), successManager.id);
  step(`Reporting recent payments of ${options.paying} active customers …`);
  const payments = await reportRecentPayments(connection, options.paying);
  step("Taking the dashboard's snapshot …");
  await runJob(dashboardSnapshotJob, {}, jobs);
  mail.mailer.close();
  steps.finish();

  const customers = customerModel(connection);
  const snapshot = await snapshotRunModel(connection).findOne().sort({ takenAt: -1 }).lean().exec();
  return {
    customers: {
      ...imported,
      total: await customers.countDocuments({}),
      churned: await customers.countDocuments({ status: 'churned' }),
      wonBack: await customers.countDocuments({ status: 'won_back' }),
    },
    accounts,
    survey,
    classifier: { examined: reclassified?.examined ?? 0, changed: reclassified?.changed ?? 0, needsReview: reclassified?.needsReview ?? 0 },
    campaign,
    vipCalls,
    payments,
    snapshotCells: snapshot ? await snapshotCellModel(connection).countDocuments({ runId: snapshot._id }) : 0,
    durationMs: Date.now() - started,
  };
}

/** "Importing customers … 3.2 s": each step as it starts, its time when it ends. */
function stepReporter(write: DemoOptions['progress'] = () => undefined) {
  let startedAt: number | undefined;
  const finish = () => {
    if (startedAt !== undefined) write(`${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
    startedAt = undefined;
  };
  return {
    start(message: string) {
      finish();
      write(`${message} `);
      startedAt = Date.now();
    },
    finish,
  };
}

/** A job run as the worker runs it: the payload checked against the registry's schema first. */
async function runJob<Payload>(job: JobSpec<Payload>, payload: unknown, deps: JobDependencies): Promise<void> {
  await job.handler(job.payload.parse(payload), deps);
}

function jobDependencies(context: { connection: Connection; config: Config; logger: Logger }, mail: MailingDependencies): JobDependencies {
  return {
    connection: context.connection,
    logger: context.logger,
    workerId: currentWorkerId(),
    mail: { mailer: mail.mailer, renderer: mail.renderer, baseUrl: mail.baseUrl },
    campaignClaimLeaseMs: context.config.jobs.campaignClaimLeaseMs,
  };
}
