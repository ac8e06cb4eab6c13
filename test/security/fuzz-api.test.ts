/**
 * Hostile input on every /api/v1 endpoint, read from the route table (a new endpoint is fuzzed
 * without touching this file): mutated valid bodies, operators and prototype keys in every field,
 * wrong types, huge strings, broken JSON, odd content types, hostile query strings and path ids.
 * Every answer must be below 500, a 4xx must be the API's JSON error and must have written
 * nothing, and nothing may leak onto Object.prototype.
 */
import fc from 'fast-check';
import { createApiKey } from '../../src/modules/accounts/accounts.service';
import { apiScopes, type RouteDeclaration } from '../../src/shared/auth';
import { chosenForFuzzing, fuzzesEveryRoute, fuzzRuns, fuzzSettings, fuzzShares, fuzzTimeoutMs, startFuzzBed, type FuzzBed, type FuzzRequest } from './fuzz-bed';
import { hostileJsonBody, hostilePathParam, hostileQuery, operatorSweep } from './hostile-values';
import { seedCustomers } from './seed';

let bed: FuzzBed;
let key: string;
let customerIds: string[];

beforeAll(async () => {
  bed = await startFuzzBed();
  key = (await createApiKey(bed.connection, { name: 'fuzzer', scopes: [...apiScopes] })).token;
  customerIds = (await seedCustomers(bed.connection, 30, {}, 'fuzz-1')).map((customer) => String(customer._id));
});

afterAll(async () => {
  bed.tally.print(`Hostile input on /api/v1 (FUZZ_RUNS=${fuzzRuns})`);
  await bed?.close();
});

const apiRoutes = () => bed.routes.filter((route) => route.apiScope !== undefined || route.path.startsWith('/api/v1'));

test('when every API endpoint gets hostile input, then none answers 5xx and a refused request writes nothing', async () => {
  const routes = apiRoutes();
  expect(routes.length).toBeGreaterThanOrEqual(13);
  const runsPerRoute = Math.ceil((fuzzRuns * fuzzShares.api) / routes.length);

  for (const route of routes.filter(chosenForFuzzing)) {
    const target = `${route.method.toUpperCase()} ${route.path}`;
    const check = async (request: FuzzRequest) => {
      const answer = await bed.probe(target, request);
      // 431 (a header over Node's limit) is refused by the HTTP parser before the app sees it.
      if (answer.status >= 400 && answer.status !== 431) expect(JSON.parse(answer.text)).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    };
    // First every operator in every field of the valid request, then random inputs for the rest.
    const sweep = operatorSweepOf(route);
    for (const request of sweep) await check(request);
    await fc.assert(fc.asyncProperty(requestFor(route), check), fuzzSettings(Math.max(50, runsPerRoute - sweep.length)));
  }

  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  if (fuzzesEveryRoute) expect(bed.tally.total).toBeGreaterThanOrEqual(fuzzRuns * fuzzShares.api);
}, fuzzTimeoutMs);

// ---------------------------------------------------------------------------------------------

/** A valid request body for the endpoints that take one; others are fuzzed from nothing. */
function validBodyOf(route: RouteDeclaration): Record<string, unknown> {
  const at = '2026-10-01T09:30:00Z';
  const reference = { externalId: 'fuzz-1', source: 'crm' };
  switch (`${route.method} ${route.path}`) {
    case 'post /api/v1/churn-events':
      return {
        eventId: 'evt-fuzz',
        customer: { ...reference, name: 'Ada', email: 'ada@example.com', locale: 'en', revenue: { monthly: 10, total: 100 }, emailConsent: true, tags: ['fuzz'] },
        at,
        trigger: 'cancellation',
        churnType: 'voluntary',
        cause: { code: 'price', reason: 'too expensive' },
      };
    case 'post /api/v1/reactivations':
      return { eventId: 'react-fuzz', customer: reference, at, monthlyRevenue: 10, plan: 'basic' };
    case 'post /api/v1/transactions':
      return { transactionId: 'tx-fuzz', customer: reference, at, amount: 10, kind: 'order', currency: 'EUR' };
    case 'patch /api/v1/customers/:id':
      return { name: 'Ada', phone: '+1 555', locale: 'zh-CN', tags: ['a'], ownerId: null, contact: { emailConsent: true, doNotContact: false }, cause: { code: 'service', confidence: 0.5, reason: 'slow' } };
    case 'post /api/v1/coupon-redemptions':
      return { couponCode: 'SAVE20', ...reference, at, orderValue: 10 };
    case 'post /api/v1/replies':
      return { customerId: customerIds[0], at };
    default:
      return {};
  }
}

/** A valid query for the endpoints that read one. */
function validQueryOf(route: RouteDeclaration): Record<string, string> {
  switch (route.path) {
    case '/api/v1/customers':
      return { status: 'churned', tier: 'A,B', cause: 'price', q: 'cu', churnedFrom: '2026-01-01', churnedTo: '2026-12-31', limit: '10' };
    case '/api/v1/metrics':
      return { period: 'quarter', from: '2026-01-01', to: '2026-12-31' };
    case '/api/v1/metrics/dashboard':
      return { range: 'custom', from: '2026-01-01', to: '2026-03-31', tier: 'A', plan: 'basic', locale: 'en' };
    default:
      return {};
  }
}

/** The valid request with each field (query parameter, for reads) replaced by each operator in turn. */
function operatorSweepOf(route: RouteDeclaration): FuzzRequest[] {
  const method = route.method === 'use' ? 'GET' : route.method.toUpperCase();
  const path = route.path.replace(/:\w+/g, () => customerIds[1]);
  const headers = { authorization: `Bearer ${key}`, accept: 'application/json' };
  if (method === 'GET' || method === 'DELETE') {
    const query = validQueryOf(route);
    return Object.keys(query).flatMap((name) => ['$gt', '$ne', '$where', '$regex'].map((operator) => ({ method, path: `${path}?${new URLSearchParams({ ...query, [`${name}[${operator}]`]: '' }).toString()}`, headers })));
  }
  return operatorSweep(validBodyOf(route)).map((json) => ({ method, path, headers, json }));
}

const contentTypes = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom('application/json; charset=utf-16', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/vnd.api+json', 'text/html') },
);

function requestFor(route: RouteDeclaration): fc.Arbitrary<FuzzRequest> {
  const method = route.method === 'use' ? 'GET' : route.method.toUpperCase();
  const params = [...route.path.matchAll(/:(\w+)/g)].map(() => hostilePathParam(customerIds));
  const path = fc.tuple(...params).map((values) => values.reduce<string>((path, value) => path.replace(/:\w+/, () => value), route.path));
  // Reads are fuzzed mostly through their query; writes now and then get one too.
  const queryWeight = method === 'GET' ? 9 : 1;
  const query = fc.oneof({ weight: queryWeight, arbitrary: hostileQuery(validQueryOf(route)) }, { weight: 10 - queryWeight, arbitrary: fc.constant(undefined) });
  const body = method === 'GET' || method === 'DELETE' ? fc.constant(undefined) : hostileJsonBody(validBodyOf(route));
  const auth = fc.oneof({ weight: 9, arbitrary: fc.constant({ authorization: `Bearer ${key}` }) }, { weight: 1, arbitrary: fc.constant({ 'x-api-key': key }) });

  return fc.record({ path, query, body, auth, contentType: contentTypes }).map(({ path, query, body, auth, contentType }) => ({
    method,
    path: query ? `${path}?${query}` : path,
    headers: { ...auth, accept: 'application/json', ...(body ? { 'content-type': contentType } : {}) },
    json: body?.json,
  }));
}
