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
  .refine((query) => !query.from || !query.to || query.from <= query.to, { message: 'expected from on or before to', path: ['from'] })
  .refine((query) => !query.from || !query.to || query.to.getTime() - query.from.getTime() <= 10 * 366 * 86_400_000, {
    message: 'expected at most ten years',
    path: ['to'],
  });

export type MetricsQuery = z.infer<typeof metricsQuerySchema>;
