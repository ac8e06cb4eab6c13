/** Shared set-up for the segment tests: customers who may be contacted unless a test says otherwise. */
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { customerModel, type Customer } from '../../../src/modules/customers/customer.model';
import { segmentDefinitionSchema, type SegmentDefinition } from '../../../src/modules/segments/segment.schemas';

type CustomerOverrides = Omit<Partial<Customer>, 'contact' | 'engagement'> & { contact?: Partial<Customer['contact']>; engagement?: Partial<Customer['engagement']> };

/** A churned, consenting customer with an address; `overrides` change what a test is about. */
export async function eligibleCustomer(connection: Connection, overrides: CustomerOverrides = {}): Promise<Customer> {
  const id = randomUUID().slice(0, 8);
  const { contact, engagement, ...rest } = overrides;
  const created = await customerModel(connection).create({
    source: 'test',
    externalId: `seg-${id}`,
    name: `Customer ${id}`,
    email: `customer-${id}@example.com`,
    status: 'churned',
    churnedAt: new Date('2026-09-15T00:00:00Z'),
    contact: { emailConsent: true, doNotContact: false, ...contact },
    engagement: { campaignHoldouts: [], ...engagement },
    ...rest,
  });
  return created.toObject() as Customer;
}

/** A plan name of its own, so a test's segment sees only that test's customers. */
export const uniquePlan = () => `plan-${randomUUID().slice(0, 8)}`;

/** An "all" definition over the test's own plan plus the given conditions (one group each, or the groups given). */
export function definitionFor(plan: string, conditions: Record<string, unknown>[], match: 'all' | 'any' = 'all'): SegmentDefinition {
  return segmentDefinitionSchema.parse({
    match: 'all',
    groups: [
      { match: 'all', conditions: [{ field: 'plan', op: 'in', value: [plan] }] },
      ...(conditions.length > 0 ? [{ match, conditions }] : []),
    ],
  });
}

export const days = (n: number) => n * 86_400_000;
