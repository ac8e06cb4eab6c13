/**
 * Two worker processes (the real server, PROCESS_ROLE=worker) on one database at the same time,
 * with a campaign to 300 customers, 100 survey invitations and 40 one-off jobs queued at once —
 * plus extra `campaigns.run` and `surveys.dispatch` runs, so both workers send the same due
 * messages concurrently and only the claims keep them apart. Counted at a loopback SMTP server:
 * every one-off job ran once (agenda's locks hold), every message arrived exactly once.
 */
import { randomUUID } from 'node:crypto';
import { trusted } from 'mongoose';
import { createScheduler } from '../../jobs/scheduler';
import { campaignsRunJob, surveysDispatchJob } from '../../jobs/registry';
import { campaignModel } from '../../src/modules/campaigns/campaign.model';
import { changeCampaignState, createCampaign } from '../../src/modules/campaigns/campaigns.service';
import { deliveryModel, type CampaignDelivery } from '../../src/modules/campaigns/delivery.model';
import { customerModel } from '../../src/modules/customers/customer.model';
import { invitationModel } from '../../src/modules/surveys/invitation.model';
import { inviteCustomer } from '../../src/modules/surveys/invitations.service';
import { ensureDefaultSurvey } from '../../src/modules/surveys/surveys.service';
import { ensureIndexes } from '../../src/models';
import { createLogger } from '../../src/shared/logging';
import { recordRunJob } from '../fixtures/record-run-job';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { spawnServer, type ServerProcess } from '../helpers/server-process';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { recordResilienceRow } from './summary';

const CAMPAIGN_CUSTOMERS = 300;
const SURVEY_CUSTOMERS = 100;
const ONE_OFF_JOBS = 40;

let db: TestDatabase;
let sink: SmtpSink;

beforeAll(async () => {
  db = await createTestDatabase();
  sink = await startSmtpSink();
  await ensureIndexes(db.connection);
  await ensureDefaultSurvey(db.connection);
});
afterAll(async () => {
  await sink.close();
  await db.close();
});

function startWorker(): ServerProcess {
  return spawnServer('test/fixtures/worker-with-recorded-jobs.ts', {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    PROCESS_ROLE: 'worker',
    MONGODB_URI: `${db.uri}${db.dbName}`,
    SMTP_URL: sink.url,
    BASE_URL: 'https://crm.example.com',
    JOBS_PROCESS_EVERY_MS: '100',
  });
}

async function seedCustomers(tag: string, count: number) {
  return customerModel(db.connection).insertMany(
    Array.from({ length: count }, (_, i) => ({
      source: 'two-workers',
      externalId: `${tag}-${i}`,
      name: `Customer ${i}`,
      email: `${tag}-${i}@example.com`,
      locale: 'en',
      status: 'churned',
      churnedAt: new Date('2026-09-01'),
      contact: { emailConsent: true, doNotContact: false },
      cause: { code: 'service', source: 'import', setAt: new Date() },
      tags: [tag],
    })),
  );
}

test(`when two workers run at once with a campaign to ${CAMPAIGN_CUSTOMERS}, ${SURVEY_CUSTOMERS} survey invitations and ${ONE_OFF_JOBS} one-off jobs, then each job runs once and each message arrives once`, async () => {
  const tag = `tw-${randomUUID().slice(0, 6)}`;
  await seedCustomers(`${tag}-c`, CAMPAIGN_CUSTOMERS);
  const surveyed = await seedCustomers(`${tag}-s`, SURVEY_CUSTOMERS);
  for (const customer of surveyed) await inviteCustomer(db.connection, customer._id, { origin: 'test', delayMinutes: 0 });
  const campaign = await createCampaign(
    db.connection,
    {
      name: `Two workers ${tag}`,
      audience: { match: 'all', groups: [{ match: 'all', conditions: [{ field: 'tags', op: 'anyOf', value: [`${tag}-c`] }] }] },
      offers: [{ tiers: ['*'], causes: ['*'], action: 'discount', discountPercent: 10, variants: [{ key: 'A', weight: 1, subject: { en: 'Come back {{name}}', 'zh-CN': '' }, body: { en: '{{offer}} for you.', 'zh-CN': '' } }] }],
      holdoutPercent: 0,
      steps: [{ day: 0 }],
      schedule: { startAt: new Date(Date.now() - 60_000), windowStartHour: 0, windowEndHour: 24, weekdaysOnly: false, throttlePerMinute: 100_000, frequencyCapDays: 0, defaultTimezone: 'UTC' },
      landingUrl: 'https://shop.example.com/back',
    },
    'two-workers',
  );
  await changeCampaignState(db.connection, String(campaign._id), 'schedule');

  const workers = [startWorker(), startWorker()];
  await Promise.all(workers.map((worker) => worker.waitForLog('job worker started', 30_000)));

  // Queued from here, a process that only enqueues (like the web role).
  const queue = await createScheduler({ connection: db.connection, logger: createLogger({ level: 'silent' }), workerId: 'test-queue', processEveryMs: 60_000, jobs: [recordRunJob, surveysDispatchJob, campaignsRunJob] });
  const runs = Array.from({ length: ONE_OFF_JOBS }, (_, i) => `${tag}-run-${i}`);
  for (const run of runs) await queue.now('test.record-run', { run });
  for (let i = 0; i < 10; i++) await queue.now('surveys.dispatch', { batchSize: 15 });
  for (let i = 0; i < 6; i++) await queue.now('campaigns.run', {});

  const invitations = invitationModel(db.connection);
  const deliveries = deliveryModel(db.connection);
  const mineInvited = { customerId: trusted({ $in: surveyed.map((customer) => customer._id) }) };
  const deadline = Date.now() + 90_000;
  for (;;) {
    const [ranJobs, sentInvitations, state] = await Promise.all([
      db.connection.collection('test_job_runs').countDocuments({ run: trusted({ $in: runs }) }),
      invitations.countDocuments({ ...mineInvited, status: 'sent' }),
      campaignModel(db.connection).findById(campaign._id).lean().then((found) => found?.state),
    ]);
    if (ranJobs >= ONE_OFF_JOBS && sentInvitations === SURVEY_CUSTOMERS && state === 'completed') break;
    if (Date.now() > deadline) throw new Error(`not done: ${JSON.stringify({ ranJobs, sentInvitations, state, arrived: sink.messages.length })}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // Runs still queued or in flight would show up as a second record.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  for (const worker of workers) worker.child.kill('SIGTERM');
  const exits = await Promise.all(workers.map((worker) => worker.exited));

  const recorded = await db.connection.collection('test_job_runs').find({ run: trusted({ $in: runs }) }).toArray();
  const runCounts = new Map<string, number>();
  for (const record of recorded) runCounts.set(String(record.run), (runCounts.get(String(record.run)) ?? 0) + 1);
  const jobsTwice = [...runCounts.values()].filter((count) => count > 1).length;
  const jobsByWorker = countBy(recorded.map((record) => String(record.worker)));
  const sent = await deliveries.find({ campaignId: campaign._id }).lean<CampaignDelivery[]>().exec();
  const sendsByWorker = countBy(sent.map((delivery) => delivery.claimedBy ?? '?'));
  const dispatchRunsByWorker = countBy(
    (await db.connection.collection('agendaJobs').find({ name: 'surveys.dispatch', lastFinishedAt: trusted({ $exists: true }) }).toArray()).map((job) => String(job.lastModifiedBy)),
  );

  const mine = sink.messages.filter((message) => message.to[0]?.startsWith(tag));
  const perRecipient = countBy(mine.map((message) => message.to[0]!));
  const perMessageId = countBy(mine.map((message) => message.messageId));
  const duplicates = Object.values(perRecipient).filter((count) => count > 1).length + Object.values(perMessageId).filter((count) => count > 1).length;
  const expected = CAMPAIGN_CUSTOMERS + SURVEY_CUSTOMERS;
  const summary = { arrived: mine.length, expected, duplicates, jobsTwice, jobsByWorker, sendsByWorker, dispatchRunsByWorker, exits: exits.map((exit) => exit.code) };
  console.log(`two workers: ${JSON.stringify(summary)}`);

  expect(exits.map((exit) => exit.code)).toEqual([0, 0]);
  expect(workers.map((worker) => worker.stderr())).toEqual(['', '']);
  expect(runCounts.size).toBe(ONE_OFF_JOBS);
  expect(jobsTwice).toBe(0);
  expect(sent.filter((delivery) => delivery.state === 'sent')).toHaveLength(CAMPAIGN_CUSTOMERS);
  expect(duplicates).toBe(0);
  expect(Object.keys(perRecipient)).toHaveLength(expected);
  // Both processes took one-off jobs (each polls every 100 ms while the other is busy).
  expect(Object.keys(jobsByWorker)).toHaveLength(2);

  recordResilienceRow({
    test: 'Two workers at once',
    trials: ONE_OFF_JOBS + 16,
    sends: mine.length,
    duplicates: duplicates + jobsTwice,
    losses: expected - Object.keys(perRecipient).length,
    uncertain: sent.filter((delivery) => delivery.state === 'uncertain').length,
    recovered: true,
    note: `jobs by worker ${Object.values(jobsByWorker).join('/')}, campaign sends ${Object.values(sendsByWorker).join('/')}`,
  });
}, 150_000);

function countBy(keys: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}
