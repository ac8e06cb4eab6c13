/**
 * A customer's privacy requests: everything we hold about them as one JSON document (access,
 * portability), and erasure of all of it (the record and every data source) on request.
 */
import type { Connection } from 'mongoose';
import { customerModel } from '../customer.model';
import { findCustomer } from '../customers.service';
import { customerView, type CustomerView } from '../customer-view';
import { customerEvents } from '../domain-events';
import { customerDataSources } from './data-sources';

export interface CustomerDataExport {
  exportedAt: Date;
  customer: CustomerView;
  /** Each data source's records, by source name. */
  data: Record<string, unknown[]>;
}

export interface ErasureReceipt {
  customerId: string;
  erasedAt: Date;
  /** Records deleted, by source name, plus the customer record itself. */
  deleted: Record<string, number>;
}

export async function exportCustomerData(connection: Connection, id: string, now: Date = new Date()): Promise<CustomerDataExport> {
  const customer = await findCustomer(connection, id);
  const data: Record<string, unknown[]> = {};
  for (const source of customerDataSources) data[source.name] = await source.export(connection, customer);
  return { exportedAt: now, customer: customerView(customer), data };
}

/**
 * Erases the customer: every data source first, the record last, so an interrupted erasure
 * can be run again and finishes the job. The receipt holds counts only, no personal data.
 */
export async function eraseCustomer(connection: Connection, id: string, now: Date = new Date()): Promise<ErasureReceipt> {
  const customer = await findCustomer(connection, id);
  const deleted: Record<string, number> = {};
  for (const source of customerDataSources) deleted[source.name] = await source.erase(connection, customer);
  deleted.customer = (await customerModel(connection).deleteOne({ _id: customer._id })).deletedCount;
  await customerEvents(connection).emit('customer.erased', { customerId: String(customer._id) });
  return { customerId: String(customer._id), erasedAt: now, deleted };
}
