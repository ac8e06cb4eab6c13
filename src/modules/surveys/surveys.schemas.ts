/** Validation of survey definitions (the builder) and of a customer's submitted answers. */
import { z } from 'zod';
import { causeCodeSchema } from '../customers/causes';
import type { Survey, SurveyQuestion } from './survey.model';

const text = (max: number) => z.string().trim().min(1, 'required').max(max, `at most ${max} characters`);
const localized = (max: number) => z.object({ en: text(max), 'zh-CN': text(max) });
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and dashes');

const choiceSchema = z.object({ id: slug, label: localized(200), cause: causeCodeSchema.optional() });

const questionSchema = z
  .object({
    id: slug,
    kind: z.enum(['single', 'multiple', 'scale', 'text']),
    label: localized(300),
    required: z.boolean().default(false),
    choices: z.array(choiceSchema).max(20).default([]),
    min: z.number().int().min(0).max(100).optional(),
    max: z.number().int().min(1).max(100).optional(),
    maxLength: z.number().int().min(1).max(10_000).optional(),
  })
  .superRefine((question, ctx) => {
    const needsChoices = question.kind === 'single' || question.kind === 'multiple';
    if (needsChoices && question.choices.length < 2) ctx.addIssue({ code: 'custom', path: ['choices'], message: 'a choice question needs at least two choices' });
    if (new Set(question.choices.map((choice) => choice.id)).size !== question.choices.length) {
      ctx.addIssue({ code: 'custom', path: ['choices'], message: 'choice ids must be unique' });
    }
    if (question.kind === 'scale' && (question.min ?? 0) >= (question.max ?? 10)) {
      ctx.addIssue({ code: 'custom', path: ['max'], message: 'the scale maximum must be above its minimum' });
    }
  });

export const surveyDraftSchema = z
  .object({
    title: localized(200),
    intro: localized(1000),
    questions: z.array(questionSchema).min(1, 'a survey needs at least one question').max(20),
    askContactConsent: z.boolean().default(true),
    schedule: z
      .object({
        delayMinutes: z.number().int().min(0).max(60 * 24 * 30),
        reminderDays: z.array(z.number().int().min(1).max(60)).max(2, 'at most two reminders'),
        expiryDays: z.number().int().min(1).max(365),
      })
      .refine((schedule) => schedule.reminderDays.every((day) => day < schedule.expiryDays), {
        message: 'reminders must come before the link expires',
        path: ['reminderDays'],
      }),
  })
  .superRefine((draft, ctx) => {
    if (new Set(draft.questions.map((question) => question.id)).size !== draft.questions.length) {
      ctx.addIssue({ code: 'custom', path: ['questions'], message: 'question ids must be unique' });
    }
  });

export type SurveyDraftInput = z.input<typeof surveyDraftSchema>;

/**
 * The answers schema for one survey version, from the form fields a survey page posts:
 * `q_<id>` (one value, or several for multiple choice) and `mayContact`.
 */
export function answersSchema(survey: Pick<Survey, 'questions'>) {
  const shape: Record<string, z.ZodTypeAny> = {};
  for (const question of survey.questions) shape[`q_${question.id}`] = answerField(question);
  shape.mayContact = z.enum(['yes', 'no'], { error: 'choice' }).optional();
  return z.object(shape).strip();
}

function answerField(question: SurveyQuestion): z.ZodTypeAny {
  const choiceIds = question.choices.map((choice) => choice.id) as [string, ...string[]];
  // Messages are codes: the public page shows them in the customer's language (surveys:error.*).
  const unknownChoice = { error: 'choice' };
  let field: z.ZodTypeAny;
  switch (question.kind) {
    case 'single':
      field = z.enum(choiceIds, unknownChoice);
      break;
    case 'multiple':
      field = z.preprocess(
        (value) => (value === undefined || Array.isArray(value) ? value : [value]),
        z.array(z.enum(choiceIds, unknownChoice)).max(choiceIds.length),
      );
      break;
    case 'scale': {
      const min = question.min ?? 0;
      const max = question.max ?? 10;
      field = z.coerce.number({ error: 'scale' }).int('scale').min(min, 'scale').max(max, 'scale');
      break;
    }
    case 'text': {
      const maxLength = question.maxLength ?? 2000;
      field = z.string({ error: 'text' }).trim().max(maxLength, 'tooLong');
      break;
    }
  }
  const blankIsMissing = (value: unknown) => (value === '' || (Array.isArray(value) && value.length === 0) ? undefined : value);
  return question.required
    ? z.preprocess(blankIsMissing, z.any().refine((value) => value !== undefined, 'required').pipe(field))
    : z.preprocess(blankIsMissing, field.optional());
}
