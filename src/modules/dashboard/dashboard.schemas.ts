/**
 * The dashboard's query, from the page's GET form or a CSV link: a period (the last 3, 6 or 12
 * months, or custom days) and filters on the customers counted (value tier, plan, language).
 * Empty form fields mean "not set".
 */
import { z } from 'zod';
import { customerLocales, valueTiers } from '../customers/vocabulary';

const blankAsMissing = (value: unknown) => (value === '' ? undefined : value);
const day = z.iso.date({ error: 'expected a date as YYYY-MM-DD' });

export const dashboardRanges = ['3', '6', '12', 'custom'] as const;

export const dashboardQuerySchema = z
  .object({
    range: z.preprocess(blankAsMissing, z.enum(dashboardRanges).default('12')),
    from: z.preprocess(blankAsMissing, day.optional()),
    to: z.preprocess(blankAsMissing, day.optional()),
    tier: z.preprocess(blankAsMissing, z.enum(valueTiers).optional()),
    plan: z.preprocess(blankAsMissing, z.string().trim().max(100).optional()),
    locale: z.preprocess(blankAsMissing, z.enum(customerLocales).optional()),
    lang: z.string().optional(),
  })
  .strip()
  .refine((query) => query.range !== 'custom' || (query.from && query.to), { message: 'expected from and to for a custom period', path: ['from'] })
  .refine((query) => query.range !== 'custom' || !query.from || !query.to || query.from <= query.to, { message: 'expected from on or before to', path: ['from'] })
  .refine((query) => query.range !== 'custom' || !query.from || !query.to || Date.parse(query.to) - Date.parse(query.from) <= 5 * 366 * 86_400_000, {
    message: 'expected at most five years',
    path: ['to'],
  });

export type DashboardQuery = z.infer<typeof dashboardQuerySchema>;

/** The first and last day (UTC) the query covers; the last N months end today. */
export function dashboardSpan(query: DashboardQuery, now: Date): { from: Date; to: Date } {
  if (query.range === 'custom' && query.from && query.to) return { from: new Date(`${query.from}T00:00:00Z`), to: new Date(`${query.to}T00:00:00Z`) };
  const months = Number(query.range === 'custom' ? '12' : query.range);
  return { from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1)), to: now };
}
