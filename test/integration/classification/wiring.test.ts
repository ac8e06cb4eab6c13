/**
 * Where the classifier runs in the product: survey free text, imported reasons no mapping could
 * read, and `classifyCustomer` (interview notes); what it stores (cause, confidence, source,
 * explanation) and what it never touches (causes staff or an interview decided).
 */
import { Readable } from 'node:stream';
import { saveClassificationSettings } from '../../../src/modules/classification/classification-settings.store';
import { classifyCustomer } from '../../../src/modules/classification/customer-classification.service';
import { retireCause, seedTaxonomy, restoreCause } from '../../../src/modules/classification/taxonomy.service';
import { timelineEventModel } from '../../../src/modules/customers/customer-event.model';
import { customerModel, type Customer } from '../../../src/modules/customers/customer.model';
import { importCustomers } from '../../../src/modules/customers/import/customer-import';
import { mappingNamed } from '../../../src/modules/customers/import/mappings';
import { invitationModel } from '../../../src/modules/surveys/invitation.model';
import { inviteCustomer } from '../../../src/modules/surveys/invitations.service';
import { responseModel } from '../../../src/modules/surveys/response.model';
import { ensureDefaultSurvey } from '../../../src/modules/surveys/surveys.service';
import { newLinkToken } from '../../../src/shared/security/tokens';
import { startTestApp } from '../../helpers/app';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';
import { churnedCustomer, days } from '../surveys/support';

let db: TestDatabase;
let app: ListeningApp;

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureDefaultSurvey(db.connection);
  app = await startTestApp({ connection: db.connection });
});

afterAll(async () => {
  await app.close();
  await db.close();
});

const stored = async (id: unknown) => (await customerModel(db.connection).findById(id).lean<Customer>().exec())!;

/** A churned customer with a sent survey invitation and a working link. */
async function invited(overrides: Partial<Customer> = {}) {
  const customer = await churnedCustomer(db.connection, overrides);
  const { invitation } = await inviteCustomer(db.connection, customer._id, { origin: 'test', delayMinutes: 0 });
  const link = newLinkToken();
  await invitationModel(db.connection).updateOne(
    { _id: invitation._id },
    { $set: { status: 'sent', messagesSent: 1, sentAt: new Date(), expiresAt: new Date(Date.now() + days(30)) }, $push: { tokenHashes: link.hash } },
  );
  return { customer, token: link.token };
}

function answer(token: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${app.url}/s/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
}

describe('survey answers', () => {
  it('when a customer writes why in their own words and picks "something else", then the classifier sets the cause with its explanation', async () => {
    const { customer, token } = await invited();

    const response = await answer(token, { 'q_main-reason': 'other', q_details: 'Your support team never answered my emails and the staff were rude.' });

    expect(response.status).toBe(200);
    const { cause } = await stored(customer._id);
    expect(cause).toMatchObject({ code: 'service', source: 'classifier', setBy: 'classifier', reason: 'Your support team never answered my emails and the staff were rude.' });
    expect(cause?.confidence).toBeGreaterThan(0.25);
    expect(cause?.needsReview).toBeUndefined();
    expect(cause?.explanation?.some((item) => item.cause === 'service' && item.signal === 'lexicon' && item.weight > 0)).toBe(true);
    const surveyResponse = await responseModel(db.connection).findOne({ customerId: customer._id }).lean().exec();
    expect(surveyResponse?.derivedCause).toMatchObject({ code: 'service', source: 'classifier' });
    const events = await timelineEventModel(db.connection).find({ customerId: customer._id, type: 'cause_set' }).lean().exec();
    expect(events.map((event) => event.data)).toEqual([expect.objectContaining({ code: 'service', source: 'classifier' })]);
  });

  it('when a Chinese comment is clear, then it is classified in Chinese too', async () => {
    const { customer, token } = await invited({ locale: 'zh-CN' });

    await answer(token, { 'q_main-reason': 'other', q_details: '我们公司搬到外地了，以后用不上了。' });

    expect((await stored(customer._id)).cause).toMatchObject({ code: 'natural', source: 'classifier' });
  });

  it('when the classifier is less sure than the review threshold, then the cause is other and the customer waits for review with a suggestion', async () => {
    const { customer, token } = await invited();
    await saveClassificationSettings(db.connection, { reviewThreshold: 0.95, retrainAfterLabels: 50 });
    try {
      await answer(token, { 'q_main-reason': 'other', q_details: 'the price was fine but honestly the app felt slow' });
    } finally {
      await saveClassificationSettings(db.connection, { reviewThreshold: 0.25, retrainAfterLabels: 50 });
    }

    const { cause } = await stored(customer._id);
    expect(cause).toMatchObject({ code: 'other', source: 'classifier', needsReview: true, suggested: 'product' });
    expect(cause?.explanation?.length).toBeGreaterThan(0);
  });

  it('when the customer ticked a reason, then the choice decides and the text is not classified', async () => {
    const { customer, token } = await invited();

    await answer(token, { 'q_main-reason': 'price', q_details: 'support never answered' });

    expect((await stored(customer._id)).cause).toMatchObject({ code: 'price', source: 'survey' });
  });

  it('when an interview already set the cause, then survey text does not replace it', async () => {
    const { customer, token } = await invited({ cause: { code: 'trust', source: 'interview', setAt: new Date(), setBy: 'staff-1' } });

    await answer(token, { 'q_main-reason': 'other', q_details: 'too expensive' });

    expect((await stored(customer._id)).cause).toMatchObject({ code: 'trust', source: 'interview' });
  });
});

describe('imported reasons', () => {
  const csv = (rows: string[]) => Readable.from([`external_id,name,status,cause,cause_reason\n${rows.join('\n')}\n`]);

  it('when an import has a reason without a cause, then only that reason is classified; mapped causes stay as the file says', async () => {
    const report = await importCustomers(
      db.connection,
      csv(['imp-1,Ann,churned,,"We moved abroad, no need for it anymore"', 'imp-2,Bo,churned,service,"too expensive honestly"', 'imp-3,Cy,churned,,']),
      { mapping: mappingNamed('generic')!, source: 'reasons-test' },
    );

    expect(report).toMatchObject({ created: 3, classifiedReasons: 1 });
    const byId = async (externalId: string) => (await customerModel(db.connection).findOne({ source: 'reasons-test', externalId }).lean<Customer>().exec())!;
    expect((await byId('imp-1')).cause).toMatchObject({ code: 'natural', source: 'classifier', reason: 'We moved abroad, no need for it anymore' });
    expect((await byId('imp-2')).cause).toMatchObject({ code: 'service', source: 'import', reason: 'too expensive honestly' });
    expect((await byId('imp-3')).cause).toBeUndefined();
  });

  it('when the same file is imported again, then the classified cause stays and nothing changes', async () => {
    const file = ['rep-1,Di,churned,,"support was rude and slow"'];
    await importCustomers(db.connection, csv(file), { mapping: mappingNamed('generic')!, source: 'reimport-test' });
    const first = (await customerModel(db.connection).findOne({ source: 'reimport-test' }).lean<Customer>().exec())!;

    const again = await importCustomers(db.connection, csv(file), { mapping: mappingNamed('generic')!, source: 'reimport-test' });

    expect(again).toMatchObject({ unchanged: 1, classifiedReasons: 0 });
    expect((await stored(first._id)).cause).toEqual(first.cause);
    expect(first.cause).toMatchObject({ code: 'service', source: 'classifier' });
  });
});

describe('classifyCustomer (interview notes and fresh verdicts)', () => {
  it('when called with interview notes, then the notes are classified and kept as the reason', async () => {
    const customer = await churnedCustomer(db.connection);

    const outcome = await classifyCustomer(db.connection, customer._id, { text: 'They told us a rival offered free installation and two months free, so we signed with them.', origin: 'interview' });

    expect(outcome.state).toBe('classified');
    expect((await stored(customer._id)).cause).toMatchObject({ code: 'competitor', source: 'classifier', reason: expect.stringContaining('rival offered') });
    const events = await timelineEventModel(db.connection).find({ customerId: customer._id, type: 'cause_set' }).lean().exec();
    expect(events[0]?.data).toMatchObject({ code: 'competitor', from: 'interview' });
  });

  it('when staff decided the cause, then nothing changes', async () => {
    const customer = await churnedCustomer(db.connection, { cause: { code: 'price', source: 'staff', setAt: new Date('2026-01-01'), setBy: 'staff-1', reason: 'support was rude' } });

    const outcome = await classifyCustomer(db.connection, customer._id, { text: 'support was rude' });

    expect(outcome.state).toBe('decided');
    expect((await stored(customer._id)).cause).toMatchObject({ code: 'price', source: 'staff' });
  });

  it('when no text is given or stored, then the customer is left as they are', async () => {
    const customer = await churnedCustomer(db.connection);

    expect((await classifyCustomer(db.connection, customer._id)).state).toBe('no-text');
    expect((await stored(customer._id)).cause).toBeUndefined();
  });

  it('when no text is given, then the latest survey comment is read', async () => {
    const { customer, token } = await invited({ cause: { code: 'price', source: 'staff', setAt: new Date(), setBy: 'x' } });
    await answer(token, { 'q_main-reason': 'other', q_details: 'the app kept crashing and lost our data' });
    await customerModel(db.connection).updateOne({ _id: customer._id }, { $unset: { cause: 1 } });

    await classifyCustomer(db.connection, String(customer._id));

    expect((await stored(customer._id)).cause).toMatchObject({ code: 'product', reason: 'the app kept crashing and lost our data' });
  });

  it('when a cause is retired, then the classifier no longer names it and leaves the customer for review', async () => {
    await seedTaxonomy(db.connection);
    await retireCause(db.connection, 'natural');
    const customer = await churnedCustomer(db.connection);
    try {
      await classifyCustomer(db.connection, customer._id, { text: 'We closed the business last month.' });
    } finally {
      await restoreCause(db.connection, 'natural');
    }

    expect((await stored(customer._id)).cause).toMatchObject({ code: 'other', needsReview: true });
    expect((await stored(customer._id)).cause?.suggested).toBeUndefined();
  });

  it('when an unknown id is given, then it is refused', async () => {
    await expect(classifyCustomer(db.connection, '0123456789abcdef01234567')).rejects.toMatchObject({ code: 'not_found' });
  });
});
