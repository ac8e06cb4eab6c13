/** GET /api/v1/metrics/dashboard: the dashboard's series for a host CRM with a metrics:read key. */
import { createApiKey } from '../../../src/modules/accounts/accounts.service';
import { startTestApp } from '../../helpers/app';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';
import { seedQuarter } from './support';

let db: TestDatabase;
let app: ListeningApp;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp({ connection: db.connection });
});
afterAll(async () => {
  await app.close();
  await db.close();
});

const get = (path: string, key: string) => fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${key}`, accept: 'application/json' } });

test('when a metrics:read key asks for a quarter, then the answer holds the same series as the page', async () => {
  const fixture = await seedQuarter(db.connection);
  const key = (await createApiKey(db.connection, { name: 'reporting', scopes: ['metrics:read'] })).token;

  const response = await get(`/api/v1/metrics/dashboard?${fixture.search}`, key);
  const body = (await response.json()) as { months: Array<{ period: string; churnRate: number; retentionRate: number }>; campaigns: Array<{ winBackRate: number }>; reviewQueue: number };

  expect(response.status).toBe(200);
  expect(body.months.map(({ period, churnRate, retentionRate }) => [period, churnRate, retentionRate])).toEqual([
    ['2025-01', 25, 75],
    ['2025-02', 50, 50],
    ['2025-03', 33.33, 100],
  ]);
  expect(body.campaigns[0].winBackRate).toBe(50);
  expect(body.reviewQueue).toBe(1);
});

test('when the query is wrong, then the answer is 400 naming the field', async () => {
  const key = (await createApiKey(db.connection, { name: 'reporting', scopes: ['metrics:read'] })).token;

  const response = await get('/api/v1/metrics/dashboard?range=custom&from=2025-03-01&to=2025-01-01', key);

  expect(response.status).toBe(400);
  expect(JSON.stringify(await response.json())).toContain('from');
});
