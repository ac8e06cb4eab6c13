/**
 * A saved segment: a named, reusable audience definition that campaigns pick from. The
 * definition is stored as validated and validated again whenever it is read, so a stored
 * document edited by hand can never reach a query unchecked.
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { SegmentDefinition } from './segment.schemas';

export interface SavedSegment {
  _id: Types.ObjectId;
  name: string;
  description: string;
  definition: SegmentDefinition;
  /** Staff user id of the author. */
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const segmentSchema = new Schema<SavedSegment>(
  {
    name: { type: String, required: true, trim: true, maxlength: 120 },
    description: { type: String, default: '', maxlength: 1000 },
    definition: { type: Schema.Types.Mixed, required: true },
    createdBy: { type: String, required: true },
  },
  { collection: 'segments', timestamps: true, versionKey: false },
);

// Campaigns and the list page name segments: two with the same name would be confused.
segmentSchema.index({ name: 1 }, { unique: true });

export function segmentModel(connection: Connection): Model<SavedSegment> {
  return (connection.models.Segment as Model<SavedSegment> | undefined) ?? connection.model<SavedSegment>('Segment', segmentSchema);
}
