/**
 * A staff account: who may sign in to the staff side, with which role, and the state of their
 * sign-ins (failures in a row, temporary lock).
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { supportedLocales, type Locale } from '../../shared/i18n/locales';
import { staffRoles, type StaffRole } from '../../shared/auth/staff-user';

export interface StaffAccount {
  _id: Types.ObjectId;
  /** Stored lower-cased; unique. */
  email: string;
  name: string;
  role: StaffRole;
  /** argon2id hash with its parameters. */
  passwordHash: string;
  /** Disabled accounts cannot sign in, and their open sessions end at the next request. */
  disabled: boolean;
  /** Wrong passwords since the last successful sign-in or lock. */
  failedLogins: number;
  lockedUntil: Date | null;
  preferredLocale: Locale | null;
  /** True after an admin set a temporary password. */
  mustChangePassword: boolean;
  /** Bumped on every password change; sessions made before it are no longer accepted. */
  credentialsVersion: number;
  /** Set only on the admin made by the one-time setup form; its unique index makes that form race-safe. */
  firstAdminClaim?: 'first-admin';
  /**
   * In plugin mode, the host CRM's id for this user: the host signs staff in and we keep a
   * mirror account (no usable password), so interviews, audit entries and owners refer to it.
   */
  hostUserId?: string;
  createdAt: Date;
  lastLoginAt: Date | null;
}

const staffAccountSchema = new Schema<StaffAccount>(
  {
    email: { type: String, required: true, lowercase: true, trim: true, unique: true },
    name: { type: String, required: true, trim: true },
    role: { type: String, required: true, enum: staffRoles },
    passwordHash: { type: String, required: true },
    disabled: { type: Boolean, required: true, default: false },
    failedLogins: { type: Number, required: true, default: 0 },
    lockedUntil: { type: Date, default: null },
    preferredLocale: { type: String, enum: [...supportedLocales, null], default: null },
    mustChangePassword: { type: Boolean, required: true, default: false },
    credentialsVersion: { type: Number, required: true, default: 1 },
    firstAdminClaim: { type: String, enum: ['first-admin'] },
    hostUserId: { type: String, maxlength: 200 },
    createdAt: { type: Date, required: true, default: () => new Date() },
    lastLoginAt: { type: Date, default: null },
  },
  { collection: 'users', versionKey: false },
);
staffAccountSchema.index({ firstAdminClaim: 1 }, { unique: true, sparse: true });
staffAccountSchema.index({ hostUserId: 1 }, { unique: true, sparse: true });

/** The model on this connection; `await staffAccountModel(c).init()` before relying on its unique indexes. */
export function staffAccountModel(connection: Connection): Model<StaffAccount> {
  return (connection.models.StaffAccount as Model<StaffAccount> | undefined) ?? connection.model<StaffAccount>('StaffAccount', staffAccountSchema);
}
