/** CSRF: a state-changing form without this session's token is refused with 403 and changes nothing. */
import { apiKeyModel } from '../../../src/modules/accounts/api-key.model';
import { staffAccountModel } from '../../../src/modules/accounts/user.model';
import { startTestApp } from '../../helpers/app';
import { anonymousAgent, createStaff, signIn, type Agent, type TestStaff } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';

let db: TestDatabase;
let app: ListeningApp;
let adminStaff: TestStaff;
let admin: Agent;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp({ connection: db.connection });
  adminStaff = await createStaff(db.connection, 'admin');
  admin = await signIn(app.url, adminStaff);
});

afterAll(async () => {
  await app.close();
  await db.close();
});

const newUser = { name: 'Eve Forged', email: 'eve@example.test', role: 'admin', password: 'forged password 123' };

describe('forms without a valid CSRF token', () => {
  it('when the token is missing, then creating a user is refused with 403 and no user is made', async () => {
    const response = await admin.postForm('/admin/users', newUser, { csrf: false });

    expect(response.status).toBe(403);
    expect(await response.text()).toContain('This form has expired or did not come from this site.');
    expect(await staffAccountModel(db.connection).countDocuments({ email: newUser.email })).toBe(0);
  });

  it('when the token belongs to another session, then it is refused and nothing is written', async () => {
    const otherSession = await signIn(app.url, adminStaff);
    const foreignToken = await otherSession.csrfToken();

    const response = await admin.postForm('/admin/api-keys', { name: 'Forged key', scopes: 'events:write', _csrf: foreignToken }, { csrf: false });

    expect(response.status).toBe(403);
    expect(await apiKeyModel(db.connection).countDocuments({ name: 'Forged key' })).toBe(0);
  });

  it('when a JSON client sends no token, then it gets a 403 JSON error', async () => {
    const response = await admin.fetch('/admin/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(newUser),
    });

    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('csrf_failed');
    expect(await staffAccountModel(db.connection).countDocuments({ email: newUser.email })).toBe(0);
  });

  it('when the token comes in the X-CSRF-Token header, then the request is accepted', async () => {
    const response = await admin.fetch('/account/language', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': await admin.csrfToken() },
      body: JSON.stringify({ preferredLocale: 'en' }),
    });

    expect(response.status).toBe(303);
  });

  it('when the sign-in form is posted without a token, then sign-in is refused (no login CSRF)', async () => {
    const response = await anonymousAgent(app.url).postForm('/login', { email: adminStaff.email, password: adminStaff.password }, { csrf: false });

    expect(response.status).toBe(403);
  });

  it('when signing out is posted from elsewhere without a token, then the session stays', async () => {
    const response = await admin.postForm('/logout', {}, { csrf: false });

    expect(response.status).toBe(403);
    expect((await admin.get('/account')).status).toBe(200);
  });

  it('when an API client posts to /api/v1 without a session, then no CSRF token is asked for (it reaches routing: 404 here)', async () => {
    const response = await fetch(`${app.url}/api/v1/key`, { method: 'POST', headers: { authorization: 'Bearer nothing' } });

    expect(response.status).toBe(404);
  });
});
