/**
 * The role matrix: every route in the app's route table, requested as each staff role, as an
 * API key with and without the route's scope, and signed out, gets allowed or denied exactly as
 * its declaration says. A route mounted without a declaration fails the first test.
 */
import { Router } from 'express';
import { createApp } from '../../../src/app';
import { createApiKey } from '../../../src/modules/accounts/accounts.service';
import { apiScopes, examplePathOf, routeTableOf, staffRoles, type RouteDeclaration, type StaffRole } from '../../../src/shared/auth';
import { createLogger } from '../../../src/shared/logging';
import { testConfig } from '../../helpers/app';
import { anonymousAgent, createStaff, signIn, type Agent } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { listenOnFreePort, type ListeningApp } from '../../helpers/http';

/** Routes mounted before the route table existed; they should move to declareRoute (public). */
const declaredElsewhere = new Set(['get /healthz', 'get /readyz', 'get /', 'get /s/:token', 'post /s/:token', 'get /u/:token', 'post /u/:token']);

/** The job dashboard's place: the matrix checks the guard in front of it, not agendash itself. */
const dashboardStandIn = { isRunning: () => true, dashboard: () => Router().get('/', (_req, res) => res.json({ dashboard: true })) };

let db: TestDatabase;
let app: ListeningApp;
let table: ReturnType<typeof routeTableOf>;
const agents = new Map<StaffRole | 'anonymous', Agent>();
const keys = new Map<string, string>();

beforeAll(async () => {
  db = await createTestDatabase();
  const expressApp = createApp({ config: testConfig(), logger: createLogger({ level: 'silent' }), connection: db.connection, scheduler: dashboardStandIn });
  table = routeTableOf(expressApp);
  app = await listenOnFreePort(expressApp);
  for (const role of staffRoles) agents.set(role, await signIn(app.url, await createStaff(db.connection, role)));
  const anonymous = anonymousAgent(app.url);
  await anonymous.csrfToken();
  agents.set('anonymous', anonymous);
  for (const scope of apiScopes) {
    keys.set(`only ${scope}`, (await createApiKey(db.connection, { name: `only ${scope}`, scopes: [scope] })).token);
    keys.set(`all but ${scope}`, (await createApiKey(db.connection, { name: `all but ${scope}`, scopes: apiScopes.filter((other) => other !== scope) })).token);
  }
});

afterAll(async () => {
  await app.close();
  await db.close();
});

const staffRoutes = () => table.declared.filter((route) => route.roles !== undefined);
const apiRoutes = () => table.declared.filter((route) => route.apiScope !== undefined);
const publicRoutes = () => table.declared.filter((route) => route.public);

it('when the app is built, then every mounted route is declared with who may use it', () => {
  const undeclared = table.undeclared.map(({ method, path }) => `${method} ${path}`).filter((route) => !declaredElsewhere.has(route));

  expect(undeclared).toEqual([]);
  expect(staffRoutes().length).toBeGreaterThanOrEqual(13);
  expect(publicRoutes().length).toBeGreaterThanOrEqual(4);
  expect(apiRoutes().length).toBeGreaterThanOrEqual(1);
});

it('when nobody is signed in, then every staff route answers 401 and every public route lets them in', async () => {
  const anonymous = agents.get('anonymous') as Agent;
  const wrong: string[] = [];
  for (const route of staffRoutes()) {
    const response = await requestAs(anonymous, route);
    const code = await errorCodeOf(response);
    if (response.status !== 401 || code !== 'unauthorized') wrong.push(`${nameOf(route)}: expected 401 unauthorized, got ${response.status} ${code}`);
  }
  for (const route of publicRoutes()) {
    const problem = await refusalOf(await requestAs(anonymousAgent(app.url), route));
    if (problem) wrong.push(`${nameOf(route)}: expected to be let in, got ${problem}`);
  }

  expect(wrong).toEqual([]);
});

it.each(staffRoles.map((role) => [role]))('when staff with the role %s are signed in, then each staff route allows or refuses exactly as declared', async (role) => {
  const agent = agents.get(role) as Agent;
  const wrong: string[] = [];
  let allowedCount = 0;
  for (const route of staffRoutes()) {
    const response = await requestAs(agent, route);
    const allowed = route.roles?.length === 0 || (route.roles?.includes(role) ?? false);
    if (allowed) {
      allowedCount++;
      const problem = await refusalOf(response);
      if (problem) wrong.push(`${nameOf(route)}: expected ${role} to be allowed, got ${problem}`);
    } else {
      const code = await errorCodeOf(response);
      if (response.status !== 403 || code !== 'forbidden') wrong.push(`${nameOf(route)}: expected 403 forbidden for ${role}, got ${response.status} ${code}`);
    }
  }

  expect(wrong).toEqual([]);
  expect(allowedCount).toBeGreaterThan(0);
});

it('when API keys are sent, then each API route wants a valid key, and a key with its scope', async () => {
  const wrong: string[] = [];
  for (const route of apiRoutes()) {
    const withoutKey = await fetch(`${app.url}${examplePathOf(route)}`, { method: httpMethodOf(route), headers: { 'content-type': 'application/json' }, body: bodyFor(route) });
    if (withoutKey.status !== 401) wrong.push(`${nameOf(route)}: expected 401 without a key, got ${withoutKey.status}`);

    const unknownKey = await requestWithKey(route, `cwb_${'x'.repeat(43)}`);
    if (unknownKey.status !== 401) wrong.push(`${nameOf(route)}: expected 401 for an unknown key, got ${unknownKey.status}`);

    const scope = route.apiScope ?? apiScopes[0];
    const problem = await refusalOf(await requestWithKey(route, keys.get(`only ${scope}`) as string));
    if (problem) wrong.push(`${nameOf(route)}: expected a key with ${scope} to be let in, got ${problem}`);

    if (route.apiScope) {
      const otherScopes = await requestWithKey(route, keys.get(`all but ${route.apiScope}`) as string);
      const code = await errorCodeOf(otherScopes);
      if (otherScopes.status !== 403 || code !== 'forbidden') wrong.push(`${nameOf(route)}: expected 403 for a key without ${route.apiScope}, got ${otherScopes.status} ${code}`);
    }
  }

  expect(wrong).toEqual([]);
});

// ---------------------------------------------------------------------------------------------

function httpMethodOf(route: RouteDeclaration): string {
  return route.method === 'use' ? 'GET' : route.method.toUpperCase();
}

function bodyFor(route: RouteDeclaration): string | undefined {
  return httpMethodOf(route) === 'GET' || httpMethodOf(route) === 'DELETE' ? undefined : '{}';
}

/** A request with the agent's session and a valid CSRF token, asking for JSON so refusals are codes. */
async function requestAs(agent: Agent, route: RouteDeclaration): Promise<Response> {
  const method = httpMethodOf(route);
  if (method === 'GET') return agent.get(examplePathOf(route), { headers: { accept: 'application/json' } });
  return agent.fetch(examplePathOf(route), {
    method,
    headers: { accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': await agent.csrfToken() },
    body: '{}',
  });
}

function requestWithKey(route: RouteDeclaration, token: string): Promise<Response> {
  return fetch(`${app.url}${examplePathOf(route)}`, {
    method: httpMethodOf(route),
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
    body: bodyFor(route),
  });
}

/** Why a response counts as refused (401, 403, sent to sign in, or no route answered), or undefined when let in. */
async function refusalOf(response: Response): Promise<string | undefined> {
  if (response.status === 401 || response.status === 403) return `${response.status} ${await errorCodeOf(response)}`;
  const location = response.headers.get('location') ?? '';
  if (location.startsWith('/login?returnTo=')) return `a redirect to ${location}`;
  if (response.status === 404 && /^Nothing is found at/.test((await errorOf(response))?.message ?? '')) return '404 from no route at all';
  return undefined;
}

async function errorOf(response: Response): Promise<{ code: string; message: string } | undefined> {
  const body = (await response.json().catch(() => undefined)) as { error?: { code: string; message: string } } | undefined;
  return body?.error;
}

async function errorCodeOf(response: Response): Promise<string | undefined> {
  return (await errorOf(response.clone()))?.code;
}

function nameOf(route: RouteDeclaration): string {
  return `${httpMethodOf(route)} ${route.path}`;
}
