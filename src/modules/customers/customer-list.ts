/**
 * The staff customer list: the shared customer filter (customer-filter.ts) plus a sort and a
 * page number, with the number of matches per status. Pages are read with skip, which costs
 * more the deeper it goes, so the list stops at `maxListPage`; beyond it staff narrow the
 * filter or export the whole list as CSV.
 */
import type { Connection, SortOrder } from 'mongoose';
import { z } from 'zod';
import { checkCustomerFilter, customerFilterSchema, customerQuery, type CustomerFilter } from './customer-filter';
import { customerModel, type Customer } from './customer.model';
import { customerStatuses, type CustomerStatus } from './vocabulary';

export const customerSorts = ['churned-desc', 'churned-asc', 'clv-desc', 'clv-asc', 'name-asc'] as const;
export type CustomerSort = (typeof customerSorts)[number];

export const listPageSize = 25;
export const maxListPage = 200;

/** The list's query string: the filter fields, a sort and a page (a wrong sort or page falls back to the first choice). */
export const customerListPageSchema = customerFilterSchema
  .extend({
    sort: z.enum(customerSorts).catch('churned-desc').default('churned-desc'),
    page: z.coerce.number().int().min(1).catch(1).default(1),
  })
  .strict();
export type CustomerListPageQuery = z.output<typeof customerListPageSchema>;

export interface CustomerListPage {
  customers: Customer[];
  /** Customers matching the whole filter. */
  total: number;
  /** Matches per status for the filter without its status part (the list's status tabs). */
  statusCounts: Record<CustomerStatus, number>;
  page: number;
  /** Pages that can be shown (at most `maxListPage`). */
  pageCount: number;
  /** True when more customers match than the pages can show. */
  capped: boolean;
}

/** The query-string parameters a list page carries besides the filter (the language switch's `lang`). */
const pageOnlyParameters = new Set(['lang']);

/**
 * The list's query as the filter schema reads it: empty form fields and the language switch's
 * parameter left out, so "any status" (an empty select) is no filter at all.
 */
export function listQueryOf(query: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(query)) {
    if (pageOnlyParameters.has(name)) continue;
    const values = [raw].flat().filter((value) => !(typeof value === 'string' && value.trim() === ''));
    if (values.length > 0) kept[name] = values.length === 1 ? values[0] : values;
  }
  return kept;
}

export async function customerListPage(connection: Connection, { sort, page, ...filter }: CustomerListPageQuery, locale = 'en'): Promise<CustomerListPage> {
  await checkCustomerFilter(connection, filter);
  const customers = customerModel(connection);
  const statusCounts = await countByStatus(connection, { ...filter, status: undefined });
  const total = customerStatuses.filter((status) => !filter.status || filter.status.includes(status)).reduce((sum, status) => sum + statusCounts[status], 0);
  const pageCount = Math.min(Math.max(1, Math.ceil(total / listPageSize)), maxListPage);
  const current = Math.min(page, pageCount);

  const find = customers
    .find(customerQuery(filter))
    .sort(sortOrders[sort])
    .skip((current - 1) * listPageSize)
    .limit(listPageSize);
  // Names sort the way the reader's language does (pinyin order on a Chinese page), ignoring case.
  if (sort === 'name-asc') find.collation({ locale: locale === 'zh-CN' ? 'zh' : 'en', strength: 2 });
  return {
    customers: await find.lean<Customer[]>().exec(),
    total,
    statusCounts,
    page: current,
    pageCount,
    capped: total > maxListPage * listPageSize,
  };
}

// ---------------------------------------------------------------------------------------------

/** Ties are broken by id, so a page never repeats or skips a customer of the one before. */
const sortOrders: Record<CustomerSort, Record<string, SortOrder>> = {
  'churned-desc': { churnedAt: -1, _id: -1 },
  'churned-asc': { churnedAt: 1, _id: 1 },
  'clv-desc': { 'value.clv': -1, _id: -1 },
  'clv-asc': { 'value.clv': 1, _id: 1 },
  'name-asc': { name: 1, _id: 1 },
};

async function countByStatus(connection: Connection, filter: CustomerFilter): Promise<Record<CustomerStatus, number>> {
  const counts = Object.fromEntries(customerStatuses.map((status) => [status, 0])) as Record<CustomerStatus, number>;
  const groups = await customerModel(connection)
    .aggregate<{ _id: CustomerStatus; count: number }>([{ $match: customerQuery(filter) }, { $group: { _id: '$status', count: { $sum: 1 } } }])
    .exec();
  for (const group of groups) if (group._id in counts) counts[group._id] = group.count;
  return counts;
}
