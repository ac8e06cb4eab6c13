/**
 * The outbox pages (admins only) and the notice on every staff page while mail is kept in the
 * outbox instead of being delivered.
 */
import { randomUUID } from 'node:crypto';
import { createMailer, outboxModel, type OutboxMessage } from '../../../src/shared/mail';
import { startTestApp } from '../../helpers/app';
import { createStaff, signIn, type Agent } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';

let db: TestDatabase;
let app: ListeningApp;
let admin: Agent;

beforeAll(async () => {
  db = await createTestDatabase();
  await outboxModel(db.connection).init();
  app = await startTestApp({ connection: db.connection });
  admin = await signIn(app.url, await createStaff(db.connection, 'admin'));
});
afterAll(async () => {
  await app.close();
  await db.close();
});

/** Hands a message to the outbox mailer, the way the app does without SMTP. */
async function keptMessage(overrides: { category?: string; subject?: string; html?: string; text?: string } = {}): Promise<OutboxMessage> {
  const mailer = createMailer({ connection: db.connection, from: 'care@example.com' });
  const id = randomUUID().slice(0, 8);
  const { messageId } = await mailer.send({
    to: `customer-${id}@example.com`,
    subject: overrides.subject ?? `Why did you leave us? ${id}`,
    html: overrides.html ?? `<p>Hello ${id}</p>`,
    text: overrides.text ?? `Hello ${id}`,
    headers: { 'List-Unsubscribe': `<https://crm.example.com/u/${id}>` },
    category: overrides.category ?? 'survey.invitation',
    refs: { invitationId: id },
  });
  return (await outboxModel(db.connection).findOne({ messageId }).lean<OutboxMessage>().exec())!;
}

const uniqueCategory = () => `test.${randomUUID().slice(0, 8)}`;

describe('the outbox list', () => {
  test('when an admin opens the outbox, then the newest messages are listed with recipient, subject, category and time', async () => {
    const message = await keptMessage();

    const response = await admin.get('/admin/outbox');

    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(message.to);
    expect(html).toContain(`<a href="/admin/outbox/${String(message._id)}">${message.subject}</a>`);
    expect(html).toContain('<code>survey.invitation</code>');
  });

  test('when a category is chosen, then only its messages are listed, and more than a page of them is split into pages', async () => {
    const category = uniqueCategory();
    const other = await keptMessage({ category: uniqueCategory() });
    await outboxModel(db.connection).insertMany(
      Array.from({ length: 51 }, (_, i) => ({
        messageId: `<${randomUUID()}@localhost>`,
        from: 'care@example.com',
        to: `paged-${i}@example.com`,
        subject: `Paged ${i}`,
        html: '<p>x</p>',
        text: 'x',
        category,
        createdAt: new Date(Date.UTC(2030, 0, 1, 0, i)),
      })),
    );

    const first = await (await admin.get(`/admin/outbox?category=${category}`)).text();
    const second = await (await admin.get(`/admin/outbox?category=${category}&page=2`)).text();

    expect(first).toContain('51 messages');
    expect(first.match(/href="\/admin\/outbox\/[0-9a-f]{24}"/g)).toHaveLength(50);
    expect(first).toContain('Paged 50');
    expect(first).not.toContain('>Paged 0<');
    expect(first).not.toContain(other.subject);
    expect(first).toContain(`href="/admin/outbox?category&#x3D;${category}&amp;page&#x3D;2" rel="next"`);
    expect(second.match(/href="\/admin\/outbox\/[0-9a-f]{24}"/g)).toHaveLength(1);
    expect(second).toContain('>Paged 0<');
    expect(second).toContain('Page 2 of 2');
  });

  test('when customer-success or marketing staff ask for the outbox, then they are refused', async () => {
    const message = await keptMessage();
    for (const role of ['success', 'marketer'] as const) {
      const agent = await signIn(app.url, await createStaff(db.connection, role));

      expect((await agent.get('/admin/outbox')).status).toBe(403);
      expect((await agent.get(`/admin/outbox/${String(message._id)}`)).status).toBe(403);
    }
  });
});

describe('one message', () => {
  test('when an admin opens a message, then its text part is shown as text and its HTML part as escaped source, never as markup', async () => {
    const message = await keptMessage({
      subject: 'Hi <b>there</b>',
      html: '<p style="color:red">Hello</p><script>alert("stored")</script><img src=x onerror=alert(1)>',
      text: 'Hello <not a tag> & goodbye',
    });

    const response = await admin.get(`/admin/outbox/${String(message._id)}`);

    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<h1>Hi &lt;b&gt;there&lt;/b&gt;</h1>');
    expect(html).toMatch(/<pre class="outbox-source" data-part="text">Hello &lt;not a tag&gt; &amp; goodbye<\/pre>/);
    expect(html).toContain('&lt;script&gt;alert(&quot;stored&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;p style&#x3D;&quot;color:red&quot;&gt;Hello&lt;/p&gt;');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('style="color:red"');
    expect(html).toContain('List-Unsubscribe');
    expect(html).toContain(message.messageId.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  });

  test('when a message id is unknown or malformed, then 404', async () => {
    expect((await admin.get('/admin/outbox/000000000000000000000000')).status).toBe(404);
    expect((await admin.get('/admin/outbox/not-an-id')).status).toBe(404);
  });
});

describe('the notice that mail is not delivered', () => {
  test('when no SMTP server is configured, then every staff page says mail is kept in the outbox, and admins get a link to it', async () => {
    const success = await signIn(app.url, await createStaff(db.connection, 'success'));

    const forAdmin = await (await admin.get('/account')).text();
    const forSuccess = await (await success.get('/surveys')).text();

    expect(forAdmin).toContain('Mail is not being delivered: messages are kept in the outbox — set SMTP_URL');
    expect(forAdmin).toMatch(/data-mail-notice>[^<]*<a href="\/admin\/outbox">/);
    expect(forSuccess).toContain('Mail is not being delivered');
    expect(forSuccess).not.toMatch(/data-mail-notice>[^<]*<a href="\/admin\/outbox">/);
  });

  test('when an SMTP server is configured, then no staff page shows the notice', async () => {
    const withSmtp = await startTestApp({ connection: db.connection, env: { SMTP_URL: 'smtp://127.0.0.1:2525' } });
    try {
      const agent = await signIn(withSmtp.url, await createStaff(db.connection, 'admin'));

      const html = await (await agent.get('/account')).text();

      expect(html).toContain('<h1');
      expect(html).not.toContain('data-mail-notice');
      expect(html).not.toContain('Mail is not being delivered');
    } finally {
      await withSmtp.close();
    }
  });

  test('when nobody is signed in, then the sign-in page does not show it', async () => {
    const response = await fetch(`${app.url}/login`);

    expect(await response.text()).not.toContain('data-mail-notice');
  });
});

