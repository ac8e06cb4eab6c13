/**
 * The example host CRM (examples/host-crm) with the plugin mounted under /churn, end to end
 * with real parts: the host's own login mapped to our roles, an API key and a webhook endpoint
 * made on our admin pages inside the host, a churn reported through the API, the exit survey
 * at a loopback SMTP server, the customer's answer, and the `survey.responded` webhook at a
 * receiver with a valid signature.
 */
import { createServer, type Server } from 'node:http';
import { trusted } from 'mongoose';
import type { AddressInfo } from 'node:net';
import { createHostCrm, type HostCrm, type HostUser } from '../../examples/host-crm/host-app';
import { currentSurvey, saveSurveyVersion } from '../../src/modules/surveys/surveys.service';
import { staffAccountModel } from '../../src/modules/accounts/user.model';
import { verifyWebhookSignature } from '../../src/modules/webhooks/signature';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { waitFor } from '../helpers/wait';
import { startReceiver, type Receiver } from '../integration/webhooks/support';

let db: TestDatabase;
let sink: SmtpSink;
let receiver: Receiver;
let server: Server;
let host: HostCrm;
let url: string;

const users: HostUser[] = [
  { id: 'h-1', username: 'maria', name: 'Maria Host', email: 'maria@host.test', department: 'management', password: 'maria-pass-1' },
  { id: 'h-2', username: 'sam', name: 'Sam Host', email: 'sam@host.test', department: 'support', password: 'sam-pass-2' },
  { id: 'h-3', username: 'kim', name: 'Kim Host', email: 'kim@host.test', department: 'marketing', password: 'kim-pass-3' },
];

beforeAll(async () => {
  db = await createTestDatabase();
  sink = await startSmtpSink();
  receiver = await startReceiver();
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  host = await createHostCrm({
    connection: db.connection,
    users,
    sessionSecret: 'a-test-session-secret-of-enough-length',
    churnConfig: { NODE_ENV: 'test', BASE_URL: `${url}/churn`, SMTP_URL: sink.url, MAIL_FROM: 'care@host.test', JOBS_PROCESS_EVERY_MS: '100' },
  });
  server.on('request', host.app);
  await host.churn.startJobs();
}, 30_000);

afterAll(async () => {
  await host?.churn.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await receiver?.close();
  await sink?.close();
  await db?.close();
});

test('when nobody is signed in at the host, then the staff pages send the browser to the host login and the API wants a key', async () => {
  const page = await fetch(`${url}/churn/dashboard`, { redirect: 'manual', headers: { accept: 'text/html' } });
  const api = await fetch(`${url}/churn/api/v1/customers`, { headers: { accept: 'application/json' } });

  expect(page.status).toBe(303);
  expect(page.headers.get('location')).toBe('/login?next=%2Fchurn%2Fdashboard');
  expect(api.status).toBe(401);
});

test('when host users sign in, then each gets the role the host maps them to, and pages link within /churn', async () => {
  const maria = await hostSignIn('maria', 'maria-pass-1');
  const kim = await hostSignIn('kim', 'kim-pass-3');

  const home = await maria.get('/churn/');
  const html = await home.text();
  expect(home.status).toBe(200);
  expect(html).toContain('href="/churn/customers"');
  expect(html).toContain('href="/churn/assets/css/app.css"');
  expect(html).not.toMatch(/href="\/(customers|dashboard|admin)/);
  // The host owns users and sign-out: our pages do not offer them.
  expect(html).not.toContain('/churn/admin/users');
  expect(html).not.toContain('action="/churn/logout"');
  expect(home.headers.get('content-security-policy')).toContain("script-src 'self'");

  expect((await kim.get('/churn/dashboard')).status).toBe(200);
  expect((await kim.get('/churn/surveys')).status).toBe(403);
  expect((await maria.get('/churn/admin/api-keys')).status).toBe(200);
  // Each host user has one mirror account with the host's id and no usable password.
  const mirrors = await staffAccountModel(db.connection).find({ hostUserId: trusted({ $in: ['h-1', 'h-3'] }) }).lean();
  expect(mirrors.map((account) => [account.hostUserId, account.role]).sort()).toEqual([
    ['h-1', 'admin'],
    ['h-3', 'marketer'],
  ]);
});

test('when a churn is reported through the API, then the customer gets the survey by e-mail and their answer reaches the webhook, signed', async () => {
  const survey = await currentSurvey(db.connection);
  const { _id: _id, key: _key, version: _version, current: _current, createdAt: _createdAt, createdBy: _createdBy, ...draft } = survey!;
  await saveSurveyVersion(db.connection, 'exit', { ...draft, schedule: { ...draft.schedule, delayMinutes: 0 } }, 'test');
  const maria = await hostSignIn('maria', 'maria-pass-1');

  // An admin makes an API key and a webhook endpoint on our pages, inside the host.
  const keyPage = await maria.postForm('/churn/admin/api-keys', { name: 'Host billing', scopes: 'events:write' });
  const keyHtml = await keyPage.text();
  const apiKey = /value="(cwb_[A-Za-z0-9_-]{43})"/.exec(keyHtml)?.[1];
  if (!apiKey) throw new Error(`no API key on the page (${keyPage.status}): ${keyHtml.slice(0, 3000)}`);
  expect(apiKey).toBeDefined();
  const hookUrl = receiver.hook();
  const endpointPage = await maria.postForm('/churn/admin/webhooks', { url: hookUrl, description: 'Host CRM', eventTypes: 'survey.responded', allowPrivateNetwork: 'on' }, '/churn/admin/webhooks/new');
  const endpointHtml = await endpointPage.text();
  expect(endpointPage.status).toBe(200);
  const secret = /id="secret"[^>]*value="([^"]+)"/.exec(endpointHtml)?.[1] as string;
  expect(endpointHtml).toMatch(/href="\/churn\/admin\/webhooks\/[0-9a-f]{24}"/);

  const reported = await fetch(`${url}/churn/api/v1/churn-events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ eventId: 'host-evt-1', customer: { externalId: 'cust-77', name: 'Grace Hopper', email: 'grace@customer.test', emailConsent: true }, at: new Date().toISOString(), trigger: 'cancellation' }),
  });
  expect(reported.status).toBe(201);

  await host.churn.runJobNow('surveys.dispatch');
  const [invitation] = await sink.waitFor(1);
  expect(invitation.to).toEqual(['grace@customer.test']);
  const link = new RegExp(`${url}/churn/s/[A-Za-z0-9_-]{43}`).exec(invitation.text)?.[0];
  expect(link).toBeDefined();

  const surveyPage = await fetch(link!);
  expect(surveyPage.status).toBe(200);
  expect(await surveyPage.text()).toContain(`action="${new URL(link!).pathname}?lang=en"`);
  const answered = await fetch(link!, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ 'q_main-reason': 'competitor', q_details: 'Another vendor offered two months free', mayContact: 'yes' }).toString(),
    redirect: 'manual',
  });
  expect(answered.status).toBeLessThan(400);

  await host.churn.runJobNow('webhooks.deliver');
  await waitFor(async () => receiver.requestsTo(hookUrl).length > 0, { what: 'the survey.responded webhook', timeoutMs: 15_000 });
  const [delivery] = receiver.requestsTo(hookUrl);
  const body = JSON.parse(delivery.body) as { type: string; data: { customer: { externalId?: string } } };
  expect(body.type).toBe('survey.responded');
  expect(JSON.stringify(body.data)).toContain('cust-77');
  expect(
    verifyWebhookSignature(secret, {
      timestamp: String(delivery.headers['webhook-timestamp']),
      signature: String(delivery.headers['webhook-signature']),
      body: delivery.body,
    }),
  ).toBe(true);
}, 60_000);

/** A browser-like client of the host: its own cookie jar, our CSRF token read from our pages. */
async function hostSignIn(username: string, password: string) {
  const cookies = new Map<string, string>();
  const send = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${url}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { accept: 'text/html', ...(init.headers as Record<string, string>), cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair.split('=');
      cookies.set(name, value);
    }
    return response;
  };
  const signedIn = await send('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password, next: '/churn/' }).toString(),
  });
  expect(signedIn.status).toBe(303);
  return {
    get: (path: string) => send(path),
    /** Posts a form as the browser would after opening `formPage`, which carries the CSRF token. */
    async postForm(path: string, fields: Record<string, string>, formPage = path) {
      const page = await (await send(formPage)).text();
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
      return send(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...fields, _csrf: csrf }).toString() });
    },
  };
}
