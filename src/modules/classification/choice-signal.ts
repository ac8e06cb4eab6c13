/**
 * The survey-choice signal: answers whose choice maps to a cause ("Too expensive" → price).
 * A customer who ticks a reason has told us directly, so this signal carries the most weight.
 */

/** One answer of an exit survey, or a bare cause code. */
export type SurveyAnswer = string | { questionId?: string; choiceCause?: string; text?: string };

export interface CauseChoice {
  cause: string;
  /** Which question it came from, when known. */
  questionId?: string;
}

export interface ReadAnswers {
  choices: CauseChoice[];
  /** Free-text parts of the answers, classified together with the comment. */
  texts: string[];
}

/** Splits answers into cause choices (known causes only) and free text. */
export function readAnswers(answers: readonly SurveyAnswer[] | undefined, knownCauses: ReadonlySet<string>): ReadAnswers {
  const result: ReadAnswers = { choices: [], texts: [] };
  for (const answer of answers ?? []) {
    if (typeof answer === 'string') {
      if (knownCauses.has(answer)) result.choices.push({ cause: answer });
      else if (answer.trim() !== '') result.texts.push(answer);
      continue;
    }
    if (answer.choiceCause !== undefined && knownCauses.has(answer.choiceCause)) {
      result.choices.push({ cause: answer.choiceCause, questionId: answer.questionId });
    }
    if (answer.text !== undefined && answer.text.trim() !== '') result.texts.push(answer.text);
  }
  return result;
}

/** Share of the choices naming each cause. */
export function choiceShares(choices: readonly CauseChoice[]): Map<string, number> {
  const shares = new Map<string, number>();
  for (const choice of choices) shares.set(choice.cause, (shares.get(choice.cause) ?? 0) + 1 / choices.length);
  return shares;
}
