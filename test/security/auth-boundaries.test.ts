/**
 * Where one kind of credential must not pass for another, and session fixation:
 * - a session id planted before sign-in never becomes a signed-in session;
 * - a signed-in browser session is no API credential (the API skips CSRF, so cookies must not count there);
 * - an API key is no staff session.
 * The role × route matrix itself is test/integration/accounts/role-matrix.test.ts; lockout and the
 * sign-in rate limit are in test/integration/accounts/sign-in.test.ts.
 */
import { createApiKey } from '../../src/modules/accounts/accounts.service';
import { apiScopes, examplePathOf, type RouteDeclaration } from '../../src/shared/auth';
import { anonymousAgent, createStaff, signIn, staffPassword, type Agent } from '../helpers/auth';
import { startFuzzBed, type FuzzBed } from './fuzz-bed';

let bed: FuzzBed;
let admin: Agent;
let key: string;

beforeAll(async () => {
  bed = await startFuzzBed();
  admin = await signIn(bed.url, await createStaff(bed.connection, 'admin'));
  key = (await createApiKey(bed.connection, { name: 'every scope', scopes: [...apiScopes] })).token;
});

afterAll(async () => {
  await bed.close();
});

const methodOf = (route: RouteDeclaration) => (route.method === 'use' ? 'GET' : route.method.toUpperCase());

describe('session fixation', () => {
  it('when an attacker plants a session id and the victim signs in with it, then the planted id stays signed out', async () => {
    const staff = await createStaff(bed.connection, 'success');
    const victim = anonymousAgent(bed.url);
    await victim.csrfToken();
    const planted = victim.cookie();
    expect(planted).toMatch(/churn\.sid=/);

    const signedIn = await victim.postForm('/login', { email: staff.email, password: staffPassword });
    const withPlantedId = await bed.send({ method: 'GET', path: '/account', headers: { cookie: planted, accept: 'application/json' } });

    expect(signedIn.status).toBe(303);
    expect(victim.cookie()).not.toBe(planted);
    expect((await victim.get('/account')).status).toBe(200);
    expect(withPlantedId.status).toBe(401);
  });
});

describe('credentials in the wrong place', () => {
  it('when a signed-in admin calls every API route with the session cookie and no key, then each answers 401', async () => {
    const wrong: string[] = [];
    for (const route of bed.routes.filter((candidate) => candidate.apiScope !== undefined)) {
      const answer = await bed.probe(`${route.method} ${route.path}`, {
        method: methodOf(route),
        path: examplePathOf(route),
        headers: { cookie: admin.cookie(), 'x-csrf-token': await admin.csrfToken(), accept: 'application/json' },
        ...(methodOf(route) === 'GET' || methodOf(route) === 'DELETE' ? {} : { json: {} }),
      });
      if (answer.status !== 401) wrong.push(`${methodOf(route)} ${route.path}: ${answer.status}`);
    }

    expect(wrong).toEqual([]);
  });

  it('when a client sends an API key with every scope to every staff page, then each treats it as signed out', async () => {
    const wrong: string[] = [];
    for (const route of bed.routes.filter((candidate) => candidate.roles !== undefined && methodOf(candidate) === 'GET')) {
      const answer = await bed.probe(`${route.method} ${route.path}`, { method: 'GET', path: examplePathOf(route), headers: { authorization: `Bearer ${key}`, 'x-api-key': key, accept: 'application/json' } });
      if (answer.status !== 401) wrong.push(`GET ${route.path}: ${answer.status}`);
    }

    expect(wrong).toEqual([]);
  });
});
