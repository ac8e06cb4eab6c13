/** The real agenda 6.2.6 (mongo backend on the mongoose connection) against the target server. */
import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

let target: TestDatabase;
let agenda: Agenda;

beforeAll(async () => {
  target = await createTestDatabase();
});
afterAll(async () => target.close());

beforeEach(async () => {
  agenda = new Agenda({
    backend: new MongoBackend({ mongo: target.connection.db!, collection: `jobs_${Math.random().toString(36).slice(2, 8)}` }),
    processEvery: 100,
    defaultLockLifetime: 2000,
  });
  agenda.on('error', () => undefined);
});
afterEach(async () => {
  await agenda.stop();
});

function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = async () => {
      const value = await probe();
      if (value !== undefined && value !== false) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error('timed out waiting'));
      setTimeout(tick, 50);
    };
    void tick();
  });
}

describe('agenda 6 compatibility', () => {
  test('when a job is queued with now(), then it runs with its data', async () => {
    const seen: unknown[] = [];
    agenda.define('greet', async (job) => {
      seen.push(job.attrs.data);
    });
    await agenda.start();
    await agenda.now('greet', { to: 'mei' });
    await waitFor(() => seen.length === 1 || undefined);
    expect(seen).toEqual([{ to: 'mei' }]);
  });

  test('when a job is scheduled in 1 second, then it does not run before and runs after', async () => {
    let ranAt = 0;
    agenda.define('later', async () => {
      ranAt = Date.now();
    });
    await agenda.start();
    const scheduledAt = Date.now();
    await agenda.schedule('in 1 second', 'later', {});
    await waitFor(() => ranAt || undefined);
    expect(ranAt - scheduledAt).toBeGreaterThanOrEqual(900);
  });

  test('when a job repeats every 300 ms, then it runs several times from one record', async () => {
    let runs = 0;
    agenda.define('tick', async () => {
      runs++;
    });
    await agenda.start();
    await agenda.every(300, 'tick');
    await waitFor(() => runs >= 3 || undefined);
    const { jobs } = await agenda.queryJobs({ name: 'tick' });
    expect(jobs).toHaveLength(1);
  });

  test('when concurrency is 2, then no more than two instances run at once', async () => {
    let running = 0;
    let peak = 0;
    let done = 0;
    agenda.define(
      'slow',
      async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 150));
        running--;
        done++;
      },
      { concurrency: 2 },
    );
    await agenda.start();
    for (let i = 0; i < 6; i++) await agenda.now('slow', { i });
    await waitFor(() => done === 6 || undefined);
    expect(peak).toBe(2);
  });

  test('when a job throws, then its failure reason and count are saved', async () => {
    agenda.define('broken', async () => {
      throw new Error('smtp refused');
    });
    await agenda.start();
    const job = await agenda.now('broken', {});
    const failed = await waitFor(async () => {
      const { jobs } = await agenda.queryJobs({ id: job.attrs._id!.toString() });
      return jobs[0]?.failReason ? jobs[0] : undefined;
    });
    expect(failed.failReason).toBe('smtp refused');
    expect(failed.failCount).toBe(1);
  });

  test('when the same unique job is saved twice, then one record exists', async () => {
    agenda.define('digest', async () => undefined);
    for (let i = 0; i < 2; i++) {
      const job = agenda.create('digest', { customer: 'c1' });
      job.unique({ 'data.customer': 'c1' });
      job.schedule('in 1 hour');
      await job.save();
    }
    const { jobs } = await agenda.queryJobs({ name: 'digest' });
    expect(jobs).toHaveLength(1);
  });
});
