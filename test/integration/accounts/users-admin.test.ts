/** The admin's user pages and each user's own account page, through HTTP. */
import { staffAccountModel } from '../../../src/modules/accounts/user.model';
import { startTestApp } from '../../helpers/app';
import { anonymousAgent, createStaff, signIn, staffPassword, type Agent, type TestStaff } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';

let db: TestDatabase;
let app: ListeningApp;
let adminStaff: TestStaff;
let admin: Agent;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp({ connection: db.connection });
  adminStaff = await createStaff(db.connection, 'admin', { name: 'Ada Admin' });
  admin = await signIn(app.url, adminStaff);
});

afterAll(async () => {
  await app.close();
  await db.close();
});

const temporaryPassword = 'temporary password 1';

async function newUserByAdmin(fields: Partial<Record<'name' | 'email' | 'role' | 'password', string>> = {}) {
  const email = fields.email ?? `user-${Math.random().toString(36).slice(2, 10)}@example.test`;
  const response = await admin.postForm('/admin/users', { name: 'Sam Success', email, role: 'success', password: temporaryPassword, ...fields });
  return { response, email };
}

describe('creating users', () => {
  it('when an admin creates a user, then they appear in the list and must choose their own password at first sign-in', async () => {
    const { response, email } = await newUserByAdmin({ name: 'Mia Marketer', role: 'marketer' });
    const list = await (await admin.get('/admin/users')).text();

    const user = anonymousAgent(app.url);
    const signedIn = await user.postForm('/login', { email, password: temporaryPassword });
    const elsewhere = await user.get('/admin/users');
    const changed = await user.postForm('/account/password', { currentPassword: temporaryPassword, password: 'my very own password', passwordConfirmation: 'my very own password' });
    const home = await user.get('/');

    expect(response.status).toBe(303);
    expect(list).toContain('Mia Marketer');
    expect(list).toContain('Mia Marketer can now sign in with the temporary password.');
    expect(signedIn.headers.get('location')).toBe('/account');
    expect(elsewhere.headers.get('location')).toBe('/account');
    expect(changed.headers.get('location')).toBe('/');
    expect(home.status).toBe(200);
    expect(await staffAccountModel(db.connection).findOne({ email }).lean()).toMatchObject({ role: 'marketer', mustChangePassword: false });
  });

  it('when the form is filled in badly, then it comes back with a message per field and the values typed, and nothing is saved', async () => {
    const before = await staffAccountModel(db.connection).countDocuments({});

    const response = await admin.postForm('/admin/users', { name: '', email: 'no-at-sign', role: 'owner', password: 'short' });
    const html = await response.text();

    expect(response.status).toBe(400);
    expect(html).toContain('Please correct the fields marked below.');
    expect(html).toContain('Fill in this field.');
    expect(html).toContain('Enter an e-mail address such as name@example.com.');
    expect(html).toContain('Choose one of the options.');
    expect(html).toContain('Use at least 12 characters.');
    expect(html).toContain('value="no-at-sign"');
    expect(html).not.toContain('value="short"');
    expect(await staffAccountModel(db.connection).countDocuments({})).toBe(before);
  });

  it('when the e-mail is already used, then the form says so', async () => {
    const response = await admin.postForm('/admin/users', { name: 'Copy', email: adminStaff.email.toUpperCase(), role: 'success', password: temporaryPassword });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('A user with this e-mail address already exists.');
  });

  it('when a name contains markup, then the users page shows it as text', async () => {
    await newUserByAdmin({ name: '<script>alert("x")</script> & Co' });

    const html = await (await admin.get('/admin/users')).text();

    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(html).not.toContain('<script>alert');
  });

  it('when the users page is shown in Chinese, then its words are Chinese', async () => {
    const html = await (await admin.get('/admin/users?lang=zh-CN')).text();
    await admin.get('/admin/users?lang=en');

    expect(html).toContain('新建用户');
    expect(html).toContain('管理员');
    expect(html).toContain('<html lang="zh-CN">');
  });
});

describe('refusals', () => {
  it('when a marketer opens the users page, then a 403 page says why, in their language', async () => {
    const marketer = await signIn(app.url, await createStaff(db.connection, 'marketer'));

    const english = await marketer.get('/admin/users');
    const chinese = await marketer.get('/admin/users?lang=zh-CN');
    const chineseHtml = await chinese.text();

    expect(english.status).toBe(403);
    expect(await english.text()).toContain('Your role does not allow this page or action.');
    expect(chinese.status).toBe(403);
    expect(chineseHtml).toContain('错误 403');
    expect(chineseHtml).toContain('您的角色无权访问此页面或执行此操作。');
  });
});

describe('disabling and enabling', () => {
  it('when an admin disables a user, then their open session ends and they cannot sign in until enabled again', async () => {
    const staff = await createStaff(db.connection, 'success');
    const session = await signIn(app.url, staff);

    const disabled = await admin.postForm(`/admin/users/${staff.id}/disable`, {});
    const withOpenSession = await session.get('/account', { headers: { accept: 'application/json' } });
    const signInWhileDisabled = await anonymousAgent(app.url).postForm('/login', { email: staff.email, password: staffPassword });
    await admin.postForm(`/admin/users/${staff.id}/enable`, {});
    const signInAgain = await anonymousAgent(app.url).postForm('/login', { email: staff.email, password: staffPassword });

    expect(disabled.status).toBe(303);
    expect(withOpenSession.status).toBe(401);
    expect(signInWhileDisabled.status).toBe(401);
    expect(signInAgain.status).toBe(303);
  });

  it('when an admin tries to disable their own account, then it is refused', async () => {
    await admin.postForm(`/admin/users/${adminStaff.id}/disable`, {});

    expect((await staffAccountModel(db.connection).findById(adminStaff.id).lean())?.disabled).toBe(false);
    expect(await (await admin.get('/admin/users')).text()).toContain('You cannot disable your own account.');
  });

  it('when the user id does not exist, then the answer is 404', async () => {
    expect((await admin.postForm('/admin/users/0123456789abcdef01234567/disable', {})).status).toBe(404);
    expect((await admin.postForm('/admin/users/not-an-id/disable', {})).status).toBe(404);
  });
});

describe('resetting a password', () => {
  it('when an admin resets a locked user\'s password, then the lock is lifted, old sessions end, and the temporary password works', async () => {
    const staff = await createStaff(db.connection, 'marketer');
    const session = await signIn(app.url, staff);
    await staffAccountModel(db.connection).updateOne({ _id: staff.id }, { $set: { lockedUntil: new Date(Date.now() + 600_000), failedLogins: 0 } });

    const reset = await admin.postForm(`/admin/users/${staff.id}/password`, { password: temporaryPassword, passwordConfirmation: temporaryPassword });
    const oldSession = await session.get('/account', { headers: { accept: 'application/json' } });
    const signedIn = await anonymousAgent(app.url).postForm('/login', { email: staff.email, password: temporaryPassword });

    expect(reset.status).toBe(303);
    expect(oldSession.status).toBe(401);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/account');
  });

  it('when the two passwords differ, then the form says so and nothing changes', async () => {
    const staff = await createStaff(db.connection, 'success');
    const before = (await staffAccountModel(db.connection).findById(staff.id).lean())?.passwordHash;

    const response = await admin.postForm(`/admin/users/${staff.id}/password`, { password: temporaryPassword, passwordConfirmation: 'something else entirely' });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('The two passwords are not the same.');
    expect((await staffAccountModel(db.connection).findById(staff.id).lean())?.passwordHash).toBe(before);
  });
});

describe('my account', () => {
  it('when a user gives a wrong current password, then the password is not changed', async () => {
    const staff = await createStaff(db.connection, 'success');
    const agent = await signIn(app.url, staff);

    const response = await agent.postForm('/account/password', { currentPassword: 'not my password', password: 'another long password', passwordConfirmation: 'another long password' });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('This is not your current password.');
    expect((await anonymousAgent(app.url).postForm('/login', { email: staff.email, password: staffPassword })).status).toBe(303);
  });

  it('when a user prefers Chinese, then their pages are in Chinese without any switch', async () => {
    const staff = await createStaff(db.connection, 'marketer');
    const agent = await signIn(app.url, staff);

    const saved = await agent.postForm('/account/language', { preferredLocale: 'zh-CN' });
    const page = await (await agent.get('/account')).text();
    const refused = await agent.postForm('/account/language', { preferredLocale: 'fr' });

    expect(saved.status).toBe(303);
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('我的账户');
    expect(refused.status).toBe(400);
  });
});
