import mongoose from 'mongoose';
import { z } from 'zod';
import { heartbeatJob, jobRegistry } from '../../jobs/registry';
import { createScheduler, type Scheduler } from '../../jobs/scheduler';
import { defineJob } from '../../jobs/types';
import { heartbeatOf } from '../../src/modules/health/heartbeat.service';
import { createLogger } from '../../src/shared/logging';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { waitFor } from '../helpers/wait';

/** A job that fails its first `failures` runs, to watch retries; records when each run started. */
const runsByKey = new Map<string, number[]>();
const flakyJob = defineJob({
  name: 'test.flaky',
  description: 'Fails a given number of times, then succeeds.',
  payload: z.object({ key: z.string(), failures: z.number().int().min(0) }),
  options: { concurrency: 4, lockLifetimeMs: 1000, retries: { attempts: 3, backoffMs: 100 } },
  handler: async ({ key, failures }) => {
    const runs = [...(runsByKey.get(key) ?? []), Date.now()];
    runsByKey.set(key, runs);
    if (runs.length <= failures) throw new Error(`failure ${runs.length}`);
  },
});

let db: TestDatabase;
let scheduler: Scheduler;

beforeAll(async () => {
  db = await createTestDatabase();
  scheduler = await createScheduler({
    connection: db.connection,
    logger: createLogger({ level: 'silent' }),
    workerId: 'test-worker',
    processEveryMs: 100,
    jobs: [heartbeatJob, flakyJob],
    lockLifetimeOverrideMs: 1000,
  });
  await scheduler.start();
});

afterAll(async () => {
  await scheduler.stop();
  await db.close();
});

function jobDocument(id: string) {
  return db.connection.collection('agendaJobs').findOne({ _id: new mongoose.Types.ObjectId(id) });
}

describe('the job registry', () => {
  it('when the registry is read, then every job has a unique name, a schema and a handler', () => {
    const names = jobRegistry.map((job) => job.name);

    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('system.heartbeat');
    for (const job of jobRegistry) {
      expect(typeof job.handler).toBe('function');
      expect(job.options.concurrency).toBeGreaterThan(0);
    }
  });
});

describe('running jobs through agenda', () => {
  it('when a heartbeat is queued, then a worker runs it and the heartbeat is recorded', async () => {
    await scheduler.now('system.heartbeat', { worker: 'queued-by-test' });

    const heartbeat = await waitFor(() => heartbeatOf(db.connection, 'queued-by-test'), { what: 'the heartbeat' });

    expect(heartbeat).toMatchObject({ worker: 'queued-by-test', beats: 1 });
    expect(heartbeat.beatAt).toBeInstanceOf(Date);
  });

  it('when a job has a bad payload, then it fails with a readable reason, is not retried, and the next job still runs', async () => {
    const badId = await scheduler.now('system.heartbeat', { worker: 42 });

    const failed = await waitFor(async () => (await jobDocument(badId))?.failReason && jobDocument(badId), { what: 'the job to fail' });
    expect(failed).toMatchObject({ failReason: 'invalid payload: field worker: expected string, received number', failCount: 1 });
    expect(failed?.nextRunAt).toBeNull();

    await scheduler.now('system.heartbeat', { worker: 'after-the-bad-one' });
    await waitFor(() => heartbeatOf(db.connection, 'after-the-bad-one'), { what: 'the following job' });
    expect(scheduler.isRunning()).toBe(true);
  });

  it('when a job fails twice, then it is retried with growing delays and then succeeds', async () => {
    const id = await scheduler.now('test.flaky', { key: 'twice', failures: 2 });

    // agenda resets failCount to 0 when a run succeeds.
    const done = await waitFor(async () => (await jobDocument(id))?.failCount === 0 && jobDocument(id), { what: 'the job to succeed' });

    const [first, second, third] = runsByKey.get('twice') ?? [];
    expect(runsByKey.get('twice')).toHaveLength(3);
    expect(second - first).toBeGreaterThanOrEqual(100);
    expect(third - second).toBeGreaterThanOrEqual(200);
    expect(done?.nextRunAt).toBeNull();
  });

  it('when a job keeps failing, then it stops after its retries with the last reason saved', async () => {
    const id = await scheduler.now('test.flaky', { key: 'always', failures: 99 });

    await waitFor(async () => (await jobDocument(id))?.failCount === 4 && (runsByKey.get('always')?.length ?? 0) >= 4, {
      what: 'four failed runs',
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));

    expect(runsByKey.get('always')).toHaveLength(4);
    expect(await jobDocument(id)).toMatchObject({ failCount: 4, failReason: 'failure 4', nextRunAt: null });
  });

  it('when an unknown job name is queued, then the caller gets an error', async () => {
    await expect(scheduler.now('no.such.job', {})).rejects.toThrow('unknown job "no.such.job"');
  });

  it('when recurring jobs are scheduled twice, then there is still one recurring heartbeat', async () => {
    await scheduler.scheduleRecurring();
    await scheduler.scheduleRecurring();

    const recurring = await db.connection.collection('agendaJobs').countDocuments({ name: 'system.heartbeat', type: 'single' });
    expect(recurring).toBe(1);
    await waitFor(() => heartbeatOf(db.connection, 'test-worker'), { what: 'the recurring heartbeat' });
  });
});
