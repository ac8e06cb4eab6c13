/**
 * The whole path with real parts: a churn announced by the customers module, the invitation it
 * creates, the `surveys.dispatch` job run by agenda, the message at a loopback SMTP server.
 */
import { customerEvents } from '../../../src/modules/customers/domain-events';
import { invitationModel } from '../../../src/modules/surveys/invitation.model';
import { inviteOnChurn } from '../../../src/modules/surveys/hooks';
import { currentSurvey, ensureDefaultSurvey, saveSurveyVersion } from '../../../src/modules/surveys/surveys.service';
import { createEmailRenderer, createMailer, type Mailer } from '../../../src/shared/mail';
import { createLogger } from '../../../src/shared/logging';
import { createScheduler, type Scheduler } from '../../../jobs/scheduler';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink';
import { waitFor } from '../../helpers/wait';
import { churnedCustomer, surveyTokenIn } from './support';

let db: TestDatabase;
let sink: SmtpSink;
let scheduler: Scheduler;
let mailer: Mailer;

beforeAll(async () => {
  db = await createTestDatabase();
  sink = await startSmtpSink();
  await ensureDefaultSurvey(db.connection);
  scheduler = await createScheduler({
    connection: db.connection,
    logger: createLogger({ level: 'silent' }),
    workerId: 'test-worker',
    processEveryMs: 100,
    lockLifetimeOverrideMs: 2000,
    mail: { mailer: (mailer = createMailer({ connection: db.connection, from: 'care@example.com', smtpUrl: sink.url })), renderer: createEmailRenderer(), baseUrl: 'https://crm.example.com' },
  });
  await scheduler.start();
});
afterAll(async () => {
  await scheduler.stop(5000);
  mailer.close();
  await sink.close();
  await db.close();
});

test('when the survey is edited, then a new version becomes current and the old one is kept', async () => {
  const v1 = await currentSurvey(db.connection);
  const { _id: _ignored, key: _key, version: _version, current: _current, createdAt: _createdAt, createdBy: _by, ...draft } = v1!;
  const v2 = await saveSurveyVersion(db.connection, 'exit', { ...draft, schedule: { ...draft.schedule, delayMinutes: 0 } }, 'staff-1');
  expect(v2).toMatchObject({ version: v1!.version + 1, current: true });
  expect((await currentSurvey(db.connection))?.version).toBe(v2.version);
  await expect(saveSurveyVersion(db.connection, 'exit', { ...draft, questions: [] }, 'staff-1')).rejects.toMatchObject({ httpStatus: 400 });
  expect((await currentSurvey(db.connection))?.version).toBe(v2.version);
});

test('when a customer is reported churned, then the dispatch job mails them the survey of the current version', async () => {
  inviteOnChurn(db.connection);
  const customer = await churnedCustomer(db.connection, { name: 'Ana' });
  await customerEvents(db.connection).emit('customer.churned', { customer, event: {} as never });
  const invitation = await invitationModel(db.connection).findOne({ customerId: customer._id }).lean();
  expect(invitation).toMatchObject({ status: 'scheduled', origin: 'churn-event', surveyVersion: (await currentSurvey(db.connection))!.version });

  await scheduler.now('surveys.dispatch', {});
  const [message] = await sink.waitFor(1);
  expect(message.to).toEqual([customer.email]);
  expect(surveyTokenIn(message.text)).toHaveLength(43);
  // The sink has the message a moment before the worker records it as sent.
  await waitFor(async () => (await invitationModel(db.connection).findById(invitation!._id).lean())?.status === 'sent', { what: 'invitation marked sent' });
});
