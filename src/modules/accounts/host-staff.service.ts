/**
 * Staff who sign in at a host CRM (plugin mode). The host says who the user is and which of
 * our roles they have; we keep a mirror account per host user, so everything that refers to
 * staff (interviewers, owners, audit entries, "created by") works as in the standalone app.
 * A mirror account has no usable password: it can only be reached through the host.
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { AppError } from '../../shared/errors';
import { isLocale, type Locale } from '../../shared/i18n/locales';
import type { StaffRole, StaffUser } from '../../shared/auth/staff-user';
import { isDuplicateKeyOn } from './duplicate-key';
import { toStaffUser } from './staff-account';
import { staffAccountModel } from './user.model';

/** Who the host says is signed in. */
export interface HostStaffUser {
  /** The host's stable id for the user. */
  id: string;
  email: string;
  name: string;
  /** `en` or `zh-CN`, when the host knows the user's language. */
  locale?: string;
}

/** How long a mirrored account is trusted before it is compared with the host's user again. */
const refreshAfterMs = 60_000;

export interface HostStaffDirectory {
  /** The signed-in staff user for a host user with a role, creating or updating the mirror account. */
  staffUserFor(user: HostStaffUser, role: StaffRole): Promise<StaffUser>;
}

export function hostStaffDirectory(connection: Connection): HostStaffDirectory {
  const recent = new Map<string, { staff: StaffUser; signature: string; at: number }>();
  return {
    async staffUserFor(user, role) {
      const signature = JSON.stringify([user.email.toLowerCase(), user.name, role, user.locale ?? null]);
      const cached = recent.get(user.id);
      if (cached && cached.signature === signature && Date.now() - cached.at < refreshAfterMs) return cached.staff;
      const staff = await mirrorAccount(connection, user, role);
      if (recent.size > 10_000) recent.clear();
      recent.set(user.id, { staff, signature, at: Date.now() });
      return staff;
    },
  };
}

async function mirrorAccount(connection: Connection, user: HostStaffUser, role: StaffRole): Promise<StaffUser> {
  const preferredLocale: Locale | null = user.locale && isLocale(user.locale) ? user.locale : null;
  try {
    const account = await staffAccountModel(connection)
      .findOneAndUpdate(
        { hostUserId: user.id },
        {
          $set: { email: user.email, name: user.name, role, disabled: false, ...(preferredLocale ? { preferredLocale } : {}) },
          // Not an argon2 hash: no password verifies against it, so the account cannot sign in here.
          $setOnInsert: { hostUserId: user.id, passwordHash: `host-managed:${randomBytes(16).toString('hex')}`, createdAt: new Date() },
        },
        { upsert: true, returnDocument: 'after', runValidators: true },
      )
      .lean()
      .exec();
    return toStaffUser(account);
  } catch (error) {
    if (isDuplicateKeyOn(error, 'email')) {
      throw new AppError('host_user_email_taken', `The e-mail address ${user.email} belongs to another staff account of the churn plugin.`, { httpStatus: 409 });
    }
    throw error;
  }
}
