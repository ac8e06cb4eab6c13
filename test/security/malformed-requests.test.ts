/**
 * Requests refused before they reach a route's logic: bodies over the limit (refused by their
 * size: never parsed, and an upload stops being stored at the limit), content types a route
 * does not take, and addresses that do not decode. Each is a 4xx that writes nothing.
 */
import { createApiKey } from '../../src/modules/accounts/accounts.service';
import { maxUploadMegabytes } from '../../src/modules/customers/customers.routes';
import { createStaff, signIn, type Agent } from '../helpers/auth';
import { startFuzzBed, type FuzzBed } from './fuzz-bed';
import { malformedEscapes } from './hostile-values';
import { seedCustomers } from './seed';

let bed: FuzzBed;
let key: string;
let admin: Agent;
let customerId: string;

beforeAll(async () => {
  bed = await startFuzzBed();
  key = (await createApiKey(bed.connection, { name: 'limits', scopes: ['events:write', 'customers:write', 'customers:read'] })).token;
  admin = await signIn(bed.url, await createStaff(bed.connection, 'admin'));
  customerId = String((await seedCustomers(bed.connection, 1))[0]._id);
});

afterAll(async () => {
  await bed.close();
});

const overTheLimit = 'x'.repeat(101 * 1024);
const churnEvent = (note: string) => ({ eventId: 'big-1', customer: { externalId: 'big-1', name: note }, at: '2026-10-01T00:00:00Z', trigger: 'cancellation' });

describe('bodies over the limit', () => {
  it('when an API client sends JSON over 100 kB, then it gets 413 as a JSON error and nothing is written', async () => {
    const answer = await bed.probe('oversized JSON', { method: 'POST', path: '/api/v1/churn-events', headers: { authorization: `Bearer ${key}` }, json: churnEvent(overTheLimit) });

    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('when a staff form over 100 kB is posted, then it gets 413 and nothing is written', async () => {
    const answer = await bed.probe('oversized form', {
      method: 'POST',
      path: '/admin/users',
      headers: { cookie: admin.cookie(), 'x-csrf-token': await admin.csrfToken(), 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: `name=${overTheLimit}&email=big%40example.com&role=admin`,
    });

    expect(answer.status).toBe(413);
  });

  it('when a JSON body is over the limit, then it is refused by its size without being parsed (413, not a 400 for the broken JSON)', async () => {
    const answer = await bed.probe('oversized JSON', { method: 'POST', path: '/api/v1/churn-events', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{'.repeat(5 * 1024 * 1024) });

    expect(answer.status).toBe(413);
  });

  it(`when an upload passes the ${maxUploadMegabytes} MB import limit, then it gets 413 naming the limit, and nothing is imported`, async () => {
    const boundary = 'fuzzboundary';
    const csv = Buffer.concat([Buffer.from('external_id,name\n'), Buffer.alloc((maxUploadMegabytes + 1) * 1024 * 1024, 'a\n')]);
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="mapping"\r\n\r\ngeneric\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.csv"\r\nContent-Type: text/csv\r\n\r\n`),
      csv,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);

    const answer = await bed.probe('oversized upload', {
      method: 'POST',
      path: `/customers/import?_csrf=${encodeURIComponent(await admin.csrfToken())}`,
      headers: { cookie: admin.cookie(), 'content-type': `multipart/form-data; boundary=${boundary}`, accept: 'text/html' },
      body,
    });

    expect(answer.status).toBe(413);
    expect(answer.text).toContain(`${maxUploadMegabytes} MB`);
  }, 30_000);
});

describe('uploads cut short', () => {
  const part = '--cut\r\nContent-Disposition: form-data; name="file"; filename="c.csv"\r\nContent-Type: text/csv\r\n\r\nexternal_id\nx-1\n';
  it.each([
    ['ends in the middle of the file', 'multipart/form-data; boundary=cut', part],
    ['has no boundary in its content type', 'multipart/form-data', `${part}\r\n--cut--\r\n`],
  ])('when an upload %s, then the import form says it did not arrive complete (400; found by fuzzing: a 500)', async (_label, contentType, body) => {
    const answer = await bed.probe('upload cut short', {
      method: 'POST',
      path: '/customers/import',
      headers: { cookie: admin.cookie(), 'x-csrf-token': await admin.csrfToken(), 'content-type': contentType, accept: 'text/html' },
      body,
    });

    expect(answer.status).toBe(400);
    expect(answer.text).toContain('The upload did not arrive complete.');
  });
});

describe('content types a route does not take', () => {
  it.each([
    ['text/plain', JSON.stringify(churnEvent('Ada'))],
    ['application/x-www-form-urlencoded', 'eventId=x&customer[externalId]=y'],
    ['application/xml', '<event><eventId>x</eventId></event>'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="eventId"\r\n\r\nx\r\n--x--\r\n'],
  ])('when an API client sends %s, then it gets a 4xx JSON error and nothing is written', async (type, body) => {
    const answer = await bed.probe('wrong content type', { method: 'POST', path: '/api/v1/churn-events', headers: { authorization: `Bearer ${key}`, 'content-type': type }, body });

    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: expect.any(String) } });
  });

  it('when JSON comes in a charset the parser does not read, then it gets 415', async () => {
    const answer = await bed.probe('unsupported charset', { method: 'POST', path: '/api/v1/churn-events', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json; charset=latin1' }, body: JSON.stringify(churnEvent('Ada')) });

    expect(answer.status).toBe(415);
  });

  it('when a staff form arrives as multipart where the route reads a plain form, then it is refused and nothing is written', async () => {
    const answer = await bed.probe('multipart to a plain form', {
      method: 'POST',
      path: `/customers/${customerId}/cause`,
      headers: { cookie: admin.cookie(), 'x-csrf-token': await admin.csrfToken(), 'content-type': 'multipart/form-data; boundary=x', accept: 'text/html' },
      body: '--x\r\nContent-Disposition: form-data; name="code"\r\n\r\nprice\r\n--x--\r\n',
    });

    expect(answer.status).toBe(400);
  });
});

describe('addresses that do not decode', () => {
  it.each(malformedEscapes.map((escape) => [escape]))('when a path parameter is %s, then the answer is 400, not a 500', async (escape) => {
    const api = await bed.probe('malformed escape', { method: 'GET', path: `/api/v1/customers/${escape}`, headers: { authorization: `Bearer ${key}` } });
    const page = await bed.probe('malformed escape', { method: 'GET', path: `/customers/${escape}`, headers: { cookie: admin.cookie(), accept: 'text/html' } });

    expect(api.status).toBe(400);
    expect(page.status).toBe(400);
  });
});
