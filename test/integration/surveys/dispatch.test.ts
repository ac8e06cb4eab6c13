/**
 * Invitations, reminders and expiry through a real SMTP server on loopback, with the clock
 * passed in so that days pass in milliseconds.
 */
import { customerModel } from '../../../src/modules/customers/customer.model';
import { dispatchDueInvitations, type SurveyMailDependencies } from '../../../src/modules/surveys/dispatch.service';
import { invitationModel } from '../../../src/modules/surveys/invitation.model';
import { responseModel } from '../../../src/modules/surveys/response.model';
import { inviteCustomer } from '../../../src/modules/surveys/invitations.service';
import { submitResponse } from '../../../src/modules/surveys/responses.service';
import { ensureDefaultSurvey } from '../../../src/modules/surveys/surveys.service';
import { unsubscribeByToken } from '../../../src/modules/surveys/unsubscribe.service';
import { timelineOf } from '../../../src/modules/customers/timeline.service';
import type { TestDatabase } from '../../helpers/database';
import { openMailingTestBed, type MailingTestBed } from '../../helpers/mailing';
import type { SmtpSink } from '../../helpers/smtp-sink';
import { churnedCustomer, days, minutes, surveyTokenIn } from './support';

let bed: MailingTestBed;
let db: TestDatabase;
let sink: SmtpSink;
let deps: SurveyMailDependencies;
const T0 = new Date('2026-11-02T09:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

beforeAll(async () => {
  bed = await openMailingTestBed('care@example.com');
  ({ db, sink, deps } = bed);
  await ensureDefaultSurvey(db.connection);
});
afterAll(() => bed.close());
beforeEach(async () => {
  // Each test sees only its own invitations due.
  await invitationModel(db.connection).deleteMany({});
  sink.messages.length = 0;
  sink.behave('accept');
});

const dispatch = (now: Date) => dispatchDueInvitations(deps, { now, retryBaseMs: minutes(1) });

test('when a churned customer is invited, then the e-mail goes out after the delay and not before', async () => {
  const customer = await churnedCustomer(db.connection, { name: 'Mei Lin' });
  await inviteCustomer(db.connection, customer._id, { origin: 'test', now: T0 });
  expect((await dispatch(at(minutes(30)))).sent).toBe(0);
  expect((await dispatch(at(minutes(61)))).sent).toBe(1);
  const [message] = await sink.waitFor(1);
  expect(message.to).toEqual([customer.email]);
  expect(message.text).toContain('Hello Mei Lin,');
  expect(message.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
  expect(message.headers['list-unsubscribe']).toMatch(/^<https:\/\/crm\.example\.com\/u\/[A-Za-z0-9_-]{43}>$/);
  expect((await timelineOf(db.connection, customer._id)).map((event) => event.type)).toContain('survey_sent');
});

test('when the customer does not answer, then two reminders follow on days 3 and 7 and no more', async () => {
  const customer = await churnedCustomer(db.connection);
  await inviteCustomer(db.connection, customer._id, { origin: 'test', now: T0, delayMinutes: 0 });
  await dispatch(T0);
  expect((await dispatch(at(days(2)))).reminded).toBe(0);
  expect((await dispatch(at(days(3) + minutes(1)))).reminded).toBe(1);
  expect((await dispatch(at(days(7) + minutes(1)))).reminded).toBe(1);
  expect((await dispatch(at(days(20)))).reminded).toBe(0);
  const messages = await sink.waitFor(3);
  expect(messages).toHaveLength(3);
  expect(messages[1].text).toContain('A short reminder');
  // Every message carries its own working link.
  expect(new Set(messages.map((m) => surveyTokenIn(m.text))).size).toBe(3);
});

test('when the customer answers, then no reminder is sent afterwards', async () => {
  const customer = await churnedCustomer(db.connection);
  await inviteCustomer(db.connection, customer._id, { origin: 'test', now: T0, delayMinutes: 0 });
  await dispatch(T0);
  const [message] = await sink.waitFor(1);
  const outcome = await submitResponse(db.connection, surveyTokenIn(message.text), { 'q_main-reason': 'price' }, { now: at(days(1)) });
  expect(outcome.state).toBe('stored');
  expect((await dispatch(at(days(3) + minutes(1)))).reminded).toBe(0);
  expect((await dispatch(at(days(8)))).reminded).toBe(0);
  expect(sink.messages).toHaveLength(1);
});

test('when a response was stored but its request died before closing the invitation, then no reminder goes out and the invitation is closed', async () => {
  const customer = await churnedCustomer(db.connection);
  const { invitation } = await inviteCustomer(db.connection, customer._id, { origin: 'test', now: T0, delayMinutes: 0 });
  await dispatch(T0);
  await sink.waitFor(1);
  // What a crash right after the response insert leaves: the response, and the invitation still open.
  await responseModel(db.connection).create({ invitationId: invitation._id, customerId: customer._id, surveyKey: 'exit', surveyVersion: invitation.surveyVersion, locale: 'en', answers: [], submittedAt: at(days(1)) });

  const report = await dispatch(at(days(3) + minutes(1)));

  expect(report).toMatchObject({ reminded: 0, answered: 1 });
  expect(sink.messages).toHaveLength(1);
  expect(await invitationModel(db.connection).findById(invitation._id).lean()).toMatchObject({ status: 'answered' });
});

test('when the customer unsubscribes, then no reminder is sent and future invitations are suppressed', async () => {
  const customer = await churnedCustomer(db.connection);
  await inviteCustomer(db.connection, customer._id, { origin: 'test', now: T0, delayMinutes: 0 });
  await dispatch(T0);
  const [message] = await sink.waitFor(1);
  expect(await unsubscribeByToken(db.connection, surveyTokenIn(message.text), at(days(1)))).toBe('unsubscribed');
  expect((await dispatch(at(days(3) + minutes(1)))).reminded).toBe(0);
  const again = await inviteCustomer(db.connection, customer._id, { origin: 'test', now: at(days(40)) });
  expect(again.invitation).toMatchObject({ status: 'suppressed', reason: 'unsubscribed' });
  expect(sink.messages).toHaveLength(1);
});

test.each([
  ['no consent', { contact: { emailConsent: false, doNotContact: false } }, 'no e-mail consent'],
  ['do not contact', { contact: { emailConsent: true, doNotContact: true } }, 'do not contact'],
  ['no address', { email: undefined }, 'no e-mail address'],
  ['deceased', { cause: { code: 'natural', source: 'import', reason: 'Deceased', setAt: new Date() } }, 'deceased'],
] as const)('when the customer has %s, then nothing is sent and the invitation says why', async (_label, overrides, reason) => {
  const customer = await churnedCustomer(db.connection, overrides as never);
  const { invitation } = await inviteCustomer(db.connection, customer._id, { origin: 'test', now: T0, delayMinutes: 0 });
  expect(invitation).toMatchObject({ status: 'suppressed', reason });
  expect((await dispatch(at(minutes(5)))).sent).toBe(0);
  expect(sink.messages).toHaveLength(0);
});

test('when the customer unsubscribed after being invited but before the send, then the send is suppressed', async () => {
  const customer = await churnedCustomer(db.connection);
  await inviteCustomer(db.connection, customer._id, { origin: 'test', now: T0 });
  await customerModel(db.connection).updateOne({ _id: customer._id }, { $set: { 'contact.doNotContact': true } });
  const report = await dispatch(at(minutes(61)));
  expect(report).toMatchObject({ sent: 0, suppressed: 1 });
});

test('when the link expires, then the invitation closes and the link no longer opens the survey', async () => {
  const customer = await churnedCustomer(db.connection);
  await inviteCustomer(db.connection, customer._id, { origin: 'test', now: T0, delayMinutes: 0 });
  await dispatch(T0);
  const [message] = await sink.waitFor(1);
  expect((await dispatch(at(days(31)))).expired).toBe(1);
  expect(await submitResponse(db.connection, surveyTokenIn(message.text), { 'q_main-reason': 'price' }, { now: at(days(31)) })).toEqual({ state: 'closed' });
});

test('when the SMTP server refuses for a while (451), then the invitation is retried with backoff and sent once', async () => {
  const customer = await churnedCustomer(db.connection);
  await inviteCustomer(db.connection, customer._id, { origin: 'test', now: T0, delayMinutes: 0 });
  sink.behave({ refuse: 451 });
  expect((await dispatch(T0)).retrying).toBe(1);
  expect((await dispatch(at(minutes(0.5)))).retrying).toBe(0); // not yet due again
  sink.behave('accept');
  expect((await dispatch(at(minutes(1)))).sent).toBe(1);
  expect((await dispatch(at(minutes(10)))).sent).toBe(0);
  expect(sink.messages).toHaveLength(1);
});

test('when the SMTP server rejects the address (550), then the invitation fails for good and the timeline says so', async () => {
  const customer = await churnedCustomer(db.connection);
  await inviteCustomer(db.connection, customer._id, { origin: 'test', now: T0, delayMinutes: 0 });
  sink.behave({ refuse: 550, message: 'no such user' });
  expect((await dispatch(T0)).failed).toBe(1);
  const [invitation] = await invitationModel(db.connection).find({ customerId: customer._id }).lean();
  expect(invitation).toMatchObject({ status: 'failed' });
  expect(invitation.lastError).toContain('550');
  expect((await timelineOf(db.connection, customer._id)).map((event) => event.type)).toContain('mail_failed');
});

test('when two dispatchers run at once, then each message is sent once', async () => {
  const customers = await Promise.all(Array.from({ length: 12 }, () => churnedCustomer(db.connection)));
  for (const customer of customers) await inviteCustomer(db.connection, customer._id, { origin: 'test', now: T0, delayMinutes: 0 });
  const reports = await Promise.all([dispatch(T0), dispatch(T0)]);
  expect(reports[0].sent + reports[1].sent).toBe(12);
  await sink.waitFor(12);
  expect(new Set(sink.messages.map((m) => m.to[0])).size).toBe(12);
});
