/**
 * Survey definitions: the default exit survey on first run, the current version of a survey,
 * and saving an edit as a new version (responses keep the version they answered).
 */
import { trusted, type Connection } from 'mongoose';
import { writesTo } from '../../shared/db/write-counter';
import { ValidationError } from '../../shared/errors';
import { checkCauses } from '../classification/known-causes';
import { defaultExitSurvey } from './default-exit-survey';
import { surveyModel, type Survey } from './survey.model';
import { surveyDraftSchema, type SurveyDraftInput } from './surveys.schemas';

export const EXIT_SURVEY = 'exit';

/** Creates the default exit survey when there is none (idempotent; safe on every start). */
export async function ensureDefaultSurvey(connection: Connection): Promise<void> {
  await surveyModel(connection).updateOne(
    { key: defaultExitSurvey.key, version: 1 },
    { $setOnInsert: { ...defaultExitSurvey, version: 1, current: true, createdBy: 'system' } },
    { upsert: true },
  );
}

export async function currentSurvey(connection: Connection, key: string = EXIT_SURVEY): Promise<Survey | null> {
  return surveyModel(connection).findOne({ key, current: true }).lean<Survey>().exec();
}

/**
 * One version of a survey, as invitations name it. A saved version never changes (an edit makes
 * a new one), so each is read once per process and shared by every request after: treat it as
 * read-only. Only its `current` flag may be stale (ask `currentSurvey` for that); any survey
 * write through this process reads again, so a removed version is missed at once.
 */
export function surveyVersion(connection: Connection, key: string, version: number): Promise<Survey | null> {
  const writes = writesTo('Survey');
  let known = versionsRead.get(connection);
  if (known?.writes !== writes) {
    known = { writes, versions: new Map() };
    versionsRead.set(connection, known);
  }
  const id = `${key}@${version}`;
  let survey = known.versions.get(id);
  if (!survey) {
    const versions = known.versions;
    if (versions.size >= 100) versions.clear();
    survey = surveyModel(connection).findOne({ key, version }).lean<Survey>().exec();
    versions.set(id, survey);
    // Not found or not read: asked again next time.
    survey.then(
      (found) => void (found || versions.delete(id)),
      () => versions.delete(id),
    );
  }
  return survey;
}

const versionsRead = new WeakMap<Connection, { writes: number; versions: Map<string, Promise<Survey | null>> }>();

/** The current version of every survey, for the list page. */
export async function listSurveys(connection: Connection): Promise<Survey[]> {
  return surveyModel(connection).find({ current: true }).sort({ key: 1 }).lean<Survey[]>().exec();
}

/**
 * Saves an edited survey as version n+1 and makes it current. A race between two editors
 * ends with one of them getting a conflict from the unique (key, version) index, not a mix.
 */
export async function saveSurveyVersion(connection: Connection, key: string, input: SurveyDraftInput, editor: string): Promise<Survey> {
  const parsed = surveyDraftSchema.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const surveys = surveyModel(connection);
  const latest = await surveys.findOne({ key }).sort({ version: -1 }).lean<Survey>().exec();
  // A choice points to an active cause; one retired since may stay on the choice that had it.
  const choiceCauses = parsed.data.questions.flatMap((question, q) => question.choices.map((choice, c) => ({ field: `questions.${q}.choices.${c}.cause`, code: choice.cause })));
  const alreadyThere = (latest?.questions ?? []).flatMap((question) => question.choices.flatMap((choice) => (choice.cause ? [choice.cause] : [])));
  await checkCauses(connection, choiceCauses, 'assign', { alreadyThere });
  const version = (latest?.version ?? 0) + 1;
  const created = await surveys.create({ ...parsed.data, key, version, current: false, createdBy: editor });
  await surveys.updateMany({ key, version: trusted({ $ne: version }) }, { $set: { current: false } });
  await surveys.updateOne({ _id: created._id }, { $set: { current: true } });
  return { ...(created.toObject() as Survey), current: true };
}
