/** Signing in and out through the sign-in form, with the lockout and the rate limit. */
import { staffAccountModel } from '../../../src/modules/accounts/user.model';
import { startTestApp } from '../../helpers/app';
import { anonymousAgent, createStaff, signIn, staffPassword } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';

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

const genericFailure = 'Sign-in failed. Check your e-mail and password.';

describe('signing in', () => {
  it('when the e-mail and password are right, then the session is regenerated and staff pages open', async () => {
    const staff = await createStaff(db.connection, 'success');
    const agent = anonymousAgent(app.url);
    await agent.csrfToken();
    const sessionBefore = agent.cookie();

    const response = await agent.postForm('/login', { email: staff.email.toUpperCase(), password: staffPassword });
    const account = await agent.get('/account');

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    expect(agent.cookie()).not.toBe(sessionBefore);
    expect(account.status).toBe(200);
    expect(await account.text()).toContain(staff.email);
    expect((await staffAccountModel(db.connection).findById(staff.id).lean())?.lastLoginAt).toBeInstanceOf(Date);
  });

  it('when the session cookie is set, then it is httpOnly and SameSite=Lax', async () => {
    const agent = anonymousAgent(app.url);
    const page = await agent.get('/login');
    await page.text();

    const setCookie = page.headers.getSetCookie().find((line) => line.startsWith('churn.sid='));
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i);
  });

  it('when BASE_URL is https, then the session cookie is Secure', async () => {
    const secureApp = await startTestApp({ connection: db.connection, env: { BASE_URL: 'https://crm.example.com', TRUST_PROXY: 'loopback' } });
    try {
      const page = await fetch(`${secureApp.url}/login`, { headers: { 'x-forwarded-proto': 'https' } });
      await page.text();
      expect(page.headers.getSetCookie().find((line) => line.startsWith('churn.sid='))).toMatch(/Secure/);
    } finally {
      await secureApp.close();
    }
  });

  it('when the password is wrong, then the same generic message is shown as for an unknown e-mail, with 401', async () => {
    const staff = await createStaff(db.connection, 'marketer');

    const wrongPassword = await anonymousAgent(app.url).postForm('/login', { email: staff.email, password: 'not the password at all' });
    const unknownEmail = await anonymousAgent(app.url).postForm('/login', { email: 'nobody@example.test', password: 'not the password at all' });
    const wrongHtml = await wrongPassword.text();

    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongHtml).toContain(genericFailure);
    expect(await unknownEmail.text()).toContain(genericFailure);
    expect(wrongHtml).toContain(`value="${staff.email}"`);
    expect(wrongHtml).not.toContain('not the password at all');
  });

  it('when a returnTo path is given, then sign-in goes back there; another site is never a destination', async () => {
    const staff = await createStaff(db.connection, 'admin');

    const local = await anonymousAgent(app.url).postForm('/login', { email: staff.email, password: staffPassword, returnTo: '/admin/users?page=2' });
    const offSite = await anonymousAgent(app.url).postForm('/login', { email: staff.email, password: staffPassword, returnTo: '//evil.example/steal' });
    const sneaky = await anonymousAgent(app.url).postForm('/login', { email: staff.email, password: staffPassword, returnTo: '/\t/evil.example' });

    expect(local.headers.get('location')).toBe('/admin/users?page=2');
    expect(offSite.headers.get('location')).toBe('/');
    expect(sneaky.headers.get('location')).toBe('/');
  });

  it('when a signed-out browser opens a staff page, then it is sent to sign in and brought back', async () => {
    const response = await anonymousAgent(app.url).get('/admin/users?page=2', { headers: { accept: 'text/html' } });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?returnTo=%2Fadmin%2Fusers%3Fpage%3D2');
  });

  it('when a form field is missing, then the form is shown again with a field message and 400', async () => {
    const response = await anonymousAgent(app.url).postForm('/login', { email: 'ada@example.test' });
    const html = await response.text();

    expect(response.status).toBe(400);
    expect(html).toContain('Fill in this field.');
    expect(html).toContain('value="ada@example.test"');
  });

  it('when the sign-in page is asked for in Chinese, then it is in Chinese', async () => {
    const response = await anonymousAgent(app.url).get('/login?lang=zh-CN');
    const html = await response.text();

    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('登录');
    expect(response.headers.getSetCookie().some((line) => line.startsWith('lang=zh-CN'))).toBe(true);
  });
});

describe('signing out', () => {
  it('when a user signs out, then the session is destroyed and the old cookie no longer works', async () => {
    const staff = await createStaff(db.connection, 'success');
    const agent = await signIn(app.url, staff);
    const oldCookie = agent.cookie();
    await agent.csrfToken();
    expect(await db.connection.collection('sessions').countDocuments({ _id: sessionIdOf(oldCookie) } as never)).toBe(1);

    const response = await agent.postForm('/logout', {});
    const withOldCookie = await fetch(`${app.url}/account`, { headers: { cookie: oldCookie, accept: 'application/json' }, redirect: 'manual' });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login');
    expect(withOldCookie.status).toBe(401);
    expect(await db.connection.collection('sessions').countDocuments({ _id: sessionIdOf(oldCookie) } as never)).toBe(0);
  });
});

describe('locking after repeated failures', () => {
  it('when the password is wrong 5 times in a row, then even the right password is refused until the lock ends', async () => {
    const staff = await createStaff(db.connection, 'success');
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await anonymousAgent(app.url).postForm('/login', { email: staff.email, password: `wrong password ${attempt}` })).status).toBe(401);
    }

    const rightPassword = await anonymousAgent(app.url).postForm('/login', { email: staff.email, password: staffPassword });
    const stored = await staffAccountModel(db.connection).findById(staff.id).lean();

    expect(rightPassword.status).toBe(401);
    expect(await rightPassword.text()).toContain(genericFailure);
    expect(stored?.lockedUntil?.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);

    await staffAccountModel(db.connection).updateOne({ _id: staff.id }, { $set: { lockedUntil: new Date(Date.now() - 1000) } });
    expect((await anonymousAgent(app.url).postForm('/login', { email: staff.email, password: staffPassword })).status).toBe(303);
  });

  it('when a disabled user signs in with the right password, then it is refused like any failure', async () => {
    const staff = await createStaff(db.connection, 'marketer');
    await staffAccountModel(db.connection).updateOne({ _id: staff.id }, { $set: { disabled: true } });

    const response = await anonymousAgent(app.url).postForm('/login', { email: staff.email, password: staffPassword });

    expect(response.status).toBe(401);
    expect(await response.text()).toContain(genericFailure);
  });
});

describe('rate limiting sign-in attempts', () => {
  it('when one address fails more often than the limit, then it gets 429 even with the right password', async () => {
    const limited = await startTestApp({ connection: db.connection, env: { LOGIN_RATE_LIMIT: '3' } });
    try {
      const staff = await createStaff(db.connection, 'success');
      for (let attempt = 0; attempt < 3; attempt++) {
        await anonymousAgent(limited.url).postForm('/login', { email: 'nobody@example.test', password: 'wrong password here' });
      }
      const response = await anonymousAgent(limited.url).postForm('/login', { email: staff.email, password: staffPassword });

      expect(response.status).toBe(429);
      expect(await response.text()).toContain('Too many failed sign-in attempts');
    } finally {
      await limited.close();
    }
  });
});

function sessionIdOf(cookie: string): string {
  const value = decodeURIComponent(/churn\.sid=([^;]+)/.exec(cookie)?.[1] ?? '');
  return value.slice(2, value.indexOf('.'));
}
