/**
 * The survey builder without JavaScript: the posted fields read back into a form draft (text as
 * typed, so a page shown again loses nothing), the form's buttons (add, remove and move a
 * question; add or remove a choice; update; save) applied to it, and the draft turned into the
 * input `saveSurveyVersion` validates.
 *
 * Field names are the survey's own paths (`questions.0.choices.1.label.zh-CN`), so a validation
 * problem's path names its input. Only the shapes below are read; any other posted name is
 * ignored, never merged into an object.
 */
import type { LocalizedText, Survey } from './survey.model';
import type { SurveyDraftInput } from './surveys.schemas';

export interface ChoiceRow {
  id: string;
  label: LocalizedText;
  cause: string;
}
export interface QuestionRow {
  id: string;
  kind: string;
  label: LocalizedText;
  required: boolean;
  choices: ChoiceRow[];
  min: string;
  max: string;
  maxLength: string;
}
export interface SurveyForm {
  title: LocalizedText;
  intro: LocalizedText;
  questions: QuestionRow[];
  askContactConsent: boolean;
  schedule: { delayMinutes: string; reminderDays: [string, string]; expiryDays: string };
}

export type FormAction =
  | { kind: 'save' }
  | { kind: 'refresh' }
  | { kind: 'addQuestion' }
  | { kind: 'removeQuestion'; question: number }
  | { kind: 'moveUp'; question: number }
  | { kind: 'moveDown'; question: number }
  | { kind: 'addChoice'; question: number }
  | { kind: 'removeChoice'; question: number; choice: number };

/** What the form offers room for: the schema's limits. */
export const formLimits = { questions: 20, choices: 20, reminders: 2 } as const;

/** The form as a stored survey version fills it. */
export function formOfSurvey(survey: Survey): SurveyForm {
  const text = (value: number | undefined) => (value === undefined || value === null ? '' : String(value));
  return {
    title: { ...survey.title },
    intro: { ...survey.intro },
    questions: survey.questions.map((question) => ({
      id: question.id,
      kind: question.kind,
      label: { ...question.label },
      required: question.required,
      choices: question.choices.map((choice) => ({ id: choice.id, label: { ...choice.label }, cause: choice.cause ?? '' })),
      // The defaults the public page uses, so a question switched to a scale or text starts from them.
      min: text(question.min ?? 0),
      max: text(question.max ?? 10),
      maxLength: text(question.maxLength ?? 2000),
    })),
    askContactConsent: survey.askContactConsent,
    schedule: {
      delayMinutes: text(survey.schedule.delayMinutes),
      reminderDays: [text(survey.schedule.reminderDays[0]), text(survey.schedule.reminderDays[1])],
      expiryDays: text(survey.schedule.expiryDays),
    },
  };
}

export function readSurveyForm(body: unknown): { form: SurveyForm; action: FormAction } {
  const fields = (body !== null && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const questions: Partial<QuestionRow>[] = [];
  const questionAt = (i: number) => (questions[i] ??= { label: blank(), choices: [] });
  const choiceAt = (i: number, j: number) => ((questionAt(i).choices as ChoiceRow[])[j] ??= { id: '', label: blank(), cause: '' });

  for (const [name, value] of Object.entries(fields)) {
    let parts: RegExpExecArray | null;
    if ((parts = /^questions\.(\d{1,2})\.(id|kind|min|max|maxLength)$/.exec(name)) && below(parts[1], formLimits.questions)) {
      questionAt(Number(parts[1]))[parts[2] as 'id'] = text(value);
    } else if ((parts = /^questions\.(\d{1,2})\.required$/.exec(name)) && below(parts[1], formLimits.questions)) {
      questionAt(Number(parts[1])).required = true;
    } else if ((parts = /^questions\.(\d{1,2})\.label\.(en|zh-CN)$/.exec(name)) && below(parts[1], formLimits.questions)) {
      questionAt(Number(parts[1])).label![parts[2] as keyof LocalizedText] = text(value);
    } else if ((parts = /^questions\.(\d{1,2})\.choices\.(\d{1,2})\.(id|cause)$/.exec(name)) && below(parts[1], formLimits.questions) && below(parts[2], formLimits.choices)) {
      choiceAt(Number(parts[1]), Number(parts[2]))[parts[3] as 'id' | 'cause'] = text(value);
    } else if ((parts = /^questions\.(\d{1,2})\.choices\.(\d{1,2})\.label\.(en|zh-CN)$/.exec(name)) && below(parts[1], formLimits.questions) && below(parts[2], formLimits.choices)) {
      choiceAt(Number(parts[1]), Number(parts[2])).label[parts[3] as keyof LocalizedText] = text(value);
    }
  }

  const form: SurveyForm = {
    title: localizedField(fields, 'title'),
    intro: localizedField(fields, 'intro'),
    // Indexes with gaps (a row removed in a stale page) close up.
    questions: questions.filter(Boolean).map((question) => ({
      id: question.id ?? '',
      kind: question.kind ?? '',
      label: question.label ?? blank(),
      required: question.required ?? false,
      choices: (question.choices ?? []).filter(Boolean),
      min: question.min ?? '',
      max: question.max ?? '',
      maxLength: question.maxLength ?? '',
    })),
    askContactConsent: fields.askContactConsent !== undefined,
    schedule: {
      delayMinutes: text(fields['schedule.delayMinutes']),
      reminderDays: [text(fields['schedule.reminderDays.0']), text(fields['schedule.reminderDays.1'])],
      expiryDays: text(fields['schedule.expiryDays']),
    },
  };
  return { form, action: readAction(fields.action) };
}

/** The form after one of its buttons; `save` and `refresh` leave it as it is. */
export function applyFormAction(form: SurveyForm, action: FormAction): SurveyForm {
  const questions = form.questions.map((question) => ({ ...question, choices: [...question.choices] }));
  const question = 'question' in action ? questions[action.question] : undefined;
  switch (action.kind) {
    case 'addQuestion':
      if (questions.length < formLimits.questions) questions.push(newQuestion(questions));
      break;
    case 'removeQuestion':
      if (question) questions.splice(action.question, 1);
      break;
    case 'moveUp':
      if (question && action.question > 0) swap(questions, action.question, action.question - 1);
      break;
    case 'moveDown':
      if (question && action.question < questions.length - 1) swap(questions, action.question, action.question + 1);
      break;
    case 'addChoice':
      if (question && question.choices.length < formLimits.choices) question.choices.push(newChoice(question.choices));
      break;
    case 'removeChoice':
      question?.choices.splice(action.choice, 1);
      break;
  }
  return { ...form, questions };
}

/**
 * What `saveSurveyVersion` validates. Numbers are read where they are numbers; anything else is
 * passed on as typed, so the schema names the field. Each question keeps only the settings of
 * its kind (choices for choice questions, the range for a scale, the length for text).
 */
export function draftInputOf(form: SurveyForm): SurveyDraftInput {
  const draft = {
    title: form.title,
    intro: form.intro,
    questions: form.questions.map((question) => {
      const isChoice = question.kind === 'single' || question.kind === 'multiple';
      return {
        id: question.id.trim(),
        kind: question.kind,
        label: question.label,
        required: question.required,
        choices: isChoice ? question.choices.map((choice) => ({ id: choice.id.trim(), label: choice.label, cause: choice.cause === '' ? undefined : choice.cause })) : [],
        ...(question.kind === 'scale' ? { min: numberOf(question.min), max: numberOf(question.max) } : {}),
        ...(question.kind === 'text' ? { maxLength: numberOf(question.maxLength) } : {}),
      };
    }),
    askContactConsent: form.askContactConsent,
    schedule: {
      delayMinutes: numberOf(form.schedule.delayMinutes),
      reminderDays: form.schedule.reminderDays.filter((day) => day.trim() !== '').map(numberOf),
      expiryDays: numberOf(form.schedule.expiryDays),
    },
  };
  // Checked by saveSurveyVersion's schema, which reports every wrong field by its path.
  return draft as unknown as SurveyDraftInput;
}

// ---------------------------------------------------------------------------------------------

/** A new question: single choice with two empty answers, with an id no other question has. */
function newQuestion(existing: QuestionRow[]): QuestionRow {
  return {
    id: unusedId('question', existing.map((question) => question.id)),
    kind: 'single',
    label: blank(),
    required: false,
    choices: [choiceRow('choice-1'), choiceRow('choice-2')],
    min: '0',
    max: '10',
    maxLength: '2000',
  };
}

function newChoice(existing: ChoiceRow[]): ChoiceRow {
  return choiceRow(unusedId('choice', existing.map((choice) => choice.id)));
}

function choiceRow(id: string): ChoiceRow {
  return { id, label: blank(), cause: '' };
}

function unusedId(prefix: string, taken: string[]): string {
  let n = taken.length + 1;
  while (taken.includes(`${prefix}-${n}`)) n++;
  return `${prefix}-${n}`;
}

function swap<T>(rows: T[], a: number, b: number): void {
  [rows[a], rows[b]] = [rows[b], rows[a]];
}

function blank(): LocalizedText {
  return { en: '', 'zh-CN': '' };
}

function localizedField(fields: Record<string, unknown>, name: string): LocalizedText {
  return { en: text(fields[`${name}.en`]), 'zh-CN': text(fields[`${name}.zh-CN`]) };
}

function numberOf(value: string): number | string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

function readAction(posted: unknown): FormAction {
  const [kind, first, second] = text(posted).split(':');
  const question = Number(first);
  const choice = Number(second);
  const hasQuestion = first !== undefined && Number.isInteger(question);
  if (kind === 'refresh' || kind === 'addQuestion') return { kind };
  if ((kind === 'removeQuestion' || kind === 'moveUp' || kind === 'moveDown' || kind === 'addChoice') && hasQuestion) return { kind, question };
  if (kind === 'removeChoice' && hasQuestion && second !== undefined && Number.isInteger(choice)) return { kind, question, choice };
  return { kind: 'save' };
}

function below(index: string, limit: number): boolean {
  return Number(index) < limit;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '';
}
