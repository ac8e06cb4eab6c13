/**
 * The audit log: one entry per change a person made that others must be able to trace later
 * (who, when, what it was before, what it became, and why). Entries are only ever added; the
 * one exception is a privacy erasure of the record they are about.
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';

export interface AuditEntry {
  _id: Types.ObjectId;
  /** What was done, as `<record type>.<change>` (e.g. `customer.cause_override`). */
  action: string;
  /** The kind of record changed (`customer`) and its id. */
  subjectType: string;
  subjectId: Types.ObjectId;
  /** Who did it: a staff user id, or a system name. */
  actorId: string;
  /** The actor's name at the time, so the entry reads well after the account is gone. */
  actorName?: string;
  at: Date;
  before: unknown;
  after: unknown;
  comment?: string;
}

const auditEntrySchema = new Schema<AuditEntry>(
  {
    action: { type: String, required: true },
    subjectType: { type: String, required: true },
    subjectId: { type: Schema.Types.ObjectId, required: true },
    actorId: { type: String, required: true },
    actorName: String,
    at: { type: Date, required: true },
    before: { type: Schema.Types.Mixed, default: null },
    after: { type: Schema.Types.Mixed, default: null },
    comment: { type: String, maxlength: 2000 },
  },
  { collection: 'audit_log', versionKey: false, minimize: false },
);

auditEntrySchema.index({ subjectType: 1, subjectId: 1, at: -1 });
auditEntrySchema.index({ at: -1 });

export function auditEntryModel(connection: Connection): Model<AuditEntry> {
  return (connection.models.AuditEntry as Model<AuditEntry> | undefined) ?? connection.model<AuditEntry>('AuditEntry', auditEntrySchema);
}
