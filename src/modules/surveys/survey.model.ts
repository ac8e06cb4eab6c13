/**
 * An exit survey definition. Surveys are versioned: editing a live survey saves a new version
 * under the same key, and every response keeps the version it answered, so old answers always
 * read against the questions that were actually asked.
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { causeCodePattern, type CauseCode } from '../customers/causes';
import { countWrites } from '../../shared/db/write-counter';

export const questionKinds = ['single', 'multiple', 'scale', 'text'] as const;
export type QuestionKind = (typeof questionKinds)[number];

/** Text in each language we write to customers in. */
export interface LocalizedText {
  en: string;
  'zh-CN': string;
}

export interface SurveyChoice {
  id: string;
  label: LocalizedText;
  /** The churn cause this answer points to, if any. */
  cause?: CauseCode;
}

export interface SurveyQuestion {
  id: string;
  kind: QuestionKind;
  label: LocalizedText;
  required: boolean;
  choices: SurveyChoice[];
  /** For `scale`: the range, 0–10 for "how likely are you to come back". */
  min?: number;
  max?: number;
  /** For `text`: the longest answer accepted. */
  maxLength?: number;
}

/** When invitations go out, how often they are repeated, and when the link closes. */
export interface SurveySchedule {
  delayMinutes: number;
  reminderDays: number[];
  expiryDays: number;
}

export interface Survey {
  _id: Types.ObjectId;
  /** Stable across versions, e.g. `exit`. */
  key: string;
  version: number;
  /** Only the latest version is current; older ones stay for the responses that used them. */
  current: boolean;
  title: LocalizedText;
  intro: LocalizedText;
  questions: SurveyQuestion[];
  /** Ask whether we may contact the customer about their answers. */
  askContactConsent: boolean;
  schedule: SurveySchedule;
  createdBy?: string;
  createdAt: Date;
}

const localized = { en: { type: String, required: true }, 'zh-CN': { type: String, required: true } };

const choiceSchema = new Schema<SurveyChoice>({ id: { type: String, required: true }, label: localized, cause: { type: String, match: causeCodePattern } }, { _id: false });

const questionSchema = new Schema<SurveyQuestion>(
  {
    id: { type: String, required: true },
    kind: { type: String, enum: questionKinds, required: true },
    label: localized,
    required: { type: Boolean, default: false },
    choices: { type: [choiceSchema], default: [] },
    min: Number,
    max: Number,
    maxLength: Number,
  },
  { _id: false },
);

const surveySchema = new Schema<Survey>(
  {
    key: { type: String, required: true },
    version: { type: Number, required: true },
    current: { type: Boolean, required: true },
    title: localized,
    intro: localized,
    questions: { type: [questionSchema], default: [] },
    askContactConsent: { type: Boolean, default: true },
    schedule: {
      delayMinutes: { type: Number, required: true },
      reminderDays: { type: [Number], default: [] },
      expiryDays: { type: Number, required: true },
    },
    createdBy: String,
  },
  { collection: 'surveys', timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

surveySchema.index({ key: 1, version: 1 }, { unique: true });
surveySchema.index({ key: 1, current: 1 });

// Survey versions are cached; a removed one must be missed at once.
countWrites(surveySchema, 'Survey');

export function surveyModel(connection: Connection): Model<Survey> {
  return (connection.models.Survey as Model<Survey> | undefined) ?? connection.model<Survey>('Survey', surveySchema);
}
