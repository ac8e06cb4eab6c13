/**
 * Security headers on every kind of answer — each page in the route table, the API, the
 * customer's pages, errors and static files: a Content-Security-Policy without inline or eval'd
 * script and with framing refused, X-Frame-Options, nosniff, a same-origin referrer policy, no
 * CORS grant to other sites, and behind a TLS-terminating proxy (TRUST_PROXY) HSTS and Secure
 * cookies. The CSP's exact sources are checked in test/integration/http.test.ts.
 */
import { createApiKey } from '../../src/modules/accounts/accounts.service';
import { apiScopes, examplePathOf } from '../../src/shared/auth';
import { newLinkToken } from '../../src/shared/security/tokens';
import { anonymousAgent, createStaff, signIn, type Agent } from '../helpers/auth';
import { startFuzzBed, type FuzzAnswer, type FuzzBed } from './fuzz-bed';

let bed: FuzzBed;
let admin: Agent;
let key: string;

beforeAll(async () => {
  bed = await startFuzzBed();
  admin = await signIn(bed.url, await createStaff(bed.connection, 'admin'));
  key = (await createApiKey(bed.connection, { name: 'headers', scopes: [...apiScopes] })).token;
});

afterAll(async () => {
  await bed.close();
});

/** What is wrong with an answer's headers, if anything. */
function headerProblems(answer: FuzzAnswer): string[] {
  const header = (name: string) => String(answer.headers[name] ?? '');
  const csp = header('content-security-policy');
  const scriptSources = /(?:^|;)\s*script-src([^;]*)/.exec(csp)?.[1] ?? /(?:^|;)\s*default-src([^;]*)/.exec(csp)?.[1];
  const problems: string[] = [];
  if (!csp) problems.push('no Content-Security-Policy');
  if (scriptSources === undefined) problems.push('CSP without script-src or default-src');
  if (/unsafe-inline|unsafe-eval|\*/.test(scriptSources ?? '')) problems.push(`script-src allows ${scriptSources}`);
  if (!/frame-ancestors 'none'/.test(csp) && header('x-frame-options').toUpperCase() !== 'DENY') problems.push('framing not refused');
  if (header('x-frame-options').toUpperCase() !== 'DENY') problems.push(`X-Frame-Options: ${header('x-frame-options')}`);
  if (header('x-content-type-options') !== 'nosniff') problems.push(`X-Content-Type-Options: ${header('x-content-type-options')}`);
  if (!['same-origin', 'no-referrer', 'strict-origin', 'strict-origin-when-cross-origin'].includes(header('referrer-policy'))) problems.push(`Referrer-Policy: ${header('referrer-policy')}`);
  if (answer.headers['access-control-allow-origin'] !== undefined) problems.push(`CORS granted: ${header('access-control-allow-origin')}`);
  if (answer.headers['x-powered-by'] !== undefined) problems.push('X-Powered-By sent');
  return problems;
}

it('when every page, API route, customer page, error and static file is requested from another origin, then each carries the security headers and grants no CORS', async () => {
  const origin = { origin: 'https://evil.example' };
  const staffPages = bed.routes.filter((route) => route.roles !== undefined && route.method === 'get').map((route) => ({ path: examplePathOf(route), headers: { cookie: admin.cookie(), accept: 'text/html' } }));
  const apiReads = bed.routes.filter((route) => route.apiScope !== undefined && route.method === 'get').map((route) => ({ path: examplePathOf(route), headers: { authorization: `Bearer ${key}` } }));
  const publicPages = bed.routes.filter((route) => route.public && route.method === 'get').map((route) => ({ path: examplePathOf(route), headers: {} }));
  const others = ['/', '/login', '/healthz', '/readyz', `/s/${newLinkToken().token}`, `/u/${newLinkToken().token}`, '/no-such-page', '/api/v1/customers/not-an-id', '/assets/css/app.css'].map((path) => ({ path, headers: {} }));
  const problems: string[] = [];

  for (const request of [...staffPages, ...apiReads, ...publicPages, ...others]) {
    const answer = await bed.send({ method: 'GET', path: request.path, headers: { ...request.headers, ...origin } });
    problems.push(...headerProblems(answer).map((problem) => `GET ${request.path} (${answer.status}): ${problem}`));
  }

  expect(problems).toEqual([]);
  expect(staffPages.length + apiReads.length).toBeGreaterThanOrEqual(40);
});

it('when a browser asks another origin preflight for the API, then nothing is granted', async () => {
  const preflight = await bed.send({
    method: 'OPTIONS',
    path: '/api/v1/churn-events',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });

  expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
});

describe('behind a TLS-terminating proxy', () => {
  it('when TRUST_PROXY is set and the proxy says https, then HSTS is sent for at least 180 days and the session cookie is Secure', async () => {
    const behindTls = await startFuzzBed({ env: { TRUST_PROXY: 'loopback', BASE_URL: 'https://crm.example.com' } });
    try {
      const page = await behindTls.send({ method: 'GET', path: '/login', headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' } });
      const hsts = String(page.headers['strict-transport-security'] ?? '');
      const maxAge = Number(/max-age=(\d+)/.exec(hsts)?.[1] ?? 0);
      const sessionCookie = (page.headers['set-cookie'] ?? []).find((line) => line.startsWith('churn.sid='));

      expect(maxAge).toBeGreaterThanOrEqual(180 * 86_400);
      expect(hsts).toContain('includeSubDomains');
      expect(sessionCookie).toMatch(/;\s*Secure/i);
      expect(sessionCookie).toMatch(/;\s*HttpOnly/i);
      expect(sessionCookie).toMatch(/;\s*SameSite=Lax/i);
      expect(headerProblems(page)).toEqual([]);
    } finally {
      await behindTls.close();
    }
  });
});

it('when a signed-out visitor opens the sign-in page, then it is served with the same headers', async () => {
  const page = await anonymousAgent(bed.url).get('/login');
  const answer: FuzzAnswer = { status: page.status, headers: Object.fromEntries(page.headers.entries()), text: await page.text() };

  expect(headerProblems(answer)).toEqual([]);
});
