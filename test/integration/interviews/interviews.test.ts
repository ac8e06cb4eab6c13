/** Exit interviews through HTTP: logging one, the cause it sets, editing with a kept history, validation, roles, escaping and erasure. */
import { Types } from 'mongoose';
import { timelineEventModel } from '../../../src/modules/customers/customer-event.model';
import { customerModel, type Customer } from '../../../src/modules/customers/customer.model';
import { eraseCustomer } from '../../../src/modules/customers/privacy/privacy.service';
import { interviewModel, type Interview } from '../../../src/modules/interviews/interview.model';
import { auditEntryModel } from '../../../src/shared/audit/audit-log.model';
import { startTestApp } from '../../helpers/app';
import { createStaff, signIn, type Agent, type TestStaff } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';
import { staffCustomer } from '../customers/staff-pages-support';

let db: TestDatabase;
let app: ListeningApp;
let success: Agent;
let successUser: TestStaff;
let colleague: TestStaff;
let marketer: Agent;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp({ connection: db.connection });
  successUser = await createStaff(db.connection, 'success', { name: 'Mei Lin' });
  colleague = await createStaff(db.connection, 'admin', { name: 'Jonas Berg' });
  success = await signIn(app.url, successUser);
  marketer = await signIn(app.url, await createStaff(db.connection, 'marketer'));
});
afterAll(async () => {
  await app.close();
  await db.close();
});

const page = async (agent: Agent, path: string) => {
  const response = await agent.get(path, { headers: { accept: 'text/html' } });
  return { status: response.status, html: await response.text() };
};
const interviewsOf = (customerId: Types.ObjectId) => interviewModel(db.connection).find({ customerId }).lean<Interview[]>().exec();
const customerOf = async (id: Types.ObjectId) => (await customerModel(db.connection).findById(id).lean<Customer>().exec()) as Customer;
const timelineTypes = async (customerId: Types.ObjectId) => (await timelineEventModel(db.connection).find({ customerId }).sort({ _id: 1 }).lean().exec()).map((event) => event.type);

/** A complete interview form; `changes` replace or remove (undefined) fields. */
function interviewForm(changes: Record<string, string | string[] | undefined> = {}): Record<string, string | string[]> {
  const fields: Record<string, string | string[] | undefined> = {
    heldOn: '2026-06-20',
    channel: 'call',
    interviewerId: successUser.id,
    notes: 'Support took two weeks to answer about the broken router. Cheaper offer from NetCo.',
    reasons: ['service', 'competitor'],
    primaryCause: 'service',
    competitor: 'NetCo',
    likelihoodToReturn: '6',
    followUpTask: 'Call back once the new support desk is live',
    followUpDue: '2026-07-15',
    ...changes,
  };
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined));
}

describe('logging an interview', () => {
  test('when success staff open the form, then today and they themselves are filled in', async () => {
    const customer = await staffCustomer(db.connection);

    const { status, html } = await page(success, `/customers/${String(customer._id)}/interviews/new`);

    expect(status).toBe(200);
    expect(html).toContain(`value="${new Date().toISOString().slice(0, 10)}"`);
    expect(html).toContain(`<option value="${successUser.id}" selected>Mei Lin</option>`);
    expect(html).toContain('name="_csrf"');
  });

  test('when an interview is logged, then it is stored, sets the cause (interview, confidence 1) and shows on the customer page and its timeline', async () => {
    const customer = await staffCustomer(db.connection, { cause: { code: 'price', source: 'survey', confidence: 0.7, setAt: new Date('2026-06-01T00:00:00Z') } });

    const response = await success.postForm(`/customers/${String(customer._id)}/interviews`, interviewForm({ interviewerId: colleague.id }));

    expect(response.status).toBe(303);
    const [interview] = await interviewsOf(customer._id);
    expect(interview).toMatchObject({
      channel: 'call',
      notes: 'Support took two weeks to answer about the broken router. Cheaper offer from NetCo.',
      reasons: ['competitor', 'service'],
      primaryCause: 'service',
      competitor: 'NetCo',
      likelihoodToReturn: 6,
      followUp: { task: 'Call back once the new support desk is live', dueOn: new Date('2026-07-15T00:00:00Z') },
      loggedBy: successUser.id,
      revision: 1,
      history: [],
    });
    expect(String(interview.interviewerId)).toBe(colleague.id);
    expect(interview.heldOn).toEqual(new Date('2026-06-20T00:00:00Z'));
    expect(response.headers.get('location')).toBe(`/customers/${String(customer._id)}#interview-${String(interview._id)}`);
    expect((await customerOf(customer._id)).cause).toMatchObject({ code: 'service', secondary: 'competitor', source: 'interview', confidence: 1, setBy: successUser.id });
    expect(await timelineTypes(customer._id)).toEqual(['interview_logged', 'cause_set']);
    expect(await auditEntryModel(db.connection).findOne({ subjectId: customer._id }).lean().exec()).toMatchObject({
      action: 'customer.cause_from_interview',
      before: { code: 'price', source: 'survey' },
      after: { code: 'service', source: 'interview' },
    });

    const { html } = await page(success, `/customers/${String(customer._id)}`);
    expect(html).toContain('Interview logged; the churn cause now comes from it.');
    expect(html).toContain('Exit interview (call) with Jonas Berg');
    expect(html).toContain('Churn cause set to Service (exit interview)');
    expect(html).toContain('Likelihood to return: 6 / 10');
    expect(html).toContain(`id="interview-${String(interview._id)}"`);
    expect(html).toContain('Support took two weeks to answer about the broken router.');
    expect(html).toContain('Call back once the new support desk is live');
  });

  test('when staff had overridden the cause, then the interview is logged but leaves the cause alone', async () => {
    const staffCause = { code: 'trust' as const, source: 'staff' as const, confidence: 1, setBy: colleague.id, setAt: new Date('2026-06-01T00:00:00Z') };
    const customer = await staffCustomer(db.connection, { cause: staffCause });

    await success.postForm(`/customers/${String(customer._id)}/interviews`, interviewForm());
    const { html } = await page(success, `/customers/${String(customer._id)}`);

    expect(await interviewsOf(customer._id)).toHaveLength(1);
    expect((await customerOf(customer._id)).cause).toMatchObject({ code: 'trust', source: 'staff' });
    expect(await timelineTypes(customer._id)).toEqual(['interview_logged']);
    expect(html).toContain('Interview logged. The churn cause was left unchanged.');
  });

  test('when no primary cause is given, then the classifier reads the notes and sets the cause, saying so', async () => {
    const customer = await staffCustomer(db.connection, { cause: { code: 'other', source: 'import', setAt: new Date('2026-06-01T00:00:00Z') } });

    const response = await success.postForm(`/customers/${String(customer._id)}/interviews`, interviewForm({ primaryCause: '', reasons: undefined, notes: 'The price went up again and it was simply too expensive for us.' }));
    const { html } = await page(success, `/customers/${String(customer._id)}`);

    expect(response.status).toBe(303);
    const [interview] = await interviewsOf(customer._id);
    expect(interview.primaryCause).toBeUndefined();
    expect(interview.reasons).toEqual([]);
    expect((await customerOf(customer._id)).cause).toMatchObject({ code: 'price', source: 'classifier', reason: 'The price went up again and it was simply too expensive for us.' });
    expect(await timelineTypes(customer._id)).toEqual(['interview_logged', 'cause_set']);
    expect(html).toContain('Interview logged. No primary cause was given, so the classifier read the notes: “Price”.');
    expect(html).toContain('Not given; the classifier read the notes');
    expect(html).toContain('Churn cause set to Price (classifier)');
  });

  test('when required fields are missing or wrong, then the form answers 400 with a message per field, keeps the values, and nothing is written', async () => {
    const customer = await staffCustomer(db.connection, { cause: { code: 'price', source: 'survey', setAt: new Date('2026-06-01T00:00:00Z') } });
    const cases: [Record<string, string | string[] | undefined>, Record<string, string>][] = [
      [{ notes: '  ', channel: undefined, heldOn: '' }, { notes: 'Fill in this field.', channel: 'Choose one of the options.', heldOn: 'Fill in this field.' }],
      // Shaped like cause codes, but not in the taxonomy: the service refuses them by name.
      [{ primaryCause: 'greed', reasons: ['price', 'vanity'] }, { primaryCause: 'This cause is not in the taxonomy. Choose one of the causes in the list.', reasons: 'This cause is not in the taxonomy. Choose one of the causes in the list.' }],
      [{ primaryCause: 'Greed!' }, { primaryCause: 'Choose one of the options.' }],
      [{ likelihoodToReturn: '11' }, { likelihoodToReturn: 'Enter a whole number from 0 to 10.' }],
      [{ likelihoodToReturn: 'six' }, { likelihoodToReturn: 'Enter a whole number from 0 to 10.' }],
      [{ heldOn: '2026-02-30' }, { heldOn: 'Enter a real date such as 2026-03-14.' }],
      [{ heldOn: '2099-01-01' }, { heldOn: 'The interview cannot be in the future.' }],
      [{ followUpDue: '' }, { followUpDue: 'Give the follow-up task a due date.' }],
      [{ followUpDue: 'soon' }, { followUpDue: 'Enter a real date such as 2026-03-14.' }],
      [{ interviewerId: String(new Types.ObjectId()) }, { interviewerId: 'Choose a staff member.' }],
    ];

    for (const [changes, messages] of cases) {
      const response = await success.postForm(`/customers/${String(customer._id)}/interviews`, interviewForm(changes));
      const html = await response.text();

      expect(response.status).toBe(400);
      expect(html).toContain('Please correct the fields marked below.');
      for (const [field, message] of Object.entries(messages)) expect(html).toContain(`<p class="field__error" id="${field}-error">${message}</p>`);
      if (!('notes' in changes)) expect(html).toContain('Cheaper offer from NetCo.</textarea>');
      expect(html).toContain('value="NetCo"');
      expect(html).toContain('value="Call back once the new support desk is live"');
    }
    expect(await interviewsOf(customer._id)).toHaveLength(0);
    expect(await timelineTypes(customer._id)).toEqual([]);
    expect((await customerOf(customer._id)).cause).toMatchObject({ code: 'price', source: 'survey' });
  });

  test('when notes hold markup, then the customer page, the timeline and the edit form show it as text', async () => {
    const customer = await staffCustomer(db.connection);
    await success.postForm(`/customers/${String(customer._id)}/interviews`, interviewForm({ notes: '<script>alert("notes")</script> said <b>hi</b>', competitor: '<i>Evil</i> Corp' }));
    const [interview] = await interviewsOf(customer._id);

    const show = await page(success, `/customers/${String(customer._id)}`);
    const edit = await page(success, `/interviews/${String(interview._id)}/edit`);

    for (const html of [show.html, edit.html]) {
      expect(html).not.toContain('<script>alert');
      expect(html).not.toContain('<i>Evil</i>');
      expect(html).toContain('&lt;script&gt;alert(&quot;notes&quot;)&lt;/script&gt; said &lt;b&gt;hi&lt;/b&gt;');
    }
  });

  test('when a marketer tries to log or edit an interview, then 403 and nothing is written', async () => {
    const customer = await staffCustomer(db.connection);
    await success.postForm(`/customers/${String(customer._id)}/interviews`, interviewForm());
    const [interview] = await interviewsOf(customer._id);

    const statuses = [
      (await marketer.postForm(`/customers/${String(customer._id)}/interviews`, interviewForm())).status,
      (await marketer.postForm(`/interviews/${String(interview._id)}`, interviewForm({ notes: 'Changed by a marketer', revision: '1' }))).status,
      (await page(marketer, `/customers/${String(customer._id)}/interviews/new`)).status,
      (await page(marketer, `/interviews/${String(interview._id)}/edit`)).status,
    ];

    expect(statuses).toEqual([403, 403, 403, 403]);
    const stored = await interviewsOf(customer._id);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ revision: 1, notes: interview.notes });
  });
});

describe('editing an interview', () => {
  test('when an interview is edited, then the earlier version is kept with who and when, the timeline says what changed, and the cause follows', async () => {
    const customer = await staffCustomer(db.connection);
    await success.postForm(`/customers/${String(customer._id)}/interviews`, interviewForm());
    const [original] = await interviewsOf(customer._id);
    const editor = await signIn(app.url, colleague);

    const form = await page(editor, `/interviews/${String(original._id)}/edit`);
    const response = await editor.postForm(`/interviews/${String(original._id)}`, interviewForm({ primaryCause: 'competitor', notes: 'NetCo was cheaper; support was only part of it.', competitor: '', followUpTask: '', followUpDue: '', revision: '1' }));

    expect(form.status).toBe(200);
    expect(form.html).toContain('name="revision" value="1"');
    expect(response.status).toBe(303);
    const [edited] = await interviewsOf(customer._id);
    expect(edited).toMatchObject({ primaryCause: 'competitor', notes: 'NetCo was cheaper; support was only part of it.', revision: 2 });
    expect(edited.competitor).toBeUndefined();
    expect(edited.followUp).toBeUndefined();
    expect(edited.history).toHaveLength(1);
    expect(edited.history[0]).toMatchObject({
      editedBy: colleague.id,
      before: { primaryCause: 'service', notes: original.notes, competitor: 'NetCo', followUp: { task: 'Call back once the new support desk is live' } },
    });
    expect(edited.history[0].editedAt).toBeInstanceOf(Date);
    expect((await customerOf(customer._id)).cause).toMatchObject({ code: 'competitor', source: 'interview', setBy: colleague.id });
    const edits = await timelineEventModel(db.connection).find({ customerId: customer._id, type: 'interview_edited' }).lean().exec();
    expect(edits[0].data.fields).toEqual(['notes', 'primaryCause', 'competitor', 'followUp']);

    const history = await page(success, `/interviews/${String(original._id)}/edit`);
    expect(history.html).toContain('Edit history');
    expect(history.html).toContain('Edited by Jonas Berg');
    expect(history.html).toContain('was: NetCo');
    const show = await page(success, `/customers/${String(customer._id)}`);
    expect(show.html).toContain('Exit interview edited: Notes, Primary cause, Competitor named, Follow-up task');
    expect(show.html).toContain('Edited once; the earlier version is kept.');
  });

  test('when someone saved in between, then the edit is refused with 409, their version is shown, and nothing is overwritten', async () => {
    const customer = await staffCustomer(db.connection);
    await success.postForm(`/customers/${String(customer._id)}/interviews`, interviewForm());
    const [interview] = await interviewsOf(customer._id);
    await success.postForm(`/interviews/${String(interview._id)}`, interviewForm({ notes: 'First editor was here.', revision: '1' }));

    const late = await success.postForm(`/interviews/${String(interview._id)}`, interviewForm({ notes: 'Second editor, from an old form.', revision: '1' }));
    const html = await late.text();

    expect(late.status).toBe(409);
    expect(html).toContain('Someone else saved this interview after you opened it.');
    expect(html).toContain('name="revision" value="2"');
    const [stored] = await interviewsOf(customer._id);
    expect(stored).toMatchObject({ notes: 'First editor was here.', revision: 2 });
    expect(stored.history).toHaveLength(1);
  });

  test('when an edit changes nothing, then no history entry and no timeline event are added', async () => {
    const customer = await staffCustomer(db.connection);
    await success.postForm(`/customers/${String(customer._id)}/interviews`, interviewForm());
    const [interview] = await interviewsOf(customer._id);

    const response = await success.postForm(`/interviews/${String(interview._id)}`, interviewForm({ revision: '1' }));

    expect(response.status).toBe(303);
    expect((await interviewsOf(customer._id))[0]).toMatchObject({ revision: 1, history: [] });
    expect(await timelineTypes(customer._id)).toEqual(['interview_logged', 'cause_set']);
  });

  test('when an edit is invalid, then 400 with the messages and the stored interview is unchanged', async () => {
    const customer = await staffCustomer(db.connection);
    await success.postForm(`/customers/${String(customer._id)}/interviews`, interviewForm());
    const [interview] = await interviewsOf(customer._id);

    const response = await success.postForm(`/interviews/${String(interview._id)}`, interviewForm({ likelihoodToReturn: '11', notes: '', revision: '1' }));
    const html = await response.text();

    expect(response.status).toBe(400);
    expect(html).toContain('<p class="field__error" id="likelihoodToReturn-error">Enter a whole number from 0 to 10.</p>');
    expect(html).toContain('<p class="field__error" id="notes-error">Fill in this field.</p>');
    expect(html).toContain('value="11"');
    expect((await interviewsOf(customer._id))[0]).toMatchObject({ revision: 1, likelihoodToReturn: 6, history: [] });
  });
});

describe('erasing a customer', () => {
  test('when a customer with interviews is erased, then their interviews and audit entries go too', async () => {
    const customer = await staffCustomer(db.connection);
    await success.postForm(`/customers/${String(customer._id)}/interviews`, interviewForm());
    const other = await staffCustomer(db.connection);
    await success.postForm(`/customers/${String(other._id)}/interviews`, interviewForm());

    const receipt = await eraseCustomer(db.connection, String(customer._id));

    expect(receipt.deleted).toMatchObject({ exitInterviews: 1, auditLog: 1, customer: 1 });
    expect(await interviewsOf(customer._id)).toHaveLength(0);
    expect(await auditEntryModel(db.connection).countDocuments({ subjectId: customer._id })).toBe(0);
    expect(await interviewsOf(other._id)).toHaveLength(1);
  });
});
