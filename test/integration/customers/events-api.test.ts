import { randomUUID } from 'node:crypto';
import { createApiKey } from '../../../src/modules/accounts/accounts.service';
import { customerEvents } from '../../../src/modules/customers/domain-events';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';
import { startTestApp } from '../../helpers/app';

let db: TestDatabase;
let app: ListeningApp;
let hostKey: string;
let readOnlyKey: string;
const churned: string[] = [];
const wonBack: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp({ connection: db.connection });
  hostKey = (await createApiKey(db.connection, { name: 'host crm', scopes: ['events:write', 'customers:read', 'customers:write', 'metrics:read'] })).token;
  readOnlyKey = (await createApiKey(db.connection, { name: 'reporting', scopes: ['customers:read'] })).token;
  customerEvents(db.connection).on('customer.churned', ({ customer }) => void churned.push(customer.externalId));
  customerEvents(db.connection).on('customer.won_back', ({ customer }) => void wonBack.push(customer.externalId));
});

afterAll(async () => {
  await app.close();
  await db.close();
});

interface ApiResponse {
  status: number;
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON read by the test
}

async function api(method: string, path: string, body?: unknown, token: string | null = hostKey): Promise<ApiResponse> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${app.url}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Counts of everything the API writes, to show a refused request wrote nothing. */
async function stored() {
  const count = (name: string) => db.connection.collection(name).countDocuments();
  const [customers, events, transactions] = await Promise.all([count('customers'), count('customer_events'), count('transactions')]);
  const latest = await db.connection.collection('customers').find().sort({ updatedAt: -1 }).limit(1).next();
  return { customers, events, transactions, lastUpdate: latest?.updatedAt?.getTime() ?? null };
}

async function expectNothingWritten(request: () => Promise<ApiResponse>): Promise<ApiResponse> {
  const before = await stored();
  const response = await request();
  expect(await stored()).toEqual(before);
  return response;
}

const fields = (response: ApiResponse) => (response.body.error.details as Array<{ field: string }>).map((detail) => detail.field);

function churnEvent(externalId: string, extra: Record<string, unknown> = {}) {
  return {
    eventId: `evt-${randomUUID()}`,
    customer: { externalId, name: 'Ada Lovelace', email: 'Ada@Example.com', revenue: { monthly: 90, tenureMonths: 30 } },
    at: '2025-05-02T10:00:00Z',
    trigger: 'cancellation',
    churnType: 'voluntary',
    cause: { reason: 'Found a cheaper plan elsewhere' },
    ...extra,
  };
}

describe('POST /churn-events', () => {
  it('when an unknown customer is reported churned with a name, then it is created churned, on the timeline, and announced once', async () => {
    const response = await api('POST', '/churn-events', churnEvent('churn-1'));

    expect(response.status).toBe(201);
    expect(response.body.duplicate).toBe(false);
    expect(response.body.customer).toMatchObject({
      externalId: 'churn-1',
      source: 'crm',
      email: 'ada@example.com',
      status: 'churned',
      churnedAt: '2025-05-02T10:00:00.000Z',
      churnType: 'voluntary',
      churns: [{ at: '2025-05-02T10:00:00.000Z', type: 'voluntary' }],
      cause: { reason: 'Found a cheaper plan elsewhere', source: 'import', setBy: 'host crm' },
    });
    expect(response.body.customer.value.clv).toBeGreaterThan(0);
    expect(response.body.event).toMatchObject({ type: 'churned', origin: 'api', actor: 'host crm', data: { trigger: 'cancellation' } });
    expect(churned.filter((id) => id === 'churn-1')).toHaveLength(1);
  });

  it('when the same event is sent twice, then the second answers 200 with the first record and changes nothing', async () => {
    const event = churnEvent('churn-2');
    const first = await api('POST', '/churn-events', event);

    const second = await expectNothingWritten(() => api('POST', '/churn-events', event));

    expect(second.status).toBe(200);
    expect(second.body.duplicate).toBe(true);
    expect(second.body.event.id).toBe(first.body.event.id);
    expect(second.body.customer).toEqual(first.body.customer);
    expect(churned.filter((id) => id === 'churn-2')).toHaveLength(1);
  });

  it('when a customer is unknown and the event has neither name nor e-mail, then 404 and nothing is written', async () => {
    const event = { ...churnEvent('nobody'), customer: { externalId: 'nobody' } };

    const response = await expectNothingWritten(() => api('POST', '/churn-events', event));

    expect(response.status).toBe(404);
    expect(fields(response)).toEqual(['customer.externalId']);
  });

  it('when fields are missing, malformed or unknown, then 400 names each field path and nothing is written', async () => {
    const { eventId: _eventId, ...withoutId } = churnEvent('bad-1');
    const bad = { ...withoutId, at: 'yesterday', trigger: 'fired', customer: { externalId: 'bad-1', name: 'X', plann: 'gold', revenue: { monthly: -5 } } };

    const response = await expectNothingWritten(() => api('POST', '/churn-events', bad));

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(fields(response).sort()).toEqual(['at', 'customer', 'customer.revenue.monthly', 'eventId', 'trigger']);
    expect(JSON.stringify(response.body.error.details)).toContain('plann');
  });

  it('when the body is not JSON, then 400 and nothing is written', async () => {
    const response = await expectNothingWritten(async () => {
      const raw = await fetch(`${app.url}/api/v1/churn-events`, { method: 'POST', headers: { authorization: `Bearer ${hostKey}`, 'content-type': 'application/json' }, body: '{"eventId":' });
      return { status: raw.status, body: (await raw.json()) as Record<string, unknown> };
    });

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('malformed_body');
  });

  it('when a customer already churned is reported churned again, then the report is kept but no new churn starts', async () => {
    await api('POST', '/churn-events', churnEvent('churn-3'));

    const again = await api('POST', '/churn-events', churnEvent('churn-3', { at: '2025-06-01T00:00:00Z' }));

    expect(again.status).toBe(201);
    expect(again.body.event.data.alreadyChurned).toBe(true);
    expect(again.body.customer.churns).toHaveLength(1);
    expect(again.body.customer.churnedAt).toBe('2025-05-02T10:00:00.000Z');
    expect(churned.filter((id) => id === 'churn-3')).toHaveLength(1);
  });
});

describe('API keys', () => {
  it.each([
    { what: 'no key', key: null, status: 401 },
    { what: 'an unknown key', key: 'cwb_not-a-real-key', status: 401 },
    { what: 'a key without the events:write scope', key: 'read-only', status: 403 },
  ])('when a churn event comes with $what, then $status and nothing is written', async ({ key, status }) => {
    const token = key === 'read-only' ? readOnlyKey : key;

    const response = await expectNothingWritten(() => api('POST', '/churn-events', churnEvent('keyless'), token));

    expect(response.status).toBe(status);
  });

  it('when the customer list is read without a key, then 401', async () => {
    expect((await api('GET', '/customers', undefined, null)).status).toBe(401);
  });
});

describe('POST /transactions', () => {
  it('when a transaction is reported for a known customer, then it is stored once and feeds the RFM scores', async () => {
    await api('POST', '/churn-events', churnEvent('buyer-1'));
    const transaction = { transactionId: `tx-${randomUUID()}`, customer: { externalId: 'buyer-1' }, at: new Date().toISOString(), amount: 49.9 };

    const first = await api('POST', '/transactions', transaction);
    const second = await expectNothingWritten(() => api('POST', '/transactions', transaction));

    expect(first.status).toBe(201);
    expect(first.body.transaction).toMatchObject({ amount: 49.9, kind: 'order' });
    expect(first.body.customer.lastTransactionAt).toBe(transaction.at);
    expect(first.body.customer.value.rfm.recencyDays).toBe(0);
    expect(second.status).toBe(200);
    expect(second.body.transaction.id).toBe(first.body.transaction.id);
  });

  it('when the customer is unknown or the amount negative, then 404 or 400 and nothing is written', async () => {
    const unknown = await expectNothingWritten(() =>
      api('POST', '/transactions', { transactionId: 'tx-unknown', customer: { externalId: 'ghost' }, at: '2025-01-01T00:00:00Z', amount: 1 }),
    );
    const negative = await expectNothingWritten(() =>
      api('POST', '/transactions', { transactionId: 'tx-neg', customer: { externalId: 'buyer-1' }, at: '2025-01-01T00:00:00Z', amount: -1, kind: 'gift' }),
    );

    expect(unknown.status).toBe(404);
    expect(negative.status).toBe(400);
    expect(fields(negative).sort()).toEqual(['amount', 'kind']);
  });
});

describe('POST /reactivations', () => {
  it('when a churned customer comes back, then it is won back with the new revenue and the churn episode is closed', async () => {
    await api('POST', '/churn-events', churnEvent('back-1'));
    const reactivation = { eventId: `re-${randomUUID()}`, customer: { externalId: 'back-1' }, at: '2025-07-01T00:00:00Z', monthlyRevenue: 120 };

    const first = await api('POST', '/reactivations', reactivation);
    const second = await expectNothingWritten(() => api('POST', '/reactivations', reactivation));

    expect(first.status).toBe(201);
    expect(first.body.customer).toMatchObject({
      status: 'won_back',
      wonBackAt: '2025-07-01T00:00:00.000Z',
      revenue: { monthly: 120 },
      churns: [{ at: '2025-05-02T10:00:00.000Z', wonBackAt: '2025-07-01T00:00:00.000Z', wonBackMonthlyRevenue: 120 }],
    });
    expect(second.status).toBe(200);
    expect(second.body.duplicate).toBe(true);
    expect(wonBack.filter((id) => id === 'back-1')).toHaveLength(1);
  });

  it('when the customer is unknown, then 404 and nothing is written', async () => {
    const response = await expectNothingWritten(() =>
      api('POST', '/reactivations', { eventId: 're-ghost', customer: { externalId: 'ghost' }, at: '2025-07-01T00:00:00Z' }),
    );

    expect(response.status).toBe(404);
    expect(fields(response)).toEqual(['customer.externalId']);
  });

  it('when the customer is not churned, then 409 and nothing is written', async () => {
    await api('POST', '/churn-events', churnEvent('back-2'));
    await api('POST', '/reactivations', { eventId: 're-back-2', customer: { externalId: 'back-2' }, at: '2025-07-01T00:00:00Z' });

    const response = await expectNothingWritten(() =>
      api('POST', '/reactivations', { eventId: 're-back-2-again', customer: { externalId: 'back-2' }, at: '2025-07-02T00:00:00Z' }),
    );

    expect(response.status).toBe(409);
  });
});

describe('GET and PATCH /customers/:id', () => {
  it('when a customer is read by id, then it is returned without internal fields; a malformed id is 400, an unknown one 404', async () => {
    const { body } = await api('POST', '/churn-events', churnEvent('read-1'));

    const found = await api('GET', `/customers/${body.customer.id}`);
    const malformed = await api('GET', '/customers/not-an-id');
    const unknown = await api('GET', '/customers/0123456789abcdef01234567');

    expect(found.status).toBe(200);
    expect(found.body.customer).toMatchObject({ id: body.customer.id, externalId: 'read-1' });
    expect(found.body.customer.searchKeys).toBeUndefined();
    expect(malformed.status).toBe(400);
    expect(fields(malformed)).toEqual(['id']);
    expect(unknown.status).toBe(404);
  });

  it('when the host changes details and revenue, then they are stored, the value recomputed and the change is on the timeline', async () => {
    const { body } = await api('POST', '/churn-events', churnEvent('patch-1'));

    const response = await api('PATCH', `/customers/${body.customer.id}`, { name: 'Ada King', revenue: { monthly: 300 }, tags: ['vip', 'vip'] });

    expect(response.status).toBe(200);
    expect(response.body.customer).toMatchObject({ name: 'Ada King', revenue: { monthly: 300, tenureMonths: 30 }, tags: ['vip'] });
    expect(response.body.customer.value.clv).toBeGreaterThan(body.customer.value.clv);
    const timeline = await db.connection.collection('customer_events').find({ type: 'updated' }).toArray();
    expect(timeline.map((event) => event.data.fields)).toContainEqual(['name', 'tags', 'revenue.monthly']);
  });

  it('when a change tries to set the status or is empty, then 400 and nothing is written', async () => {
    const { body } = await api('POST', '/churn-events', churnEvent('patch-2'));

    const status = await expectNothingWritten(() => api('PATCH', `/customers/${body.customer.id}`, { status: 'active' }));
    const empty = await expectNothingWritten(() => api('PATCH', `/customers/${body.customer.id}`, {}));

    expect(status.status).toBe(400);
    expect(empty.status).toBe(400);
  });
});

describe('GET /customers', () => {
  it('when customers are listed two at a time, then the cursor walks every page once, newest first', async () => {
    const source = `page-${randomUUID().slice(0, 8)}`;
    for (const id of ['p1', 'p2', 'p3', 'p4', 'p5']) {
      await api('POST', '/churn-events', churnEvent(id, { customer: { externalId: id, source, name: `Page ${id}` } }));
    }

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiResponse = await api('GET', `/customers?source=${source}&limit=2${cursor ? `&after=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.customers.map((customer: { externalId: string }) => customer.externalId));
      cursor = page.body.nextCursor;
    } while (cursor);

    expect(seen).toEqual(['p5', 'p4', 'p3', 'p2', 'p1']);
  });

  it('when the list is filtered by status and searched by a name prefix, then only matching customers come back', async () => {
    const source = `search-${randomUUID().slice(0, 8)}`;
    await api('POST', '/churn-events', churnEvent('s1', { customer: { externalId: 's1', source, name: 'Grace Hopper' } }));
    await api('POST', '/churn-events', churnEvent('s2', { customer: { externalId: 's2', source, name: 'Alan Turing' } }));

    const byName = await api('GET', `/customers?source=${source}&q=HOP`);
    const byStatus = await api('GET', `/customers?source=${source}&status=active,won_back`);

    expect(byName.body.customers.map((customer: { externalId: string }) => customer.externalId)).toEqual(['s1']);
    expect(byStatus.body.customers).toEqual([]);
  });

  it('when a filter has a value outside the vocabulary or an unknown name, then 400 names it', async () => {
    const response = await api('GET', '/customers?status=gone&colour=red', undefined, readOnlyKey);

    expect(response.status).toBe(400);
    expect(fields(response).sort()).toEqual(['', 'status.0']);
  });
});

describe('privacy requests', () => {
  it('when a customer is exported and then erased through the API, then the export holds the timeline and afterwards the customer is gone', async () => {
    const { body } = await api('POST', '/churn-events', churnEvent('forget-me'));

    const exported = await api('GET', `/customers/${body.customer.id}/export`);
    const erased = await api('DELETE', `/customers/${body.customer.id}`);
    const after = await api('GET', `/customers/${body.customer.id}`);

    expect(exported.status).toBe(200);
    expect(exported.body.customer.externalId).toBe('forget-me');
    expect(exported.body.data.timeline).toHaveLength(1);
    expect(erased.status).toBe(200);
    expect(erased.body.erasure.deleted).toMatchObject({ customer: 1, timeline: 1 });
    expect(after.status).toBe(404);
  });

  it('when a key may only read, then erasing is forbidden and nothing is deleted', async () => {
    const { body } = await api('POST', '/churn-events', churnEvent('keep-me'));

    const response = await expectNothingWritten(() => api('DELETE', `/customers/${body.customer.id}`, undefined, readOnlyKey));

    expect(response.status).toBe(403);
  });
});

describe('GET /metrics', () => {
  it('when the churn report is asked for by quarter, then each quarter has its churn and retention figures', async () => {
    const response = await api('GET', '/metrics?period=quarter&from=2025-04-01&to=2025-06-30');

    expect(response.status).toBe(200);
    expect(response.body.periods).toHaveLength(1);
    expect(response.body.periods[0]).toMatchObject({ period: '2025-Q2', winBackRate: null });
    expect(response.body.periods[0].lost).toBeGreaterThan(0);
    expect(response.body.periods[0].byCause).toBeDefined();
  });

  it('when the period or a date is malformed, then 400 names the field; without the metrics:read scope, 403', async () => {
    const bad = await api('GET', '/metrics?period=week&from=2025-13-01');
    const forbidden = await api('GET', '/metrics', undefined, readOnlyKey);

    expect(bad.status).toBe(400);
    expect(fields(bad).sort()).toEqual(['from', 'period']);
    expect(forbidden.status).toBe(403);
  });
});
