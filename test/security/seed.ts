/** Records for the security tests to aim at: churned customers with value, causes and consent. */
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { customerModel, type Customer } from '../../src/modules/customers/customer.model';

/** `count` churned customers in source crm; the first gets `firstExternalId` when given, so API bodies can name it. */
export async function seedCustomers(connection: Connection, count: number, overrides: Partial<Customer> = {}, firstExternalId?: string): Promise<Customer[]> {
  const run = randomUUID().slice(0, 6);
  const customers = Array.from({ length: count }, (_, index) => ({
    source: 'crm',
    externalId: index === 0 && firstExternalId ? firstExternalId : `fuzz-${run}-${index + 1}`,
    name: `Customer ${run} ${index + 1}`,
    email: `customer-${run}-${index + 1}@example.com`,
    locale: index % 2 === 0 ? 'en' : 'zh-CN',
    plan: 'basic',
    status: 'churned',
    churnedAt: new Date(Date.UTC(2026, index % 12, 1 + (index % 27))),
    cause: { code: 'price', source: 'import', setAt: new Date() },
    contact: { emailConsent: true, doNotContact: false },
    value: { clv: 1000 * (index + 1), tier: 'B', rfm: { level: 'none', recencyDays: null, frequencyChange: null, monetaryChange: null }, computedAt: new Date() },
    ...overrides,
  }));
  const created = await customerModel(connection).insertMany(customers);
  return created.map((customer) => customer.toObject() as Customer);
}
