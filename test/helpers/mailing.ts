/**
 * A test bed for code that writes to customers: a fresh database, a loopback SMTP sink and a
 * mailer pointed at it, with the dependencies survey dispatch and campaign sends take.
 */
import { createLogger } from '../../src/shared/logging';
import { createEmailRenderer, createMailer, type Mailer, type MailingDependencies } from '../../src/shared/mail';
import { createTestDatabase, type TestDatabase } from './database';
import { startSmtpSink, type SmtpSink } from './smtp-sink';

export interface MailingTestBed {
  db: TestDatabase;
  sink: SmtpSink;
  mailer: Mailer;
  deps: MailingDependencies;
  close(): Promise<void>;
}

export async function openMailingTestBed(from = 'offers@example.com'): Promise<MailingTestBed> {
  const db = await createTestDatabase();
  const sink = await startSmtpSink();
  const mailer = createMailer({ connection: db.connection, from, smtpUrl: sink.url });
  const deps = { connection: db.connection, mailer, renderer: createEmailRenderer(), baseUrl: 'https://crm.example.com', logger: createLogger({ level: 'silent' }) };
  return {
    db,
    sink,
    mailer,
    deps,
    async close() {
      mailer.close();
      await sink.close();
      await db.close();
    },
  };
}
