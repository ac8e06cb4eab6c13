/**
 * The OpenAPI description of `/api/v1` against the app itself: every declared API route is
 * documented with its method, path and scope, and nothing else is; the document holds together
 * as OpenAPI 3.1 (every $ref resolves, every operation has responses and security); and real
 * answers of every operation parse with their documented schemas, with no field left out.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import { createApp } from '../../../src/app';
import { createApiKey } from '../../../src/modules/accounts/accounts.service';
import { apiDescriptions } from '../../../src/modules/api-docs/api-document';
import type { CampaignDraftInput } from '../../../src/modules/campaigns/campaign.schemas';
import { createCampaign } from '../../../src/modules/campaigns/campaigns.service';
import { launchCampaign } from '../../../src/modules/campaigns/launch.service';
import { apiScopes, routeTableOf, type RouteDeclaration } from '../../../src/shared/auth';
import { errorBodySchema } from '../../../src/shared/errors/error-body.schemas';
import type { ApiOperation, JsonObject } from '../../../src/shared/http/openapi';
import { createLogger } from '../../../src/shared/logging';
import { projectRoot } from '../../../src/shared/paths';
import { testConfig } from '../../helpers/app';
import { createStaff } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { listenOnFreePort, type ListeningApp } from '../../helpers/http';
import { churned, draft, MONDAY_10_UTC, seededRandom } from '../campaigns/support';

let db: TestDatabase;
let app: ListeningApp;
let table: ReturnType<typeof routeTableOf>;
let document: JsonObject;
let hostKey: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const expressApp = createApp({ config: testConfig(), logger: createLogger({ level: 'silent' }), connection: db.connection });
  table = routeTableOf(expressApp);
  app = await listenOnFreePort(expressApp);
  hostKey = (await createApiKey(db.connection, { name: 'host crm', scopes: [...apiScopes] })).token;
  const response = await fetch(`${app.url}/api/v1/openapi.json`);
  expect(response.status).toBe(200);
  document = (await response.json()) as JsonObject;
});

afterAll(async () => {
  await app.close();
  await db.close();
});

const operations = apiDescriptions.flatMap((module) => module.operations);
const paths = () => document.paths as Record<string, Record<string, JsonObject>>;

/** A declared route as the document names it: `get /customers/{id}`, relative to /api/v1. */
function documentedName(route: RouteDeclaration): string {
  return `${route.method} ${route.path.replace(/^\/api\/v1/, '').replace(/:(\w+)/g, '{$1}')}`;
}

describe('coverage', () => {
  it('when the app is built, then every declared /api/v1 route is documented with the same method and path, and every documented operation is a declared route', () => {
    const declared = table.declared.filter((route) => route.path.startsWith('/api/v1/') && route.path !== '/api/v1/openapi.json').map(documentedName);
    const documented = Object.entries(paths()).flatMap(([template, methods]) => Object.keys(methods).map((method) => `${method} ${template}`));

    expect(declared.length).toBeGreaterThanOrEqual(13);
    expect([...documented].sort()).toEqual([...declared].sort());
  });

  it('when an operation is documented, then its security names exactly the scope its route declares', () => {
    const wrong: string[] = [];
    for (const route of table.declared.filter((declared) => declared.apiScope !== undefined)) {
      const [method, template] = documentedName(route).split(' ');
      const security = paths()[template]?.[method]?.security as Array<Record<string, string[]>> | undefined;
      const expected = route.apiScope ? [route.apiScope] : [];
      if (!security?.length || security.some((requirement) => JSON.stringify(Object.values(requirement)[0]) !== JSON.stringify(expected))) {
        wrong.push(`${method} ${template}: declared ${route.apiScope}, documented ${JSON.stringify(security)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('when the description is fetched, then it is public JSON, and the docs page is public HTML', async () => {
    const description = await fetch(`${app.url}/api/v1/openapi.json`);
    const page = await fetch(`${app.url}/api/docs`);

    expect(description.headers.get('content-type')).toMatch(/^application\/json/);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<script src="\/assets\/vendor\/swagger-ui\/swagger-ui-bundle\.js"><\/script>/);
    await expect(fetch(`${app.url}/assets/vendor/swagger-ui/swagger-ui-bundle.js`).then((response) => response.status)).resolves.toBe(200);
  });
});

describe('shape', () => {
  it('when the document is read, then it is OpenAPI 3.1 with the package version and relative /api/v1 server', () => {
    const { version } = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string };

    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info).toMatchObject({ title: 'Churn & Win-back API', version });
    expect(document.servers).toEqual([{ url: '/api/v1', description: expect.any(String) }]);
    expect(Object.keys((document.components as JsonObject).securitySchemes as JsonObject).sort()).toEqual(['apiKey', 'apiKeyHeader']);
  });

  it('when every $ref is followed, then each one resolves inside the document, and every component schema is used', () => {
    const refs = new Set<string>();
    collectRefs(document, refs);
    const unresolved = [...refs].filter((ref) => resolvePointer(document, ref) === undefined);
    const schemaNames = Object.keys(((document.components as JsonObject).schemas as JsonObject) ?? {});
    const unused = schemaNames.filter((name) => !refs.has(`#/components/schemas/${name}`));

    expect(refs.size).toBeGreaterThan(20);
    expect(unresolved).toEqual([]);
    expect(unused).toEqual([]);
  });

  it('when each operation is read, then it has a unique id, a known tag, a success response, error responses, security, and a parameter per path placeholder', () => {
    const problems: string[] = [];
    const ids = new Set<string>();
    const tags = new Set((document.tags as Array<{ name: string }>).map((tag) => tag.name));
    for (const [template, methods] of Object.entries(paths())) {
      for (const [method, operation] of Object.entries(methods)) {
        const name = `${method} ${template}`;
        const responses = Object.keys((operation.responses as JsonObject) ?? {});
        const pathParameters = ((operation.parameters as Array<{ name: string; in: string; required: boolean }>) ?? []).filter((parameter) => parameter.in === 'path');
        const placeholders = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
        if (ids.has(operation.operationId as string)) problems.push(`${name}: operationId used twice`);
        ids.add(operation.operationId as string);
        if (!(operation.tags as string[]).every((tag) => tags.has(tag))) problems.push(`${name}: unknown tag`);
        if (!responses.some((status) => /^2\d\d$/.test(status))) problems.push(`${name}: no success response`);
        if (!responses.includes('401') || !responses.includes('500')) problems.push(`${name}: no 401 or 500`);
        if (!(operation.security as unknown[])?.length) problems.push(`${name}: no security`);
        if (JSON.stringify(pathParameters.map((parameter) => parameter.name).sort()) !== JSON.stringify(placeholders.sort()) || pathParameters.some((parameter) => !parameter.required)) {
          problems.push(`${name}: path parameters ${JSON.stringify(pathParameters)} for ${JSON.stringify(placeholders)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('when the examples are parsed with the schemas they illustrate, then every one is valid', () => {
    const problems: string[] = [];
    for (const operation of operations) {
      if (operation.body && !operation.body.schema.safeParse(operation.body.example).success) problems.push(`${operation.operationId}: request example`);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (response.example !== undefined && !sameAfterParse(response.schema, response.example)) problems.push(`${operation.operationId}: ${status} example`);
      }
    }
    const errorExamples = Object.values((document.components as JsonObject).responses as Record<string, { content: { 'application/json': { example: unknown } } }>);
    for (const response of errorExamples) if (!sameAfterParse(errorBodySchema, response.content['application/json'].example)) problems.push(`error example ${JSON.stringify(response)}`);

    expect(problems).toEqual([]);
  });
});

describe('answers conform to the description', () => {
  /** Operation id and status of every answer checked, to show each documented success answer was seen. */
  const seen = new Set<string>();

  /** Calls the operation and checks the answer's status is documented and its body parses, whole, with the documented schema. */
  async function call(operationId: string, request: { path?: Record<string, string>; query?: string; body?: unknown; rawBody?: string; token?: string | null } = {}) {
    const operation = operations.find((candidate) => candidate.operationId === operationId) as ApiOperation;
    const concretePath = operation.path.replace(/\{(\w+)\}/g, (_match, name: string) => request.path?.[name] ?? '');
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = request.token === undefined ? hostKey : request.token;
    if (token) headers.authorization = `Bearer ${token}`;
    const sendsBody = request.body !== undefined || request.rawBody !== undefined;
    if (sendsBody) headers['content-type'] = 'application/json';
    const response = await fetch(`${app.url}/api/v1${concretePath}${request.query ? `?${request.query}` : ''}`, {
      method: operation.method.toUpperCase(),
      headers,
      body: sendsBody ? (request.rawBody ?? JSON.stringify(request.body)) : undefined,
    });
    const body = (await response.json()) as JsonObject;

    const documented = Object.keys(paths()[operation.path][operation.method].responses as JsonObject);
    expect({ operationId, status: response.status, documented: documented.includes(String(response.status)) }).toEqual({ operationId, status: response.status, documented: true });
    const schema: z.ZodType = operation.responses[response.status]?.schema ?? errorBodySchema;
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new Error(`${operationId} ${response.status}: ${parsed.error.message}\n${JSON.stringify(body, null, 1)}`);
    expect(parsed.data).toEqual(body);
    seen.add(`${operationId} ${response.status}`);
    return { status: response.status, body: body as Record<string, any>, headers: response.headers }; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON read by the test
  }

  it('when a customer churns, buys, comes back and is changed, read, listed, exported and erased, then every answer parses with its documented schema', async () => {
    const externalId = `doc-${randomUUID().slice(0, 8)}`;
    const owner = await createStaff(db.connection, 'success');
    const churn = {
      eventId: `evt-${randomUUID()}`,
      customer: { externalId, name: 'Grace Hopper', email: `${externalId}@example.com`, plan: 'Pro', signupDate: '2022-01-10T00:00:00Z', revenue: { monthly: 90, costToServe: 20, tenureMonths: 30 }, emailConsent: true, tags: ['vip'] },
      at: '2025-05-02T10:00:00Z',
      trigger: 'cancellation',
      churnType: 'voluntary',
      cause: { code: 'price', reason: 'Found a cheaper plan elsewhere' },
    };

    expect((await call('reportChurnEvent', { body: churn })).status).toBe(201);
    expect((await call('reportChurnEvent', { body: churn })).status).toBe(200);
    const transaction = { transactionId: `tx-${randomUUID()}`, customer: { externalId }, at: '2025-04-20T15:30:00Z', amount: 129.5, currency: 'EUR' };
    expect((await call('reportTransaction', { body: transaction })).status).toBe(201);
    expect((await call('reportTransaction', { body: transaction })).status).toBe(200);
    const comeback = { eventId: `evt-${randomUUID()}`, customer: { externalId }, at: '2025-08-14T09:00:00Z', monthlyRevenue: 75 };
    const reactivated = await call('reportReactivation', { body: comeback });
    expect(reactivated.status).toBe(201);
    expect((await call('reportReactivation', { body: comeback })).status).toBe(200);
    const id = reactivated.body.customer.id as string;

    const patched = await call('updateCustomer', { path: { id }, body: { ownerId: owner.id, contact: { doNotContact: true }, cause: { code: 'service', secondary: 'price', confidence: 0.9, reason: 'Support never called back' }, locale: 'zh-CN' } });
    expect(patched.body.customer).toMatchObject({ ownerId: owner.id, status: 'won_back', cause: { code: 'service', source: 'import', confidence: 0.9 } });
    expect((await call('getCustomer', { path: { id } })).body.customer.churns[0].wonBackAt).toBeDefined();
    const listed = await call('listCustomers', { query: `externalId=${externalId}&status=won_back&limit=1` });
    expect(listed.body.customers).toHaveLength(1);
    await call('listCustomers', { query: 'limit=1' });
    const exported = await call('exportCustomer', { path: { id } });
    expect(exported.headers.get('content-disposition')).toBe(`attachment; filename="customer-${id}.json"`);
    expect(exported.body.data.timeline.length).toBeGreaterThanOrEqual(3);
    expect((await call('eraseCustomer', { path: { id } })).body.erasure.deleted.customer).toBe(1);
  });

  it('when the metrics, the dashboard figures and the key are read, then the answers parse with their documented schemas', async () => {
    await call('reportChurnEvent', {
      body: { eventId: `evt-${randomUUID()}`, customer: { externalId: `m-${randomUUID().slice(0, 8)}`, name: 'Metric Customer', signupDate: '2024-01-05T00:00:00Z' }, at: '2025-03-03T00:00:00Z', trigger: 'inactivity' },
    });

    expect((await call('getChurnReport', { query: 'period=quarter&from=2024-01-01&to=2025-06-30' })).body.periods).toHaveLength(6);
    expect((await call('getDashboardFigures', { query: 'range=custom&from=2025-01-01&to=2025-06-30&tier=' })).body.months).toHaveLength(6);
    await call('getDashboardFigures');
    expect((await call('getApiKey')).body).toEqual({ name: 'host crm', scopes: [...apiScopes] });
  });

  it('when a campaign coupon is used twice and the customer replies, then the answers parse with their documented schemas', async () => {
    const plan = `plan-${randomUUID().slice(0, 8)}`;
    const couponCode = `DOC-${randomUUID().slice(0, 6).toUpperCase()}`;
    const customer = await churned(db.connection, 'B', 'price', { plan, source: 'crm', externalId: `c-${randomUUID().slice(0, 8)}` });
    const audience: CampaignDraftInput['audience'] = { match: 'all', groups: [{ match: 'all', conditions: [{ field: 'plan', op: 'in', value: [plan] }] }] };
    const variants = [{ key: 'A', weight: 1, subject: { en: 'Use {{couponCode}}', 'zh-CN': '' }, body: { en: '{{offer}}', 'zh-CN': '' } }];
    const campaign = await createCampaign(db.connection, draft({ audience, offers: [{ tiers: ['*'], causes: ['*'], action: 'coupon', couponCode, variants }], steps: [{ day: 0 }, { day: 7 }] }), 'test');
    await launchCampaign(db.connection, createLogger({ level: 'silent' }), campaign, { now: MONDAY_10_UTC, random: seededRandom() });
    const redemption = { couponCode, externalId: customer.externalId, at: '2026-11-05T12:00:00Z', orderValue: 49.9 };

    expect((await call('reportCouponRedemption', { body: redemption })).status).toBe(201);
    expect((await call('reportCouponRedemption', { body: redemption })).status).toBe(200);
    expect((await call('reportReply', { body: { customerId: String(customer._id) } })).body.cancelled).toBeGreaterThanOrEqual(1);
  });

  it('when requests are refused (bad input, no key, wrong scope, unknown record, wrong status, malformed or oversized body), then each status is documented and the error body parses', async () => {
    const readOnly = (await createApiKey(db.connection, { name: 'reader', scopes: ['customers:read'] })).token;
    const active = await churned(db.connection, undefined, undefined, { status: 'active', churnedAt: undefined, source: 'crm', externalId: `a-${randomUUID().slice(0, 8)}` });

    const invalid = await call('reportChurnEvent', { body: { eventId: 'x', customer: { externalId: 'y' }, at: 'yesterday', trigger: 'moved' } });
    expect(invalid.body.error.details.map((detail: { field: string }) => detail.field)).toEqual(['at', 'trigger']);
    expect((await call('listCustomers', { token: null })).status).toBe(401);
    expect((await call('reportTransaction', { token: readOnly, body: {} })).status).toBe(403);
    expect((await call('getCustomer', { path: { id: '000000000000000000000000' } })).status).toBe(404);
    expect((await call('reportReactivation', { body: { eventId: `evt-${randomUUID()}`, customer: { externalId: active.externalId }, at: '2025-08-14T09:00:00Z' } })).status).toBe(409);
    expect((await call('reportReply', { rawBody: '{"customerId":' })).body.error.code).toBe('malformed_body');
    expect((await call('updateCustomer', { path: { id: String(active._id) }, body: { name: 'x'.repeat(120_000) } })).status).toBe(413);
    expect((await call('getDashboardFigures', { query: 'range=custom' })).status).toBe(400);
  });

  // Runs after the tests above (jest keeps a file's order).
  it('when the tests above have run, then every documented success answer of every operation was seen', () => {
    const documentedSuccesses = operations.flatMap((operation) => Object.keys(operation.responses).map((status) => `${operation.operationId} ${status}`));
    expect(documentedSuccesses.filter((answer) => !seen.has(answer))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

/** The schema accepts the value and drops nothing from it (an undocumented field would be dropped). */
function sameAfterParse(schema: z.ZodType, value: unknown): boolean {
  const parsed = schema.safeParse(value);
  // Through JSON both sides: a fetched body's objects come from another realm than jest's.
  const plain = (json: unknown) => JSON.parse(JSON.stringify(json)) as unknown;
  return parsed.success && isDeepStrictEqual(plain(parsed.data), plain(value));
}

function collectRefs(node: unknown, refs: Set<string>): void {
  if (Array.isArray(node)) node.forEach((item) => collectRefs(item, refs));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') refs.add(value);
      else collectRefs(value, refs);
    }
  }
}

function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), root);
}
