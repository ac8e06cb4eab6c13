import type { ErrorBody } from '../../src/shared/errors';
import { startTestApp } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import type { ListeningApp } from '../helpers/http';

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

describe('health probes', () => {
  it('when /healthz is asked, then it answers 200 ok', async () => {
    const response = await fetch(`${app.url}/healthz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('when the database is connected, then /readyz answers 200 with every check ok', async () => {
    const response = await fetch(`${app.url}/readyz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', checks: { database: 'ok', scheduler: 'ok' } });
  });

  it('when the database connection is closed, then /readyz answers 503 naming the database', async () => {
    const connection = await db.connect();
    const isolated = await startTestApp({ connection });
    await connection.close();

    const response = await fetch(`${isolated.url}/readyz`);
    await isolated.close();

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'unavailable', checks: { database: 'not connected', scheduler: 'ok' } });
  });

  it('when this process runs jobs but the scheduler is stopped, then /readyz answers 503 naming the scheduler', async () => {
    const stoppedScheduler = { isRunning: () => false, dashboard: () => undefined as never };
    const worker = await startTestApp({ connection: db.connection, scheduler: stoppedScheduler, runsJobs: true });

    const response = await fetch(`${worker.url}/readyz`);
    await worker.close();

    expect(response.status).toBe(503);
    expect(((await response.json()) as { checks: unknown }).checks).toEqual({ database: 'ok', scheduler: 'job scheduler is not running' });
  });

  it('when a web-only process has a stopped scheduler, then it is still ready', async () => {
    const enqueueOnly = { isRunning: () => false, dashboard: () => undefined as never };
    const web = await startTestApp({ connection: db.connection, scheduler: enqueueOnly, runsJobs: false });

    const response = await fetch(`${web.url}/readyz`);
    await web.close();

    expect(response.status).toBe(200);
  });
});

describe('pages and errors', () => {
  it('when the home page is opened, then it shows the product name and links to health', async () => {
    const response = await fetch(`${app.url}/`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toContain('Churn &amp; Win-back');
    expect(html).toContain('href="/healthz"');
    expect(html).toContain('href="/assets/css/app.css"');
  });

  it('when the stylesheet is requested, then it is served locally as CSS', async () => {
    const response = await fetch(`${app.url}/assets/css/app.css`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/css/);
  });

  it('when a browser asks for an unknown page, then a 404 HTML page is sent', async () => {
    const response = await fetch(`${app.url}/no-such-page`, { headers: { accept: 'text/html,application/xhtml+xml' } });

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toContain('Page not found');
  });

  it('when an unknown /api path is asked, then a 404 JSON error is sent', async () => {
    const response = await fetch(`${app.url}/api/no-such-thing`, { headers: { accept: 'text/html' } });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'Nothing is found at /api/no-such-thing.', details: null } });
  });

  it('when a client sends malformed JSON, then a 400 JSON error is sent', async () => {
    const response = await fetch(`${app.url}/api/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name": "Ada",',
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.code).toBe('malformed_body');
  });

  it('when a client sends a body over the limit, then a 413 JSON error is sent', async () => {
    const response = await fetch(`${app.url}/api/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'x'.repeat(200 * 1024) }),
    });

    expect(response.status).toBe(413);
    expect(((await response.json()) as ErrorBody).error.code).toBe('payload_too_large');
  });
});

describe('security headers and request ids', () => {
  it('when any page is served, then a strict Content-Security-Policy is set', async () => {
    const response = await fetch(`${app.url}/`);
    const csp = response.headers.get('content-security-policy') ?? '';

    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('when a request carries x-request-id, then the same id is returned', async () => {
    const response = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'lb-1234' } });

    expect(response.headers.get('x-request-id')).toBe('lb-1234');
  });

  it('when a request has no usable id, then a UUID is assigned', async () => {
    const response = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'id with spaces & symbols!' } });

    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('when NODE_ENV is not development, then the job dashboard is not mounted', async () => {
    const response = await fetch(`${app.url}/admin/jobs/`, { headers: { accept: 'application/json' } });

    expect(response.status).toBe(404);
  });
});
