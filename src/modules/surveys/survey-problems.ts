/**
 * The survey rules' problems (surveys.schemas.ts and zod's own) as translation keys for the
 * builder page. The rules speak English for API callers and tests; the page shows each problem
 * in the staff member's language, a known one precisely and anything else as "not valid".
 */
import type { FieldProblem } from '../../shared/errors';

/** Translation keys by form field; the first problem of a field wins. */
export function problemKeysByField(problems: FieldProblem[]): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const problem of problems) byField[problem.field || 'form'] ??= `surveys:admin.problem.${problemKey(problem.reason)}`;
  return byField;
}

function problemKey(reason: string): string {
  const known = exact[reason];
  if (known) return known;
  for (const [pattern, key] of patterns) if (pattern.test(reason)) return key;
  return 'invalid';
}

// ---------------------------------------------------------------------------------------------

const exact: Record<string, string> = {
  required: 'required',
  'lower-case letters, digits and dashes': 'slug',
  'a choice question needs at least two choices': 'twoChoices',
  'choice ids must be unique': 'choiceIdsUnique',
  'question ids must be unique': 'questionIdsUnique',
  'the scale maximum must be above its minimum': 'scaleOrder',
  'a survey needs at least one question': 'noQuestions',
  'at most two reminders': 'twoReminders',
  'reminders must come before the link expires': 'remindersBeforeExpiry',
};

const patterns: Array<[RegExp, string]> = [
  [/^at most \d+ characters$/, 'tooLong'],
  [/expected \w+, received undefined$/, 'required'],
  [/expected int, received/, 'wholeNumber'],
  [/expected number, received/, 'number'],
  [/^Too small: expected (?:number|int)/, 'tooSmall'],
  [/^Too big: expected (?:number|int)/, 'tooBig'],
  [/^Too big: expected array/, 'tooMany'],
  [/^Invalid option/, 'choice'],
];
