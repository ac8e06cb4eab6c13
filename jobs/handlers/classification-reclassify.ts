/**
 * `classification.reclassify`: re-runs the active classifier over the customers of a filter, in
 * batches (queued from the bulk re-classify page). Causes set by staff or interviews are never
 * touched; one customer that fails does not stop the others.
 */
import { reclassifyCustomers, type ReclassifyJobPayload } from '../../src/modules/classification/reclassify.service';
import type { JobDependencies } from '../types';

export async function classificationReclassify(payload: ReclassifyJobPayload, deps: JobDependencies): Promise<void> {
  const { requestedBy, batchSize, ...filter } = payload;
  const summary = await reclassifyCustomers(deps.connection, filter, {
    requestedBy,
    batchSize,
    onFailure: (customerId, error) => deps.logger.warn({ customerId: String(customerId), err: error }, 'customer not re-classified'),
  });
  deps.logger.info({ reclassify: summary }, 'customers re-classified');
}
