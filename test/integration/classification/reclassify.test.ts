/**
 * Bulk re-classification: the form queues `classification.reclassify` (registry job, real
 * agenda), which re-reads the customers of the filter in batches and reports its counts; causes
 * staff or interviews decided, survey choices and mapped import causes are never touched.
 */
import { classificationReclassifyJob } from '../../../jobs/registry';
import { createScheduler, type Scheduler } from '../../../jobs/scheduler';
import { builtInTextModel } from '../../../src/modules/classification/built-in';
import { loadLastReclassify } from '../../../src/modules/classification/classification-settings.store';
import { reclassifyCustomers } from '../../../src/modules/classification/reclassify.service';
import { customerModel, type ChurnCause, type Customer } from '../../../src/modules/customers/customer.model';
import { createLogger } from '../../../src/shared/logging';
import { startTestApp } from '../../helpers/app';
import { createStaff, signIn, type Agent } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';
import { waitFor } from '../../helpers/wait';
import { churnedCustomer } from '../surveys/support';

let db: TestDatabase;
let app: ListeningApp;
let scheduler: Scheduler;
let success: Agent;

beforeAll(async () => {
  db = await createTestDatabase();
  // Trained once per process; warmed here so the job's first run stays well within its lock.
  builtInTextModel();
  scheduler = await createScheduler({
    connection: db.connection,
    logger: createLogger({ level: 'silent' }),
    workerId: 'reclassify-test',
    processEveryMs: 100,
    jobs: [classificationReclassifyJob],
    // A job still running when its lock expires is run again; 3 s covers a loaded CI machine.
    lockLifetimeOverrideMs: 3000,
  });
  await scheduler.start();
  app = await startTestApp({ connection: db.connection, scheduler: { isRunning: () => true, dashboard: () => scheduler.dashboard(), now: scheduler.now } });
  success = await signIn(app.url, await createStaff(db.connection, 'success'));
});

afterAll(async () => {
  await app.close();
  await scheduler.stop();
  await db.close();
});

const stored = async (id: unknown) => (await customerModel(db.connection).findById(id).lean<Customer>().exec())!;

/** A stale cause: what an older model (or nobody) made of these words. */
function cause(source: ChurnCause['source'], reason: string, code?: ChurnCause['code']): ChurnCause {
  return { ...(code ? { code } : {}), source, reason, confidence: 0.3, setBy: source, setAt: new Date('2026-01-01T00:00:00Z') };
}

describe('bulk re-classify', () => {
  it('when staff queue a re-classification for a status and churn period, then the job re-reads only the causes the classifier owns and reports its counts', async () => {
    const churnedAt = new Date('2026-03-10T00:00:00Z');
    const stale = await churnedCustomer(db.connection, { churnedAt, cause: cause('classifier', 'we moved abroad last spring', 'price') });
    const uncoded = await churnedCustomer(db.connection, { churnedAt, cause: cause('import', 'support never called back') });
    const byStaff = await churnedCustomer(db.connection, { churnedAt, cause: cause('staff', 'we moved abroad last spring', 'price') });
    const byInterview = await churnedCustomer(db.connection, { churnedAt, cause: cause('interview', 'we moved abroad', 'trust') });
    const surveyChoice = await churnedCustomer(db.connection, { churnedAt, cause: cause('survey', 'we moved abroad', 'price') });
    const mapped = await churnedCustomer(db.connection, { churnedAt, cause: cause('import', 'Moved', 'price') });
    const outsidePeriod = await churnedCustomer(db.connection, { churnedAt: new Date('2025-06-01T00:00:00Z'), cause: cause('classifier', 'we moved abroad', 'price') });
    const otherStatus = await churnedCustomer(db.connection, { status: 'won_back', churnedAt, cause: cause('classifier', 'we moved abroad', 'price') });
    const untouched = [byStaff, byInterview, surveyChoice, mapped, outsidePeriod, otherStatus];

    const response = await success.postForm('/causes/reclassify', { status: 'churned', churnedFrom: '2026-03-01', churnedTo: '2026-03-31' });

    expect(response.status).toBe(303);
    expect(await (await success.get('/causes/reclassify')).text()).toContain('Re-classification of 2 customers queued');
    const summary = await waitFor(() => loadLastReclassify(db.connection), { what: 'the re-classification job', timeoutMs: 15_000 });
    expect(summary).toMatchObject({ examined: 2, changed: 2, unchanged: 0, skipped: 0, failed: 0, filter: { status: 'churned', churnedFrom: '2026-03-01', churnedTo: '2026-03-31' } });
    expect((await stored(stale._id)).cause).toMatchObject({ code: 'natural', source: 'classifier', reason: 'we moved abroad last spring' });
    expect((await stored(uncoded._id)).cause).toMatchObject({ code: 'service', source: 'classifier' });
    for (const customer of untouched) expect((await stored(customer._id)).cause).toEqual(customer.cause);
    const page = await (await success.get('/causes/reclassify')).text();
    expect(page).toContain('Last run');
    // Read again (e.g. after a lock expired under load), the same customers are simply unchanged.
    expect(page).toMatch(/Customers read<\/th><td>2</);
  });

  it('when the run is repeated, then nothing changes a second time', async () => {
    const customer = await churnedCustomer(db.connection, { status: 'at_risk', cause: cause('classifier', 'the app keeps crashing', 'price') });
    await reclassifyCustomers(db.connection, { status: 'at_risk' });
    const once = await stored(customer._id);

    const again = await reclassifyCustomers(db.connection, { status: 'at_risk' });

    expect(again).toMatchObject({ examined: 1, changed: 0, unchanged: 1 });
    expect((await stored(customer._id)).cause).toEqual(once.cause);
  });

  it('when the batch is smaller than the matches, then every customer is still read', async () => {
    const customers = await Promise.all(
      ['support was rude', 'too expensive', 'we closed the shop', 'a rival gave us a free phone', 'the app crashed'].map((text) =>
        churnedCustomer(db.connection, { status: 'active', churnedAt: undefined, cause: cause('classifier', text, 'other') }),
      ),
    );

    const summary = await reclassifyCustomers(db.connection, { status: 'active' }, { batchSize: 2 });

    expect(summary).toMatchObject({ examined: 5, changed: 5 });
    expect((await Promise.all(customers.map((customer) => stored(customer._id)))).map((customer) => customer.cause?.code)).toEqual(['service', 'price', 'natural', 'competitor', 'product']);
  });

  it('when the filter is invalid, then the form says so and nothing is queued', async () => {
    const jobsBefore = await db.connection.collection('agendaJobs').countDocuments({ name: 'classification.reclassify' });

    const response = await success.postForm('/causes/reclassify', { status: 'lost', churnedFrom: '2026-13-45', churnedTo: '2026-01-01' });

    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('Choose one of the options.');
    expect(html).toContain('Enter a date as YYYY-MM-DD.');
    expect(await db.connection.collection('agendaJobs').countDocuments({ name: 'classification.reclassify' })).toBe(jobsBefore);
  });

  it('when the job payload is invalid, then the job fails with a readable reason', async () => {
    const id = await scheduler.now('classification.reclassify', { status: 'gone' });

    const failed = await waitFor(async () => {
      const jobs = await db.connection.collection('agendaJobs').find({ name: 'classification.reclassify' }).toArray();
      return jobs.find((job) => String(job._id) === id && job.failReason);
    }, { what: 'the job to fail' });
    expect(failed.failReason).toMatch(/^invalid payload: field status: /);
  });
});
