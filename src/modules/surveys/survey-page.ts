/**
 * What the public survey page shows: the questions of the invited version in the customer's
 * language, with their previous values and translated error messages after a failed submit.
 */
import { localeLabels, supportedLocales, type Locale } from '../../shared/i18n/locales';
import { translatorFor } from '../../shared/i18n/translator';
import type { Survey, SurveyQuestion } from './survey.model';

export function surveyPageModel(survey: Survey, token: string, locale: Locale, form: Record<string, unknown> = {}, errors: Record<string, string> = {}) {
  const t = translatorFor(locale);
  return {
    layout: 'public',
    locale,
    title: survey.title[locale],
    surveyTitle: survey.title[locale],
    surveyIntro: survey.intro[locale],
    token,
    hasErrors: Object.keys(errors).length > 0,
    languages: supportedLocales.map((code) => ({ code, label: localeLabels[code], current: code === locale })),
    askContactConsent: survey.askContactConsent,
    mayContactYes: form.mayContact === 'yes',
    mayContactNo: form.mayContact === 'no',
    questions: survey.questions.map((question) => questionModel(question, locale, form, errors, t)),
  };
}

function questionModel(question: SurveyQuestion, locale: Locale, form: Record<string, unknown>, errors: Record<string, string>, t: (key: string, values?: Record<string, unknown>) => string) {
  const field = `q_${question.id}`;
  const submitted = form[field];
  const selected = new Set((Array.isArray(submitted) ? submitted : submitted === undefined ? [] : [submitted]).map(String));
  const code = errors[field];
  const min = question.min ?? 0;
  const max = question.max ?? 10;
  return {
    id: question.id,
    field,
    label: question.label[locale],
    required: question.required,
    isChoice: question.kind === 'single' || question.kind === 'multiple',
    inputType: question.kind === 'multiple' ? 'checkbox' : 'radio',
    isScale: question.kind === 'scale',
    isText: question.kind === 'text',
    maxLength: question.maxLength ?? 2000,
    value: typeof submitted === 'string' ? submitted : '',
    choices: question.choices.map((choice) => ({ id: choice.id, label: choice.label[locale], checked: selected.has(choice.id) })),
    points: Array.from({ length: max - min + 1 }, (_, i) => ({ value: min + i, checked: selected.has(String(min + i)) })),
    error: code ? t(`surveys:error.${code}`, { min, max: question.kind === 'text' ? (question.maxLength ?? 2000) : max }) : undefined,
  };
}
