/**
 * A customer's answers to one invitation (one response per invitation: the unique index makes
 * a double submit store nothing the second time).
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { CauseCode } from '../customers/causes';

export interface Answer {
  questionId: string;
  /** Choice ids for single/multiple questions. */
  choiceIds?: string[];
  /** The number picked on a scale. */
  score?: number;
  text?: string;
}

export interface SurveyResponse {
  _id: Types.ObjectId;
  invitationId: Types.ObjectId;
  customerId: Types.ObjectId;
  surveyKey: string;
  surveyVersion: number;
  locale: string;
  answers: Answer[];
  /** The customer agreed to be contacted about the answers. */
  mayContact?: boolean;
  /** What the answers say about the cause (choice mapping and text classification). */
  derivedCause?: { code: CauseCode; secondary?: CauseCode; confidence: number; source: 'choice' | 'classifier' };
  submittedAt: Date;
}

const answerSchema = new Schema<Answer>(
  { questionId: { type: String, required: true }, choiceIds: { type: [String], default: undefined }, score: Number, text: String },
  { _id: false },
);

const responseSchema = new Schema<SurveyResponse>(
  {
    invitationId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    surveyKey: { type: String, required: true },
    surveyVersion: { type: Number, required: true },
    locale: { type: String, required: true },
    answers: { type: [answerSchema], default: [] },
    mayContact: Boolean,
    derivedCause: { code: String, secondary: String, confidence: Number, source: String },
    submittedAt: { type: Date, required: true },
  },
  { collection: 'survey_responses', versionKey: false },
);

responseSchema.index({ invitationId: 1 }, { unique: true });
responseSchema.index({ customerId: 1 });
responseSchema.index({ surveyKey: 1, submittedAt: -1 });

export function responseModel(connection: Connection): Model<SurveyResponse> {
  return (connection.models.SurveyResponse as Model<SurveyResponse> | undefined) ?? connection.model<SurveyResponse>('SurveyResponse', responseSchema);
}
