/**
 * The bulk invitation form: "survey everyone churned between these dates", or everyone still a
 * customer whose last purchase fell between them and who has bought nothing since (the
 * investigation of the quietly lapsing, e.g. no purchase in six months), optionally leaving out
 * customers surveyed recently. Messages are translation keys (the form shows them).
 */
import { z } from 'zod';
import type { BulkInviteFilter } from './invitations.service';

const DAY = 86_400_000;

export const bulkInviteGroups = ['churned', 'inactive'] as const;

const day = z
  .string({ error: 'surveys:admin.problem.date' })
  .trim()
  .min(1, 'surveys:admin.problem.required')
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'surveys:admin.problem.date')
  .refine((value) => isCalendarDate(value), 'surveys:admin.problem.date');

export const bulkInviteSchema = z
  .object({
    group: z.enum(bulkInviteGroups, { error: 'surveys:admin.problem.group' }).default('churned'),
    from: day,
    to: day,
    notSurveyedWithinDays: z
      .string({ error: 'surveys:admin.problem.wholeNumber' })
      .trim()
      .regex(/^\d{0,4}$/, 'surveys:admin.problem.wholeNumber')
      .transform((value) => (value === '' ? undefined : Number(value)))
      .pipe(z.number().int().min(1, 'surveys:admin.problem.tooSmall').max(3650, 'surveys:admin.problem.tooBig').optional())
      .optional(),
  })
  .refine((form) => form.to >= form.from, { path: ['to'], message: 'surveys:admin.problem.dateOrder' });

export type BulkInviteForm = z.output<typeof bulkInviteSchema>;

/** Whole days in UTC: from the start of `from` to the end of `to`. */
export function bulkInviteFilterOf(form: BulkInviteForm): BulkInviteFilter {
  return {
    group: form.group,
    from: new Date(`${form.from}T00:00:00.000Z`),
    to: new Date(new Date(`${form.to}T00:00:00.000Z`).getTime() + DAY - 1),
    notSurveyedWithinDays: form.notSurveyedWithinDays,
  };
}

function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}
