/**
 * The customer list page's parts: the filter form with what was chosen, the status tabs with
 * counts, the pager, the export link for the same filter, and one row per customer.
 */
import type { StaffAccountView } from '../accounts/staff-account';
import type { CauseLabels } from '../classification/cause-view';
import type { Customer } from './customer.model';
import { customerSorts, listPageSize, maxListPage, type CustomerListPage } from './customer-list';
import { customerStatuses, rfmLevels, valueTiers } from './vocabulary';

export interface CustomerRow {
  id: string;
  name: string;
  email?: string;
  externalId: string;
  statusKey: string;
  status: string;
  tier?: string;
  clv?: number;
  cause?: string;
  churnedAt?: Date;
  ownerName?: string;
  rfmLevel: string;
  rfmKey: string;
}

export function customerListRows(customers: Customer[], ownerNames: Map<string, string>, causes: CauseLabels): CustomerRow[] {
  return customers.map((customer) => ({
    id: String(customer._id),
    name: customer.name ?? customer.externalId,
    email: customer.email,
    externalId: customer.externalId,
    status: customer.status,
    statusKey: `customers:status.${customer.status}`,
    tier: customer.value?.tier,
    clv: customer.value?.clv,
    cause: customer.cause?.code ? causes.label(customer.cause.code) : undefined,
    churnedAt: customer.churnedAt,
    ownerName: customer.ownerId ? ownerNames.get(String(customer.ownerId)) : undefined,
    rfmLevel: customer.value?.rfm.level ?? 'none',
    rfmKey: `customers:rfm.${customer.value?.rfm.level ?? 'none'}`,
  }));
}

/** Everything on the list page except the rows; `list` is null when the filter has mistakes. */
export function listPageView({ raw, errors, owners, causes, list }: { raw: Record<string, unknown>; errors: Record<string, string>; owners: StaffAccountView[]; causes: CauseLabels; list: CustomerListPage | null }) {
  const value = (name: string) => (raw[name] === undefined ? '' : [raw[name]].flat().map(String).join(','));
  const options = (name: string, values: readonly string[], labelKey: (value: string) => string) =>
    values.map((option) => ({ value: option, labelKey: labelKey(option), selected: value(name) === option }));
  const filterOnly = { ...raw };
  delete filterOnly.sort;
  delete filterOnly.page;

  return {
    values: { q: value('q'), churnedFrom: value('churnedFrom'), churnedTo: value('churnedTo') },
    // Filters the form has no field for (from a link: a tag, a source …) stay when it is sent again.
    hiddenFilters: ['tag', 'source', 'externalId', 'email'].filter((name) => raw[name] !== undefined).map((name) => ({ name, value: value(name) })),
    errors: Object.keys(errors).length > 0 ? errors : undefined,
    filterOptions: {
      status: options('status', customerStatuses, (status) => `customers:status.${status}`),
      tier: options('tier', valueTiers, (tier) => `customers:tier.${tier}`),
      // Retired causes too: old records carry them.
      cause: causes.filterChoices.map((choice) => ({ value: choice.code, label: choice.label, selected: value('cause') === choice.code })),
      rfmLevel: options('rfmLevel', rfmLevels, (level) => `customers:rfm.${level}`),
      sort: options('sort', customerSorts, (sort) => `customers:list.sort.${sort}`),
      owner: owners.map((owner) => ({ value: owner.id, name: owner.name, selected: value('owner') === owner.id })),
    },
    filtered: Object.keys(filterOnly).length > 0,
    exportHref: `/customers/export.csv${queryString(filterOnly)}`,
    list: list && {
      total: list.total,
      from: list.total === 0 ? 0 : (list.page - 1) * listPageSize + 1,
      to: Math.min(list.page * listPageSize, list.total),
      page: list.page,
      pageCount: list.pageCount,
      paged: list.pageCount > 1,
      capped: list.capped,
      shownLimit: maxListPage * listPageSize,
      previousHref: list.page > 1 ? `/customers${queryString({ ...raw, page: String(list.page - 1) })}` : undefined,
      nextHref: list.page < list.pageCount ? `/customers${queryString({ ...raw, page: String(list.page + 1) })}` : undefined,
      statusTabs: [
        { labelKey: 'customers:list.allStatuses', count: customerStatuses.reduce((sum, status) => sum + list.statusCounts[status], 0), current: raw.status === undefined, href: `/customers${queryString(without(raw, 'status', 'page'))}` },
        ...customerStatuses.map((status) => ({
          labelKey: `customers:status.${status}`,
          count: list.statusCounts[status],
          current: value('status') === status,
          href: `/customers${queryString({ ...without(raw, 'page'), status })}`,
        })),
      ],
    },
  };
}

function without(raw: Record<string, unknown>, ...names: string[]): Record<string, unknown> {
  const kept = { ...raw };
  for (const name of names) delete kept[name];
  return kept;
}

function queryString(parameters: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) for (const one of [value].flat()) search.append(name, String(one));
  const text = search.toString();
  return text ? `?${text}` : '';
}
