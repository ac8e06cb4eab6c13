/**
 * Exports any filtered list of customers as CSV, streamed from a database cursor through
 * csv-stringify so a large list never sits in memory.
 *
 * The columns use the generic import's names, so an exported file imports back. Text cells are
 * guarded against spreadsheet formula injection: a cell starting with = + - @ tab or CR could
 * run as a formula when the file is opened, so it gets a leading apostrophe (OWASP's advice).
 */
import type { Writable } from 'node:stream';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Connection } from 'mongoose';
import { checkCustomerFilter, customerQuery, type CustomerFilter } from '../customer-filter';
import { customerModel, type Customer } from '../customer.model';

/** Header → how to read the cell from a customer. */
export const exportColumns: ReadonlyArray<readonly [string, (customer: Customer) => unknown]> = [
  ['id', (c) => String(c._id)],
  ['source', (c) => c.source],
  ['external_id', (c) => c.externalId],
  ['name', (c) => c.name],
  ['email', (c) => c.email],
  ['phone', (c) => c.phone],
  ['company', (c) => c.company],
  ['locale', (c) => c.locale],
  ['plan', (c) => c.plan],
  ['signup_date', (c) => c.signupDate],
  ['status', (c) => c.status],
  ['churned_at', (c) => c.churnedAt],
  ['churn_type', (c) => c.churnType],
  ['won_back_at', (c) => c.wonBackAt],
  ['cause', (c) => c.cause?.code],
  ['cause_secondary', (c) => c.cause?.secondary],
  ['cause_source', (c) => c.cause?.source],
  ['cause_reason', (c) => c.cause?.reason],
  ['monthly_revenue', (c) => c.revenue?.monthly],
  ['total_revenue', (c) => c.revenue?.total],
  ['cost_to_serve', (c) => c.revenue?.costToServe],
  ['tenure_months', (c) => c.revenue?.tenureMonths],
  ['clv', (c) => c.value?.clv],
  ['tier', (c) => c.value?.tier],
  ['rfm_level', (c) => c.value?.rfm.level],
  ['email_consent', (c) => (c.contact?.emailConsent ? 'yes' : 'no')],
  ['do_not_contact', (c) => (c.contact?.doNotContact ? 'yes' : 'no')],
  ['owner_id', (c) => (c.ownerId ? String(c.ownerId) : undefined)],
  ['tags', (c) => c.tags?.join(';')],
];

/** Writes the customers matching `filter` as CSV to `output` (an HTTP response, a file). */
export async function writeCustomersCsv(connection: Connection, filter: CustomerFilter, output: Writable): Promise<number> {
  await checkCustomerFilter(connection, filter);
  let count = 0;
  // Bounded batches: the client holds at most this many customers at once.
  const cursor = customerModel(connection).find(customerQuery(filter)).sort({ _id: -1 }).lean<Customer>().batchSize(500).cursor();
  async function* rows() {
    for await (const customer of cursor) {
      count++;
      yield exportColumns.map(([, read]) => csvCell(read(customer as Customer)));
    }
  }
  // The byte-order mark makes spreadsheet programs read the file as UTF-8 (names in Chinese, accents).
  await pipeline(Readable.from(rows()), stringify({ bom: true, header: true, columns: exportColumns.map(([header]) => header) }), output);
  return count;
}

/** A cell as text: dates as ISO 8601, nothing as empty, and text guarded against formulas. */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return String(value);
  return guardFormula(String(value));
}

/** Prefixes a cell that a spreadsheet would read as a formula with an apostrophe. */
export function guardFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
