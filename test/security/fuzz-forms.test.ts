/**
 * Hostile input on every staff form, read from the route table: each state-changing staff route
 * is posted as a signed-in admin with a valid CSRF token, starting from the fields its page
 * draws (found by opening every staff page) and changing some of them: hostile values, repeated
 * and missing fields, `field[$ne]` names, and the same as JSON with operators and prototype keys
 * in every field. Staff GET pages get hostile query strings. Never a 5xx; a 4xx writes nothing.
 */
import fc from 'fast-check';
import type { Connection } from 'mongoose';
import { createApiKey } from '../../src/modules/accounts/accounts.service';
import { createCampaign } from '../../src/modules/campaigns/campaigns.service';
import { interviewModel } from '../../src/modules/interviews/interview.model';
import { createSegment } from '../../src/modules/segments/segments.service';
import { ensureDefaultSurvey } from '../../src/modules/surveys/surveys.service';
import { examplePathOf, type RouteDeclaration } from '../../src/shared/auth';
import { createStaff, signIn } from '../helpers/auth';
import { formFieldsOf } from '../helpers/html-form';
import { draft } from '../integration/campaigns/support';
import { chosenForFuzzing, fuzzesEveryRoute, fuzzRuns, fuzzSettings, fuzzShares, fuzzTimeoutMs, startFuzzBed, type FuzzBed, type FuzzRequest } from './fuzz-bed';
import { formBody, hostileFormFields, hostileJsonBody, hostilePathParam, hostileQuery, operatorSweep } from './hostile-values';
import { seedCustomers } from './seed';

/** Signing out ends the fuzzer's own session; it is covered by the CSRF tests instead. */
const notFuzzedSignedIn = new Set(['post /logout']);

let bed: FuzzBed;
let session: { cookie: string; csrf: string };
/** Known values for a path parameter, by the path segment in front of it (`/customers/:id` → customers). */
let knownIds: Record<string, string[]>;
/** The POST forms the staff pages draw: action → fields. */
let formsOnPages: Map<string, Record<string, string[]>>;

beforeAll(async () => {
  bed = await startFuzzBed();
  const admin = await createStaff(bed.connection, 'admin');
  const agent = await signIn(bed.url, admin);
  session = { cookie: agent.cookie(), csrf: await agent.csrfToken() };
  session.cookie = agent.cookie();
  knownIds = await seedEverything(bed.connection, admin.id, agent);
  formsOnPages = await formsOnStaffPages();
}, 60_000);

afterAll(async () => {
  bed?.tally.print(`Hostile input on staff forms and pages (FUZZ_RUNS=${fuzzRuns})`);
  await bed?.close();
});

const staffRoutes = () => bed.routes.filter((route) => route.roles !== undefined && route.method !== 'use');
const postRoutes = () => [...staffRoutes(), ...bed.routes.filter((route) => route.public && route.method === 'post' && ['/login', '/setup'].includes(route.path))].filter((route) => route.method !== 'get' && !notFuzzedSignedIn.has(`${route.method} ${route.path}`));
const getRoutes = () => staffRoutes().filter((route) => route.method === 'get');
const removes = (route: RouteDeclaration) => /\/(delete|revoke|disable|retire)$/.test(route.path);

test('when the staff pages are opened, then the forms of most state-changing routes are found to start from', () => {
  const withForm = postRoutes().filter((route) => validFormOf(route) !== undefined);

  expect(postRoutes().length).toBeGreaterThanOrEqual(35);
  expect(withForm.length / postRoutes().length).toBeGreaterThan(0.6);
});

test('when every staff form gets hostile input, then none answers 5xx and a refused form writes nothing', async () => {
  // Forms take three times the inputs of a page's query string: they reach more code.
  const weightOf = (route: RouteDeclaration) => (route.method === 'get' ? 1 : 3);
  // Pages first and removals last, so the seeded records are still there for most inputs.
  const routes = [...getRoutes(), ...postRoutes().sort((a, b) => Number(removes(a)) - Number(removes(b)))].filter(chosenForFuzzing);
  const totalWeight = routes.reduce((sum, route) => sum + weightOf(route), 0);

  for (const route of routes) {
    const runs = Math.ceil((fuzzRuns * fuzzShares.forms * weightOf(route)) / totalWeight);
    const check = async (request: FuzzRequest) => {
      const answer = await bed.probe(`${route.method.toUpperCase()} ${route.path}`, request);
      keepSession(answer.headers['set-cookie']);
    };
    // First an operator in every field of the form the page draws (sent as JSON), then random inputs.
    const sweep = operatorSweepOf(route);
    for (const request of sweep) await check(request);
    await fc.assert(fc.asyncProperty(requestFor(route), check), fuzzSettings(Math.max(10, runs - sweep.length)));
  }

  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  if (fuzzesEveryRoute) expect(bed.tally.total).toBeGreaterThanOrEqual(fuzzRuns * fuzzShares.forms);
}, fuzzTimeoutMs);

// ---------------------------------------------------------------------------------------------

function requestFor(route: RouteDeclaration): fc.Arbitrary<FuzzRequest> {
  const headers = { cookie: session.cookie, 'x-csrf-token': session.csrf };
  if (route.method === 'get') {
    return fc.record({ path: pathFor(route), query: hostileQuery({}) }).map(({ path, query }) => ({ method: 'GET', path: `${path}?${query}`, headers: { ...headers, accept: 'text/html' } }));
  }
  const valid = validFormOf(route);
  const fields = valid?.fields ?? {};
  const asJson = Object.fromEntries(Object.entries(fields).map(([name, values]) => [name, values.length === 1 ? values[0] : values]));
  const form = hostileFormFields(fields).map((changed) => ({ body: formBody({ ...changed, _csrf: [session.csrf] }), type: 'application/x-www-form-urlencoded' }));
  const json = hostileJsonBody(asJson).map(({ json }) => ({ body: typeof json === 'string' ? json : JSON.stringify(json), type: 'application/json' }));
  const path = valid ? fc.oneof({ weight: 3, arbitrary: fc.constant(valid.action) }, { weight: 1, arbitrary: pathFor(route) }) : pathFor(route);
  return fc.record({ path, content: fc.oneof({ weight: 3, arbitrary: form }, { weight: 2, arbitrary: json }), accept: fc.constantFrom('text/html', 'application/json', '*/*') }).map(({ path, content, accept }) => ({
    method: route.method.toUpperCase(),
    path,
    headers: { ...headers, accept, 'content-type': content.type },
    body: content.body,
  }));
}

/** The page's form for the route as JSON, each field in turn an operator (one per field, the operators taking turns). */
function operatorSweepOf(route: RouteDeclaration): FuzzRequest[] {
  const valid = route.method === 'get' ? undefined : validFormOf(route);
  if (!valid) return [];
  const asJson = Object.fromEntries(Object.entries(valid.fields).map(([name, values]) => [name, values.length === 1 ? values[0] : values]));
  const headers = { cookie: session.cookie, 'x-csrf-token': session.csrf, accept: 'text/html', 'content-type': 'application/json' };
  return operatorSweep(asJson, { rotate: true }).map((json) => ({ method: route.method.toUpperCase(), path: valid.action, headers, body: JSON.stringify(json) }));
}

/** The route's path with each parameter a known record's id or something hostile. */
function pathFor(route: RouteDeclaration): fc.Arbitrary<string> {
  const params = [...route.path.matchAll(/\/([^/]+)\/:(\w+)/g)].map(([, segment]) => hostilePathParam(knownIds[segment] ?? []));
  if (params.length === 0) return fc.constant(route.path);
  return fc.tuple(...params).map((values) => values.reduce<string>((path, value) => path.replace(/:\w+/, () => value), route.path));
}

/** The first form on the staff pages that posts to this route, with the fields it draws. */
function validFormOf(route: RouteDeclaration): { action: string; fields: Record<string, string[]> } | undefined {
  const pattern = new RegExp(`^${route.path.replace(/[.]/g, '\\.').replace(/:\w+/g, '[^/?]+')}$`);
  for (const [action, fields] of formsOnPages) {
    if (pattern.test(action)) {
      const { _csrf: _token, ...rest } = fields;
      return { action, fields: rest };
    }
  }
  return undefined;
}

/** Opens every staff page (and the sign-in page) as the admin and keeps the POST forms drawn on them. */
async function formsOnStaffPages(): Promise<Map<string, Record<string, string[]>>> {
  const forms = new Map<string, Record<string, string[]>>();
  const pages = [...getRoutes().map(concretePath), '/login'];
  for (const page of pages) {
    const answer = await bed.send({ method: 'GET', path: page, headers: { cookie: session.cookie, accept: 'text/html' } });
    for (const [tag] of answer.text.matchAll(/<form\b[^>]*>/g)) {
      const action = /\saction="([^"]*)"/.exec(tag)?.[1]?.replace(/&amp;/g, '&');
      if (!action || !/method="post"/i.test(tag) || /multipart/.test(tag) || forms.has(action)) continue;
      forms.set(action, formFieldsOf(answer.text, action));
    }
  }
  return forms;
}

function concretePath(route: RouteDeclaration): string {
  if (route.example) return route.example;
  return route.path.replace(/\/([^/]+)\/:(\w+)/g, (whole, segment: string) => (knownIds[segment]?.[0] ? `/${segment}/${knownIds[segment][0]}` : examplePathOf({ ...route, path: whole })));
}

/** A renewed or replaced session cookie is used from then on. */
function keepSession(setCookie: string[] | undefined): void {
  const renewed = setCookie?.find((line) => line.startsWith('churn.sid='));
  if (renewed) session.cookie = session.cookie.replace(/churn\.sid=[^;]*/, renewed.split(';')[0]);
}

/** One of each record the staff pages show, so their forms and ids can be fuzzed. */
async function seedEverything(connection: Connection, adminId: string, agent: Awaited<ReturnType<typeof signIn>>): Promise<Record<string, string[]>> {
  await ensureDefaultSurvey(connection);
  const customers = await seedCustomers(connection, 10);
  const waitingForReview = await seedCustomers(connection, 5, {
    cause: { code: 'other', source: 'classifier', needsReview: true, suggested: 'price', confidence: 0.1, reason: 'too expensive for us', setAt: new Date() },
  } as never);
  const colleague = await createStaff(connection, 'success');
  const apiKey = await createApiKey(connection, { name: 'fuzzed key', scopes: ['events:write'] });
  const segment = await createSegment(connection, { name: 'Fuzz segment', definition: { match: 'all', groups: [{ match: 'all', conditions: [{ field: 'status', op: 'in', value: ['churned'] }] }] } }, adminId);
  const campaign = await createCampaign(connection, draft(), adminId);
  const interviewed = String(customers[0]._id);
  await agent.postForm(`/customers/${interviewed}/interviews`, { heldOn: '2026-06-20', channel: 'call', interviewerId: adminId, notes: 'Support was slow.', reasons: 'service', primaryCause: 'service', likelihoodToReturn: '6' });
  const interview = await interviewModel(connection).findOne({}).lean();

  return {
    customers: customers.map((customer) => String(customer._id)),
    review: waitingForReview.map((customer) => String(customer._id)),
    users: [colleague.id],
    'api-keys': [apiKey.id],
    segments: [String(segment._id)],
    campaigns: [String(campaign._id)],
    interviews: interview ? [String(interview._id)] : [],
    surveys: ['exit'],
    causes: ['price', 'service', 'other'],
    versions: ['1'],
    dashboard: ['causes', 'churn'],
  };
}
