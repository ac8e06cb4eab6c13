/**
 * What the interview form accepts. Messages are translation keys, shown beside each field;
 * the same schema checks JSON from API clients and tests.
 */
import { z } from 'zod';
import { causeCodeField, causeCodePattern } from '../customers/causes';
import { interviewChannels } from './interview.model';

const DAY = 86_400_000;

const requiredText = (max: number) =>
  z.string({ error: 'common:validation.required' }).trim().min(1, 'common:validation.required').max(max, 'common:validation.tooLong');

/** Empty means "not given". */
const optionalText = (max: number) =>
  z.preprocess((raw) => (typeof raw === 'string' && raw.trim() === '' ? undefined : raw), z.string().trim().max(max, 'common:validation.tooLong').optional());

const day = z
  .string({ error: 'common:validation.required' })
  .trim()
  .min(1, 'common:validation.required')
  .pipe(z.iso.date({ error: 'interviews:error.date' }))
  .transform((text) => new Date(`${text}T00:00:00Z`));

const optionalDay = z.preprocess((raw) => (typeof raw === 'string' && raw.trim() === '' ? undefined : raw), day.optional());

// The shape only: the service checks the causes against the stored taxonomy.
const cause = causeCodeField('common:validation.choice');

/** A 0–10 answer; a form sends it as text, JSON as a number. Only text is converted: Number() of a crafted object throws. */
const likelihood = z.preprocess(
  (raw) => (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '') ? undefined : typeof raw === 'string' ? Number(raw) : raw),
  z.number({ error: 'interviews:error.likelihood' }).int('interviews:error.likelihood').min(0, 'interviews:error.likelihood').max(10, 'interviews:error.likelihood').optional(),
);

/** The fields of a logged or edited interview; `now` decides what "in the future" means. */
export function interviewFormSchema(now: Date = new Date()) {
  // A day of slack: staff east of UTC log "today" before UTC reaches it.
  const latest = new Date(now.getTime() + DAY);
  return z
    .object({
      heldOn: day.refine((date) => date <= latest, 'interviews:error.future'),
      channel: z.enum(interviewChannels, { error: 'common:validation.choice' }),
      interviewerId: z.string({ error: 'common:validation.choice' }).regex(/^[0-9a-f]{24}$/i, 'common:validation.choice'),
      notes: requiredText(10_000),
      // One message for the whole set of boxes, not one per box.
      reasons: z.preprocess(
        (raw) => (raw === undefined || raw === '' ? [] : [raw].flat()),
        z.array(z.string()).refine((codes) => codes.every((code) => causeCodePattern.test(code)), 'common:validation.choice'),
      ),
      /** Empty: staff are not sure, and the classifier reads the notes. */
      primaryCause: z.preprocess((raw) => (raw === '' ? undefined : raw), cause.optional()),
      competitor: optionalText(200),
      likelihoodToReturn: likelihood,
      followUpTask: optionalText(500),
      followUpDue: optionalDay,
    })
    .superRefine((form, context) => {
      if (form.followUpTask && !form.followUpDue) context.addIssue({ code: 'custom', path: ['followUpDue'], message: 'interviews:error.followUpDue' });
      if (form.followUpDue && !form.followUpTask) context.addIssue({ code: 'custom', path: ['followUpTask'], message: 'interviews:error.followUpTask' });
    })
    .transform(({ followUpTask, followUpDue, reasons, ...fields }) => ({
      ...fields,
      // The primary cause is one of the reasons heard, whether or not it was ticked (the service puts them in report order).
      reasons: [...new Set([...reasons, ...(fields.primaryCause ? [fields.primaryCause] : [])])],
      followUp: followUpTask && followUpDue ? { task: followUpTask, dueOn: followUpDue } : undefined,
    }));
}

export type InterviewInput = z.output<ReturnType<typeof interviewFormSchema>>;

/** An edit also names the revision it was made from. */
export const revisionField = z.object({ revision: z.coerce.number({ error: 'common:validation.required' }).int().min(1) });
