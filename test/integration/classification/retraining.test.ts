import { classificationRetrainJob } from '../../../jobs/registry';
import { createScheduler, type Scheduler } from '../../../jobs/scheduler';
import { classificationRetrain } from '../../../jobs/handlers/classification-retrain';
import { classifierWithModel } from '../../../src/modules/classification/built-in';
import { classifyComment } from '../../../src/modules/classification/classifier';
import { classifierModelModel } from '../../../src/modules/classification/classifier-model.model';
import { activeModelVersion, listModelVersions, loadActiveModel, rollbackModel } from '../../../src/modules/classification/classifier-model.service';
import { retrain, type ConfirmedLabel } from '../../../src/modules/classification/training.service';
import { createLogger } from '../../../src/shared/logging';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { waitFor } from '../../helpers/wait';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.close();
});

beforeEach(async () => {
  await classifierModelModel(db.connection).deleteMany({});
});

/** Staff labels teaching a cause an admin added: the garage gate of a car-service business. */
function garageLabels(confirmedAt: Date, count = 12): ConfirmedLabel[] {
  const texts = [
    'the garage gate never opens',
    'garage gate stuck again',
    'could not drive out, the gate was broken',
    'gate at the garage keeps failing',
    'stuck at the garage gate twice this week',
    '车库道闸又坏了',
    '车库的道闸打不开',
    'the barrier at your garage trapped my car',
    '出车库时道闸不抬杆',
    'garage barrier broken for a week',
    'waited 20 minutes for the garage gate',
    '道闸一直坏着没人修',
  ];
  return texts.slice(0, count).map((text, i) => ({ text, cause: 'facilities', confirmedAt: new Date(confirmedAt.getTime() + i) }));
}

function priceLabels(confirmedAt: Date): ConfirmedLabel[] {
  return ['way too expensive for us', 'the bill doubled', '太贵了', '价格又涨了', 'cannot afford the plan', 'fees went up'].map((text) => ({ text, cause: 'price', confirmedAt }));
}

describe('retraining from staff labels', () => {
  it('when too few new labels exist, then nothing is trained', async () => {
    const labels = garageLabels(new Date('2026-01-01'), 3);

    const outcome = await retrain(db.connection, { labelsSource: async () => labels, minNewLabels: 10, reason: 'new-labels' });

    expect(outcome).toMatchObject({ retrained: false, newLabels: 3, version: null });
    expect(await listModelVersions(db.connection)).toEqual([]);
  });

  it('when enough labels exist, then a new active version records its cross-validated macro-F1 and predicts the new cause', async () => {
    const labels = [...garageLabels(new Date('2026-01-01')), ...priceLabels(new Date('2026-01-02'))];

    const outcome = await retrain(db.connection, { labelsSource: async () => labels, minNewLabels: 10, reason: 'new-labels' });

    expect(outcome.retrained).toBe(true);
    expect(outcome.version).toMatchObject({ version: 1, active: true, labelCount: 18, previousVersion: null, reason: 'new-labels' });
    // Macro-F1 also averages in the causes the held-out folds were wrongly given (e.g. product for "broken gate").
    expect(outcome.version?.crossValidatedMacroF1).toBeGreaterThan(0.3);
    expect(outcome.version?.perCauseF1.find((score) => score.cause === 'price')?.f1).toBe(1);
    expect(outcome.version?.perCauseF1.find((score) => score.cause === 'facilities')?.f1).toBeGreaterThan(0);
    const active = await loadActiveModel(db.connection);
    expect(active?.version).toBe(1);
    const result = classifyComment(classifierWithModel(active!.model), { text: 'the garage gate was stuck again' });
    expect(result.suggestedCause).toBe('facilities');
  });

  it('when retraining twice, then the previous version is kept and a rollback reactivates it', async () => {
    const first = garageLabels(new Date('2026-01-01'));
    await retrain(db.connection, { labelsSource: async () => first, minNewLabels: 1, reason: 'nightly' });
    const second = [...first, ...priceLabels(new Date('2026-02-01'))];

    const outcome = await retrain(db.connection, { labelsSource: async () => second, minNewLabels: 1, reason: 'nightly' });

    expect(outcome).toMatchObject({ retrained: true, newLabels: 6 });
    expect(outcome.version).toMatchObject({ version: 2, previousVersion: 1, active: true });
    expect((await listModelVersions(db.connection)).map((version) => [version.version, version.active])).toEqual([
      [2, true],
      [1, false],
    ]);

    const rolledBack = await rollbackModel(db.connection);

    expect(rolledBack).toMatchObject({ version: 1, active: true });
    expect((await activeModelVersion(db.connection))?.version).toBe(1);
    expect((await listModelVersions(db.connection)).filter((version) => version.active)).toHaveLength(1);
    expect((await loadActiveModel(db.connection))?.version).toBe(1);
  });

  it('when there is nothing to roll back to, then the rollback is refused', async () => {
    await expect(rollbackModel(db.connection)).rejects.toMatchObject({ code: 'no_previous_model' });
  });

  it('when no label is newer than the active model, then the nightly run keeps it', async () => {
    const labels = garageLabels(new Date('2026-01-01'));
    await retrain(db.connection, { labelsSource: async () => labels, minNewLabels: 1, reason: 'nightly' });

    const outcome = await retrain(db.connection, { labelsSource: async () => labels, minNewLabels: 1, reason: 'nightly' });

    expect(outcome).toMatchObject({ retrained: false, newLabels: 0 });
    expect(await listModelVersions(db.connection)).toHaveLength(1);
  });
});

describe('the classification.retrain job through agenda', () => {
  let scheduler: Scheduler;
  const labels: ConfirmedLabel[] = [];

  beforeAll(async () => {
    scheduler = await createScheduler({
      connection: db.connection,
      logger: createLogger({ level: 'silent' }),
      workerId: 'test-worker',
      processEveryMs: 100,
      // The registry's job, bound to labels this test creates instead of the customers module.
      jobs: [{ ...classificationRetrainJob, handler: classificationRetrain(async () => labels) }],
      lockLifetimeOverrideMs: 1000,
    });
    await scheduler.start();
  });

  afterAll(async () => {
    await scheduler.stop();
  });

  it('when new labels reach the threshold, then the queued job trains a new version; below it, none', async () => {
    labels.push(...garageLabels(new Date('2026-03-01'), 5));
    const belowId = await scheduler.now('classification.retrain', { reason: 'new-labels', minNewLabels: 10 });
    await waitFor(async () => {
      const jobs = await db.connection.collection('agendaJobs').find({ name: 'classification.retrain' }).toArray();
      return jobs.some((job) => String(job._id) === belowId && job.lastFinishedAt);
    }, { what: 'the first run' });
    expect(await listModelVersions(db.connection)).toEqual([]);

    labels.push(...garageLabels(new Date('2026-03-02')), ...priceLabels(new Date('2026-03-03')));
    await scheduler.now('classification.retrain', { reason: 'new-labels', minNewLabels: 10 });

    const version = await waitFor(() => activeModelVersion(db.connection), { what: 'the retrained model' });
    expect(version).toMatchObject({ version: 1, labelCount: 23, reason: 'new-labels' });
  });

  it('when the payload is invalid, then the job fails with a readable reason', async () => {
    const id = await scheduler.now('classification.retrain', { reason: 'weekly' });

    const failed = await waitFor(async () => {
      const jobs = await db.connection.collection('agendaJobs').find({ name: 'classification.retrain' }).toArray();
      return jobs.find((job) => String(job._id) === id && job.failReason);
    }, { what: 'the job to fail' });
    expect(failed.failReason).toMatch(/^invalid payload: field reason: /);
  });
});
