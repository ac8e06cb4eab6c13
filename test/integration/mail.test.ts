import fs from 'node:fs';
import path from 'node:path';
import { createEmailRenderer, createMailer, MailDeliveryError, outboxModel, unsubscribeHeaders } from '../../src/shared/mail';
import { viewsDir } from '../../src/shared/paths';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';

let db: TestDatabase;
let sink: SmtpSink;
const templateDir = path.join(viewsDir, 'emails', `test-${process.pid}`);

beforeAll(async () => {
  db = await createTestDatabase();
  sink = await startSmtpSink();
  fs.mkdirSync(templateDir, { recursive: true });
  fs.writeFileSync(path.join(templateDir, 'hello.html.hbs'), '<p>Hello {{name}}</p>');
  fs.writeFileSync(path.join(templateDir, 'hello.text.hbs'), 'Hello {{name}}');
});
afterAll(async () => {
  fs.rmSync(templateDir, { recursive: true, force: true });
  await sink.close();
  await db.close();
});

const template = () => `emails/${path.basename(templateDir)}/hello`;

test('when a message is rendered, then customer text is escaped in HTML and kept in the text part', async () => {
  const rendered = await createEmailRenderer().render(template(), { name: '<script>x</script>' });
  expect(rendered.html).toContain('&lt;script&gt;');
  expect(rendered.html).not.toContain('<script>');
  expect(rendered.html).toContain('<!doctype html>');
  expect(rendered.text).toContain('Hello <script>x</script>');
});

test('when SMTP is configured, then the message reaches the server with one-click unsubscribe headers', async () => {
  const mailer = createMailer({ connection: db.connection, from: 'CRM <crm@example.com>', smtpUrl: sink.url });
  const rendered = await createEmailRenderer().render(template(), { name: 'Mei' });
  const before = sink.messages.length;
  const sent = await mailer.send({ to: 'mei@example.com', subject: 'Why did you leave?', ...rendered, category: 'test', headers: unsubscribeHeaders('https://crm.example.com/u/abc') });
  const [message] = (await sink.waitFor(before + 1)).slice(before);
  mailer.close();
  expect(sent.via).toBe('smtp');
  expect(message.to).toEqual(['mei@example.com']);
  expect(message.subject).toBe('Why did you leave?');
  expect(message.messageId).toBe(sent.messageId);
  expect(message.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
  expect(message.headers['list-unsubscribe']).toBe('<https://crm.example.com/u/abc>');
  expect(message.headers['list-unsubscribe']).toContain('https://crm.example.com/u/abc');
  expect(message.text.trim()).toBe('Hello Mei');
});

test('when the SMTP server refuses with 550, then the failure is permanent; with 451, transient', async () => {
  const mailer = createMailer({ connection: db.connection, from: 'crm@example.com', smtpUrl: sink.url });
  const mail = { to: 'x@example.com', subject: 's', html: '<p>h</p>', text: 't', category: 'test' };
  sink.behave({ refuse: 550, message: 'mailbox unavailable' });
  const permanent = await mailer.send(mail).catch((error: unknown) => error);
  sink.behave({ refuse: 451, message: 'try later' });
  const transient = await mailer.send(mail).catch((error: unknown) => error);
  sink.behave('accept');
  mailer.close();
  expect(permanent).toBeInstanceOf(MailDeliveryError);
  expect(permanent).toMatchObject({ permanent: true, responseCode: 550 });
  expect(transient).toMatchObject({ permanent: false, responseCode: 451 });
});

test('when no SMTP is configured, then messages go to the outbox once per Message-ID', async () => {
  const mailer = createMailer({ connection: db.connection, from: 'crm@example.com' });
  const mail = { to: 'ana@example.com', subject: 'Hi', html: '<p>h</p>', text: 't', category: 'survey.invitation', refs: { customerId: 'c1' }, messageId: '<inv-1@crm>' };
  expect(mailer.mode).toBe('outbox');
  await mailer.send(mail);
  await mailer.send(mail);
  const stored = await outboxModel(db.connection).find({ to: 'ana@example.com' }).lean();
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({ subject: 'Hi', category: 'survey.invitation', refs: { customerId: 'c1' } });
});
