/**
 * Writing and reading the audit log (audit-log.model.ts).
 */
import type { Connection, Types } from 'mongoose';
import { auditEntryModel, type AuditEntry } from './audit-log.model';

export type { AuditEntry } from './audit-log.model';

export type NewAuditEntry = Omit<AuditEntry, '_id' | 'at'> & { at?: Date };

export async function recordAudit(connection: Connection, entry: NewAuditEntry): Promise<AuditEntry> {
  const created = await auditEntryModel(connection).create({ ...entry, at: entry.at ?? new Date() });
  return created.toObject();
}

/** The entries about one record, newest first (all of them without a limit). */
export async function auditEntriesAbout(connection: Connection, subjectType: string, subjectId: Types.ObjectId, limit?: number): Promise<AuditEntry[]> {
  const query = auditEntryModel(connection).find({ subjectType, subjectId }).sort({ at: -1, _id: -1 });
  if (limit !== undefined) query.limit(limit);
  return query.lean<AuditEntry[]>().exec();
}

/** Deletes the entries about one record (privacy erasure); returns how many went. */
export async function eraseAuditEntriesAbout(connection: Connection, subjectType: string, subjectId: Types.ObjectId): Promise<number> {
  return (await auditEntryModel(connection).deleteMany({ subjectType, subjectId })).deletedCount;
}
