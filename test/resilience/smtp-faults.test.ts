/**
 * SMTP faults during survey dispatch and a campaign, through the real services and a real
 * (faulty) SMTP server on loopback. The server is first down (it closes every connection),
 * then comes back but refuses some recipients for a while (451), refuses others for good (550),
 * loses a message with the connection, or answers only after the client gave up (it kept the
 * message). The clock is passed in, so backoff delays pass in no time; the SMTP timeout is 250 ms.
 *
 * What the product promises, checked at the server per recipient:
 *   - temporary failures are retried, each delay twice the one before, until the message goes;
 *   - permanent refusals end as `failed` after one try;
 *   - campaigns: a hand-over whose outcome is unknown (timed out or cut after the content went
 *     out) becomes `uncertain` and is never resent by itself — a person decides; nothing else
 *     arrives twice or goes missing;
 *   - surveys: such a step is sent again with the same Message-ID (dispatch.service.ts accepts a
 *     possible second copy of a survey e-mail rather than a lost one), so the only second copies
 *     are those, and they carry the same Message-ID.
 */
import { randomUUID } from 'node:crypto';
import { trusted } from 'mongoose';
import { campaignModel } from '../../src/modules/campaigns/campaign.model';
import { changeCampaignState, createCampaign } from '../../src/modules/campaigns/campaigns.service';
import { deliveryModel, type CampaignDelivery } from '../../src/modules/campaigns/delivery.model';
import { resolveUncertainDelivery } from '../../src/modules/campaigns/follow-up.service';
import { runCampaigns } from '../../src/modules/campaigns/runner.service';
import { customerModel } from '../../src/modules/customers/customer.model';
import { dispatchDueInvitations } from '../../src/modules/surveys/dispatch.service';
import { invitationModel, type Invitation } from '../../src/modules/surveys/invitation.model';
import { inviteCustomer } from '../../src/modules/surveys/invitations.service';
import { ensureDefaultSurvey } from '../../src/modules/surveys/surveys.service';
import { createLogger } from '../../src/shared/logging';
import { createEmailRenderer, createMailer, type Mailer, type MailingDependencies } from '../../src/shared/mail';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startFaultySmtp, type FaultySmtp, type MessageFault } from '../helpers/faulty-smtp';
import { recordResilienceRow } from './summary';

const SMTP_TIMEOUT_MS = 250;
const RETRY_BASE_MS = 60_000;

/** What a recipient meets, by the last digit of their number. */
const faultGroups = {
  temporaryTwice: [0, 5],
  temporaryAfterData: [1],
  permanent: [2],
  answeredLate: [3],
  droppedAfterData: [4],
} as const;
const groupOf = (index: number) =>
  (Object.entries(faultGroups).find(([, digits]) => (digits as readonly number[]).includes(index % 10))?.[0] ?? 'healthy') as keyof typeof faultGroups | 'healthy';

function faultFor(group: ReturnType<typeof groupOf>, attempt: number): MessageFault {
  if (group === 'temporaryTwice' && attempt <= 2) return { refuse: 451, at: 'rcpt' };
  if (group === 'temporaryAfterData' && attempt === 1) return { refuse: 421, at: 'data' };
  if (group === 'permanent') return { refuse: 550, at: 'rcpt' };
  if (group === 'answeredLate' && attempt === 1) return { answerAfterMs: SMTP_TIMEOUT_MS * 3 };
  if (group === 'droppedAfterData' && attempt === 1) return { drop: 'after-data' };
  return 'accept';
}

let db: TestDatabase;
let smtp: FaultySmtp;
let mailer: Mailer;
let deps: MailingDependencies;

beforeAll(async () => {
  db = await createTestDatabase();
  smtp = await startFaultySmtp();
  mailer = createMailer({ connection: db.connection, from: 'care@example.com', smtpUrl: smtp.url, timeoutMs: SMTP_TIMEOUT_MS });
  deps = { connection: db.connection, mailer, renderer: createEmailRenderer(), baseUrl: 'https://crm.example.com', logger: createLogger({ level: 'silent' }) };
  await ensureDefaultSurvey(db.connection);
});
afterAll(async () => {
  mailer.close();
  await smtp.close();
  await db.close();
});

/** Customers whose e-mail says their fault group; the plan routes each address to its group. */
async function customersWithFaults(count: number, tag: string) {
  const groups = new Map<string, ReturnType<typeof groupOf>>();
  const customers = await customerModel(db.connection).insertMany(
    Array.from({ length: count }, (_, i) => {
      const email = `${tag}-${i}@example.com`;
      groups.set(email, groupOf(i));
      return {
        source: 'smtp-faults',
        externalId: `${tag}-${i}`,
        name: `Customer ${i}`,
        email,
        locale: 'en',
        status: 'churned',
        churnedAt: new Date('2026-09-01'),
        contact: { emailConsent: true, doNotContact: false },
        cause: { code: 'price', source: 'import', setAt: new Date() },
        tags: [tag],
      };
    }),
  );
  smtp.plan((to, attempt) => faultFor(groups.get(to) ?? 'healthy', attempt));
  return { customers, groups };
}

/**
 * The delay before each retry, by the attempt it followed: seen after the run that scheduled it
 * (a message's attempt count changed since the last look), as retry time minus that run's clock.
 */
function backoffChecker() {
  const attemptsSeen = new Map<string, number>();
  const delays = new Map<number, Set<number>>();
  return {
    see(id: unknown, attempts: number, retryAt: Date, ranAt: Date) {
      if (attempts === 0 || attemptsSeen.get(String(id)) === attempts) return;
      attemptsSeen.set(String(id), attempts);
      if (!delays.has(attempts)) delays.set(attempts, new Set());
      delays.get(attempts)!.add(retryAt.getTime() - ranAt.getTime());
    },
    seen: () => Object.fromEntries([...delays].map(([attempts, set]) => [attempts, [...set]])),
  };
}

/** Every delay is base × 2^(attempt−1), and some message waited at least twice (growing delays). */
function expectGrowingBackoff(delays: Record<string, number[]>) {
  for (const [attempts, seen] of Object.entries(delays)) expect({ attempts, seen }).toEqual({ attempts, seen: [RETRY_BASE_MS * 2 ** (Number(attempts) - 1)] });
  expect(Object.keys(delays)).toEqual(expect.arrayContaining(['1', '2']));
}

test('when the SMTP server is down, then refuses, cuts and stalls survey invitations, then each eligible customer gets the invitation, retried with growing backoff, and permanent refusals fail after one try', async () => {
  const tag = `sv-${randomUUID().slice(0, 6)}`;
  const { customers, groups } = await customersWithFaults(30, tag);
  const T0 = new Date(Date.now() + 3_600_000);
  for (const customer of customers) await inviteCustomer(db.connection, customer._id, { origin: 'test', now: T0, delayMinutes: 0 });
  const invitations = invitationModel(db.connection);
  const mine = { customerId: trusted({ $in: customers.map((customer) => customer._id) }) };
  const backoff = backoffChecker();

  // The server is down: the first few messages fail at the connection, nothing handed over.
  smtp.connections('drop');
  const outage = await dispatchDueInvitations(deps, { now: T0, batchSize: 4, retryBaseMs: RETRY_BASE_MS });
  expect(outage).toMatchObject({ sent: 0, retrying: 4 });
  smtp.connections('serve');

  // Then it is back, with its per-recipient faults; the clock jumps to the next retry each turn.
  let now = T0;
  let turns = 0;
  for (;;) {
    const waiting = await invitations.find({ ...mine, status: 'scheduled' }).sort({ nextMessageAt: 1 }).lean<Invitation[]>().exec();
    for (const invitation of waiting) backoff.see(invitation._id, invitation.attempts, invitation.nextMessageAt!, now);
    if (waiting.length === 0) break;
    now = new Date(Math.max(now.getTime(), waiting[0]!.nextMessageAt!.getTime()));
    await dispatchDueInvitations(deps, { now, retryBaseMs: RETRY_BASE_MS });
    expect(++turns).toBeLessThan(20);
  }

  const settled = await invitations.find(mine).lean<Invitation[]>().exec();
  const emailOf = new Map(customers.map((customer) => [String(customer._id), customer.email]));
  const arrivals = smtp.arrivalsByRecipient();
  const problems: string[] = [];
  let duplicates = 0;
  for (const invitation of settled) {
    const email = emailOf.get(String(invitation.customerId))!;
    const group = groups.get(email)!;
    const copies = arrivals.get(email) ?? 0;
    const ids = new Set(smtp.arrived.filter((message) => message.to === email).map((message) => message.messageId));
    if (group === 'permanent') {
      if (invitation.status !== 'failed' || copies !== 0 || smtp.attemptsFor(email) !== 1) problems.push(`${email}: ${invitation.status}, ${copies} copies, ${smtp.attemptsFor(email)} tries`);
      continue;
    }
    if (invitation.status !== 'sent' || invitation.messagesSent !== 1) problems.push(`${email}: ${invitation.status}`);
    // A stalled answer is retried: a second copy, by design, with the same Message-ID.
    const expected = group === 'answeredLate' ? 2 : 1;
    if (copies !== expected || ids.size !== 1) problems.push(`${email} (${group}): ${copies} copies, ${ids.size} Message-IDs`);
    duplicates += Math.max(0, copies - expected);
  }
  const delays = backoff.seen();
  console.log(`smtp faults, surveys: ${JSON.stringify({ invitations: settled.length, arrived: smtp.arrived.length, turns, delays, problems })}`);

  expect(problems).toEqual([]);
  expect(settled).toHaveLength(30);
  expectGrowingBackoff(delays);

  const eligible = settled.filter((invitation) => groups.get(emailOf.get(String(invitation.customerId))!) !== 'permanent').length;
  recordResilienceRow({
    test: 'SMTP faults: survey invitations',
    trials: 4 + [...groups.values()].filter((group) => group !== 'healthy').length,
    sends: eligible,
    duplicates,
    losses: 0,
    uncertain: [...groups.values()].filter((group) => group === 'answeredLate').length,
    recovered: true,
    note: 'uncertain: answers that stalled past the timeout, resent by design (a second copy, same Message-ID; not counted as duplicates)',
  });
}, 60_000);

test('when the SMTP server is down, then refuses, cuts and stalls a campaign, then nobody gets a message twice, temporary failures are retried with growing backoff, unknown outcomes wait for a person, and after their decision everyone eligible got it once', async () => {
  const tag = `cp-${randomUUID().slice(0, 6)}`;
  const { customers, groups } = await customersWithFaults(60, tag);
  const T0 = new Date(Date.now() + 3_600_000);
  const campaign = await createCampaign(
    db.connection,
    {
      name: `SMTP faults ${tag}`,
      audience: { match: 'all', groups: [{ match: 'all', conditions: [{ field: 'tags', op: 'anyOf', value: [tag] }] }] },
      offers: [{ tiers: ['*'], causes: ['*'], action: 'discount', discountPercent: 10, variants: [{ key: 'A', weight: 1, subject: { en: 'Come back {{name}}', 'zh-CN': '' }, body: { en: '{{offer}} for you.', 'zh-CN': '' } }] }],
      holdoutPercent: 0,
      steps: [{ day: 0 }],
      schedule: { startAt: new Date(T0.getTime() - 60_000), windowStartHour: 0, windowEndHour: 24, weekdaysOnly: false, throttlePerMinute: 100_000, frequencyCapDays: 0, defaultTimezone: 'UTC' },
      landingUrl: 'https://shop.example.com/back',
    },
    'smtp-faults',
  );
  await changeCampaignState(db.connection, String(campaign._id), 'schedule');
  const run = (now: Date, batchSize?: number) => runCampaigns(deps, { now, batchSize, retryBaseMs: RETRY_BASE_MS, leaseMs: 60_000, concurrency: 4, workerId: 'smtp-faults' });
  const deliveries = deliveryModel(db.connection);
  const backoff = backoffChecker();

  await run(T0); // the launch
  smtp.connections('drop');
  const outage = await run(T0, 8);
  expect(outage).toMatchObject({ sent: 0, retrying: 8, uncertain: 0 });
  smtp.connections('serve');

  let now = T0;
  let turns = 0;
  for (;;) {
    const pending = await deliveries.find({ campaignId: campaign._id, state: 'pending' }).sort({ dueAt: 1 }).lean<CampaignDelivery[]>().exec();
    // A claim counts an attempt, so a retried delivery waits with its attempts > 0.
    for (const delivery of pending) backoff.see(delivery._id, delivery.attempts, delivery.dueAt, now);
    if (pending.length === 0) break;
    now = new Date(Math.max(now.getTime(), pending[0]!.dueAt.getTime()));
    await run(now);
    expect(++turns).toBeLessThan(20);
  }

  const emailOf = new Map(customers.map((customer) => [String(customer._id), customer.email]));
  const before = await deliveries.find({ campaignId: campaign._id }).lean<CampaignDelivery[]>().exec();
  const stateOf = (group: string) => before.filter((delivery) => groups.get(emailOf.get(String(delivery.customerId))!) === group).map((delivery) => delivery.state);
  const uncertain = before.filter((delivery) => delivery.state === 'uncertain');
  expect(new Set(stateOf('permanent'))).toEqual(new Set(['failed']));
  expect(new Set(stateOf('answeredLate'))).toEqual(new Set(['uncertain']));
  expect(new Set(stateOf('droppedAfterData'))).toEqual(new Set(['uncertain']));
  for (const group of ['healthy', 'temporaryTwice', 'temporaryAfterData']) expect(new Set(stateOf(group))).toEqual(new Set(['sent']));
  expect((await campaignModel(db.connection).findById(campaign._id).lean())?.state).toBe('completed');

  // A person settles the uncertain ones as the server's log would tell them: arrived → sent, lost → send again.
  for (const delivery of uncertain) {
    const email = emailOf.get(String(delivery.customerId))!;
    await resolveUncertainDelivery(db.connection, String(campaign._id), String(delivery._id), (smtp.arrivalsByRecipient().get(email) ?? 0) > 0 ? 'sent' : 'resend', 'staff-test', now);
  }
  await run(now);
  await run(now);

  const settled = await deliveries.find({ campaignId: campaign._id }).lean<CampaignDelivery[]>().exec();
  const arrivals = smtp.arrivalsByRecipient();
  const problems: string[] = [];
  let duplicates = 0;
  let losses = 0;
  for (const delivery of settled) {
    const email = emailOf.get(String(delivery.customerId))!;
    const group = groups.get(email)!;
    const copies = arrivals.get(email) ?? 0;
    const expected = group === 'permanent' ? 0 : 1;
    duplicates += Math.max(0, copies - expected);
    losses += Math.max(0, expected - copies);
    if (copies !== expected) problems.push(`${email} (${group}): ${copies} copies, ${delivery.state}`);
    if (group === 'permanent' && smtp.attemptsFor(email) !== 1) problems.push(`${email}: permanent refusal tried ${smtp.attemptsFor(email)} times`);
  }
  const delays = backoff.seen();
  console.log(`smtp faults, campaign: ${JSON.stringify({ deliveries: settled.length, arrived: smtp.arrived.length, uncertain: uncertain.length, turns, delays, problems })}`);

  expect(problems).toEqual([]);
  expect(settled.filter((delivery) => delivery.state === 'sent')).toHaveLength(60 - stateOf('permanent').length);
  expectGrowingBackoff(delays);

  recordResilienceRow({
    test: 'SMTP faults: campaign',
    trials: 8 + [...groups.values()].filter((group) => group !== 'healthy').length,
    sends: settled.filter((delivery) => delivery.state === 'sent').length,
    duplicates,
    losses,
    uncertain: uncertain.length,
    recovered: true,
    note: 'uncertain settled by a person (arrived → sent, lost → resend)',
  });
}, 60_000);
