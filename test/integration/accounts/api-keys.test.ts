/** API keys: made by an admin and shown once, stored as a hash, checked on /api/v1, revoked. */
import express from 'express';
import { apiKeyModel } from '../../../src/modules/accounts/api-key.model';
import { createApiKey, revokeApiKey } from '../../../src/modules/accounts/accounts.service';
import { authenticateApiKey } from '../../../src/modules/accounts/api-keys.service';
import { apiKeyAuthentication, requireApiKey } from '../../../src/shared/auth';
import { createErrorHandler } from '../../../src/shared/errors';
import { createLogger } from '../../../src/shared/logging';
import { startTestApp } from '../../helpers/app';
import { createStaff, signIn, type Agent } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { listenOnFreePort, type ListeningApp } from '../../helpers/http';

let db: TestDatabase;
let app: ListeningApp;
let admin: Agent;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp({ connection: db.connection });
  admin = await signIn(app.url, await createStaff(db.connection, 'admin'));
});

afterAll(async () => {
  await app.close();
  await db.close();
});

const keyCheck = (token: string, header: 'authorization' | 'x-api-key' = 'authorization') =>
  fetch(`${app.url}/api/v1/key`, { headers: { [header]: header === 'authorization' ? `Bearer ${token}` : token } });

describe('making a key on the admin page', () => {
  it('when an admin creates a key, then its token is shown once, only a hash is stored, and the list shows its prefix', async () => {
    const response = await admin.postForm('/admin/api-keys', { name: 'Main CRM', scopes: ['events:write', 'customers:read'] });
    const html = await response.text();
    const token = /value="(cwb_[A-Za-z0-9_-]{43})"/.exec(html)?.[1] as string;
    const list = await (await admin.get('/admin/api-keys')).text();
    const stored = await apiKeyModel(db.connection).findOne({ name: 'Main CRM' }).lean();

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(token).toBeDefined();
    expect(stored?.scopes).toEqual(['events:write', 'customers:read']);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(list).toContain(token.slice(0, 12));
    expect(list).not.toContain(token);
    expect((await keyCheck(token)).status).toBe(200);
  });

  it('when no scope is ticked, then the form comes back with a message and no key is made', async () => {
    const before = await apiKeyModel(db.connection).countDocuments({});

    const response = await admin.postForm('/admin/api-keys', { name: 'No scopes' });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Choose at least one scope.');
    expect(await apiKeyModel(db.connection).countDocuments({})).toBe(before);
  });

  it('when a scope that does not exist is sent, then it is refused and no key is made', async () => {
    const response = await admin.postForm('/admin/api-keys', { name: 'Too much', scopes: ['events:write', 'everything:admin'] });

    expect(response.status).toBe(400);
    expect(await apiKeyModel(db.connection).countDocuments({ name: 'Too much' })).toBe(0);
  });
});

describe('using a key', () => {
  it('when a key is sent as Bearer or as X-API-Key, then the caller is recognised and the use is noted', async () => {
    const { id, token } = await createApiKey(db.connection, { name: 'Billing system', scopes: ['events:write'] });

    const bearer = await keyCheck(token);
    const header = await keyCheck(token, 'x-api-key');

    expect(bearer.status).toBe(200);
    expect(await bearer.json()).toEqual({ name: 'Billing system', scopes: ['events:write'] });
    expect(header.status).toBe(200);
    expect((await apiKeyModel(db.connection).findById(id).lean())?.lastUsedAt).toBeInstanceOf(Date);
  });

  it('when no key, a malformed key or an unknown key is sent, then the answer is 401 in JSON', async () => {
    const none = await fetch(`${app.url}/api/v1/key`);
    const malformed = await keyCheck('not a key');
    const unknown = await keyCheck(`cwb_${'A'.repeat(43)}`);

    expect([none.status, malformed.status, unknown.status]).toEqual([401, 401, 401]);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('when an admin revokes a key on the page, then the next request with it gets 401', async () => {
    const { id, token } = await createApiKey(db.connection, { name: 'Old integration', scopes: ['metrics:read'] });
    expect((await keyCheck(token)).status).toBe(200);

    const revoke = await admin.postForm(`/admin/api-keys/${id}/revoke`, {});
    const afterwards = await keyCheck(token);
    const list = await (await admin.get('/admin/api-keys')).text();

    expect(revoke.status).toBe(303);
    expect(afterwards.status).toBe(401);
    expect(list).toContain('Revoked');
  });
});

describe('scopes', () => {
  let scoped: ListeningApp;

  beforeAll(async () => {
    // A route that needs metrics:read, behind the same middleware the app mounts on /api/v1.
    const api = express();
    api.use(apiKeyAuthentication((token) => authenticateApiKey(db.connection, token)));
    api.get('/metrics', requireApiKey('metrics:read'), (_req, res) => res.json({ churnRate: 0.05 }));
    api.use(createErrorHandler(createLogger({ level: 'silent' })));
    scoped = await listenOnFreePort(api);
  });

  afterAll(async () => scoped.close());

  const metrics = (token: string) => fetch(`${scoped.url}/metrics`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });

  it('when the key has the scope, then the route answers', async () => {
    const { token } = await createApiKey(db.connection, { name: 'Dashboard', scopes: ['metrics:read'] });

    const response = await metrics(token);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ churnRate: 0.05 });
  });

  it('when the key lacks the scope, then the answer is 403 naming it', async () => {
    const { token } = await createApiKey(db.connection, { name: 'Event feed', scopes: ['events:write', 'customers:read'] });

    const response = await metrics(token);

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: 'forbidden', message: 'This API key does not have the scope metrics:read.', details: null } });
  });

  it('when the key is revoked, then the answer is 401 even with the scope', async () => {
    const { id, token } = await createApiKey(db.connection, { name: 'Revoked dashboard', scopes: ['metrics:read'] });
    await revokeApiKey(db.connection, id);

    expect((await metrics(token)).status).toBe(401);
  });
});
