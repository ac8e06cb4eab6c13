/**
 * The churn report's query: `period=month|quarter`, optional `from` and `to` days (UTC).
 */
import { z } from 'zod';

const day = z.iso.date({ error: 'expected a date as YYYY-MM-DD' }).transform((text) => new Date(`${text}T00:00:00Z`));

export const metricsQuerySchema = z
  .object({
    period: z.enum(['month', 'quarter'], { error: 'expected month or quarter' }).default('month'),
    from: day.optional(),
    to: day.optional(),
  })
  .strict()
  .refine((query) => !bothDays(query) || query.from <= query.to, { message: 'expected from on or before to', path: ['from'] })
  .refine((query) => !bothDays(query) || query.to.getTime() - query.from.getTime() <= 10 * 366 * 86_400_000, {
    message: 'expected at most ten years',
    path: ['to'],
  });

/**
 * zod still runs these refinements when a day failed its format check, with the raw text in
 * its place (`to=abc` crashed on `getTime`): compare only days that parsed.
 */
function bothDays(query: { from?: unknown; to?: unknown }): query is { from: Date; to: Date } {
  return query.from instanceof Date && query.to instanceof Date;
}

export type MetricsQuery = z.infer<typeof metricsQuerySchema>;
