/**
 * Stored XSS: markup put into every free-text field that staff see — customer details and the
 * customer's words (events API, survey page), exit interviews, cause overrides, segments,
 * campaigns and their templates, survey texts, cause labels, staff and API key names — through
 * the same entry points people use, then every staff page (from the route table) and the
 * customer's survey page is opened: the markup is shown as text everywhere, never as markup.
 * Each field's marker must show up somewhere, so a field that is not escaped cannot hide.
 */
import { createApiKey } from '../../src/modules/accounts/accounts.service';
import { createCampaign } from '../../src/modules/campaigns/campaigns.service';
import { addCause } from '../../src/modules/classification/taxonomy.service';
import { customerModel } from '../../src/modules/customers/customer.model';
import { interviewModel } from '../../src/modules/interviews/interview.model';
import { createSegment } from '../../src/modules/segments/segments.service';
import { invitationModel } from '../../src/modules/surveys/invitation.model';
import { inviteCustomer } from '../../src/modules/surveys/invitations.service';
import { newLinkToken } from '../../src/shared/security/tokens';
import { createLogger } from '../../src/shared/logging';
import { createEmailRenderer, createMailer } from '../../src/shared/mail';
import { outboxModel } from '../../src/shared/mail/outbox.model';
import { dispatchDueInvitations } from '../../src/modules/surveys/dispatch.service';
import { examplePathOf, type RouteDeclaration } from '../../src/shared/auth';
import { createStaff, signIn, type Agent } from '../helpers/auth';
import { formFieldsOf } from '../helpers/html-form';
import { draft } from '../integration/campaigns/support';
import { startFuzzBed, type FuzzBed } from './fuzz-bed';
import { seedCustomers } from './seed';

/** Script tags and an attribute break-out, marked with the field they were put in. */
const payload = (field: string) => `<script>alert("xss:${field}")</script>"><img src=x onerror=alert("xss:${field}")>`;

let bed: FuzzBed;
let admin: Agent;
/** Ids of the records holding payloads, by the path segment that names them. */
const ids: Record<string, string> = {};
let surveyLink: string;

beforeAll(async () => {
  bed = await startFuzzBed();
  const adminStaff = await createStaff(bed.connection, 'admin', { name: payload('staff-name') });
  admin = await signIn(bed.url, adminStaff);
  const key = (await createApiKey(bed.connection, { name: payload('api-key'), scopes: ['events:write'] })).token;

  // A customer reported by the host CRM, then answering the exit survey in their own words.
  const reported = await bed.send({
    method: 'POST',
    path: '/api/v1/churn-events',
    headers: { authorization: `Bearer ${key}` },
    json: {
      eventId: 'xss-1',
      customer: { externalId: 'xss-1', name: payload('customer-name'), email: 'xss@example.com', company: payload('company'), phone: '"><img src=x onerror=alert("xss:phone")>', plan: payload('plan'), tags: [payload('tag')], emailConsent: true },
      at: '2026-10-01T09:00:00Z',
      trigger: 'cancellation',
      cause: { reason: payload('reported-reason') },
    },
  });
  expect([reported.status, reported.text.slice(0, 300)]).toEqual([201, expect.any(String)]);
  const customer = await customerModel(bed.connection).findOne({ externalId: 'xss-1' }).lean();
  ids.customers = String(customer!._id);

  // Staff-written survey texts first, so the customer's invitation uses them.
  const surveyForm = formFieldsOf(await (await admin.get('/surveys/exit/edit')).text(), '/surveys/exit/edit');
  const surveyTexts = Object.fromEntries(Object.entries(surveyForm).map(([name, values]) => [name, /\.(en|zh-CN)$/.test(name) ? [payload(`survey-${name}`).slice(0, 190)] : values]));
  expect((await admin.postForm('/surveys/exit/edit', surveyTexts)).status).toBe(303);
  const [respondent] = await seedCustomers(bed.connection, 1, { cause: undefined } as never);
  ids.respondent = String(respondent._id);
  const answered = await bed.send({ method: 'POST', path: `/s/${await linkFor(ids.respondent)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ 'q_main-reason': 'price', q_details: payload('survey-answer') }).toString() });
  expect(answered.status).toBe(200);
  surveyLink = await linkFor(String((await seedCustomers(bed.connection, 1))[0]._id));

  const interview = await admin.postForm(`/customers/${ids.customers}/interviews`, {
    heldOn: '2026-10-02',
    channel: 'call',
    interviewerId: adminStaff.id,
    notes: payload('interview-notes'),
    competitor: payload('competitor'),
    followUpTask: payload('follow-up'),
    followUpDue: '2026-11-01',
    likelihoodToReturn: '5',
  });
  expect(interview.status).toBe(303);
  ids.interviews = String((await interviewModel(bed.connection).findOne({}).lean())!._id);
  expect((await admin.postForm(`/customers/${ids.customers}/cause`, { code: 'service', comment: payload('override-comment') })).status).toBe(303);

  const [waiting] = await seedCustomers(bed.connection, 1, { name: payload('review-name'), cause: { code: 'other', source: 'classifier', needsReview: true, suggested: 'price', confidence: 0.1, reason: payload('review-words'), setAt: new Date() } } as never);
  ids.review = String(waiting._id);
  const segment = await createSegment(bed.connection, { name: payload('segment').slice(0, 100), description: payload('segment-description'), definition: { match: 'all', groups: [{ match: 'all', conditions: [{ field: 'status', op: 'in', value: ['churned'] }] }] } }, adminStaff.id);
  ids.segments = String(segment._id);
  const campaignDraft = draft({ name: payload('campaign').slice(0, 120), goal: payload('campaign-goal') });
  const [variant] = campaignDraft.offers[0]?.variants ?? [];
  variant.subject.en = payload('template-subject');
  variant.body.en = `Hello {{name}}. ${payload('template-body')}`;
  ids.campaigns = String((await createCampaign(bed.connection, campaignDraft, adminStaff.id))._id);
  await addCause(bed.connection, {
    code: 'xss',
    labels: { en: payload('cause-label'), 'zh-CN': payload('cause-label-zh') },
    description: { en: payload('cause-description'), 'zh-CN': '说明' },
    recoverable: 'unknown',
    winBackLever: { en: payload('cause-lever'), 'zh-CN': '办法' },
  });
  ids.users = adminStaff.id;
  ids.surveys = 'exit';
}, 60_000);

afterAll(async () => {
  await bed.close();
});

const markers = [
  'staff-name', 'api-key', 'customer-name', 'company', 'phone', 'plan', 'tag', 'reported-reason', 'survey-answer', 'interview-notes', 'competitor', 'follow-up', 'override-comment',
  'review-name', 'review-words', 'segment', 'segment-description', 'campaign', 'campaign-goal', 'template-subject', 'template-body', 'cause-label', 'survey-title.en', 'survey-questions.0.label.en',
];

it('when every staff page and the survey page are opened, then the stored markup shows as text and never as markup', async () => {
  const pages = [...staffPages(), `/s/${surveyLink}`, `/customers/${ids.review}`, `/customers/${ids.respondent}`, '/customers?q=%3Cscript', '/dashboard?range=12'];
  const unsafe: string[] = [];
  const shown = new Set<string>();
  for (const path of pages) {
    const answer = await bed.send({ method: 'GET', path, headers: { cookie: admin.cookie(), accept: 'text/html', 'accept-language': 'en' } });
    if (!/text\/html/.test(String(answer.headers['content-type']))) continue;
    for (const danger of [/<script>alert/i, /<img src=x/i, /onerror=alert/i, /<\/script><script/i]) if (danger.test(answer.text)) unsafe.push(`${path}: ${danger}`);
    for (const marker of markers) if (answer.text.includes(`xss:${marker}`)) shown.add(marker);
  }

  expect(unsafe).toEqual([]);
  expect(markers.filter((marker) => !shown.has(marker))).toEqual([]);
  expect(pages.length).toBeGreaterThanOrEqual(30);
});

it('when the exit survey is mailed to the customer whose name is markup, then the HTML e-mail shows it as text', async () => {
  // The churn report invited the customer already, due after the survey's delay.
  const mailer = createMailer({ connection: bed.connection, from: 'care@example.com' });

  const report = await dispatchDueInvitations({ connection: bed.connection, mailer, renderer: createEmailRenderer(), baseUrl: 'https://crm.example.com', logger: createLogger({ level: 'silent' }) }, { now: new Date(Date.now() + 2 * 3_600_000) });

  const message = await outboxModel(bed.connection).findOne({ to: 'xss@example.com' }).lean();
  expect(report.sent).toBeGreaterThanOrEqual(1);
  expect(message?.html).toContain('xss:customer-name');
  expect(message?.html).not.toMatch(/<script>alert|<img src=x|onerror=alert/);
});

// ---------------------------------------------------------------------------------------------

/** Every staff page, with its record ids pointing at the records that hold payloads. */
function staffPages(): string[] {
  const gets = bed.routes.filter((route) => route.roles !== undefined && route.method === 'get');
  return gets.map((route: RouteDeclaration) =>
    route.path.includes(':') ? route.path.replace(/\/([^/]+)\/:(\w+)/g, (whole, segment: string) => (ids[segment] ? `/${segment}/${ids[segment]}` : examplePathOf({ ...route, path: whole }))) : route.path,
  );
}

/** An invitation with a working link for the customer, as the dispatcher would send it. */
async function linkFor(customerId: string): Promise<string> {
  const { invitation } = await inviteCustomer(bed.connection, customerId, { origin: 'test', delayMinutes: 0 });
  const link = newLinkToken();
  await invitationModel(bed.connection).updateOne({ _id: invitation._id }, { $set: { status: 'sent', messagesSent: 1, sentAt: new Date(), expiresAt: new Date(Date.now() + 86_400_000) }, $push: { tokenHashes: link.hash } });
  return link.token;
}
