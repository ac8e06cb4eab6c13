/**
 * "Survey everyone churned between dates" through HTTP, signed in as customer-success staff.
 * Each test churns its customers in a year of its own, so the periods never overlap.
 */
import { trusted, type Types } from 'mongoose';
import { dispatchDueInvitations } from '../../../src/modules/surveys/dispatch.service';
import { invitationModel, type Invitation } from '../../../src/modules/surveys/invitation.model';
import { ensureDefaultSurvey } from '../../../src/modules/surveys/surveys.service';
import { createLogger } from '../../../src/shared/logging';
import { createEmailRenderer, createMailer, outboxModel } from '../../../src/shared/mail';
import { startTestApp } from '../../helpers/app';
import { createStaff, signIn, type Agent } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';
import { churnedCustomer, days, minutes } from './support';

let db: TestDatabase;
let app: ListeningApp;
let success: Agent;

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureDefaultSurvey(db.connection);
  app = await startTestApp({ connection: db.connection });
  success = await signIn(app.url, await createStaff(db.connection, 'success'));
});
afterAll(async () => {
  await app.close();
  await db.close();
});

const invitationsOf = (customerIds: Types.ObjectId[]) => invitationModel(db.connection).find({ customerId: trusted({ $in: customerIds }) }).lean<Invitation[]>().exec();

/** The counts the result shows, by name. */
function countsIn(html: string): Record<string, number> {
  return Object.fromEntries([...html.matchAll(/data-count="(\w+)">([\d,]+)</g)].map(([, name, value]) => [name, Number(value.replace(/,/g, ''))]));
}

describe('inviting customers inactive in a period', () => {
  test('when staff invite the customers whose last purchase fell in a period, then only current customers quiet since are invited', async () => {
    const quiet = await churnedCustomer(db.connection, { status: 'active', churnedAt: undefined, lastTransactionAt: new Date('2033-02-10T00:00:00Z') });
    const atRisk = await churnedCustomer(db.connection, { status: 'at_risk', churnedAt: undefined, lastTransactionAt: new Date('2033-02-28T12:00:00Z') });
    const boughtSince = await churnedCustomer(db.connection, { status: 'active', churnedAt: undefined, lastTransactionAt: new Date('2033-03-05T00:00:00Z') });
    const alreadyGone = await churnedCustomer(db.connection, { status: 'churned', lastTransactionAt: new Date('2033-02-15T00:00:00Z') });

    const response = await success.postForm('/surveys/bulk-invite', { group: 'inactive', from: '2033-02-01', to: '2033-02-28' });

    expect(response.status).toBe(200);
    expect(countsIn(await response.text())).toEqual({ invited: 2, alreadyOpen: 0, suppressed: 0, recentlySurveyed: 0 });
    const invited = (await invitationsOf([quiet._id, atRisk._id, boughtSince._id, alreadyGone._id])).map((invitation) => String(invitation.customerId)).sort();
    expect(invited).toEqual([String(quiet._id), String(atRisk._id)].sort());
  });

  test('when the group is not one offered, then 400 names it and nobody is invited', async () => {
    const before = await invitationModel(db.connection).countDocuments();

    const response = await success.postForm('/surveys/bulk-invite', { group: 'everyone', from: '2033-02-01', to: '2033-02-28' });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Choose one of the groups offered.');
    expect(await invitationModel(db.connection).countDocuments()).toBe(before);
  });
});

describe('inviting everyone churned in a period', () => {
  test('when staff invite a period, then churned customers in it are invited, suppressed ones counted, and nobody outside it is touched', async () => {
    const reachable = await churnedCustomer(db.connection, { churnedAt: new Date('2031-03-01T00:00:00Z') });
    const lastDay = await churnedCustomer(db.connection, { churnedAt: new Date('2031-03-31T23:30:00Z') });
    const noConsent = await churnedCustomer(db.connection, { churnedAt: new Date('2031-03-10T00:00:00Z'), contact: { emailConsent: false, doNotContact: false } });
    const before = await churnedCustomer(db.connection, { churnedAt: new Date('2031-02-28T23:59:00Z') });
    const after = await churnedCustomer(db.connection, { churnedAt: new Date('2031-04-01T00:00:00Z') });
    const stillActive = await churnedCustomer(db.connection, { status: 'active', churnedAt: new Date('2031-03-15T00:00:00Z') });

    const response = await success.postForm('/surveys/bulk-invite', { from: '2031-03-01', to: '2031-03-31', notSurveyedWithinDays: '' });

    expect(response.status).toBe(200);
    expect(countsIn(await response.text())).toEqual({ invited: 2, alreadyOpen: 0, suppressed: 1, recentlySurveyed: 0 });
    const invitations = await invitationsOf([reachable._id, lastDay._id, noConsent._id, before._id, after._id, stillActive._id]);
    const byCustomer = new Map(invitations.map((invitation) => [String(invitation.customerId), invitation]));
    expect(byCustomer.get(String(reachable._id))).toMatchObject({ status: 'scheduled', origin: 'bulk', surveyKey: 'exit' });
    expect(byCustomer.get(String(lastDay._id))).toMatchObject({ status: 'scheduled' });
    expect(byCustomer.get(String(noConsent._id))).toMatchObject({ status: 'suppressed', reason: 'no e-mail consent' });
    expect(invitations).toHaveLength(3);
  });

  test('when the dispatcher runs after the survey delay, then the bulk invitations are sent (here into the outbox)', async () => {
    const customer = await churnedCustomer(db.connection, { churnedAt: new Date('2037-07-07T00:00:00Z'), name: 'Bulk Invitee' });
    await success.postForm('/surveys/bulk-invite', { from: '2037-07-01', to: '2037-07-31' });
    const deps = {
      connection: db.connection,
      mailer: createMailer({ connection: db.connection, from: 'care@example.com' }),
      renderer: createEmailRenderer(),
      baseUrl: 'https://crm.example.com',
      logger: createLogger({ level: 'silent' }),
    };

    await dispatchDueInvitations(deps, { now: new Date(Date.now() + minutes(120)) });

    const kept = await outboxModel(db.connection).find({ to: customer.email }).lean().exec();
    expect(kept.map((message) => message.category)).toEqual(['survey.invitation']);
    expect(kept[0].text).toContain('Hello Bulk Invitee,');
    expect((await invitationsOf([customer._id]))[0]).toMatchObject({ status: 'sent', messagesSent: 1 });
  });

  test('when the same period is invited again, then the open invitations are counted and none is added', async () => {
    const customer = await churnedCustomer(db.connection, { churnedAt: new Date('2032-05-05T00:00:00Z') });
    await success.postForm('/surveys/bulk-invite', { from: '2032-05-01', to: '2032-05-31' });

    const response = await success.postForm('/surveys/bulk-invite', { from: '2032-05-01', to: '2032-05-31' });

    expect(countsIn(await response.text())).toEqual({ invited: 0, alreadyOpen: 1, suppressed: 0, recentlySurveyed: 0 });
    expect(await invitationsOf([customer._id])).toHaveLength(1);
  });

  test('when only customers not surveyed recently are asked for, then those surveyed within the days are left out', async () => {
    const recent = await churnedCustomer(db.connection, { churnedAt: new Date('2033-01-10T00:00:00Z') });
    const longAgo = await churnedCustomer(db.connection, { churnedAt: new Date('2033-01-11T00:00:00Z') });
    const answered = (customerId: Types.ObjectId, sentDaysAgo: number) => {
      const sentAt = new Date(Date.now() - days(sentDaysAgo));
      return invitationModel(db.connection).create({
        customerId,
        surveyKey: 'exit',
        surveyVersion: 1,
        status: 'answered',
        locale: 'en',
        sendAt: sentAt,
        sentAt,
        answeredAt: sentAt,
        messagesSent: 1,
        expiresAt: new Date(sentAt.getTime() + days(30)),
        origin: 'test',
      });
    };
    await answered(recent._id, 10);
    await answered(longAgo._id, 100);

    const response = await success.postForm('/surveys/bulk-invite', { from: '2033-01-01', to: '2033-01-31', notSurveyedWithinDays: '30' });

    expect(countsIn(await response.text())).toEqual({ invited: 1, alreadyOpen: 0, suppressed: 0, recentlySurveyed: 1 });
    expect((await invitationsOf([recent._id])).map((invitation) => invitation.status)).toEqual(['answered']);
    expect((await invitationsOf([longAgo._id])).map((invitation) => invitation.status).sort()).toEqual(['answered', 'scheduled']);
  });

  test('when the end of the period is before its start, then 400 says so beside the end date, keeps the dates and invites nobody', async () => {
    const customer = await churnedCustomer(db.connection, { churnedAt: new Date('2034-06-15T00:00:00Z') });

    const response = await success.postForm('/surveys/bulk-invite', { from: '2034-06-30', to: '2034-06-01' });

    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toMatch(/id="bulk-to-error">The end of the period must not be before its start\./);
    expect(html).toContain('value="2034-06-30"');
    expect(html).toContain('value="2034-06-01"');
    expect(await invitationsOf([customer._id])).toEqual([]);
  });

  test('when a date is not a real date or a number of days is not a number, then 400 names each field and invites nobody', async () => {
    const customer = await churnedCustomer(db.connection, { churnedAt: new Date('2035-02-15T00:00:00Z') });

    const response = await success.postForm('/surveys/bulk-invite?lang=zh-CN', { from: '2035-02-30', to: '', notSurveyedWithinDays: 'many' });

    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toMatch(/id="bulk-from-error">请输入日期/);
    expect(html).toMatch(/id="bulk-to-error">请填写此项/);
    expect(html).toMatch(/id="bulk-recent-error">请输入整数/);
    expect(await invitationsOf([customer._id])).toEqual([]);
  });

  test('when a marketer posts the form, then it is refused and nobody is invited', async () => {
    const marketer = await signIn(app.url, await createStaff(db.connection, 'marketer'));
    const customer = await churnedCustomer(db.connection, { churnedAt: new Date('2036-02-15T00:00:00Z') });

    const response = await marketer.postForm('/surveys/bulk-invite', { from: '2036-02-01', to: '2036-02-28' });

    expect(response.status).toBe(403);
    expect(await invitationsOf([customer._id])).toEqual([]);
  });
});
