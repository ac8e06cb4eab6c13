/** Reading the survey builder's posted fields, and its buttons, without a server. */
import { applyFormAction, draftInputOf, readSurveyForm } from '../../../src/modules/surveys/survey-form';

const posted = {
  'title.en': 'Why?',
  'title.zh-CN': '为什么？',
  'questions.0.id': 'reason',
  'questions.0.kind': 'single',
  'questions.0.label.en': 'Main reason',
  'questions.0.required': 'yes',
  'questions.0.choices.0.id': 'price',
  'questions.0.choices.0.cause': 'price',
  'questions.0.choices.3.id': 'other',
  'questions.0.min': '0',
  'questions.2.id': 'score',
  'questions.2.kind': 'scale',
  'questions.2.min': '1',
  'questions.2.max': '5',
  'questions.2.choices.0.id': 'left-over',
  'schedule.delayMinutes': '15',
  'schedule.reminderDays.0': '',
  'schedule.reminderDays.1': '4',
  'schedule.expiryDays': 'ten',
  askContactConsent: 'yes',
  action: 'moveDown:0',
};

describe('reading the builder form', () => {
  test('when rows have gaps, then they close up, and each question keeps only the settings of its kind', () => {
    const { form, action } = readSurveyForm(posted);
    const draft = draftInputOf(form) as unknown as { questions: Record<string, unknown>[]; schedule: Record<string, unknown> };

    expect(action).toEqual({ kind: 'moveDown', question: 0 });
    expect(form.questions.map((question) => question.id)).toEqual(['reason', 'score']);
    expect(form.questions[0].choices.map((choice) => choice.id)).toEqual(['price', 'other']);
    expect(draft.questions[0]).toEqual({
      id: 'reason',
      kind: 'single',
      label: { en: 'Main reason', 'zh-CN': '' },
      required: true,
      choices: [
        { id: 'price', label: { en: '', 'zh-CN': '' }, cause: 'price' },
        { id: 'other', label: { en: '', 'zh-CN': '' }, cause: undefined },
      ],
    });
    expect(draft.questions[1]).toMatchObject({ kind: 'scale', required: false, choices: [], min: 1, max: 5 });
    expect(draft.schedule).toEqual({ delayMinutes: 15, reminderDays: [4], expiryDays: 'ten' });
  });

  test('when names outside the form are posted, then they are ignored, not merged into the draft', () => {
    const { form } = readSurveyForm({ '__proto__.polluted': 'yes', 'questions.99.id': 'far', 'questions.0.constructor': 'x', 'questions.0.id': 'q' });

    expect(form.questions).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(form.questions[0])).toEqual(['id', 'kind', 'label', 'required', 'choices', 'min', 'max', 'maxLength']);
  });

  test('when an unknown or malformed action is posted, then it counts as Save', () => {
    expect(readSurveyForm({ action: 'removeChoice:1' }).action).toEqual({ kind: 'save' });
    expect(readSurveyForm({ action: 'launchRockets' }).action).toEqual({ kind: 'save' });
  });
});

describe('the builder buttons', () => {
  test('when the first question is moved up or the last down, then nothing moves', () => {
    const { form } = readSurveyForm(posted);

    expect(applyFormAction(form, { kind: 'moveUp', question: 0 }).questions.map((question) => question.id)).toEqual(['reason', 'score']);
    expect(applyFormAction(form, { kind: 'moveDown', question: 1 }).questions.map((question) => question.id)).toEqual(['reason', 'score']);
    expect(applyFormAction(form, { kind: 'moveDown', question: 0 }).questions.map((question) => question.id)).toEqual(['score', 'reason']);
  });

  test('when a question or choice is added, then it gets an id no sibling has', () => {
    const { form } = readSurveyForm({ 'questions.0.id': 'question-2', 'questions.0.choices.0.id': 'choice-2' });

    const added = applyFormAction(applyFormAction(form, { kind: 'addQuestion' }), { kind: 'addChoice', question: 0 });

    expect(added.questions.map((question) => question.id)).toEqual(['question-2', 'question-3']);
    expect(added.questions[0].choices.map((choice) => choice.id)).toEqual(['choice-2', 'choice-3']);
  });
});
