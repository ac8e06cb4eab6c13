/**
 * A customer answering the survey through their private link: one response per invitation,
 * every answer checked against the version they were sent, nothing stored when anything is
 * wrong. The answers then say something about the cause, which is set on the customer unless
 * staff (or an interview) already decided it.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { hashLinkToken, looksLikeLinkToken } from '../../shared/security/tokens';
import type { CauseCode } from '../customers/causes';
import { customerModel, type ChurnCause, type Customer } from '../customers/customer.model';
import { customerEvents } from '../customers/domain-events';
import { recordTimelineEvents, type NewTimelineEvent } from '../customers/timeline.service';
import { invitationModel, type Invitation } from './invitation.model';
import { responseModel, type Answer, type SurveyResponse } from './response.model';
import { surveyEvents } from './domain-events';
import type { Survey } from './survey.model';
import { answersSchema } from './surveys.schemas';
import { surveyVersion } from './surveys.service';

/** A cause suggested from free text (the classifier plugs in here). */
export type TextCauseClassifier = (text: string, locale: string) => Promise<TextCause | null>;

export interface TextCause {
  code: CauseCode;
  secondary?: CauseCode;
  confidence: number;
  /** Why, for staff on the customer page. */
  explanation?: ChurnCause['explanation'];
  /** Unsure: the customer goes to the review queue, with `suggested` as the best guess. */
  needsReview?: boolean;
  suggested?: CauseCode;
}

export type OpenedSurvey =
  | { state: 'open'; invitation: Invitation; survey: Survey }
  /** With the invitation's language, so the customer reads "already answered" in it. */
  | { state: 'answered'; locale: string }
  /** Unknown, malformed, expired or withdrawn: deliberately one answer for all of them. */
  | { state: 'closed' };

/** What a survey link leads to. */
export async function openSurvey(connection: Connection, token: unknown, now = new Date()): Promise<OpenedSurvey> {
  const invitation = await invitationByToken(connection, token);
  if (!invitation) return { state: 'closed' };
  if (invitation.status === 'answered') return { state: 'answered', locale: invitation.locale };
  if (!['scheduled', 'sent'].includes(invitation.status) || invitation.expiresAt <= now) return { state: 'closed' };
  const survey = await surveyVersion(connection, invitation.surveyKey, invitation.surveyVersion);
  return survey ? { state: 'open', invitation, survey } : { state: 'closed' };
}

export type SubmitOutcome =
  | { state: 'stored'; response: SurveyResponse }
  | { state: 'invalid'; survey: Survey; invitation: Invitation; errors: Record<string, string> }
  | { state: 'answered'; locale: string }
  | { state: 'closed' };

export async function submitResponse(connection: Connection, token: unknown, form: Record<string, unknown>, options: { now?: Date; classifyText?: TextCauseClassifier } = {}): Promise<SubmitOutcome> {
  const now = options.now ?? new Date();
  const opened = await openSurvey(connection, token, now);
  if (opened.state !== 'open') return opened;
  const { invitation, survey } = opened;

  const parsed = answersSchemaOf(survey).safeParse(form);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
    return { state: 'invalid', survey, invitation, errors };
  }
  const answers = toAnswers(survey, parsed.data);
  const derivedCause = (await causeFromChoices(survey, answers)) ?? (await causeFromText(answers, invitation.locale, options.classifyText));

  let response: SurveyResponse;
  try {
    const created = await responseModel(connection).create({
      invitationId: invitation._id,
      customerId: invitation.customerId,
      surveyKey: survey.key,
      surveyVersion: survey.version,
      locale: invitation.locale,
      answers,
      mayContact: parsed.data.mayContact === undefined ? undefined : parsed.data.mayContact === 'yes',
      derivedCause: derivedCause ? { code: derivedCause.code, secondary: derivedCause.secondary, confidence: derivedCause.confidence, source: derivedCause.source } : undefined,
      submittedAt: now,
    });
    response = created.toObject() as SurveyResponse;
  } catch (error) {
    // A second submit racing the first: the unique index keeps one response.
    if ((error as { code?: number }).code === 11000) return { state: 'answered', locale: invitation.locale };
    throw error;
  }
  await recordAnswered(connection, invitation, response, derivedCause, freeText(answers), now);
  return { state: 'stored', response };
}

/**
 * After the response is stored: the invitation is closed, the customer notes the answer (and the
 * cause, where it applies), the timeline shows both, and then the answer is announced.
 */
async function recordAnswered(connection: Connection, invitation: Invitation, response: SurveyResponse, cause: DerivedCause | null, reason: string, now: Date): Promise<void> {
  const customerId = invitation.customerId as Types.ObjectId;
  // The stored response is the commit point: its unique index keeps one per invitation. The two
  // writes after it touch different documents, neither reads what the other writes, and each
  // ends the same whichever lands first, so they are sent together: a crash can leave either
  // undone, as it could leave the later one undone when they ran one after the other.
  const [, noted] = await Promise.all([
    invitationModel(connection).updateOne({ _id: invitation._id }, { $set: { status: 'answered', answeredAt: now }, $unset: { nextMessageAt: 1, claimedAt: 1 } }),
    noteAnswerOnCustomer(connection, customerId, cause, reason, now),
  ]);
  const events: NewTimelineEvent[] = [
    { customerId, type: 'survey_answered', at: now, origin: 'surveys', data: { invitationId: String(invitation._id), responseId: String(response._id), cause: cause?.code } },
  ];
  if (noted.causeSet && cause) {
    events.push({ customerId, type: 'cause_set', at: now, origin: 'surveys', data: { code: cause.code, secondary: cause.secondary, source: causeSource(cause) } });
  }
  await recordTimelineEvents(connection, events);
  if (noted.causeSet && noted.customer) await customerEvents(connection).emit('customer.classified', { customer: noted.customer });
  await surveyEvents(connection).emit('survey.responded', { response, customer: noted.customer });
}

/**
 * The answers schema of a survey version, built once: versions never change (an edit makes a
 * new one), and building a zod schema costs more than parsing a form with it.
 */
const answerSchemas = new Map<string, ReturnType<typeof answersSchema>>();
function answersSchemaOf(survey: Survey): ReturnType<typeof answersSchema> {
  const id = String(survey._id);
  let schema = answerSchemas.get(id);
  if (!schema) {
    if (answerSchemas.size >= 100) answerSchemas.clear();
    schema = answersSchema(survey);
    answerSchemas.set(id, schema);
  }
  return schema;
}

async function invitationByToken(connection: Connection, token: unknown): Promise<Invitation | null> {
  // Malformed tokens still cost one lookup, so "malformed" and "unknown" take the same time.
  const hash = hashLinkToken(looksLikeLinkToken(token) ? token : 'not-a-token');
  return invitationModel(connection).findOne({ tokenHashes: hash }).lean<Invitation>().exec();
}

function toAnswers(survey: Survey, data: Record<string, unknown>): Answer[] {
  const answers: Answer[] = [];
  for (const question of survey.questions) {
    const value = data[`q_${question.id}`];
    if (value === undefined || value === '') continue;
    if (question.kind === 'single') answers.push({ questionId: question.id, choiceIds: [value as string] });
    else if (question.kind === 'multiple') answers.push({ questionId: question.id, choiceIds: value as string[] });
    else if (question.kind === 'scale') answers.push({ questionId: question.id, score: value as number });
    else answers.push({ questionId: question.id, text: value as string });
  }
  return answers;
}

type DerivedCause = NonNullable<SurveyResponse['derivedCause']> & Pick<TextCause, 'explanation' | 'needsReview' | 'suggested'>;

/** The causes of the chosen answers: single-choice first (the main reason), then the rest. */
async function causeFromChoices(survey: Survey, answers: Answer[]): Promise<DerivedCause | null> {
  const causes: CauseCode[] = [];
  const ordered = [...survey.questions].sort((a, b) => Number(b.kind === 'single') - Number(a.kind === 'single'));
  for (const question of ordered) {
    const answer = answers.find((candidate) => candidate.questionId === question.id);
    for (const choiceId of answer?.choiceIds ?? []) {
      const cause = question.choices.find((choice) => choice.id === choiceId)?.cause;
      if (cause && !causes.includes(cause)) causes.push(cause);
    }
  }
  const [code, secondary] = causes;
  if (!code) return null;
  // "Something else" says little by itself: let the customer's own words decide if they wrote any.
  if (code === 'other' && freeText(answers)) return null;
  return { code, secondary, confidence: 1, source: 'choice' };
}

async function causeFromText(answers: Answer[], locale: string, classify: TextCauseClassifier | undefined): Promise<DerivedCause | null> {
  const text = freeText(answers);
  if (!text || !classify) return null;
  const result = await classify(text, locale);
  return result ? { ...result, source: 'classifier' } : null;
}

function freeText(answers: Answer[]): string {
  return answers
    .map((answer) => answer.text ?? '')
    .filter(Boolean)
    .join('\n');
}

/**
 * Notes on the customer that they answered and, unless staff or an interview already decided the
 * cause, sets the one the answers suggest: a single write in the usual case, a second one when
 * people decided the cause (or the answers named none). Returns the customer as stored after.
 */
async function noteAnswerOnCustomer(connection: Connection, customerId: Types.ObjectId, cause: DerivedCause | null, reason: string, now: Date): Promise<{ customer: Customer | null; causeSet: boolean }> {
  const customers = customerModel(connection);
  const answered = { 'engagement.surveyAnsweredAt': now };
  if (cause) {
    const withCause = await customers
      .findOneAndUpdate({ _id: customerId, 'cause.source': trusted({ $nin: ['staff', 'interview'] }) }, { $set: { ...answered, cause: surveyCause(cause, reason, now) } }, { returnDocument: 'after' })
      .lean<Customer>()
      .exec();
    if (withCause) return { customer: withCause, causeSet: true };
  }
  const customer = await customers.findOneAndUpdate({ _id: customerId }, { $set: answered }, { returnDocument: 'after' }).lean<Customer>().exec();
  return { customer, causeSet: false };
}

/** A cause read from the customer's words by the classifier says so, with its explanation. */
function causeSource(cause: DerivedCause): 'classifier' | 'survey' {
  return cause.source === 'classifier' ? 'classifier' : 'survey';
}

function surveyCause(cause: DerivedCause, reason: string, now: Date): ChurnCause {
  const source = causeSource(cause);
  const classified = source === 'classifier' ? { explanation: cause.explanation, needsReview: cause.needsReview || undefined, suggested: cause.suggested } : {};
  return {
    code: cause.code,
    secondary: cause.secondary,
    confidence: cause.confidence,
    source,
    reason: reason.slice(0, 2000) || undefined,
    setBy: source,
    setAt: now,
    ...classified,
  };
}
