/**
 * createChurnPlugin's options beyond the example host: templates overridden by the host, a user
 * the host gives no role, and jobs not started yet.
 */
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import session from 'express-session';
import { createChurnPlugin, type ChurnPlugin } from '../../../src/plugin';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { listenOnFreePort, type ListeningApp } from '../../helpers/http';

let db: TestDatabase;
let overrides: string;
let plugin: ChurnPlugin;
let host: ListeningApp;

beforeAll(async () => {
  db = await createTestDatabase();
  overrides = await mkdtemp(path.join(tmpdir(), 'churn-views-'));
  await mkdir(path.join(overrides, 'home'));
  await writeFile(path.join(overrides, 'home', 'index.hbs'), '<p data-host-home>Welcome to ACME churn, {{currentStaff.name}}</p>');
  plugin = await createChurnPlugin({
    connection: db.connection,
    // The host says who is signed in with a header here; a real host reads its session.
    authenticate: (req) => {
      const id = req.get('x-host-user');
      return id ? { id, email: `${id}@acme.test`, name: `User ${id}` } : null;
    },
    authorize: (user) => (user.id === 'guest' ? null : 'success'),
    config: { NODE_ENV: 'test' },
    viewsOverrideDir: overrides,
  });
  const app = express();
  app.use(session({ secret: 'test-secret-test-secret', resave: false, saveUninitialized: false }));
  app.use('/crm/churn', plugin.router);
  host = await listenOnFreePort(app);
});

afterAll(async () => {
  await host.close();
  await plugin.close();
  await db.close();
  await rm(overrides, { recursive: true, force: true });
});

test('when the host overrides a template, then its version is rendered inside our layout, and other pages stay ours', async () => {
  const home = await fetch(`${host.url}/crm/churn/`, { headers: { 'x-host-user': 'u1', accept: 'text/html' } });
  const html = await home.text();

  expect(home.status).toBe(200);
  expect(html).toContain('<p data-host-home>Welcome to ACME churn, User u1</p>');
  expect(html).toContain('href="/crm/churn/assets/css/app.css"');
  expect((await fetch(`${host.url}/crm/churn/customers`, { headers: { 'x-host-user': 'u1', accept: 'text/html' } })).status).toBe(200);
});

test('when the host gives a user no role, then our pages answer 403 and no mirror account is made', async () => {
  const response = await fetch(`${host.url}/crm/churn/customers`, { headers: { 'x-host-user': 'guest', accept: 'text/html' } });

  expect(response.status).toBe(403);
  expect(await db.connection.collection('users').countDocuments({ hostUserId: 'guest' })).toBe(0);
});

test('when nobody is signed in and the host gave no sign-in page, then JSON clients get 401', async () => {
  const response = await fetch(`${host.url}/crm/churn/customers`, { headers: { accept: 'application/json' } });

  expect(response.status).toBe(401);
});

test('when a job is asked for before startJobs, then the answer says jobs are not running', async () => {
  await expect(plugin.runJobNow('dashboard.snapshot')).rejects.toMatchObject({ httpStatus: 503, code: 'jobs_not_started' });
});

test('when the plugin starts on an empty database, then the stored taxonomy already holds the eight causes of DOMAIN.md', async () => {
  const causes = await db.connection.collection('churnCauses').find({}, { projection: { _id: 0, code: 1 } }).toArray();
  expect(causes.map((cause) => cause.code).sort()).toEqual(['competitor', 'natural', 'other', 'price', 'product', 'relationship', 'service', 'trust']);
});
