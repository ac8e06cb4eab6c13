/**
 * Attribution through the real front door: a campaign message goes out, the host CRM reports
 * the reactivation through POST /api/v1/reactivations, and the campaign counts the win-back
 * with its revenue; the customer's next step is cancelled.
 */
import { createApiKey } from '../../../src/modules/accounts/accounts.service';
import { changeCampaignState, createCampaign } from '../../../src/modules/campaigns/campaigns.service';
import { deliveryModel } from '../../../src/modules/campaigns/delivery.model';
import { memberModel } from '../../../src/modules/campaigns/member.model';
import { campaignReport } from '../../../src/modules/campaigns/report.service';
import { runCampaigns } from '../../../src/modules/campaigns/runner.service';
import { createLogger } from '../../../src/shared/logging';
import { createEmailRenderer, createMailer, type Mailer } from '../../../src/shared/mail';
import { startTestApp } from '../../helpers/app';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink';
import { churned, draft } from './support';

let db: TestDatabase;
let app: ListeningApp;
let sink: SmtpSink;
let mailer: Mailer;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp({ connection: db.connection });
  sink = await startSmtpSink();
  mailer = createMailer({ connection: db.connection, from: 'offers@example.com', smtpUrl: sink.url });
});
afterAll(async () => {
  mailer.close();
  await sink.close();
  await app.close();
  await db.close();
});

test('when a mailed customer is reported back through the API within the window, then the campaign counts the win-back and stops their sequence', async () => {
  const customer = await churned(db.connection, 'A', 'price');
  const now = new Date();
  const campaign = await createCampaign(
    db.connection,
    draft({ steps: [{ day: 0 }, { day: 14 }], schedule: { ...draft().schedule, startAt: new Date(now.getTime() - 60_000), weekdaysOnly: false, windowStartHour: 0, windowEndHour: 24 } }),
    'marketer-1',
  );
  await changeCampaignState(db.connection, String(campaign._id), 'schedule');
  const deps = { connection: db.connection, mailer, renderer: createEmailRenderer(), baseUrl: 'https://crm.example.com', logger: createLogger({ level: 'silent' }) };
  await runCampaigns(deps, { now });
  expect((await runCampaigns(deps, { now })).sent).toBe(1);

  const { token } = await createApiKey(db.connection, { name: 'host', scopes: ['events:write'] });
  const response = await fetch(`${app.url}/api/v1/reactivations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ eventId: `re-${customer._id}`, customer: { externalId: customer.externalId, source: customer.source }, at: new Date(now.getTime() + 3600_000).toISOString(), monthlyRevenue: 59 }),
  });
  expect(response.status).toBeLessThan(300);

  const member = await memberModel(db.connection).findOne({ campaignId: campaign._id, customerId: customer._id }).lean();
  expect(member).toMatchObject({ wonBackStep: 0, recoveredRevenue: 59 });
  const followUp = await deliveryModel(db.connection).findOne({ campaignId: campaign._id, customerId: customer._id, step: 1 }).lean();
  expect(followUp).toMatchObject({ state: 'cancelled', reason: 'won back' });
  expect((await campaignReport(db.connection, campaign._id))?.treated).toMatchObject({ wonBack: 1, recoveredRevenue: 59 });
});
