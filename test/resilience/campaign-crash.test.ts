/**
 * Crash test (bounded in `npm test`: 400 customers, 3 kills; `npm run test:resilience`: 3,000 and 10):
 * a campaign sent by a worker process that is killed
 * with SIGKILL at random moments (during the launch and during sending), then restarted, until
 * the campaign completes. Counted at a real SMTP server on loopback:
 *   - no message arrives twice (Message-IDs are per delivery);
 *   - every eligible customer has each step as `sent` or `uncertain`, none skipped or left over;
 *   - every `sent` delivery arrived; messages that arrived = sent + uncertain-that-arrived.
 */
import { randomUUID } from 'node:crypto';
import { campaignModel } from '../../src/modules/campaigns/campaign.model';
import { changeCampaignState, createCampaign } from '../../src/modules/campaigns/campaigns.service';
import { deliveryModel, type CampaignDelivery } from '../../src/modules/campaigns/delivery.model';
import { memberModel } from '../../src/modules/campaigns/member.model';
import { customerModel } from '../../src/modules/customers/customer.model';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { spawnServer, type ServerProcess } from '../helpers/server-process';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { recordResilienceRow } from './summary';

const CUSTOMERS = Number(process.env.CRASH_CUSTOMERS ?? 400);
const KILLS = Number(process.env.CRASH_KILLS ?? 3);

let db: TestDatabase;
let sink: SmtpSink;

beforeAll(async () => {
  db = await createTestDatabase();
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.close();
  await db.close();
});

function startWorker(): ServerProcess {
  return spawnServer('test/fixtures/campaign-worker.ts', {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    MONGODB_URI: `${db.uri}${db.dbName}`,
    SMTP_URL: sink.url,
    BASE_URL: 'https://crm.example.com',
    CAMPAIGN_CLAIM_LEASE_MS: '1500',
  });
}

test(`when the worker is killed ${KILLS} times while sending to ${CUSTOMERS} customers, then nobody gets a step twice and nobody is skipped`, async () => {
  const tag = randomUUID().slice(0, 6);
  await customerModel(db.connection).insertMany(
    Array.from({ length: CUSTOMERS }, (_, i) => ({
      source: 'crash',
      externalId: `${tag}-${i}`,
      name: `Customer ${i}`,
      email: `crash-${tag}-${i}@example.com`,
      status: 'churned',
      churnedAt: new Date('2026-09-01'),
      contact: { emailConsent: true, doNotContact: false },
      cause: { code: i % 2 ? 'price' : 'service', source: 'import', setAt: new Date() },
      tags: [tag],
    })),
  );
  const startAt = new Date(Date.now() - 2 * 86_400_000);
  const campaign = await createCampaign(
    db.connection,
    {
      name: `Crash ${tag}`,
      audience: { match: 'all', groups: [{ match: 'all', conditions: [{ field: 'tags', op: 'anyOf', value: [tag] }] }] },
      offers: [{ tiers: ['*'], causes: ['*'], action: 'discount', discountPercent: 15, variants: [{ key: 'A', weight: 1, subject: { en: 'Come back {{name}}', 'zh-CN': '' }, body: { en: '{{offer}} for you.', 'zh-CN': '' } }, { key: 'B', weight: 1, subject: { en: 'We miss you', 'zh-CN': '' }, body: { en: 'Take {{offer}}.', 'zh-CN': '' } }] }],
      holdoutPercent: 10,
      steps: [{ day: 0 }, { day: 1 }],
      schedule: { startAt, windowStartHour: 0, windowEndHour: 24, weekdaysOnly: false, throttlePerMinute: 100_000, frequencyCapDays: 0, defaultTimezone: 'UTC' },
      landingUrl: 'https://shop.example.com/back',
    },
    'crash-test',
  );
  await changeCampaignState(db.connection, String(campaign._id), 'schedule');

  const kills: Array<{ afterMs: number; arrivedBefore: number }> = [];
  for (let round = 0; round < KILLS; round++) {
    const worker = startWorker();
    await worker.waitForLog('campaign worker started', 20_000);
    // The first kill lands during the launch; the others after a random number of messages,
    // i.e. at random moments of sending (between claim, SMTP hand-over and record).
    const started = Date.now();
    if (round === 0) await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 150));
    else {
      const target = sink.messages.length + 20 + Math.floor(Math.random() * 120);
      while (sink.messages.length < target && Date.now() - started < 30_000) await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 5));
    }
    const afterMs = Date.now() - started;
    kills.push({ afterMs, arrivedBefore: sink.messages.length });
    worker.child.kill('SIGKILL');
    await worker.exited;
    // Let the claims of the dead worker outlive their lease.
    await new Promise((resolve) => setTimeout(resolve, 1600));
  }
  const last = startWorker();
  const exit = await last.exited;
  expect({ code: exit.code, stderr: last.stderr() }).toEqual({ code: 0, stderr: '' });
  expect((await campaignModel(db.connection).findById(campaign._id).lean())?.state).toBe('completed');

  const members = await memberModel(db.connection).find({ campaignId: campaign._id }).lean();
  const treated = members.filter((member) => !member.holdout);
  const deliveries = await deliveryModel(db.connection).find({ campaignId: campaign._id }).lean<CampaignDelivery[]>();
  const byState = (state: string) => deliveries.filter((delivery) => delivery.state === state);
  await new Promise((resolve) => setTimeout(resolve, 300)); // the sink finishes parsing the last messages

  const arrived = new Map<string, number>();
  for (const message of sink.messages) arrived.set(message.messageId, (arrived.get(message.messageId) ?? 0) + 1);
  const duplicates = [...arrived.values()].filter((count) => count > 1).length;
  const idOf = (delivery: CampaignDelivery) => `<campaign-${delivery._id}@crm.example.com>`;
  const sent = byState('sent');
  const uncertain = byState('uncertain');
  const uncertainArrived = uncertain.filter((delivery) => arrived.has(idOf(delivery))).length;
  const sentMissing = sent.filter((delivery) => !arrived.has(idOf(delivery))).length;

  const summary = {
    customers: CUSTOMERS,
    members: members.length,
    holdout: members.length - treated.length,
    expectedDeliveries: treated.length * 2,
    deliveries: deliveries.length,
    sent: sent.length,
    uncertain: uncertain.length,
    uncertainArrived,
    messagesAtSink: sink.messages.length,
    duplicates,
    sentMissing,
    leftOver: deliveries.length - sent.length - uncertain.length,
    kills,
  };
  console.log(`campaign crash test: ${JSON.stringify(summary)}`);
  recordResilienceRow({
    test: `Worker SIGKILL during a campaign (${CUSTOMERS} customers)`,
    trials: KILLS,
    sends: sink.messages.length,
    duplicates,
    losses: summary.leftOver + sentMissing,
    uncertain: uncertain.length,
    recovered: exit.code === 0,
  });

  expect(members.length).toBe(CUSTOMERS);
  expect(deliveries.length).toBe(treated.length * 2);
  expect(summary.leftOver).toBe(0);
  expect(duplicates).toBe(0);
  expect(sentMissing).toBe(0);
  expect(sink.messages.length).toBe(sent.length + uncertainArrived);
  // At most the in-flight sends of each killed worker can be uncertain.
  expect(uncertain.length).toBeLessThanOrEqual(KILLS * 4);
}, 900_000);
