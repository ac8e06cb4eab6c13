/**
 * Storing, loading and rolling back trained classifier models (see classifier-model.model.ts).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import mongoose, { type Connection } from 'mongoose';
import { AppError } from '../../shared/errors';
import { classifierModelModel, type ClassifierModelVersion } from './classifier-model.model';
import { fromStoredTextModel, toStoredTextModel, type StoredTextModel, type TextModel } from './text-model';

/** A version's description, without its (large) parameters. */
export type ModelVersionSummary = Omit<ClassifierModelVersion, 'parameters'>;

export interface NewModelVersion {
  model: TextModel;
  labelCount: number;
  crossValidatedMacroF1: number | null;
  perCauseF1: ClassifierModelVersion['perCauseF1'];
  labelsConfirmedUntil: Date | null;
  reason: ClassifierModelVersion['reason'];
  createdAt?: Date;
}

/** Saves a trained model as the next version and makes it the active one; older versions stay. */
export async function saveModelVersion(connection: Connection, input: NewModelVersion): Promise<ModelVersionSummary> {
  const versions = classifierModelModel(connection);
  const previous = await activeModelVersion(connection);
  const latest = await versions.findOne({}, { version: 1 }).sort({ version: -1 }).lean().exec();
  const version = (latest?.version ?? 0) + 1;
  await versions.create({
    version,
    createdAt: input.createdAt ?? new Date(),
    trainedOn: input.model.trainedOn,
    labelCount: input.labelCount,
    crossValidatedMacroF1: input.crossValidatedMacroF1,
    perCauseF1: input.perCauseF1,
    active: false,
    previousVersion: previous?.version ?? null,
    labelsConfirmedUntil: input.labelsConfirmedUntil,
    reason: input.reason,
    algorithm: 'multinomial-naive-bayes',
    parameters: gzipSync(JSON.stringify(toStoredTextModel(input.model))),
  });
  return activateVersion(connection, version);
}

/** The active version's description, or null while only the built-in model exists. */
export async function activeModelVersion(connection: Connection): Promise<ModelVersionSummary | null> {
  return classifierModelModel(connection).findOne({ active: true }, { parameters: 0, _id: 0 }).lean<ModelVersionSummary>().exec();
}

/** The active trained model, or null (callers then use the built-in one). */
export async function loadActiveModel(connection: Connection): Promise<{ version: number; model: TextModel } | null> {
  const stored = await classifierModelModel(connection).findOne({ active: true }, { version: 1, parameters: 1 }).lean().exec();
  if (!stored) return null;
  const parameters = JSON.parse(gunzipSync(bufferOf(stored.parameters)).toString('utf8')) as StoredTextModel;
  return { version: stored.version, model: fromStoredTextModel(parameters) };
}

/** Every version, newest first. */
export async function listModelVersions(connection: Connection): Promise<ModelVersionSummary[]> {
  return classifierModelModel(connection).find({}, { parameters: 0, _id: 0 }).sort({ version: -1 }).lean<ModelVersionSummary[]>().exec();
}

/**
 * Makes an earlier version active again: `toVersion`, or the version that was active before the
 * current one. The newer version is kept, so the rollback itself can be undone.
 */
export async function rollbackModel(connection: Connection, toVersion?: number): Promise<ModelVersionSummary> {
  const current = await activeModelVersion(connection);
  const target = toVersion ?? current?.previousVersion ?? undefined;
  if (target === undefined) throw new AppError('no_previous_model', 'there is no earlier model version to roll back to', { httpStatus: 409 });
  return activateVersion(connection, target);
}

async function activateVersion(connection: Connection, version: number): Promise<ModelVersionSummary> {
  const versions = classifierModelModel(connection);
  const activated = await versions.findOneAndUpdate({ version }, { $set: { active: true } }, { returnDocument: 'after', projection: { parameters: 0, _id: 0 } }).lean<ModelVersionSummary>().exec();
  if (!activated) throw new AppError('model_version_not_found', `no model version ${version}`, { httpStatus: 404 });
  // Activate first, then deactivate the others: a reader in between sees two active
  // versions (and takes one) rather than none.
  await versions.updateMany({ active: true, version: mongoose.trusted({ $ne: version }) }, { $set: { active: false } }).exec();
  return activated;
}

/** The driver hands back BSON Binary for Buffer fields in lean reads. */
function bufferOf(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  const binary = value as { buffer?: Uint8Array; value?: () => Uint8Array };
  if (binary.buffer instanceof Uint8Array) return Buffer.from(binary.buffer);
  throw new Error('stored model parameters are not binary');
}
