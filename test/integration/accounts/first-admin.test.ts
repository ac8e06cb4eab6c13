/** The one-time setup form that makes the first admin on an empty database. */
import { staffAccountModel } from '../../../src/modules/accounts/user.model';
import { startTestApp } from '../../helpers/app';
import { anonymousAgent } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';

let db: TestDatabase;
let app: ListeningApp;

beforeEach(async () => {
  db = await createTestDatabase();
  app = await startTestApp({ connection: db.connection });
});

afterEach(async () => {
  await app.close();
  await db.close();
});

const firstAdmin = { name: 'Grace Admin', email: 'grace@example.test', password: 'a long first password', passwordConfirmation: 'a long first password' };

describe('the first admin', () => {
  it('when no user exists, then the sign-in page offers the setup form, which makes an admin and signs them in', async () => {
    const agent = anonymousAgent(app.url);
    const page = await (await agent.get('/login')).text();

    const response = await agent.postForm('/setup', firstAdmin);
    const users = await agent.get('/admin/users');

    expect(page).toContain('Create the first administrator');
    expect(page).toContain('action="/setup"');
    expect(response.status).toBe(303);
    expect(users.status).toBe(200);
    const stored = await staffAccountModel(db.connection).find({}).lean();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ email: 'grace@example.test', role: 'admin', disabled: false });
    expect(stored[0].passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('when an admin exists, then the form is no longer offered and a second setup is refused with 409', async () => {
    await anonymousAgent(app.url).postForm('/setup', firstAdmin);

    const agent = anonymousAgent(app.url);
    const page = await (await agent.get('/login')).text();
    const second = await agent.postForm('/setup', { ...firstAdmin, email: 'mallory@example.test' });

    expect(page).not.toContain('action="/setup"');
    expect(second.status).toBe(409);
    expect(await staffAccountModel(db.connection).countDocuments({})).toBe(1);
  });

  it('when two setup forms arrive at the same moment, then exactly one admin is made', async () => {
    const agents = [anonymousAgent(app.url), anonymousAgent(app.url), anonymousAgent(app.url)];
    await Promise.all(agents.map((agent) => agent.csrfToken()));

    const responses = await Promise.all(agents.map((agent, index) => agent.postForm('/setup', { ...firstAdmin, email: `admin${index}@example.test` })));

    expect(responses.map((response) => response.status).sort()).toEqual([303, 409, 409]);
    expect(await staffAccountModel(db.connection).countDocuments({})).toBe(1);
  });

  it('when the setup form is filled in badly, then it is shown again with field messages and nothing is made', async () => {
    const response = await anonymousAgent(app.url).postForm('/setup', { name: '', email: 'not-an-email', password: 'short', passwordConfirmation: 'other' });
    const html = await response.text();

    expect(response.status).toBe(400);
    expect(html).toContain('Fill in this field.');
    expect(html).toContain('Enter an e-mail address such as name@example.com.');
    expect(html).toContain('Use at least 12 characters.');
    expect(html).toContain('value="not-an-email"');
    expect(await staffAccountModel(db.connection).countDocuments({})).toBe(0);
  });
});
