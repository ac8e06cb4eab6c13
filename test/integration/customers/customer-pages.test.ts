/** The staff customer list and customer page through HTTP: search, filters, sort, pages, the exit-survey button and the cause override. */
import { Types } from 'mongoose';
import { renameCause, seedTaxonomy } from '../../../src/modules/classification/taxonomy.service';
import { auditEntryModel } from '../../../src/shared/audit/audit-log.model';
import { timelineEventModel } from '../../../src/modules/customers/customer-event.model';
import { customerModel, type Customer } from '../../../src/modules/customers/customer.model';
import { recordTimelineEvent } from '../../../src/modules/customers/timeline.service';
import { transactionModel } from '../../../src/modules/customers/transaction.model';
import { invitationModel } from '../../../src/modules/surveys/invitation.model';
import { ensureDefaultSurvey } from '../../../src/modules/surveys/surveys.service';
import { startTestApp } from '../../helpers/app';
import { createStaff, signIn, type Agent, type TestStaff } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';
import { listedNames, staffCustomer, uniqueTag } from './staff-pages-support';

let db: TestDatabase;
let app: ListeningApp;
let success: Agent;
let successUser: TestStaff;
let marketer: Agent;

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureDefaultSurvey(db.connection);
  app = await startTestApp({ connection: db.connection });
  successUser = await createStaff(db.connection, 'success', { name: 'Mei Lin' });
  success = await signIn(app.url, successUser);
  marketer = await signIn(app.url, await createStaff(db.connection, 'marketer'));
});
afterAll(async () => {
  await app.close();
  await db.close();
});

const page = async (agent: Agent, path: string) => {
  const response = await agent.get(path, { headers: { accept: 'text/html' } });
  return { status: response.status, html: await response.text() };
};
/** Another success user for pages in Chinese: `?lang=` is remembered in the agent's cookie. */
const chineseReader = async () => signIn(app.url, await createStaff(db.connection, 'success'));
/** An attribute value as the browser reads it (Handlebars escapes = and & in attributes). */
const attribute = (text: string) => text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
const customerOf = async (id: Types.ObjectId) => (await customerModel(db.connection).findById(id).lean<Customer>().exec()) as Customer;

describe('the customer list', () => {
  test('when staff search by the start of a name, an e-mail or an external id, then only those customers are listed', async () => {
    const tag = uniqueTag();
    await staffCustomer(db.connection, { tags: [tag], name: 'Harriet Quill', email: 'hq@example.org', externalId: 'CRM-7781' });
    await staffCustomer(db.connection, { tags: [tag], name: 'Oscar Ruiz', email: 'oscar@example.org', externalId: 'CRM-1200' });

    const byName = await page(success, `/customers?tag=${tag}&q=QUI`);
    const byEmail = await page(success, `/customers?tag=${tag}&q=oscar%40`);
    const byId = await page(success, `/customers?tag=${tag}&q=crm-77`);

    expect(byName.status).toBe(200);
    expect(listedNames(byName.html)).toEqual(['Harriet Quill']);
    expect(listedNames(byEmail.html)).toEqual(['Oscar Ruiz']);
    expect(listedNames(byId.html)).toEqual(['Harriet Quill']);
    expect(byName.html).toContain('Customers 1–1 of 1');
    expect(byName.html).toContain('value="QUI"');
  });

  test('when the list is filtered by status, tier, cause, RFM level, owner and churn dates, then only matches are listed, with counts per status', async () => {
    const tag = uniqueTag();
    const owner = await createStaff(db.connection, 'success', { name: 'Owner Olga' });
    const ownerId = new Types.ObjectId(owner.id);
    const cause = { code: 'price' as const, source: 'survey' as const, setAt: new Date() };
    await staffCustomer(db.connection, { tags: [tag], name: 'Match', tier: 'VIP', rfmLevel: 'red', cause, ownerId, churnedAt: new Date('2026-03-10T00:00:00Z') });
    await staffCustomer(db.connection, { tags: [tag], name: 'Wrong tier', tier: 'C', rfmLevel: 'red', cause, ownerId, churnedAt: new Date('2026-03-10T00:00:00Z') });
    await staffCustomer(db.connection, { tags: [tag], name: 'Wrong month', tier: 'VIP', rfmLevel: 'red', cause, ownerId, churnedAt: new Date('2026-04-01T00:00:00Z') });
    await staffCustomer(db.connection, { tags: [tag], name: 'Wrong owner', tier: 'VIP', rfmLevel: 'red', cause, churnedAt: new Date('2026-03-10T00:00:00Z') });
    await staffCustomer(db.connection, { tags: [tag], name: 'Still active', status: 'active', tier: 'VIP', rfmLevel: 'red', cause, ownerId, churnedAt: new Date('2026-03-10T00:00:00Z') });

    const filter = `tag=${tag}&tier=VIP&cause=price&rfmLevel=red&owner=${owner.id}&churnedFrom=2026-03-01&churnedTo=2026-03-31`;
    const { status, html } = await page(success, `/customers?${filter}&status=churned&lang=en`);

    expect(status).toBe(200);
    expect(listedNames(html)).toEqual(['Match']);
    expect(html).toContain('Owner Olga');
    // The status tabs count the filter without its status: one churned, one active.
    expect(html).toMatch(/aria-current="page">Churned <span class="status-tabs__count">1<\/span>/);
    expect(html).toMatch(/>Active <span class="status-tabs__count">1<\/span>/);
    expect(html).toMatch(/>All <span class="status-tabs__count">2<\/span>/);
    // The export link carries the same filter, and exports exactly these customers.
    const exportHref = attribute(/href="(\/customers\/export\.csv\?[^"]+)"/.exec(html)?.[1] ?? '');
    expect(exportHref).toContain(`tag=${tag}`);
    expect(exportHref).not.toContain('lang=');
    const csv = await (await success.get(exportHref)).text();
    expect(csv.trim().split('\n')).toHaveLength(2);
    expect(csv).toContain('Match');
  });

  test('when an empty field is sent (any status), then it is no filter at all', async () => {
    const tag = uniqueTag();
    await staffCustomer(db.connection, { tags: [tag], name: 'Anyone' });

    const { status, html } = await page(success, `/customers?tag=${tag}&q=&status=&tier=&cause=&rfmLevel=&owner=&churnedFrom=&churnedTo=&sort=name-asc`);

    expect(status).toBe(200);
    expect(listedNames(html)).toEqual(['Anyone']);
  });

  test('when the list is sorted by lifetime value, by name or by churn date, then the order follows', async () => {
    const tag = uniqueTag();
    await staffCustomer(db.connection, { tags: [tag], name: 'bravo', clv: 300, churnedAt: new Date('2026-01-01T00:00:00Z') });
    await staffCustomer(db.connection, { tags: [tag], name: 'Alpha', clv: 100, churnedAt: new Date('2026-03-01T00:00:00Z') });
    await staffCustomer(db.connection, { tags: [tag], name: 'Charlie', clv: 200, churnedAt: new Date('2026-02-01T00:00:00Z') });

    expect(listedNames((await page(success, `/customers?tag=${tag}&sort=clv-desc`)).html)).toEqual(['bravo', 'Charlie', 'Alpha']);
    expect(listedNames((await page(success, `/customers?tag=${tag}&sort=clv-asc`)).html)).toEqual(['Alpha', 'Charlie', 'bravo']);
    expect(listedNames((await page(success, `/customers?tag=${tag}&sort=name-asc`)).html)).toEqual(['Alpha', 'bravo', 'Charlie']);
    expect(listedNames((await page(success, `/customers?tag=${tag}`)).html)).toEqual(['Alpha', 'Charlie', 'bravo']);
    expect(listedNames((await page(success, `/customers?tag=${tag}&sort=churned-asc`)).html)).toEqual(['bravo', 'Charlie', 'Alpha']);
  });

  test('when more customers match than a page holds, then the pages show each one once, with previous and next links', async () => {
    const tag = uniqueTag();
    const names = Array.from({ length: 27 }, (_, index) => `Paged ${String(index).padStart(2, '0')}`);
    await customerModel(db.connection).insertMany(
      names.map((name, index) => ({ source: 'test', externalId: `${tag}-${index}`, name, status: 'churned', tags: [tag], searchKeys: [], value: { clv: index, rfm: { level: 'none' }, computedAt: new Date() } })),
    );

    const first = await page(success, `/customers?tag=${tag}&sort=clv-asc`);
    const second = await page(success, `/customers?tag=${tag}&sort=clv-asc&page=2`);
    const beyond = await page(success, `/customers?tag=${tag}&sort=clv-asc&page=99`);

    expect(listedNames(first.html)).toEqual(names.slice(0, 25));
    expect(listedNames(second.html)).toEqual(names.slice(25));
    expect(first.html).toContain('Page 1 of 2');
    expect(attribute(first.html)).toContain(`href="/customers?tag=${tag}&sort=clv-asc&page=2" rel="next"`);
    expect(second.html).toContain('rel="prev"');
    expect(second.html).not.toContain('rel="next"');
    expect(second.html).toContain('Customers 26–27 of 27');
    expect(listedNames(beyond.html)).toEqual(names.slice(25));
  });

  test('when a filter value is wrong, then the list answers 400 with a message beside the field and the values kept', async () => {
    const { status, html } = await page(success, '/customers?churnedFrom=2026-02-30&status=gone&q=kept');
    const reversed = await page(success, '/customers?churnedFrom=2026-05-01&churnedTo=2026-04-01');

    expect(status).toBe(400);
    expect(html).toContain('Please correct the fields marked below.');
    expect(html).toMatch(/id="churnedFrom-error">Enter a date such as 2026-03-14\./);
    expect(html).toMatch(/id="status-error">Choose one of the options\./);
    expect(html).toContain('value="2026-02-30"');
    expect(html).toContain('value="kept"');
    expect(listedNames(html)).toEqual([]);
    expect(reversed.status).toBe(400);
    expect(reversed.html).toMatch(/id="churnedTo-error">This date is before/);
  });

  test('when the list is read in Chinese, then labels and statuses are Chinese', async () => {
    const tag = uniqueTag();
    await staffCustomer(db.connection, { tags: [tag], name: '王芳' });

    const { html } = await page(await chineseReader(), `/customers?tag=${tag}&lang=zh-CN`);

    expect(html).toContain('<h1>客户</h1>');
    expect(html).toContain('已流失');
    expect(listedNames(html)).toEqual(['王芳']);
  });
});

describe('the customer page', () => {
  test('when staff open a customer, then profile, value, cause with its source and the timeline are shown in words', async () => {
    const owner = await createStaff(db.connection, 'success', { name: 'Owner Oskar' });
    const customer = await staffCustomer(db.connection, {
      name: 'Ada Byron',
      phone: '+44 20 7946 0000',
      plan: 'Business 50',
      locale: 'zh-CN',
      tags: ['fleet', 'north'],
      ownerId: new Types.ObjectId(owner.id),
      churnType: 'voluntary',
      clv: 48_250,
      tier: 'VIP',
      rfmLevel: 'orange',
      contact: { emailConsent: true, doNotContact: true, unsubscribedAt: new Date('2026-07-01T00:00:00Z') },
      cause: {
        code: 'competitor',
        secondary: 'price',
        confidence: 0.82,
        source: 'classifier',
        reason: 'Their offer was half the price.',
        setBy: 'classifier',
        setAt: new Date('2026-06-20T00:00:00Z'),
        explanation: [{ signal: 'lexicon', cause: 'competitor', evidence: 'their offer', weight: 0.61 }],
      },
    });
    await recordTimelineEvent(db.connection, { customerId: customer._id, type: 'churned', at: new Date('2026-06-15T00:00:00Z'), origin: 'api', actor: 'crm-sync', data: { trigger: 'cancellation', churnType: 'voluntary' } });
    await recordTimelineEvent(db.connection, { customerId: customer._id, type: 'survey_sent', at: new Date('2026-06-16T00:00:00Z'), origin: 'surveys' });
    await recordTimelineEvent(db.connection, { customerId: customer._id, type: 'survey_answered', at: new Date('2026-06-18T00:00:00Z'), origin: 'surveys', data: { cause: 'competitor' } });
    await recordTimelineEvent(db.connection, { customerId: customer._id, type: 'campaign_message', at: new Date('2026-06-25T00:00:00Z'), origin: 'campaigns', data: { campaignId: String(new Types.ObjectId()), step: 0 } });
    await recordTimelineEvent(db.connection, { customerId: customer._id, type: 'reactivated', at: new Date('2026-07-10T00:00:00Z'), origin: 'api', actor: 'crm-sync', data: { monthlyRevenue: 120 } });
    await transactionModel(db.connection).insertMany([
      { customerId: customer._id, transactionId: `${customer.externalId}-1`, kind: 'order', at: new Date('2026-01-05T00:00:00Z'), amount: 100 },
      { customerId: customer._id, transactionId: `${customer.externalId}-2`, kind: 'order', at: new Date('2026-02-05T00:00:00Z'), amount: 150 },
      { customerId: customer._id, transactionId: `${customer.externalId}-3`, kind: 'refund', at: new Date('2026-02-06T00:00:00Z'), amount: 20 },
    ]);

    const { status, html } = await page(marketer, `/customers/${String(customer._id)}`);

    expect(status).toBe(200);
    for (const text of ['Ada Byron', '+44 20 7946 0000', 'Business 50', 'Chinese', 'Owner Oskar', 'fleet', 'Do not contact', 'Unsubscribed 1 Jul 2026', '48,250', 'Orange — close watch', '40 days ago', '-50%']) {
      expect(html).toContain(text);
    }
    expect(html).toContain('<strong>Competitor</strong>');
    expect(html).toContain('+ Price');
    expect(html).toContain('classifier · confidence 82%');
    expect(html).toContain('Their offer was half the price.');
    expect(html).toContain('<td>“their offer”</td>');
    expect(html).toContain('61 %');
    expect(html).toContain('<dt>Orders</dt><dd>2, total 250</dd>');
    expect(html).toContain('<dt>Refunds</dt><dd>1, total 20</dd>');
    expect(html).not.toContain('<dt>Payments</dt>');
    for (const text of ['Churned: cancelled', 'via the API (crm-sync)', 'Exit survey sent', 'Exit survey answered', 'Cause from the answers: Competitor', 'Win-back message from “a campaign”', 'Came back', 'Monthly revenue: 120']) {
      expect(html).toContain(text);
    }
    // A marketer reads; the buttons that act are not offered.
    expect(html).not.toContain('Send exit survey');
    expect(html).not.toContain('Log exit interview');
  });

  test('when the page is read in Chinese, then the timeline reads in Chinese', async () => {
    const customer = await staffCustomer(db.connection, { name: 'Zhang Wei' });
    await recordTimelineEvent(db.connection, { customerId: customer._id, type: 'churned', at: new Date('2026-06-15T00:00:00Z'), origin: 'api', data: { trigger: 'inactivity' } });

    const { html } = await page(await chineseReader(), `/customers/${String(customer._id)}?lang=zh-CN`);

    expect(html).toContain('流失：超过不活跃期限未购买');
    expect(html).toContain('记录流失访谈');
  });

  test('when an admin renamed a cause in the taxonomy, then the list, the page and the forms use the new name', async () => {
    await seedTaxonomy(db.connection);
    await renameCause(db.connection, 'trust', { labels: { en: 'Broken promises' } });
    const tag = uniqueTag();
    const customer = await staffCustomer(db.connection, { tags: [tag], cause: { code: 'trust', source: 'staff', setAt: new Date() } });

    const list = await page(success, `/customers?tag=${tag}`);
    const show = await page(success, `/customers/${String(customer._id)}`);
    const form = await page(success, `/customers/${String(customer._id)}/cause`);

    expect(list.html).toContain('<td>Broken promises</td>');
    expect(list.html).toContain('<option value="trust">Broken promises</option>');
    expect(show.html).toContain('<strong>Broken promises</strong>');
    expect(form.html).toContain('<option value="trust" selected>Broken promises</option>');
  });

  test('when the id names no customer, then 404', async () => {
    expect((await page(success, `/customers/${String(new Types.ObjectId())}`)).status).toBe(404);
    expect((await page(success, '/customers/not-an-id')).status).toBe(404);
  });

  test('when a customer name and words hold markup, then the list and the page show it as text', async () => {
    const tag = uniqueTag();
    const customer = await staffCustomer(db.connection, {
      tags: [tag],
      name: '<script>alert("name")</script>',
      cause: { code: 'other', source: 'survey', reason: '<img src=x onerror=alert(1)>', setAt: new Date() },
    });

    const list = await page(success, `/customers?tag=${tag}`);
    const show = await page(success, `/customers/${String(customer._id)}`);

    for (const html of [list.html, show.html]) {
      expect(html).not.toContain('<script>alert');
      expect(html).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
    }
    expect(show.html).not.toContain('<img src=x');
    expect(show.html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
  });
});

describe('sending the exit survey', () => {
  test('when success staff press "Send exit survey", then an invitation is due now and the page says so', async () => {
    const customer = await staffCustomer(db.connection);

    const response = await success.postForm(`/customers/${String(customer._id)}/survey`, {});
    const after = await page(success, `/customers/${String(customer._id)}`);

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/customers/${String(customer._id)}#survey`);
    const invitations = await invitationModel(db.connection).find({ customerId: customer._id }).lean().exec();
    expect(invitations).toHaveLength(1);
    expect(invitations[0]).toMatchObject({ status: 'scheduled', origin: `staff:${successUser.id}` });
    expect(after.html).toContain('The exit survey will be sent within a few minutes.');
    expect(after.html).toContain('Scheduled');
  });

  test('when the customer may not be e-mailed, then nothing is sent and the page says why', async () => {
    const customer = await staffCustomer(db.connection, { contact: { emailConsent: false } });

    await success.postForm(`/customers/${String(customer._id)}/survey`, {});
    const after = await page(success, `/customers/${String(customer._id)}`);

    expect(after.html).toContain('The exit survey was not sent: the customer has not agreed to e-mail.');
    expect(await invitationModel(db.connection).find({ customerId: customer._id, status: 'suppressed' }).countDocuments()).toBe(1);
  });
});

describe('overriding the cause', () => {
  test('when the comment is missing, then the form answers 400 with the message, keeps the choice, and nothing is written', async () => {
    const customer = await staffCustomer(db.connection, { cause: { code: 'price', source: 'survey', setAt: new Date('2026-06-01T00:00:00Z') } });

    const response = await success.postForm(`/customers/${String(customer._id)}/cause`, { code: 'service', secondary: 'service', comment: '   ' });
    const html = await response.text();

    expect(response.status).toBe(400);
    expect(html).toMatch(/id="comment-error">Say why you change the cause\./);
    expect(html).toMatch(/id="secondary-error">Choose a secondary cause different/);
    expect(html).toMatch(/<option value="service" selected>Service<\/option>/);
    expect((await customerOf(customer._id)).cause).toMatchObject({ code: 'price', source: 'survey' });
    expect(await auditEntryModel(db.connection).countDocuments({ subjectId: customer._id })).toBe(0);
    expect(await timelineEventModel(db.connection).countDocuments({ customerId: customer._id })).toBe(0);
  });

  test('when staff override with a comment, then the cause is theirs, the audit log has who, when, before, after and why, and the timeline shows it', async () => {
    const customer = await staffCustomer(db.connection, {
      cause: { code: 'price', confidence: 0.6, source: 'classifier', reason: 'Too dear, and nobody called back.', setAt: new Date('2026-06-01T00:00:00Z') },
    });

    const response = await success.postForm(`/customers/${String(customer._id)}/cause`, { code: 'service', secondary: 'price', comment: 'Called her: the price was fine, support never answered.' });
    const after = await page(success, `/customers/${String(customer._id)}`);

    expect(response.status).toBe(303);
    const stored = await customerOf(customer._id);
    expect(stored.cause).toMatchObject({ code: 'service', secondary: 'price', source: 'staff', confidence: 1, setBy: successUser.id, reason: 'Too dear, and nobody called back.' });
    const audit = await auditEntryModel(db.connection).find({ subjectId: customer._id }).lean().exec();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'customer.cause_override',
      subjectType: 'customer',
      actorId: successUser.id,
      actorName: 'Mei Lin',
      before: { code: 'price', source: 'classifier', confidence: 0.6 },
      after: { code: 'service', secondary: 'price', source: 'staff', confidence: 1 },
      comment: 'Called her: the price was fine, support never answered.',
    });
    expect(audit[0].at).toBeInstanceOf(Date);
    expect(after.html).toContain('The churn cause is now “Service”.');
    expect(after.html).toContain('Churn cause set to Service (set by staff)');
    expect(after.html).toContain('Before: Price');
    expect(after.html).toContain('Called her: the price was fine, support never answered.');
    expect(after.html).toContain('by Mei Lin');
  });

  test('when a marketer tries to act on a customer, then 403 and nothing is written', async () => {
    const customer = await staffCustomer(db.connection, { cause: { code: 'price', source: 'survey', setAt: new Date() } });

    const override = await marketer.postForm(`/customers/${String(customer._id)}/cause`, { code: 'service', comment: 'Not mine to say.' });
    const survey = await marketer.postForm(`/customers/${String(customer._id)}/survey`, {});
    const form = await page(marketer, `/customers/${String(customer._id)}/cause`);

    expect([override.status, survey.status, form.status]).toEqual([403, 403, 403]);
    expect((await customerOf(customer._id)).cause).toMatchObject({ code: 'price', source: 'survey' });
    expect(await invitationModel(db.connection).countDocuments({ customerId: customer._id })).toBe(0);
    expect(await auditEntryModel(db.connection).countDocuments({ subjectId: customer._id })).toBe(0);
  });
});
