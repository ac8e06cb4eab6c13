/**
 * The builder page's view model: every field with its name (the survey path), its id, the value
 * typed so far and its problem (a translation key), the questions with their kind-specific
 * settings and buttons. Labels are resolved here so the template only places them.
 */
import type { Translate } from '../../shared/i18n/translator';
import type { CauseLabels } from '../classification/cause-view';
import { formLimits, type ChoiceRow, type QuestionRow, type SurveyForm } from './survey-form';
import { questionKinds } from './survey.model';

export interface SurveyFormPage {
  form: SurveyForm;
  /** Translation keys by field path (`questions.0.choices`, `schedule.reminderDays`). */
  errors: Record<string, string>;
  t: Translate;
  /** The taxonomy's causes a choice may point to: the active ones (and one retired since that a choice already names). */
  causes: CauseLabels;
}

export function surveyFormView({ form, errors, t, causes }: SurveyFormPage) {
  const field = fieldOf(errors);
  return {
    title: localized(field, 'title', form.title),
    intro: localized(field, 'intro', form.intro),
    questionsError: errors.questions,
    questions: form.questions.map((question, i) => questionView(question, i, form.questions.length, field, errors, t, causes)),
    canAddQuestion: form.questions.length < formLimits.questions,
    askContactConsent: form.askContactConsent,
    schedule: {
      delayMinutes: field('schedule.delayMinutes', form.schedule.delayMinutes),
      reminderDays: form.schedule.reminderDays.map((value, i) => field(`schedule.reminderDays.${i}`, value, i + 1)),
      // The list's own problems (too many, after expiry) and any one day's, in one place.
      remindersError: firstError(errors, 'schedule.reminderDays'),
      expiryDays: field('schedule.expiryDays', form.schedule.expiryDays),
    },
  };
}

// ---------------------------------------------------------------------------------------------

type FieldOf = ReturnType<typeof fieldOf>;

function fieldOf(errors: Record<string, string>) {
  return (name: string, value: string, number?: number) => ({ name, id: `f-${name.replace(/\./g, '-')}`, value, error: errors[name], number });
}

function localized(field: FieldOf, path: string, value: { en: string; 'zh-CN': string }) {
  return { en: field(`${path}.en`, value.en), zh: field(`${path}.zh-CN`, value['zh-CN']) };
}

function questionView(question: QuestionRow, i: number, count: number, field: FieldOf, errors: Record<string, string>, t: Translate, causes: CauseLabels) {
  const path = `questions.${i}`;
  return {
    number: i + 1,
    path,
    kind: question.kind,
    id: field(`${path}.id`, question.id),
    kindField: field(`${path}.kind`, question.kind),
    kindOptions: questionKinds.map((kind) => ({ value: kind, label: t(`surveys:admin.kind.${kind}`), selected: kind === question.kind })),
    label: localized(field, `${path}.label`, question.label),
    required: { name: `${path}.required`, id: `f-${path.replace(/\./g, '-')}-required`, checked: question.required },
    min: field(`${path}.min`, question.min),
    max: field(`${path}.max`, question.max),
    maxLength: field(`${path}.maxLength`, question.maxLength),
    choicesId: `f-${path.replace(/\./g, '-')}-choices`,
    choicesError: errors[`${path}.choices`],
    choices: question.choices.map((choice, c) => choiceView(choice, `${path}.choices.${c}`, { i, c }, field, causes)),
    canAddChoice: question.choices.length < formLimits.choices,
    moveUp: i > 0 ? `moveUp:${i}` : null,
    moveDown: i < count - 1 ? `moveDown:${i}` : null,
    remove: `removeQuestion:${i}`,
    addChoice: `addChoice:${i}`,
  };
}

function choiceView(choice: ChoiceRow, path: string, position: { i: number; c: number }, field: FieldOf, causes: CauseLabels) {
  return {
    number: position.c + 1,
    id: field(`${path}.id`, choice.id),
    label: localized(field, `${path}.label`, choice.label),
    cause: field(`${path}.cause`, choice.cause),
    causeOptions: [...causes.choices.map((option) => option.code), ...(choice.cause && !causes.choices.some((option) => option.code === choice.cause) ? [choice.cause] : [])].map((code) => ({
      value: code,
      label: causes.label(code),
      selected: code === choice.cause,
    })),
    remove: `removeChoice:${position.i}:${position.c}`,
  };
}

/** The problem at `path` or below it. */
function firstError(errors: Record<string, string>, path: string): string | undefined {
  const key = Object.keys(errors).find((candidate) => candidate === path || candidate.startsWith(`${path}.`));
  return key === undefined ? undefined : errors[key];
}
