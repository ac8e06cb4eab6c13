/** The segment pages and the preview endpoint through HTTP, signed in as staff. */
import { randomUUID } from 'node:crypto';
import { segmentModel } from '../../../src/modules/segments/segment.model';
import { startTestApp } from '../../helpers/app';
import { anonymousAgent, createStaff, signIn, type Agent } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';
import { eligibleCustomer, uniquePlan } from './support';

let db: TestDatabase;
let app: ListeningApp;
let marketer: Agent;

beforeAll(async () => {
  db = await createTestDatabase();
  await segmentModel(db.connection).init();
  app = await startTestApp({ connection: db.connection });
  marketer = await signIn(app.url, await createStaff(db.connection, 'marketer'));
});
afterAll(async () => {
  await app.close();
  await db.close();
});

const onePlan = (plan: string) => ({ match: 'all', groups: [{ match: 'all', conditions: [{ field: 'plan', op: 'in', value: [plan] }] }] });

async function postJson(agent: Agent, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return agent.fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': await agent.csrfToken(), ...headers },
    body: JSON.stringify(body),
  });
}

/** What the JSON answers of these routes hold. */
interface JsonAnswer {
  count?: number;
  sample?: unknown[];
  suppressed?: Record<string, number>;
  segment?: unknown;
  error?: { details: { field: string; reason: string }[] };
}
const jsonOf = async (response: Response) => (await response.json()) as JsonAnswer;

/** The builder's fields for one plan condition, as the page posts them. */
const builderFields = (plan: string, extra: Record<string, string | string[]> = {}) => ({
  name: '',
  description: '',
  'definition.match': 'all',
  'definition.groups.0.match': 'all',
  'definition.groups.0.conditions.0.field': 'plan',
  'definition.groups.0.conditions.0.op': 'in',
  'definition.groups.0.conditions.0.value': plan,
  ...extra,
});

describe('the preview endpoint', () => {
  test('when a marketer previews a definition, then the count, a sample and each suppression come back as JSON', async () => {
    const plan = uniquePlan();
    await eligibleCustomer(db.connection, { plan, name: 'Reachable' });
    await eligibleCustomer(db.connection, { plan, contact: { unsubscribedAt: new Date() } });

    const response = await postJson(marketer, '/segments/preview', onePlan(plan));

    expect(response.status).toBe(200);
    const body = await jsonOf(response);
    expect(body).toMatchObject({ count: 1, sample: [{ name: 'Reachable' }], suppressed: { unsubscribed: 1, natural: 0, holdout: 0 } });
  });

  test('when the definition is invalid, then 400 names each field path with a reason in the request language', async () => {
    const bad = { match: 'all', groups: [{ match: 'all', conditions: [{ field: 'status', op: 'in', value: [] }, { field: 'clv', op: '$gt', value: 5 }] }] };

    const response = await postJson(marketer, '/segments/preview', bad);
    const chineseReader = await signIn(app.url, await createStaff(db.connection, 'marketer'));
    const chinese = await postJson(chineseReader, '/segments/preview?lang=zh-CN', bad);

    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error?.details).toEqual([
      { field: 'groups.0.conditions.0.value', reason: 'Pick or enter at least one value.' },
      { field: 'groups.0.conditions.1.op', reason: 'Choose a condition this field offers.' },
    ]);
    expect((await jsonOf(chinese)).error?.details[0]).toEqual({ field: 'groups.0.conditions.0.value', reason: '请至少选择或输入一个值。' });
  });

  test('when the page script posts the form fields, then the preview reads them like the form does', async () => {
    const plan = uniquePlan();
    await eligibleCustomer(db.connection, { plan });
    const body = new URLSearchParams({ ...builderFields(plan), _csrf: await marketer.csrfToken() });

    const response = await marketer.fetch('/segments/preview', { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });

    expect(response.status).toBe(200);
    expect((await jsonOf(response)).count).toBe(1);
  });

  test('when the CSRF token is missing, or the role is customer success, or nobody is signed in, then the preview is refused', async () => {
    const success = await signIn(app.url, await createStaff(db.connection, 'success'));
    const noToken = await marketer.fetch('/segments/preview', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(onePlan('x')) });

    expect(noToken.status).toBe(403);
    expect((await postJson(success, '/segments/preview', onePlan('x'))).status).toBe(403);
    expect((await postJson(anonymousAgent(app.url), '/segments/preview', onePlan('x'))).status).toBe(401);
  });
});

describe('the builder without JavaScript', () => {
  test('when "Add condition" and "Add group" are pressed, then the page comes back with the new rows and the typed values', async () => {
    const plan = uniquePlan();
    const added = await marketer.postForm('/segments', builderFields(plan, { name: 'Draft <b>bold</b>', action: 'addCondition:0' }));
    const html = await added.text();

    expect(added.status).toBe(200);
    expect(html).toContain('name="definition.groups.0.conditions.1.field"');
    expect(html).toContain(`value="${plan}"`);
    expect(html).toContain('value="Draft &lt;b&gt;bold&lt;/b&gt;"');

    const grouped = await (await marketer.postForm('/segments', builderFields(plan, { action: 'addGroup' }))).text();
    expect(grouped).toContain('name="definition.groups.1.conditions.0.field"');
  });

  test('when a condition is removed, or its field is changed and the preview updated, then the rows follow', async () => {
    const plan = uniquePlan();
    const twoRows = builderFields(plan, {
      'definition.groups.0.conditions.1.field': 'churnedBetween',
      'definition.groups.0.conditions.1.op': 'in',
      'definition.groups.0.conditions.1.value': 'churned',
    });

    const refreshed = await (await marketer.postForm('/segments', { ...twoRows, action: 'refresh' })).text();
    expect(refreshed).toContain('name="definition.groups.0.conditions.1.value.from" type="date"');
    expect(refreshed).toContain('<option value="between" selected>');

    const removed = await (await marketer.postForm('/segments', { ...twoRows, action: 'removeCondition:0:0' })).text();
    expect(removed).not.toContain(`value="${plan}"`);
    expect(removed).toContain('name="definition.groups.0.conditions.0.value.from"');
  });

  test('when the draft is valid, then the page shows the member count and the suppressions without any script', async () => {
    const plan = uniquePlan();
    await eligibleCustomer(db.connection, { plan, name: 'Visible Member' });
    await eligibleCustomer(db.connection, { plan, status: 'won_back' });

    const html = await (await marketer.postForm('/segments', builderFields(plan, { action: 'refresh' }))).text();

    expect(html).toContain('<strong data-preview-count>1</strong>');
    expect(html).toContain('<strong data-suppressed="wonBack">1</strong>');
    expect(html).toContain('Visible Member');
    expect(html).toContain('<script src="/assets/js/segment-builder.js" defer></script>');
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]/);
  });

  test('when a segment is saved with problems, then the form comes back with messages beside the fields, the values kept and nothing saved', async () => {
    const plan = uniquePlan();
    const response = await marketer.postForm('/segments', {
      ...builderFields(plan, { 'definition.groups.0.conditions.1.field': 'inactiveForDays', 'definition.groups.0.conditions.1.op': 'gte', 'definition.groups.0.conditions.1.value': '0' }),
      description: 'kept description',
      action: 'save',
    });
    const html = await response.text();

    expect(response.status).toBe(400);
    expect(html).toContain('Please correct the fields marked below.');
    expect(html).toMatch(/id="segment-name-error">Fill in this field\./);
    expect(html).toMatch(/data-error-for="groups\.0\.conditions\.1\.value">Enter a whole number of days from 1 to 3650\./);
    expect(html).toContain('value="kept description"');
    expect(html).toContain(`value="${plan}"`);
    expect(await segmentModel(db.connection).countDocuments({ description: 'kept description' })).toBe(0);
  });
});

describe('saved segments through the pages', () => {
  test('when a segment is saved, edited and deleted, then the list follows and shows the name escaped', async () => {
    const plan = uniquePlan();
    const name = `<i>Lapsed</i> ${randomUUID().slice(0, 6)}`;
    const saved = await marketer.postForm('/segments', builderFields(plan, {
      name,
      'definition.groups.0.conditions.1.field': 'churnedBetween',
      'definition.groups.0.conditions.1.op': 'between',
      'definition.groups.0.conditions.1.value.from': '2026-01-01',
      'definition.groups.0.conditions.1.value.to': '2026-03-31',
      action: 'save',
    }));
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/segments');

    const list = await (await marketer.get('/segments', { headers: { accept: 'text/html' } })).text();
    expect(list).toContain(name.replace('<i>', '&lt;i&gt;').replace('</i>', '&lt;/i&gt;'));
    const stored = await segmentModel(db.connection).findOne({ name }).lean();
    expect(stored?.definition.groups[0].conditions[1]).toMatchObject({ value: { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-03-31T23:59:59.999Z') } });

    const edit = await (await marketer.get(`/segments/${String(stored?._id)}/edit`, { headers: { accept: 'text/html' } })).text();
    expect(edit).toContain('value="2026-03-31"');
    expect(edit).toContain(`action="/segments/${String(stored?._id)}"`);

    const updated = await marketer.postForm(`/segments/${String(stored?._id)}`, builderFields(plan, { name, description: 'now described', action: 'save' }));
    expect(updated.status).toBe(303);
    expect((await segmentModel(db.connection).findById(stored?._id).lean())?.description).toBe('now described');

    const deleted = await marketer.postForm(`/segments/${String(stored?._id)}/delete`, {});
    expect(deleted.status).toBe(303);
    expect(await segmentModel(db.connection).countDocuments({ name })).toBe(0);
  });

  test('when JSON clients save, then a bad definition is 400 with its path and a good one is 201', async () => {
    const name = `API ${randomUUID().slice(0, 6)}`;
    const bad = await postJson(marketer, '/segments', { name, definition: { match: 'all', groups: [{ match: 'all', conditions: [{ field: 'email', op: 'in', value: ['x'] }] }] } });

    expect(bad.status).toBe(400);
    expect((await jsonOf(bad)).error?.details).toEqual([{ field: 'definition.groups.0.conditions.0.field', reason: 'Choose one of the fields.' }]);
    expect(await segmentModel(db.connection).countDocuments({ name })).toBe(0);

    const good = await postJson(marketer, '/segments', { name, definition: onePlan('Pro') });
    expect(good.status).toBe(201);
    expect((await jsonOf(good)).segment).toMatchObject({ name, definition: onePlan('Pro') });
  });

  test('when the pages are opened in Chinese, then the builder speaks Chinese', async () => {
    const chineseReader = await signIn(app.url, await createStaff(db.connection, 'admin'));
    const html = await (await chineseReader.get('/segments/new?lang=zh-CN', { headers: { accept: 'text/html' } })).text();

    expect(html).toContain('新建细分');
    expect(html).toContain('流失原因');
    expect(html).toContain('始终排除');
  });

  test('when the builder script is requested, then it is served as a static file', async () => {
    const response = await fetch(`${app.url}/assets/js/segment-builder.js`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
  });
});
