/** Shared set-up for campaign tests: customers in given cells, a campaign draft, a seeded random. */
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { CampaignDraftInput } from '../../../src/modules/campaigns/campaign.schemas';
import { customerModel, type Customer } from '../../../src/modules/customers/customer.model';

export async function churned(connection: Connection, tier: string | undefined, cause: string | undefined, overrides: Record<string, unknown> = {}): Promise<Customer> {
  const id = randomUUID().slice(0, 8);
  const fields: Record<string, unknown> = {
    source: 'test',
    externalId: `w-${id}`,
    name: `Customer ${id}`,
    email: `w-${id}@example.com`,
    locale: 'en',
    status: 'churned',
    churnedAt: new Date('2026-09-01T00:00:00Z'),
    contact: { emailConsent: true, doNotContact: false },
    ...(tier ? { value: { clv: 1000, tier, rfm: { level: 'none', recencyDays: null, frequencyChange: null, monetaryChange: null }, computedAt: new Date() } } : {}),
    ...(cause ? { cause: { code: cause, source: 'import', setAt: new Date() } } : {}),
    ...overrides,
  };
  const created = await customerModel(connection).create(fields as Partial<Customer>);
  return created.toObject() as Customer;
}

/** A Monday 10:00 UTC: inside a 9–18 weekday window in UTC. */
export const MONDAY_10_UTC = new Date('2026-11-02T10:00:00Z');

export function draft(overrides: Partial<CampaignDraftInput> = {}, tag = randomUUID().slice(0, 6)): CampaignDraftInput {
  return {
    name: `Win-back ${tag}`,
    audience: { match: 'all', groups: [{ match: 'all', conditions: [{ field: 'status', op: 'in', value: ['churned'] }] }] },
    offers: [
      { tiers: ['*'], causes: ['*'], action: 'free_months', freeMonths: 2, variants: [{ key: 'A', weight: 1, subject: { en: 'Come back, {{name}}', 'zh-CN': '' }, body: { en: 'Hello {{name}}. {{causeText}} Enjoy {{offer}}.', 'zh-CN': '' } }] },
    ],
    holdoutPercent: 0,
    steps: [{ day: 0 }],
    schedule: { startAt: MONDAY_10_UTC, windowStartHour: 9, windowEndHour: 18, weekdaysOnly: true, throttlePerMinute: 1000, frequencyCapDays: 7, defaultTimezone: 'UTC' },
    landingUrl: 'https://shop.example.com/welcome-back',
    ...overrides,
  };
}

/** Deterministic uniform draws. */
export function seededRandom(seed = 42): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
