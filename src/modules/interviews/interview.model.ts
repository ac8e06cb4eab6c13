/**
 * An exit interview (流失访谈): a conversation customer-success staff held with a churned
 * customer, with what they heard. Each edit keeps the version it replaced in `history`, so the
 * record of what was said cannot be rewritten without a trace.
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { causeCodePattern, type CauseCode } from '../customers/causes';

export const interviewChannels = ['call', 'visit', 'chat', 'email'] as const;
export type InterviewChannel = (typeof interviewChannels)[number];

export interface FollowUp {
  task: string;
  dueOn: Date;
}

/** What staff fill in; an edit replaces these and keeps the old ones in the history. */
export interface InterviewFields {
  heldOn: Date;
  channel: InterviewChannel;
  interviewerId: Types.ObjectId;
  notes: string;
  /** Every cause the customer mentioned, the primary one included. */
  reasons: CauseCode[];
  /** Absent when staff were not sure: the classifier then reads the notes. */
  primaryCause?: CauseCode;
  competitor?: string;
  /** 0–10: how likely the customer said they are to come back. */
  likelihoodToReturn?: number;
  followUp?: FollowUp;
}

export interface InterviewRevision {
  editedBy: string;
  editedAt: Date;
  /** The fields as they were before this edit. */
  before: InterviewFields;
}

export interface Interview extends InterviewFields {
  _id: Types.ObjectId;
  customerId: Types.ObjectId;
  /** Staff user id of whoever logged it (not always the interviewer). */
  loggedBy: string;
  /** Counts edits; an edit names the revision it started from, so two editors cannot overwrite each other unseen. */
  revision: number;
  history: InterviewRevision[];
  createdAt: Date;
  updatedAt: Date;
}

const fieldDefinitions = {
  heldOn: { type: Date, required: true },
  channel: { type: String, enum: interviewChannels, required: true },
  interviewerId: { type: Schema.Types.ObjectId, required: true },
  notes: { type: String, required: true, maxlength: 10_000 },
  // Cause codes of the stored taxonomy (checked by the service); here only their shape.
  reasons: { type: [{ type: String, match: causeCodePattern }], default: [] },
  primaryCause: { type: String, match: causeCodePattern },
  competitor: { type: String, maxlength: 200 },
  likelihoodToReturn: { type: Number, min: 0, max: 10 },
  followUp: { type: new Schema<FollowUp>({ task: { type: String, required: true, maxlength: 500 }, dueOn: { type: Date, required: true } }, { _id: false }) },
};

const revisionSchema = new Schema<InterviewRevision>(
  {
    editedBy: { type: String, required: true },
    editedAt: { type: Date, required: true },
    before: { type: new Schema<InterviewFields>(fieldDefinitions, { _id: false }), required: true },
  },
  { _id: false },
);

const interviewSchema = new Schema<Interview>(
  {
    customerId: { type: Schema.Types.ObjectId, required: true },
    ...fieldDefinitions,
    loggedBy: { type: String, required: true },
    revision: { type: Number, required: true, default: 1 },
    history: { type: [revisionSchema], default: [] },
  },
  { collection: 'interviews', timestamps: true, versionKey: false },
);

interviewSchema.index({ customerId: 1, heldOn: -1 });
// The dashboard's competitors named in a period.
interviewSchema.index({ heldOn: -1 });
// Follow-up tasks due soon, for the success team's to-do list.
interviewSchema.index({ 'followUp.dueOn': 1 }, { sparse: true });

export function interviewModel(connection: Connection): Model<Interview> {
  return (connection.models.Interview as Model<Interview> | undefined) ?? connection.model<Interview>('Interview', interviewSchema);
}
