/**
 * Versioned trained classifier models. Each retraining adds a version and makes it active; the
 * previous versions stay, so an admin can roll back. Parameters are stored gzipped: a model
 * trained on thousands of comments has tens of thousands of features, and MongoDB documents are
 * capped at 16 MB.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { countWrites } from '../../shared/db/write-counter';

export interface CauseF1 {
  cause: string;
  f1: number;
}

export interface ClassifierModelVersion {
  version: number;
  createdAt: Date;
  /** Comments the model learnt from: seed corpus plus staff labels. */
  trainedOn: number;
  /** Staff-confirmed labels among them. */
  labelCount: number;
  /** k-fold cross-validated macro-F1 over the staff labels; null with too few labels to tell. */
  crossValidatedMacroF1: number | null;
  perCauseF1: CauseF1[];
  active: boolean;
  /** The version that was active when this one was trained (what a rollback returns to). */
  previousVersion: number | null;
  /** Latest confirmation time among the labels used: later labels count as new. */
  labelsConfirmedUntil: Date | null;
  reason: 'nightly' | 'new-labels' | 'manual';
  algorithm: string;
  /** gzip of the JSON `StoredTextModel`. */
  parameters: Buffer;
}

const classifierModelSchema = new Schema<ClassifierModelVersion>(
  {
    version: { type: Number, required: true, unique: true },
    createdAt: { type: Date, required: true },
    trainedOn: { type: Number, required: true },
    labelCount: { type: Number, required: true },
    crossValidatedMacroF1: { type: Number, default: null },
    perCauseF1: { type: [{ cause: String, f1: Number, _id: false }], default: [] },
    active: { type: Boolean, required: true, default: false, index: true },
    previousVersion: { type: Number, default: null },
    labelsConfirmedUntil: { type: Date, default: null },
    reason: { type: String, required: true, enum: ['nightly', 'new-labels', 'manual'] },
    algorithm: { type: String, required: true },
    parameters: { type: Buffer, required: true },
  },
  { collection: 'classifierModels', versionKey: false },
);

// The active classifier is cached; an activation or rollback must reach it at once.
countWrites(classifierModelSchema, 'ClassifierModel');

export function classifierModelModel(connection: Connection): Model<ClassifierModelVersion> {
  return (
    (connection.models.ClassifierModel as Model<ClassifierModelVersion> | undefined) ??
    connection.model<ClassifierModelVersion>('ClassifierModel', classifierModelSchema)
  );
}
