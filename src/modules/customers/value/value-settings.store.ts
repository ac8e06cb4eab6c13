/**
 * Keeps the value-model settings and the last computed quantile tier cuts in the `settings`
 * collection, one document with `_id: 'customers.value'`. Other modules keep their own
 * documents in the same collection under their own ids.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { applyValueSettingsPatch, defaultValueSettings, type TierCuts, type ValueSettings, type ValueSettingsPatch } from './value-settings';

const documentId = 'customers.value';

interface ValueSettingsDocument {
  _id: string;
  /** What an admin saved; absent means the defaults. */
  settings?: ValueSettings;
  /** Quantile cuts from the last full recompute; single-customer recomputes reuse them. */
  tierCuts?: TierCuts | null;
  tierCutsComputedAt?: Date;
}

const settingsSchema = new Schema<ValueSettingsDocument>(
  {
    _id: { type: String, required: true },
    settings: Schema.Types.Mixed,
    tierCuts: Schema.Types.Mixed,
    tierCutsComputedAt: Date,
  },
  { collection: 'settings', versionKey: false },
);

function settingsModel(connection: Connection): Model<ValueSettingsDocument> {
  return (
    (connection.models.ValueModelSettings as Model<ValueSettingsDocument> | undefined) ??
    connection.model<ValueSettingsDocument>('ValueModelSettings', settingsSchema)
  );
}

/** The settings in force: the saved ones over the defaults. */
export async function loadValueSettings(connection: Connection): Promise<ValueSettings> {
  const stored = await settingsModel(connection).findById(documentId).lean<ValueSettingsDocument>().exec();
  return stored?.settings ? applyValueSettingsPatch(defaultValueSettings, stored.settings) : defaultValueSettings;
}

/** Applies an admin's change; throws a ZodError naming the bad field and saves nothing then. */
export async function saveValueSettings(connection: Connection, patch: ValueSettingsPatch): Promise<ValueSettings> {
  const next = applyValueSettingsPatch(await loadValueSettings(connection), patch);
  await settingsModel(connection).updateOne({ _id: documentId }, { $set: { settings: next } }, { upsert: true });
  return next;
}

export async function loadQuantileTierCuts(connection: Connection): Promise<TierCuts | null> {
  const stored = await settingsModel(connection).findById(documentId, { tierCuts: 1 }).lean<ValueSettingsDocument>().exec();
  return stored?.tierCuts ?? null;
}

export async function saveQuantileTierCuts(connection: Connection, cuts: TierCuts | null, at: Date): Promise<void> {
  await settingsModel(connection).updateOne({ _id: documentId }, { $set: { tierCuts: cuts, tierCutsComputedAt: at } }, { upsert: true });
}
