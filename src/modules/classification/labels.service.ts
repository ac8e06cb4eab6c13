/**
 * The labels the classifier learns from: causes people decided for a customer whose words we
 * have — confirmed or corrected in the review queue, overridden on the customer page, or heard
 * in an exit interview — with the text that was classified (survey comment, imported reason,
 * interview notes). This is the labels source of the `classification.retrain` job.
 */
import { trusted, type Connection } from 'mongoose';
import { customerModel, type Customer } from '../customers/customer.model';
import { activeModelVersion } from './classifier-model.service';
import { loadClassificationSettings } from './classification-settings.store';
import { decidedByPeople } from './customer-classification.service';
import type { ConfirmedLabel, LabelsSource } from './training.service';

/** Every staff-decided cause with the customer's words, oldest decision first. */
export const staffConfirmedLabels: LabelsSource = async (connection) => {
  const decided = await customerModel(connection)
    .find(labelFilter(), { 'cause.code': 1, 'cause.reason': 1, 'cause.setAt': 1, 'cause.confirmedAt': 1, _id: 0 })
    .lean<Pick<Customer, 'cause'>[]>()
    .exec();
  const labels: ConfirmedLabel[] = [];
  for (const { cause } of decided) {
    const text = cause?.reason?.trim();
    if (!cause?.code || !text) continue;
    labels.push({ text, cause: cause.code, confirmedAt: cause.confirmedAt ?? cause.setAt });
  }
  return labels.sort((a, b) => a.confirmedAt.getTime() - b.confirmedAt.getTime());
};

/** Labels decided after the active model was trained (all of them while only the built-in model exists). */
export async function newLabelCount(connection: Connection): Promise<number> {
  const since = (await activeModelVersion(connection))?.labelsConfirmedUntil;
  const filter = labelFilter();
  if (since) filter['cause.setAt'] = trusted({ $gt: since });
  return customerModel(connection).countDocuments(filter).exec();
}

/**
 * After a decision: queues a retraining once enough new labels exist (the nightly run takes
 * any number). Returns whether it queued one.
 */
export async function queueRetrainWhenDue(connection: Connection, scheduler: { now(name: string, payload: unknown): Promise<string> } | undefined): Promise<boolean> {
  if (!scheduler) return false;
  const { retrainAfterLabels } = await loadClassificationSettings(connection);
  if ((await newLabelCount(connection)) < retrainAfterLabels) return false;
  await scheduler.now('classification.retrain', { reason: 'new-labels', minNewLabels: retrainAfterLabels });
  return true;
}

function labelFilter(): Record<string, unknown> {
  return { 'cause.source': trusted({ $in: decidedByPeople }), 'cause.reason': trusted({ $exists: true, $ne: '' }) };
}
