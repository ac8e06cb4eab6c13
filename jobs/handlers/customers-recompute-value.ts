/**
 * `customers.recompute-value`: recomputes CLV, RFM warning and tier for one customer, or for
 * every customer (nightly, which also refreshes the quantile tier cuts).
 */
import { Types } from 'mongoose';
import { recomputeAllValues, recomputeCustomerValue } from '../../src/modules/customers/value/value.service';
import type { JobDependencies } from '../types';

export interface RecomputeValuePayload {
  /** One customer's id; all customers when omitted. */
  customerId?: string;
}

export async function customersRecomputeValue(payload: RecomputeValuePayload, deps: JobDependencies): Promise<void> {
  if (payload.customerId !== undefined) {
    await recomputeCustomerValue(deps.connection, new Types.ObjectId(payload.customerId));
    return;
  }
  const summary = await recomputeAllValues(deps.connection);
  deps.logger.info(summary, 'customer values recomputed');
}
