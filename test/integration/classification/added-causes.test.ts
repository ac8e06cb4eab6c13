/**
 * A cause an admin adds to the taxonomy is a cause like the built-ins, everywhere, through
 * HTTP: staff set it on customers (override, review queue, interviews, the events API), segments
 * filter by it, campaign offers are given to it, the dashboard counts it, and the next retraining
 * learns it. A cause the taxonomy does not know is refused at every entry point with a 400 naming
 * the field, and nothing is written; a retired cause can no longer be assigned, while old records
 * keep showing it and filters still find them.
 */
import { randomUUID } from 'node:crypto';
import { createApiKey } from '../../../src/modules/accounts/accounts.service';
import { campaignModel } from '../../../src/modules/campaigns/campaign.model';
import { loadActiveClassifier } from '../../../src/modules/classification/active-classifier';
import { loadActiveModel } from '../../../src/modules/classification/classifier-model.service';
import { saveClassificationSettings } from '../../../src/modules/classification/classification-settings.store';
import { classifyCustomer } from '../../../src/modules/classification/customer-classification.service';
import { customerModel, type Customer } from '../../../src/modules/customers/customer.model';
import { interviewModel } from '../../../src/modules/interviews/interview.model';
import { segmentModel } from '../../../src/modules/segments/segment.model';
import { auditEntriesAbout } from '../../../src/shared/audit/audit-log';
import { startTestApp } from '../../helpers/app';
import { createStaff, signIn, type Agent, type TestStaff } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';

let db: TestDatabase;
let app: ListeningApp;
let admin: Agent;
let success: Agent;
let successUser: TestStaff;
let apiKey: string;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp({ connection: db.connection });
  admin = await signIn(app.url, await createStaff(db.connection, 'admin'));
  successUser = await createStaff(db.connection, 'success', { name: 'Sam Success' });
  success = await signIn(app.url, successUser);
  apiKey = (await createApiKey(db.connection, { name: 'host crm', scopes: ['events:write', 'customers:read', 'customers:write'] })).token;
  // The cause the tests are about, added the way an admin does.
  await addCause('onboarding', 'Onboarding & setup', '上手引导');
});

afterAll(async () => {
  await app.close();
  await db.close();
});

async function addCause(code: string, en: string, zh: string): Promise<void> {
  const response = await admin.postForm('/admin/causes', {
    code,
    labelEn: en,
    labelZh: zh,
    descriptionEn: 'Customers who never got going with the product.',
    descriptionZh: '没能开始使用产品的客户。',
    recoverable: 'yes',
    leverEn: 'A guided setup call.',
    leverZh: '一次引导设置电话。',
  });
  expect(response.status).toBe(303);
}

interface ApiResponse {
  status: number;
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON read by the test
}

async function api(method: string, path: string, body?: unknown): Promise<ApiResponse> {
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${apiKey}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${app.url}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Staff JSON requests (segments) with the session's CSRF token. */
async function postJson(agent: Agent, path: string, body: unknown): Promise<ApiResponse> {
  const token = await agent.csrfToken();
  const response = await agent.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': token }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const problems = (response: ApiResponse) => response.body.error?.details as Array<{ field: string; reason: string }>;

/** A churned customer of the test's own plan, with a cause and the customer's words. */
async function churnedCustomer(cause: Partial<NonNullable<Customer['cause']>> = {}, overrides: Partial<Customer> = {}): Promise<Customer> {
  const id = randomUUID().slice(0, 8);
  const created = await customerModel(db.connection).create({
    source: 'test',
    externalId: `added-${id}`,
    name: `Customer ${id}`,
    email: `added-${id}@example.com`,
    status: 'churned',
    churnedAt: new Date(Date.now() - 10 * 86_400_000),
    plan: `plan-${id}`,
    contact: { emailConsent: true, doNotContact: false },
    cause: { code: 'other', source: 'survey', reason: 'We never managed to set the product up', setAt: new Date(), ...cause },
    ...overrides,
  });
  return created.toObject() as Customer;
}

const stored = async (customer: Customer) => (await customerModel(db.connection).findById(customer._id).lean<Customer>().exec())!;

/** A definition over one customer's own plan and a cause condition. */
function byPlanAndCause(plan: string, causes: string[]) {
  return {
    match: 'all',
    groups: [
      { match: 'all', conditions: [{ field: 'plan', op: 'in', value: [plan] }] },
      { match: 'all', conditions: [{ field: 'cause', op: 'in', value: causes }] },
    ],
  };
}

/** The campaign form's fields for a valid campaign whose one offer rule names `causes`. */
function campaignFields(segmentId: string, causes: string | string[]): Record<string, string | string[]> {
  return {
    name: `Win-back ${randomUUID().slice(0, 6)}`,
    goal: '',
    segmentId,
    holdoutPercent: '0',
    'offers.0.tiers': '*',
    'offers.0.causes': causes,
    'offers.0.action': 'personal_call',
    'steps.0.day': '0',
    'schedule.startAt': '2026-11-02T10:00',
    'schedule.windowStartHour': '9',
    'schedule.windowEndHour': '18',
    'schedule.throttlePerMinute': '1000',
    'schedule.frequencyCapDays': '7',
    'schedule.defaultTimezone': 'UTC',
    landingUrl: 'https://shop.example.com/welcome-back',
    attributionDays: '30',
    action: 'save',
  };
}

async function savedSegmentFor(plan: string): Promise<string> {
  const response = await postJson(admin, '/segments', { name: `Segment ${plan}`, definition: { match: 'all', groups: [{ match: 'all', conditions: [{ field: 'plan', op: 'in', value: [plan] }] }] } });
  expect(response.status).toBe(201);
  return String(response.body.segment._id);
}

describe('a cause an admin added', () => {
  it('when staff set it on a customer, then the page shows its label, the audit log records it, a segment counts the customer, campaigns offer a cell for it and the dashboard lists it', async () => {
    const reported = await api('POST', '/churn-events', {
      eventId: `evt-${randomUUID()}`,
      customer: { externalId: `added-${randomUUID().slice(0, 8)}`, name: 'Olga Onboard', email: 'olga@example.com', emailConsent: true, plan: `plan-${randomUUID().slice(0, 8)}` },
      at: new Date(Date.now() - 5 * 86_400_000).toISOString(),
      trigger: 'cancellation',
      cause: { code: 'price', reason: 'We could never get the product set up' },
    });
    expect(reported.status).toBe(201);
    const customerId = String(reported.body.customer.id);
    const plan = String(reported.body.customer.plan);

    const form = await (await success.get(`/customers/${customerId}/cause`)).text();
    expect(form).toContain('<option value="onboarding">Onboarding &amp; setup</option>');
    const override = await success.postForm(`/customers/${customerId}/cause`, { code: 'onboarding', comment: 'Told us on the phone: setup never worked' });

    expect(override.status).toBe(303);
    const customer = (await customerModel(db.connection).findById(customerId).lean<Customer>().exec())!;
    expect(customer.cause).toMatchObject({ code: 'onboarding', source: 'staff', setBy: successUser.id });
    const page = await (await success.get(`/customers/${customerId}`)).text();
    expect(page).toContain('Onboarding &amp; setup');
    expect(page).not.toContain('Onboarding & setup');
    const [audit] = await auditEntriesAbout(db.connection, 'customer', customer._id);
    expect(audit).toMatchObject({ action: 'customer.cause_override', actorId: successUser.id, after: expect.objectContaining({ code: 'onboarding' }), before: expect.objectContaining({ code: 'price' }) });

    const preview = await postJson(admin, '/segments/preview', byPlanAndCause(plan, ['onboarding']));
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ count: 1, sample: [expect.objectContaining({ _id: customerId, cause: 'onboarding' })] });
    const builder = await (await admin.get('/segments/new')).text();
    expect(builder).toContain('&quot;onboarding&quot;:&quot;Onboarding &amp; setup&quot;');

    const campaignForm = await (await admin.get('/campaigns/new')).text();
    expect(campaignForm).toMatch(/name="offers\.0\.causes" value="onboarding"/);
    const saved = await admin.postForm('/campaigns', campaignFields(await savedSegmentFor(plan), 'onboarding'));
    expect(saved.status).toBe(303);
    const campaign = await campaignModel(db.connection).findById(String(saved.headers.get('location')).split('/').pop()).lean().exec();
    expect(campaign?.offers[0].causes).toEqual(['onboarding']);

    const dashboard = await (await admin.get('/dashboard')).text();
    expect(dashboard).toContain('Onboarding &amp; setup');
    const csv = await (await admin.get('/dashboard/causes.csv')).text();
    expect(csv).toMatch(/^onboarding,1$/m);
  });

  it('when a queued customer is corrected to it and the classifier retrains, then the model has learnt it as a class', async () => {
    const texts = [
      'nobody helped us set the account up in the first weeks',
      'the setup wizard never finished and we gave up',
      'we could not get started, the first steps were too confusing',
      'no one walked us through the initial configuration',
      'getting started took so long we never really used it',
      'the welcome call never happened and we were lost from day one',
      'we never finished importing our data at the start',
      'the kickoff training was cancelled twice so the team never adopted it',
      'setup instructions were missing and we stalled in week one',
      'after signing up nobody showed us how to begin',
      'our team never got onboarded properly',
      'first login was confusing and no guide was offered',
    ];
    const queued = await churnedCustomer({ reason: texts[0] });
    await saveClassificationSettings(db.connection, { reviewThreshold: 0.99, retrainAfterLabels: 50 });
    await classifyCustomer(db.connection, queued._id, { text: texts[0] });
    await saveClassificationSettings(db.connection, { reviewThreshold: 0.25, retrainAfterLabels: 50 });
    expect((await stored(queued)).cause).toMatchObject({ needsReview: true });
    expect(await (await success.get('/causes/review')).text()).toContain('<option value="onboarding">Onboarding &amp; setup</option>');

    const corrected = await success.postForm(`/causes/review/${queued._id}/correct`, { cause: 'onboarding' });

    expect(corrected.status).toBe(303);
    expect((await stored(queued)).cause).toMatchObject({ code: 'onboarding', source: 'staff', reason: texts[0] });
    // More labels from staff overrides, enough for the cause to be learnt and measured.
    for (const text of texts.slice(1)) {
      const labelled = await churnedCustomer({ reason: text });
      expect((await success.postForm(`/customers/${labelled._id}/cause`, { code: 'onboarding', comment: 'from the exit call' })).status).toBe(303);
    }
    expect((await admin.postForm('/admin/classifier/retrain', {})).status).toBe(303);

    const active = await loadActiveModel(db.connection);
    expect(active?.model.naiveBayes.causes).toContain('onboarding');
    expect((await loadActiveClassifier(db.connection)).allowedCauses.has('onboarding')).toBe(true);
  });
});

describe('a cause the taxonomy does not know', () => {
  it('when staff override to it on the form, then the form answers 400 beside the field and nothing changes', async () => {
    const customer = await churnedCustomer({ code: 'price' });

    const response = await success.postForm(`/customers/${customer._id}/cause`, { code: 'xyz', comment: 'typo' });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('This cause is not in the taxonomy.');
    expect((await stored(customer)).cause).toMatchObject({ code: 'price', source: 'survey' });
    expect(await auditEntriesAbout(db.connection, 'customer', customer._id)).toEqual([]);
  });

  it('when the API sets it or reports a churn with it, then it answers 400 naming the field and nothing is written', async () => {
    const customer = await churnedCustomer({ code: 'price' });
    const externalId = `added-${randomUUID().slice(0, 8)}`;
    const eventId = `evt-${randomUUID()}`;

    const patched = await api('PATCH', `/customers/${customer._id}`, { cause: { code: 'xyz' } });
    const reported = await api('POST', '/churn-events', { eventId, customer: { externalId, name: 'New Person' }, at: '2026-10-01T00:00:00Z', trigger: 'cancellation', cause: { code: 'price', secondary: 'xyz' } });

    expect(patched.status).toBe(400);
    expect(problems(patched)).toEqual([{ field: 'cause.code', reason: 'unknown cause "xyz"' }]);
    expect((await stored(customer)).cause).toMatchObject({ code: 'price', source: 'survey' });
    expect(reported.status).toBe(400);
    expect(problems(reported)).toEqual([{ field: 'cause.secondary', reason: 'unknown cause "xyz"' }]);
    expect(await customerModel(db.connection).countDocuments({ externalId })).toBe(0);
    expect(await db.connection.collection('customer_events').countDocuments({ 'data.eventId': eventId })).toBe(0);
  });

  it('when an interview names it, then the form answers 400 beside the field and no interview is stored', async () => {
    const customer = await churnedCustomer({ code: 'price' });

    const response = await success.postForm(`/customers/${customer._id}/interviews`, {
      heldOn: '2026-06-20',
      channel: 'call',
      interviewerId: successUser.id,
      notes: 'They never got going.',
      reasons: ['price', 'xyz'],
      primaryCause: 'xyz',
    });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<p class="field__error" id="primaryCause-error">This cause is not in the taxonomy. Choose one of the causes in the list.</p>');
    expect(await interviewModel(db.connection).countDocuments({ customerId: customer._id })).toBe(0);
    expect((await stored(customer)).cause).toMatchObject({ code: 'price', source: 'survey' });
  });

  it('when a segment, a preview or a customer list filters by it, then each answers 400 naming the field and no segment is stored', async () => {
    const name = `Unknown cause ${randomUUID().slice(0, 6)}`;

    const saved = await postJson(admin, '/segments', { name, definition: byPlanAndCause('any-plan', ['price', 'xyz']) });
    const preview = await postJson(admin, '/segments/preview', byPlanAndCause('any-plan', ['xyz']));
    const listed = await api('GET', '/customers?cause=price,xyz');

    expect(saved.status).toBe(400);
    expect(problems(saved)).toEqual([{ field: 'definition.groups.1.conditions.0.value.1', reason: 'unknown cause "xyz"' }]);
    expect(await segmentModel(db.connection).countDocuments({ name })).toBe(0);
    expect(preview.status).toBe(400);
    expect(problems(preview)).toEqual([{ field: 'groups.1.conditions.0.value.0', reason: 'unknown cause "xyz"' }]);
    expect(listed.status).toBe(400);
    expect(problems(listed)).toEqual([{ field: 'cause', reason: 'unknown cause "xyz"' }]);
  });

  it('when a campaign offer is given to it, then the form answers 400 naming the cell and no campaign is stored', async () => {
    const fields = campaignFields(await savedSegmentFor(`plan-${randomUUID().slice(0, 8)}`), ['price', 'xyz']);

    const response = await admin.postForm('/campaigns', fields);

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('“xyz” is not a cause of the taxonomy.');
    expect(await campaignModel(db.connection).countDocuments({ name: String(fields.name) })).toBe(0);
  });

  it('when an import file names it, then that row is refused with the column and the reason and not written; the others are imported', async () => {
    const source = `import-${randomUUID().slice(0, 6)}`;
    const csv = 'external_id,name,status,cause\nimp-1,Ada,churned,onboarding\nimp-2,Bob,churned,xyz\n';
    const form = new FormData();
    form.set('file', new Blob([csv], { type: 'text/csv' }), 'customers.csv');
    form.set('mapping', 'generic');
    form.set('source', source);
    const token = await success.csrfToken();

    const response = await success.fetch(`/customers/import?_csrf=${encodeURIComponent(token)}`, { method: 'POST', body: form, headers: { accept: 'text/html' } });
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toContain('cause: unknown cause &quot;xyz&quot;');
    expect(html).toContain('<li>Onboarding &amp; setup: 1</li>');
    const imported = await customerModel(db.connection).find({ source }, { externalId: 1, 'cause.code': 1 }).lean<Customer[]>().exec();
    expect(imported.map((customer) => [customer.externalId, customer.cause?.code])).toEqual([['imp-1', 'onboarding']]);
  });

  it('when the review queue is asked to correct to it, then it answers 400 and the customer still waits', async () => {
    const queued = await churnedCustomer({ reason: 'hard to say', needsReview: true, source: 'classifier' });

    const response = await success.postForm(`/causes/review/${queued._id}/correct`, { cause: 'xyz' });

    expect(response.status).toBe(400);
    expect((await stored(queued)).cause).toMatchObject({ code: 'other', needsReview: true, source: 'classifier' });
  });
});

describe('a retired cause', () => {
  it('when staff try to assign it, then they are refused; old records still show it and filters by it still find them', async () => {
    await addCause('setup-fees', 'Setup fees', '开通费');
    const old = await churnedCustomer({ code: 'setup-fees', source: 'staff' });
    const another = await churnedCustomer({ code: 'price' });
    expect((await admin.postForm('/admin/causes/setup-fees/retire', {})).status).toBe(303);

    const override = await success.postForm(`/customers/${another._id}/cause`, { code: 'setup-fees', comment: 'old habit' });
    const patched = await api('PATCH', `/customers/${another._id}`, { cause: { code: 'setup-fees' } });

    expect(override.status).toBe(400);
    expect(await override.text()).toContain('This cause is retired and can no longer be assigned.');
    expect(patched.status).toBe(400);
    expect(problems(patched)).toEqual([{ field: 'cause.code', reason: 'cause "setup-fees" is retired and can no longer be assigned' }]);
    expect((await stored(another)).cause).toMatchObject({ code: 'price', source: 'survey' });

    expect(await (await success.get(`/customers/${old._id}`)).text()).toContain('Setup fees (retired)');
    expect(await (await success.get(`/customers/${another._id}/cause`)).text()).not.toContain('value="setup-fees"');
    const listed = await api('GET', `/customers?cause=setup-fees&source=test`);
    expect(listed.status).toBe(200);
    expect(listed.body.customers.map((customer: { id: string }) => customer.id)).toContain(String(old._id));
    const preview = await postJson(admin, '/segments/preview', byPlanAndCause(String(old.plan), ['setup-fees']));
    expect(preview.status).toBe(200);
    expect(preview.body.count).toBe(1);
    expect((await loadActiveClassifier(db.connection)).allowedCauses.has('setup-fees')).toBe(false);
  });
});
