/** Shared set-up for the staff customer pages: customers with value and a cause, tagged per test so each test lists only its own. */
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { customerModel, type Customer } from '../../../src/modules/customers/customer.model';

type CustomerOverrides = Omit<Partial<Customer>, 'contact' | 'value'> & { contact?: Partial<Customer['contact']>; clv?: number; tier?: NonNullable<Customer['value']>['tier']; rfmLevel?: NonNullable<Customer['value']>['rfm']['level'] };

/** A churned, consenting customer with a computed value; `overrides` change what a test is about. */
export async function staffCustomer(connection: Connection, overrides: CustomerOverrides = {}): Promise<Customer> {
  const id = randomUUID().slice(0, 8);
  const { contact, clv = 1000, tier = 'B', rfmLevel = 'none', ...rest } = overrides;
  const created = await customerModel(connection).create({
    source: 'test',
    externalId: `ext-${id}`,
    name: `Customer ${id}`,
    email: `customer-${id}@example.com`,
    status: 'churned',
    churnedAt: new Date('2026-06-15T00:00:00Z'),
    contact: { emailConsent: true, doNotContact: false, ...contact },
    value: { clv, tier, rfm: { recencyDays: 40, frequencyChange: -0.5, monetaryChange: -0.25, level: rfmLevel }, computedAt: new Date() },
    ...rest,
  });
  return created.toObject() as Customer;
}

/** A tag of its own, so a test's list shows only the test's customers. */
export const uniqueTag = () => `t-${randomUUID().slice(0, 8)}`;

/** The customer names in a list page, in order. */
export function listedNames(html: string): string[] {
  return [...html.matchAll(/<td class="customer-table__who">\s*<a href="\/customers\/[0-9a-f]{24}">([^<]*)<\/a>/g)].map((match) => match[1]);
}
