/**
 * The stored cause taxonomy: seeding, listing, and the admin actions (rename, add, retire,
 * restore). The admin UI comes later and calls these.
 */
import type { Connection } from 'mongoose';
import { AppError } from '../../shared/errors';
import { fallbackCause } from './causes';
import { defaultTaxonomy } from './default-taxonomy';
import { causeModel, type StoredCause } from './taxonomy.model';
import { causeInputSchema, causeRenameSchema, type CauseInput, type CauseRename } from './taxonomy.schemas';

/** Inserts the default causes that are missing; never overwrites an admin's renames. Safe to run at every start. */
export async function seedTaxonomy(connection: Connection): Promise<number> {
  const causes = causeModel(connection);
  // Only the missing ones are upserted: an upsert that matches still bumps updatedAt (schema
  // timestamps), which rewrote every cause each time the taxonomy page was shown.
  const present = new Set((await causes.find({}, { code: 1, _id: 0 }).lean<{ code: string }[]>().exec()).map((cause) => cause.code));
  let inserted = 0;
  for (const cause of defaultTaxonomy.filter((candidate) => !present.has(candidate.code))) {
    const result = await causes.updateOne({ code: cause.code }, { $setOnInsert: { ...cause, retired: false, builtIn: true } }, { upsert: true });
    inserted += result.upsertedCount;
  }
  return inserted;
}

export async function listCauses(connection: Connection, options: { includeRetired?: boolean } = {}): Promise<StoredCause[]> {
  const filter = options.includeRetired ? {} : { retired: false };
  return causeModel(connection).find(filter, { _id: 0 }).sort({ builtIn: -1, createdAt: 1 }).lean<StoredCause[]>().exec();
}

export async function findCause(connection: Connection, code: string): Promise<StoredCause | null> {
  return causeModel(connection).findOne({ code }, { _id: 0 }).lean<StoredCause>().exec();
}

/** Adds a cause; the model learns it from staff labels (the lexicon covers only the defaults). */
export async function addCause(connection: Connection, input: CauseInput): Promise<StoredCause> {
  const cause = causeInputSchema.parse(input);
  if (await findCause(connection, cause.code)) throw new AppError('cause_exists', `cause "${cause.code}" already exists`, { httpStatus: 409 });
  await causeModel(connection).create({ ...cause, retired: false, builtIn: false });
  return (await findCause(connection, cause.code)) as StoredCause;
}

export async function renameCause(connection: Connection, code: string, rename: CauseRename): Promise<StoredCause> {
  const { labels } = causeRenameSchema.parse(rename);
  const set = Object.fromEntries(Object.entries(labels).map(([locale, label]) => [`labels.${locale}`, label]));
  return updateExisting(connection, code, set);
}

/** Retires a cause: no longer offered or predicted; old records keep it. `other` cannot retire: it is the fallback. */
export async function retireCause(connection: Connection, code: string): Promise<StoredCause> {
  if (code === fallbackCause) throw new AppError('cause_required', `cause "${fallbackCause}" is the fallback and cannot be retired`, { httpStatus: 422 });
  return updateExisting(connection, code, { retired: true });
}

export async function restoreCause(connection: Connection, code: string): Promise<StoredCause> {
  return updateExisting(connection, code, { retired: false });
}

async function updateExisting(connection: Connection, code: string, set: Record<string, unknown>): Promise<StoredCause> {
  const updated = await causeModel(connection).findOneAndUpdate({ code }, { $set: set }, { returnDocument: 'after', projection: { _id: 0 } }).lean<StoredCause>().exec();
  if (!updated) throw new AppError('cause_not_found', `no cause "${code}"`, { httpStatus: 404 });
  return updated;
}
