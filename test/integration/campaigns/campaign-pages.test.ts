/**
 * The campaign screens through HTTP, signed in as a marketer: the form (create, rebuild,
 * preview, refuse bad input), the state buttons, the report page and its CSV, and the decisions
 * left to a person (uncertain messages, call tasks). Campaigns run with a loopback SMTP server.
 */
import { randomUUID } from 'node:crypto';
import { trusted, Types } from 'mongoose';
import { callTaskModel } from '../../../src/modules/campaigns/call-task.model';
import { campaignModel } from '../../../src/modules/campaigns/campaign.model';
import type { CampaignDraftInput } from '../../../src/modules/campaigns/campaign.schemas';
import { changeCampaignState, createCampaign } from '../../../src/modules/campaigns/campaigns.service';
import { deliveryModel } from '../../../src/modules/campaigns/delivery.model';
import { runCampaigns } from '../../../src/modules/campaigns/runner.service';
import type { CampaignMailDependencies } from '../../../src/modules/campaigns/send.service';
import { customerModel } from '../../../src/modules/customers/customer.model';
import { createSegment } from '../../../src/modules/segments/segments.service';
import { createLogger } from '../../../src/shared/logging';
import { createEmailRenderer, createMailer, type Mailer } from '../../../src/shared/mail';
import { startTestApp } from '../../helpers/app';
import { createStaff, signIn, type Agent } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink';
import { churned, draft, MONDAY_10_UTC, seededRandom } from './support';

let db: TestDatabase;
let app: ListeningApp;
let marketer: Agent;
let sink: SmtpSink;
let mailer: Mailer;
let deps: CampaignMailDependencies;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp({ connection: db.connection });
  marketer = await signIn(app.url, await createStaff(db.connection, 'marketer'));
  sink = await startSmtpSink();
  mailer = createMailer({ connection: db.connection, from: 'offers@example.com', smtpUrl: sink.url });
  deps = { connection: db.connection, mailer, renderer: createEmailRenderer(), baseUrl: 'https://crm.example.com', logger: createLogger({ level: 'silent' }) };
});
afterAll(async () => {
  mailer.close();
  await sink.close();
  await app.close();
  await db.close();
});
beforeEach(async () => {
  // One running campaign at a time: earlier tests' campaigns are finished off.
  await campaignModel(db.connection).updateMany({ state: trusted({ $in: ['scheduled', 'running', 'paused'] }) }, { $set: { state: 'completed' } });
});

/** A saved segment over a plan of the test's own, and its churned customers. */
async function audienceOf(count: number, customer: { tier?: string; cause?: string; name?: string } = {}) {
  const plan = `plan-${randomUUID().slice(0, 8)}`;
  const customers = await Promise.all(Array.from({ length: count }, () => churned(db.connection, customer.tier ?? 'B', customer.cause ?? 'price', { plan, ...(customer.name ? { name: customer.name } : {}) })));
  const definition = { match: 'all', groups: [{ match: 'all', conditions: [{ field: 'plan', op: 'in', value: [plan] }] }] };
  const segment = await createSegment(db.connection, { name: `Segment ${plan}`, definition }, 'test');
  return { segment, customers, plan, definition: segment.definition as CampaignDraftInput['audience'] };
}

/** The form's fields for a valid campaign, as the page posts them. */
function formFields(segmentId: string, overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    name: `Win-back ${randomUUID().slice(0, 6)}`,
    goal: 'Bring price churners back',
    segmentId,
    holdoutPercent: '0',
    'offers.0.tiers': '*',
    'offers.0.causes': '*',
    'offers.0.action': 'discount',
    'offers.0.discountPercent': '20',
    'offers.0.couponCode': '',
    'offers.0.freeMonths': '',
    'offers.0.plan': '',
    'offers.0.variants.0.key': 'A',
    'offers.0.variants.0.weight': '1',
    'offers.0.variants.0.subject.en': 'Come back, {{name}}',
    'offers.0.variants.0.subject.zh-CN': '',
    'offers.0.variants.0.body.en': 'Hello {{name}}. {{causeText}} Enjoy {{offer}}.',
    'offers.0.variants.0.body.zh-CN': '',
    'steps.0.day': '0',
    'schedule.startAt': '2026-11-02T10:00',
    'schedule.windowStartHour': '9',
    'schedule.windowEndHour': '18',
    'schedule.weekdaysOnly': 'on',
    'schedule.throttlePerMinute': '1000',
    'schedule.frequencyCapDays': '7',
    'schedule.defaultTimezone': 'UTC',
    landingUrl: 'https://shop.example.com/welcome-back',
    attributionDays: '30',
    action: 'save',
    ...overrides,
  };
}

const idFrom = (location: string | null) => String(location).split('/').pop() as string;
const storedCampaign = (id: string) => campaignModel(db.connection).findById(id).lean();

describe('creating and editing a campaign', () => {
  test('when a marketer saves a valid form, then the campaign is stored as a draft with the segment copied into its audience', async () => {
    const { segment } = await audienceOf(1);
    const fields = formFields(String(segment._id), { 'schedule.defaultTimezone': 'Asia/Shanghai', 'schedule.startAt': '2026-11-02T10:00' });

    const response = await marketer.postForm('/campaigns', fields);

    expect(response.status).toBe(303);
    const campaign = await storedCampaign(idFrom(response.headers.get('location')));
    expect(campaign).toMatchObject({ name: fields.name, state: 'draft', holdoutPercent: 0, audience: segment.definition, landingUrl: 'https://shop.example.com/welcome-back' });
    expect(String(campaign?.segmentId)).toBe(String(segment._id));
    // 10:00 in Shanghai is 02:00 UTC.
    expect(campaign?.schedule.startAt.toISOString()).toBe('2026-11-02T02:00:00.000Z');
    expect(campaign?.offers[0]).toMatchObject({ action: 'discount', discountPercent: 20, variants: [{ key: 'A', weight: 1, subject: { en: 'Come back, {{name}}' } }] });
    const list = await (await marketer.get('/campaigns')).text();
    expect(list).toContain(String(fields.name));
    expect(list).toContain(segment.name);
  });

  const badInputs: Array<[string, Record<string, string>, string]> = [
    ['a template with a syntax error', { 'offers.0.variants.0.body.en': 'Hello {{name' }, 'The template has a syntax error'],
    ['an unknown merge field', { 'offers.0.variants.0.subject.en': 'Hi {{password}}' }, 'Unknown merge field {{password}}'],
    ['an offer above 100%', { 'offers.0.discountPercent': '120' }, 'Give an offer between 0 and 100%.'],
    ['a send window that ends before it starts', { 'schedule.windowStartHour': '18', 'schedule.windowEndHour': '9' }, 'The send window must end after it starts.'],
    ['no audience', { segmentId: '' }, 'Choose a saved segment for the audience.'],
    ['an audience segment that does not exist', { segmentId: String(new Types.ObjectId()) }, 'Choose a saved segment for the audience.'],
  ];
  test.each(badInputs)('when the form has %s, then the page comes back with 400, the message and the typed values, and nothing is stored', async (_case, overrides, message) => {
    const { segment } = await audienceOf(1);
    const fields = formFields(String(segment._id), { ...overrides, name: `Refused <b>${randomUUID().slice(0, 6)}</b>` });

    const response = await marketer.postForm('/campaigns', fields);
    const html = await response.text();

    expect(response.status).toBe(400);
    expect(html).toContain(message);
    expect(html).toContain(`value="${String(fields.name).replace('<b>', '&lt;b&gt;').replace('</b>', '&lt;/b&gt;')}"`);
    expect(html).toContain('Bring price churners back');
    expect(await campaignModel(db.connection).countDocuments({ name: String(fields.name) })).toBe(0);
  });

  test('when the page is shown in Chinese, then a refused form explains the problem in Chinese', async () => {
    const { segment } = await audienceOf(1);
    const chineseReader = await signIn(app.url, await createStaff(db.connection, 'marketer'));
    const response = await chineseReader.postForm('/campaigns?lang=zh-CN', formFields(String(segment._id), { 'offers.0.discountPercent': '120' }));

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('优惠须在 0 到 100% 之间。');
  });

  test('when "Add a rule", "Add a variant" and "Add a step" are pressed, then the form comes back with the new rows and nothing is stored', async () => {
    const { segment } = await audienceOf(1);
    const name = `Rows ${randomUUID().slice(0, 6)}`;

    const withRule = await (await marketer.postForm('/campaigns', formFields(String(segment._id), { name, action: 'addOffer' }))).text();
    const withVariant = await (await marketer.postForm('/campaigns', formFields(String(segment._id), { name, action: 'addVariant:0' }))).text();
    const withStep = await (await marketer.postForm('/campaigns', formFields(String(segment._id), { name, action: 'addStep' }))).text();

    expect(withRule).toContain('name="offers.1.action"');
    expect(withRule).toContain('Hello {{name}}. {{causeText}} Enjoy {{offer}}.');
    expect(withVariant).toContain('name="offers.0.variants.1.key" value="B"');
    expect(withStep).toMatch(/name="steps\.1\.day"[^>]*value="7"/);
    expect(await campaignModel(db.connection).countDocuments({ name })).toBe(0);
  });

  test('when a marketer asks for a preview, then a member of the audience is shown their message with the merge fields filled', async () => {
    const { segment } = await audienceOf(1, { name: 'Mei Preview' });

    const response = await marketer.postForm('/campaigns', formFields(String(segment._id), { action: 'preview' }));
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toContain('Come back, Mei Preview');
    expect(html).toContain('Hello Mei Preview. We heard that the price was a problem for you. Enjoy 20% off.');
  });

  test('when a draft is edited, then the form shows its values and saving changes it; a running campaign cannot be edited', async () => {
    const { segment, definition } = await audienceOf(1);
    const campaign = await createCampaign(db.connection, draft({ audience: definition, segmentId: String(segment._id) }), 'test');

    const form = await (await marketer.get(`/campaigns/${campaign._id}/edit`)).text();
    expect(form).toContain(`value="${campaign.name}"`);
    expect(form).toContain('value="2026-11-02T10:00"');

    const saved = await marketer.postForm(`/campaigns/${campaign._id}`, formFields(String(segment._id), { name: 'Renamed campaign' }));
    expect(saved.status).toBe(303);
    expect((await storedCampaign(String(campaign._id)))?.name).toBe('Renamed campaign');

    await campaignModel(db.connection).updateOne({ _id: campaign._id }, { $set: { state: 'running' } });
    const refused = await marketer.get(`/campaigns/${campaign._id}/edit`);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('only drafts and scheduled campaigns can be edited');
  });

  test('when a campaign draft is posted as JSON, then it is created, or refused with 400 naming the fields', async () => {
    const { definition } = await audienceOf(1);
    const postJson = async (body: unknown) =>
      marketer.fetch('/campaigns', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': await marketer.csrfToken() }, body: JSON.stringify(body) });
    const name = `JSON ${randomUUID().slice(0, 6)}`;

    const created = await postJson(draft({ audience: definition, name }));
    const refused = await postJson(draft({ audience: definition, name: `${name} refused`, offers: [{ tiers: ['*'], causes: ['*'], action: 'discount', discountPercent: 150, variants: [] }] }));

    expect(created.status).toBe(201);
    expect(((await created.json()) as { campaign: { state: string } }).campaign.state).toBe('draft');
    expect(refused.status).toBe(400);
    const details = ((await refused.json()) as { error: { details: Array<{ field: string }> } }).error.details.map((detail) => detail.field);
    expect(details).toEqual(expect.arrayContaining(['offers.0.discountPercent', 'offers.0.variants']));
    expect(await campaignModel(db.connection).countDocuments({ name: `${name} refused` })).toBe(0);
  });

  test('when the audience has nobody to contact, then the preview says so', async () => {
    const { segment, plan } = await audienceOf(1);
    await customerModel(db.connection).updateMany({ plan }, { $set: { 'contact.doNotContact': true } });

    const html = await (await marketer.postForm('/campaigns', formFields(String(segment._id), { action: 'preview' }))).text();

    expect(html).toContain('Nobody in this audience can be contacted right now');
  });

  test('when customer success staff open the campaigns, then they are refused', async () => {
    const success = await signIn(app.url, await createStaff(db.connection, 'success'));
    expect((await success.get('/campaigns')).status).toBe(403);
  });
});

describe('state buttons', () => {
  test('when a draft is scheduled, paused too early, unscheduled and cancelled, then each allowed change is made and the refused one answers 409 with a message', async () => {
    const { definition } = await audienceOf(1);
    const campaign = await createCampaign(db.connection, draft({ audience: definition }), 'test');
    const press = (action: string) => marketer.postForm(`/campaigns/${campaign._id}/state`, { action });

    expect((await press('schedule')).status).toBe(303);
    expect((await storedCampaign(String(campaign._id)))?.state).toBe('scheduled');

    const refused = await press('pause');
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('This campaign is Scheduled: “Pause” is not possible now.');
    expect((await storedCampaign(String(campaign._id)))?.state).toBe('scheduled');

    expect((await press('unschedule')).status).toBe(303);
    expect((await storedCampaign(String(campaign._id)))?.state).toBe('draft');
    expect((await press('cancel')).status).toBe(303);
    expect((await storedCampaign(String(campaign._id)))?.state).toBe('cancelled');
  });

  test('when the form posts without a CSRF token or with an unknown action, then nothing changes', async () => {
    const { definition } = await audienceOf(1);
    const campaign = await createCampaign(db.connection, draft({ audience: definition }), 'test');

    expect((await marketer.postForm(`/campaigns/${campaign._id}/state`, { action: 'schedule' }, { csrf: false })).status).toBe(403);
    expect((await marketer.postForm(`/campaigns/${campaign._id}/state`, { action: 'toString' })).status).toBe(400);
    expect((await storedCampaign(String(campaign._id)))?.state).toBe('draft');
  });
});

describe('the report page and its CSV', () => {
  async function sentCampaign(overrides: Partial<CampaignDraftInput> = {}, count = 3) {
    const { definition, customers } = await audienceOf(count);
    const campaign = await createCampaign(db.connection, draft({ audience: definition, ...overrides }), 'test');
    await changeCampaignState(db.connection, String(campaign._id), 'schedule');
    await runCampaigns(deps, { now: MONDAY_10_UTC, random: seededRandom() });
    await runCampaigns(deps, { now: MONDAY_10_UTC, random: seededRandom() });
    return { campaign, customers };
  }

  test('when a campaign has sent, then its page shows the figures, says the lift needs more data, and the CSV guards formulas', async () => {
    const { campaign } = await sentCampaign({ name: '=HYPERLINK("http://evil.example")' });

    const page = await marketer.get(`/campaigns/${campaign._id}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('&#x3D;HYPERLINK(&quot;http://evil.example&quot;)');
    expect(html).toMatch(/Sent<\/span> <strong>3<\/strong>/);
    expect(html).toContain('Not enough data yet');

    const csv = await marketer.get(`/campaigns/${campaign._id}/report.csv`);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trim().split('\n');
    expect(lines[0]).toBe('campaign,section,variant,tier,cause,members,sent,failed,uncertain,clicked,won_back,win_back_rate,recovered_revenue,lift,lift_low,lift_high');
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://evil.example"")",treated,,,,3,3,0,0,0,0,0,0,,,`);
    expect(lines).toContain(`"'=HYPERLINK(""http://evil.example"")",cell,,B,price,3,3,0,0,0,0,0,0,,,`);
  });

  test('when a message is uncertain, then the page lists it and a marketer can mark it sent or send it again', async () => {
    const { campaign, customers } = await sentCampaign({}, 2);
    const deliveries = await deliveryModel(db.connection).find({ campaignId: campaign._id }).lean();
    const claimedAt = new Date(MONDAY_10_UTC.getTime() - 60_000);
    await deliveryModel(db.connection).updateMany({ campaignId: campaign._id }, { $set: { state: 'uncertain', claimedAt, reason: 'the sending worker stopped before recording the result' }, $unset: { sentAt: 1 } });

    const html = await (await marketer.get(`/campaigns/${campaign._id}`)).text();
    for (const customer of customers) expect(html).toContain(`href="/customers/${customer._id}"`);
    expect(html).toContain('the sending worker stopped before recording the result');

    const [first, second] = deliveries;
    expect((await marketer.postForm(`/campaigns/${campaign._id}/deliveries/${first._id}`, { decision: 'sent' })).status).toBe(303);
    expect((await marketer.postForm(`/campaigns/${campaign._id}/deliveries/${second._id}`, { decision: 'resend' })).status).toBe(303);
    expect(await deliveryModel(db.connection).findById(first._id).lean()).toMatchObject({ state: 'sent', sentAt: claimedAt });
    expect((await deliveryModel(db.connection).findById(second._id).lean())?.state).toBe('pending');
    // It had completed with nothing left to send; it runs again to send this one.
    expect((await storedCampaign(String(campaign._id)))?.state).toBe('running');

    const again = await marketer.postForm(`/campaigns/${campaign._id}/deliveries/${first._id}`, { decision: 'resend' });
    expect(again.status).toBe(409);
    expect((await deliveryModel(db.connection).findById(first._id).lean())?.state).toBe('sent');
  });

  test('when a VIP gets a personal call, then the task is listed with its customer and can be marked done', async () => {
    const { definition, customers } = await audienceOf(1, { tier: 'VIP' });
    const campaign = await createCampaign(db.connection, draft({ audience: definition, offers: [{ tiers: ['VIP'], causes: ['*'], action: 'personal_call', variants: [] }] }), 'test');
    await changeCampaignState(db.connection, String(campaign._id), 'schedule');
    await runCampaigns(deps, { now: MONDAY_10_UTC, random: seededRandom() });
    const task = await callTaskModel(db.connection).findOne({ campaignId: campaign._id }).lean();

    const html = await (await marketer.get(`/campaigns/${campaign._id}`)).text();
    expect(html).toContain(String(customers[0].name));
    expect(html).toContain(`/campaigns/${campaign._id}/call-tasks/${task?._id}/done`);

    expect((await marketer.postForm(`/campaigns/${campaign._id}/call-tasks/${task?._id}/done`, {})).status).toBe(303);
    expect((await callTaskModel(db.connection).findById(task?._id).lean())?.status).toBe('done');
  });
});
