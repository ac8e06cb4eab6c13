/**
 * Keeps the classification settings and the last bulk re-classification's summary in the
 * `settings` collection, one document with `_id: 'classification'` (other modules keep their own
 * documents there under their own ids).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { countWrites } from '../../shared/db/write-counter';
import { classificationSettingsSchema, defaultClassificationSettings, type ClassificationSettings } from './classification-settings';
import type { ReclassifySummary } from './reclassify.service';

const documentId = 'classification';

interface ClassificationSettingsDocument {
  _id: string;
  settings?: ClassificationSettings;
  lastReclassify?: ReclassifySummary;
}

const settingsSchema = new Schema<ClassificationSettingsDocument>(
  { _id: { type: String, required: true }, settings: Schema.Types.Mixed, lastReclassify: Schema.Types.Mixed },
  { collection: 'settings', versionKey: false },
);

// The active classifier is cached; a new review threshold must reach it at once.
countWrites(settingsSchema, 'ClassificationSettings');

function settingsModel(connection: Connection): Model<ClassificationSettingsDocument> {
  return (
    (connection.models.ClassificationSettings as Model<ClassificationSettingsDocument> | undefined) ??
    connection.model<ClassificationSettingsDocument>('ClassificationSettings', settingsSchema)
  );
}

/** The settings in force: the saved ones over the defaults. */
export async function loadClassificationSettings(connection: Connection): Promise<ClassificationSettings> {
  const stored = await settingsModel(connection).findById(documentId, { settings: 1 }).lean<ClassificationSettingsDocument>().exec();
  return { ...defaultClassificationSettings, ...stored?.settings };
}

/** Saves checked settings; throws a ZodError (nothing saved) when a value is out of range. */
export async function saveClassificationSettings(connection: Connection, input: unknown): Promise<ClassificationSettings> {
  const settings = classificationSettingsSchema.parse(input);
  await settingsModel(connection).updateOne({ _id: documentId }, { $set: { settings } }, { upsert: true });
  return settings;
}

export async function loadLastReclassify(connection: Connection): Promise<ReclassifySummary | null> {
  const stored = await settingsModel(connection).findById(documentId, { lastReclassify: 1 }).lean<ClassificationSettingsDocument>().exec();
  return stored?.lastReclassify ?? null;
}

export async function saveLastReclassify(connection: Connection, summary: ReclassifySummary): Promise<void> {
  await settingsModel(connection).updateOne({ _id: documentId }, { $set: { lastReclassify: summary } }, { upsert: true });
}
