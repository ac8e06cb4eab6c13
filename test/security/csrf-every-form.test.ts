/**
 * CSRF on every state-changing route a browser session can reach, read from the route table: a
 * signed-in admin posting without the session's token, or with another session's, is refused
 * with 403 and nothing is written. test/integration/accounts/csrf.test.ts covers how the token
 * travels (field, header, multipart query); this file covers that no route is left out.
 */
import { createStaff, signIn, type Agent } from '../helpers/auth';
import { startFuzzBed, type FuzzBed, type FuzzRequest } from './fuzz-bed';
import { seedCustomers } from './seed';
import type { RouteDeclaration } from '../../src/shared/auth';

let bed: FuzzBed;
let admin: Agent;
let otherSession: Agent;
let customerId: string;

beforeAll(async () => {
  bed = await startFuzzBed();
  const staff = await createStaff(bed.connection, 'admin');
  admin = await signIn(bed.url, staff);
  otherSession = await signIn(bed.url, staff);
  customerId = String((await seedCustomers(bed.connection, 1))[0]._id);
});

afterAll(async () => {
  await bed.close();
});

/** Every route that changes state and is reached with a session: staff routes, and the public sign-in forms. */
const stateChanging = () => bed.routes.filter((route) => route.method !== 'get' && route.method !== 'use' && (route.roles !== undefined || (route.public && ['/login', '/logout', '/setup'].includes(route.path))));

/** A real record where the path names one, so the refusal is not simply "not found". */
const pathOf = (route: RouteDeclaration) => route.path.replace(/:(\w+)/g, (_match, name: string) => (name === 'id' && route.path.startsWith('/customers') ? customerId : '000000000000000000000000'));

const attempts: Array<[string, (route: RouteDeclaration) => Promise<FuzzRequest>]> = [
  ['no token', async (route) => ({ method: route.method.toUpperCase(), path: pathOf(route), headers: { cookie: admin.cookie(), 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: 'name=Forged&code=price' })],
  ['a token of another session', async (route) => ({ method: route.method.toUpperCase(), path: pathOf(route), headers: { cookie: admin.cookie(), 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: `name=Forged&code=price&_csrf=${encodeURIComponent(await otherSession.csrfToken())}` })],
  ['JSON without a token', async (route) => ({ method: route.method.toUpperCase(), path: pathOf(route), headers: { cookie: admin.cookie(), accept: 'application/json' }, json: { name: 'Forged', code: 'price' } })],
  ['a multipart form without a token', async (route) => ({ method: route.method.toUpperCase(), path: pathOf(route), headers: { cookie: admin.cookie(), 'content-type': 'multipart/form-data; boundary=x', accept: 'text/html' }, body: '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nForged\r\n--x--\r\n' })],
];

it('when the route table is read, then every state-changing staff route is here, the sign-in forms too', () => {
  const paths = stateChanging().map((route) => route.path);

  expect(paths.length).toBeGreaterThanOrEqual(40);
  expect(paths).toEqual(expect.arrayContaining(['/login', '/logout', '/customers/import', '/admin/users', '/customers/:id/cause']));
});

it.each(attempts)('when a signed-in admin posts with %s to each state-changing route, then each answers 403 and nothing is written', async (_label, requestFor) => {
  await admin.csrfToken();
  const wrong: string[] = [];
  for (const route of stateChanging()) {
    const answer = await bed.probe(`${route.method} ${route.path}`, await requestFor(route));
    if (!refusedForCsrf(answer) || answer.writes.length > 0) wrong.push(`${route.method} ${route.path}: ${answer.status}, wrote ${JSON.stringify(answer.writes)}`);
  }

  expect(wrong).toEqual([]);
  // The session survived every attempt (signing out without a token did not sign it out).
  expect((await admin.get('/account')).status).toBe(200);
});

/** 403 for the token itself (not for a role or a missing record): the JSON code or the page's message says so. */
function refusedForCsrf(answer: { status: number; text: string }): boolean {
  return answer.status === 403 && (answer.text.includes('"csrf_failed"') || answer.text.includes('This form has expired or did not come from this site.'));
}
