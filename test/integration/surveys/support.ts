/** Shared set-up for the survey tests: a churned customer who may be surveyed, and link tokens from mail. */
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { customerModel, type Customer } from '../../../src/modules/customers/customer.model';

export async function churnedCustomer(connection: Connection, overrides: Partial<Customer> = {}): Promise<Customer> {
  const id = randomUUID().slice(0, 8);
  const created = await customerModel(connection).create({
    source: 'test',
    externalId: `c-${id}`,
    name: `Customer ${id}`,
    email: `customer-${id}@example.com`,
    locale: 'en',
    status: 'churned',
    churnedAt: new Date('2026-10-01T00:00:00Z'),
    contact: { emailConsent: true, doNotContact: false },
    ...overrides,
  });
  return created.toObject() as Customer;
}

/** The survey link token in a delivered message. */
export function surveyTokenIn(text: string): string {
  const match = /\/s\/([A-Za-z0-9_-]{43})/.exec(text);
  if (!match) throw new Error(`no survey link in: ${text}`);
  return match[1];
}

export const minutes = (n: number) => n * 60_000;
export const days = (n: number) => n * 86_400_000;
