/**
 * Saved segments: create, edit, list, read and delete. Input is validated here (not only in
 * the routes), so every caller — pages, API, campaign code — gets the same rules.
 *
 * Problems are thrown as `ValidationError`s whose reasons are translation keys (as in the
 * accounts module): forms show them beside the field, JSON answers translate them. A cause the
 * taxonomy does not know is a `CauseNotAllowedError` (reason in words, `formErrors` as keys).
 */
import { isValidObjectId, type Connection } from 'mongoose';
import { AppError, NotFoundError, ValidationError } from '../../shared/errors';
import { segmentModel, type SavedSegment } from './segment.model';
import { checkSegmentCauses } from './segment-causes';
import { savedSegmentInputSchema, segmentDefinitionSchema } from './segment.schemas';

export async function createSegment(connection: Connection, input: unknown, createdBy: string): Promise<SavedSegment> {
  const data = await parseInput(connection, input);
  try {
    const created = await segmentModel(connection).create({ ...data, createdBy });
    return created.toObject();
  } catch (error) {
    throw nameTakenOr(error);
  }
}

export async function updateSegment(connection: Connection, id: string, input: unknown): Promise<SavedSegment> {
  const data = await parseInput(connection, input);
  try {
    const updated = await segmentModel(connection)
      .findOneAndUpdate({ _id: existingId(id) }, { $set: data }, { returnDocument: 'after', runValidators: true })
      .lean();
    if (!updated) throw notFound();
    return withCheckedDefinition(updated);
  } catch (error) {
    throw nameTakenOr(error);
  }
}

/** Every saved segment by name, definitions as stored (the list page shows names only). */
export async function listSegments(connection: Connection): Promise<SavedSegment[]> {
  return segmentModel(connection).find().sort({ name: 1 }).lean();
}

/** One segment with its definition checked again; NotFoundError for an unknown or malformed id. */
export async function getSegment(connection: Connection, id: string): Promise<SavedSegment> {
  const segment = await segmentModel(connection).findById(existingId(id)).lean();
  if (!segment) throw notFound();
  return withCheckedDefinition(segment);
}

export async function deleteSegment(connection: Connection, id: string): Promise<void> {
  const { deletedCount } = await segmentModel(connection).deleteOne({ _id: existingId(id) });
  if (deletedCount === 0) throw notFound();
}

// ---------------------------------------------------------------------------------------------

async function parseInput(connection: Connection, input: unknown) {
  const parsed = savedSegmentInputSchema.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  await checkSegmentCauses(connection, parsed.data.definition, 'definition.');
  return parsed.data;
}

function existingId(id: string): string {
  if (!isValidObjectId(id) || !/^[0-9a-f]{24}$/i.test(id)) throw notFound();
  return id;
}

function notFound(): NotFoundError {
  return new NotFoundError('The segment was not found.');
}

/** Stored dates come back as Dates and strings as strings, but a hand-edited document could say anything. */
function withCheckedDefinition(segment: SavedSegment): SavedSegment {
  const parsed = segmentDefinitionSchema.safeParse(segment.definition);
  if (!parsed.success) {
    throw new AppError('stored_segment_invalid', `Saved segment ${String(segment._id)} has an invalid definition.`, { isOperational: false, cause: parsed.error });
  }
  return { ...segment, definition: parsed.data };
}

function nameTakenOr(error: unknown): unknown {
  const { code, keyPattern } = (error ?? {}) as { code?: unknown; keyPattern?: Record<string, unknown> };
  if (code === 11000 && keyPattern && 'name' in keyPattern) return new ValidationError([{ field: 'name', reason: 'segments:validation.nameTaken' }]);
  return error;
}
