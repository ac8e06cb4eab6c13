/**
 * The review queue through HTTP: what staff see, confirming and correcting with one click, the
 * audit log and timeline, and the label reaching the next retraining (by hand and through the
 * registry's `classification.retrain` job with its real labels source).
 */
import { classificationRetrainJob } from '../../../jobs/registry';
import { createScheduler, type Scheduler } from '../../../jobs/scheduler';
import { builtInTextModel, classifierWithModel } from '../../../src/modules/classification/built-in';
import { classifyComment } from '../../../src/modules/classification/classifier';
import { activeModelVersion, loadActiveModel } from '../../../src/modules/classification/classifier-model.service';
import { saveClassificationSettings } from '../../../src/modules/classification/classification-settings.store';
import { classifyCustomer } from '../../../src/modules/classification/customer-classification.service';
import { staffConfirmedLabels } from '../../../src/modules/classification/labels.service';
import { retrain } from '../../../src/modules/classification/training.service';
import { auditEntriesAbout } from '../../../src/shared/audit/audit-log';
import { timelineEventModel } from '../../../src/modules/customers/customer-event.model';
import { customerModel, type Customer } from '../../../src/modules/customers/customer.model';
import { createLogger } from '../../../src/shared/logging';
import { startTestApp } from '../../helpers/app';
import { createStaff, signIn, type Agent, type TestStaff } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';
import { waitFor } from '../../helpers/wait';
import { churnedCustomer } from '../surveys/support';

let db: TestDatabase;
let app: ListeningApp;
let scheduler: Scheduler;
let staff: TestStaff;
let agent: Agent;

beforeAll(async () => {
  db = await createTestDatabase();
  scheduler = await createScheduler({
    connection: db.connection,
    logger: createLogger({ level: 'silent' }),
    workerId: 'review-test',
    processEveryMs: 100,
    jobs: [classificationRetrainJob],
    lockLifetimeOverrideMs: 1000,
  });
  await scheduler.start();
  app = await startTestApp({ connection: db.connection, scheduler: { isRunning: () => true, dashboard: () => scheduler.dashboard(), now: scheduler.now } });
  staff = await createStaff(db.connection, 'success', { name: 'Sam Success' });
  agent = await signIn(app.url, staff);
});

afterAll(async () => {
  await app.close();
  await scheduler.stop();
  await db.close();
});

const stored = async (id: unknown) => (await customerModel(db.connection).findById(id).lean<Customer>().exec())!;

/** A churned customer whose words the classifier read below the review threshold (set high for the moment). */
async function waitingForReview(text: string, overrides: Partial<Customer> = {}): Promise<Customer> {
  const customer = await churnedCustomer(db.connection, overrides);
  await saveClassificationSettings(db.connection, { reviewThreshold: 0.99, retrainAfterLabels: 50 });
  try {
    await classifyCustomer(db.connection, customer._id, { text });
  } finally {
    await saveClassificationSettings(db.connection, { reviewThreshold: 0.25, retrainAfterLabels: 50 });
  }
  const waiting = await stored(customer._id);
  expect(waiting.cause).toMatchObject({ code: 'other', needsReview: true });
  return waiting;
}

/** The model's own verdict, with the lexicon silenced. */
function modelAlone(model: Parameters<typeof classifierWithModel>[0], text: string): string {
  return classifyComment(classifierWithModel(model, { weights: { choice: 1, lexicon: 0, model: 1 }, reviewThreshold: 0 }), { text }).cause;
}

describe('the review queue page', () => {
  it('when staff open it, then waiting customers show with their words escaped, the suggestion, the explanation and both actions', async () => {
    const customer = await waitingForReview('Support never called back <script>alert(1)</script>', { name: 'Queue Shown' });

    const response = await agent.get('/causes/review');
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toContain('Queue Shown');
    expect(html).toContain('Support never called back &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain(`Suggested cause: Service`);
    expect(html).toContain('Why this suggestion');
    expect(html).toContain(`action="/causes/review/${customer._id}/confirm"`);
    expect(html).toContain(`action="/causes/review/${customer._id}/correct"`);
    expect(html).toMatch(/name="_csrf" value="[^"]+"/);
  });

  it('when the page is asked for in Chinese, then it is in Chinese', async () => {
    await waitingForReview('support never called back', { name: 'Chinese Page' });

    // An agent of its own: the language choice is remembered in a cookie.
    const chinese = await signIn(app.url, staff);
    const html = await (await chinese.get('/causes/review?lang=zh-CN')).text();

    expect(html).toContain('待复核的流失原因');
    expect(html).toContain('建议原因：服务原因');
  });
});

describe('confirming and correcting', () => {
  it('when staff confirm the suggestion, then the cause is staff-confirmed, audited, on the timeline, and the customer leaves the queue', async () => {
    const customer = await waitingForReview('support never called back');

    const response = await agent.postForm(`/causes/review/${customer._id}/confirm`, { cause: 'service' });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/causes/review');
    const { cause } = await stored(customer._id);
    expect(cause).toMatchObject({ code: 'service', source: 'staff', setBy: staff.id, confidence: 1, reason: 'support never called back' });
    expect(cause?.confirmedAt).toBeInstanceOf(Date);
    expect(cause?.needsReview).toBeUndefined();
    const audit = await auditEntriesAbout(db.connection, 'customer', customer._id);
    expect(audit).toEqual([expect.objectContaining({ action: 'customer.cause_review_confirm', actorId: staff.id, actorName: 'Sam Success', after: expect.objectContaining({ code: 'service', source: 'staff' }) })]);
    const events = await timelineEventModel(db.connection).find({ customerId: customer._id, type: 'cause_set', origin: 'staff' }).lean().exec();
    expect(events.map((event) => event.data)).toEqual([expect.objectContaining({ code: 'service', previous: 'other', review: 'confirm' })]);
    expect(await (await agent.get('/causes/review')).text()).not.toContain(`/causes/review/${customer._id}/confirm`);
  });

  it('when staff correct a cause, then the customer changes, the audit log records who, when, before and after, and the next retraining learns the label', async () => {
    const text = 'the barrier at your depot gate jammed on our vans every morning';
    const customer = await waitingForReview(text);
    const before = await staffConfirmedLabels(db.connection);
    const activeBefore = await activeModelVersion(db.connection);
    const modelBefore = (await loadActiveModel(db.connection))?.model ?? builtInTextModel();
    expect(modelAlone(modelBefore, text)).not.toBe('trust');

    const response = await agent.postForm(`/causes/review/${customer._id}/correct`, { cause: 'trust' });

    expect(response.status).toBe(303);
    const after = await stored(customer._id);
    expect(after.cause).toMatchObject({ code: 'trust', source: 'staff', setBy: staff.id, reason: text });
    const [entry] = await auditEntriesAbout(db.connection, 'customer', customer._id);
    expect(entry).toMatchObject({
      action: 'customer.cause_review_correct',
      actorId: staff.id,
      before: { code: 'other', source: 'classifier', suggested: customer.cause?.suggested },
      after: { code: 'trust', source: 'staff', confidence: 1 },
    });
    expect(entry.at.getTime()).toBe(after.cause?.confirmedAt?.getTime());

    const labels = await staffConfirmedLabels(db.connection);
    expect(labels).toHaveLength(before.length + 1);
    expect(labels).toContainEqual({ text, cause: 'trust', confirmedAt: after.cause?.confirmedAt });
    const outcome = await retrain(db.connection, { labelsSource: staffConfirmedLabels, minNewLabels: 1, reason: 'manual' });

    expect(outcome.retrained).toBe(true);
    expect(outcome.version).toMatchObject({ version: (activeBefore?.version ?? 0) + 1, labelCount: before.length + 1, active: true });
    const trained = await loadActiveModel(db.connection);
    expect(modelAlone(trained!.model, text)).toBe('trust');
  });

  it('when enough new labels exist, then a decision queues the retraining job, which trains from the staff labels', async () => {
    const customer = await waitingForReview('your kiosk printed the wrong receipts again');
    const previous = (await activeModelVersion(db.connection))?.version ?? 0;
    await saveClassificationSettings(db.connection, { reviewThreshold: 0.25, retrainAfterLabels: 1 });

    try {
      await agent.postForm(`/causes/review/${customer._id}/correct`, { cause: 'product' });
      const version = await waitFor(async () => {
        const active = await activeModelVersion(db.connection);
        return active && active.version > previous ? active : null;
      }, { what: 'the retrained model', timeoutMs: 20_000 });

      expect(version).toMatchObject({ reason: 'new-labels', labelCount: (await staffConfirmedLabels(db.connection)).length });
    } finally {
      await saveClassificationSettings(db.connection, { reviewThreshold: 0.25, retrainAfterLabels: 50 });
    }
  });

  it('when the chosen cause is not a cause, then the page says so and nothing changes', async () => {
    const customer = await waitingForReview('support never called back');

    const response = await agent.postForm(`/causes/review/${customer._id}/correct`, { cause: 'weather' });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Choose one of the causes in the list.');
    expect((await stored(customer._id)).cause).toEqual(customer.cause);
    expect(await auditEntriesAbout(db.connection, 'customer', customer._id)).toEqual([]);
  });

  it('when the customer no longer waits for review, then nothing changes and staff are told', async () => {
    const customer = await waitingForReview('support never called back');
    await agent.postForm(`/causes/review/${customer._id}/confirm`, { cause: 'service' });
    const decided = await stored(customer._id);

    const response = await agent.postForm(`/causes/review/${customer._id}/correct`, { cause: 'price' });

    expect(response.status).toBe(303);
    expect(await (await agent.get('/causes/review')).text()).toContain('no longer waits for review');
    expect((await stored(customer._id)).cause).toEqual(decided.cause);
    expect(await auditEntriesAbout(db.connection, 'customer', customer._id)).toHaveLength(1);
  });

  it('when the form comes without its CSRF token, then it is refused and nothing changes', async () => {
    const customer = await waitingForReview('support never called back');

    const response = await agent.postForm(`/causes/review/${customer._id}/confirm`, { cause: 'service' }, { csrf: false });

    expect(response.status).toBe(403);
    expect((await stored(customer._id)).cause).toEqual(customer.cause);
  });

  it('when a marketer tries to decide, then it is forbidden', async () => {
    const customer = await waitingForReview('support never called back');
    const marketer = await signIn(app.url, await createStaff(db.connection, 'marketer'));

    const response = await marketer.postForm(`/causes/review/${customer._id}/confirm`, { cause: 'service' });

    expect(response.status).toBe(403);
    expect((await stored(customer._id)).cause).toEqual(customer.cause);
  });
});
