/**
 * How a stored account is handed to the rest of the app: as the signed-in `StaffUser`, or as a
 * row on the admin's user list. Never with its password hash.
 */
import type { StaffUser } from '../../shared/auth/staff-user';
import type { StaffAccount } from './user.model';

export interface StaffAccountView {
  id: string;
  email: string;
  name: string;
  role: StaffAccount['role'];
  disabled: boolean;
  lockedUntil: Date | null;
  preferredLocale: StaffAccount['preferredLocale'];
  mustChangePassword: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
}

export function toStaffUser(account: StaffAccount): StaffUser {
  return {
    id: account._id.toHexString(),
    email: account.email,
    name: account.name,
    role: account.role,
    preferredLocale: account.preferredLocale ?? null,
    mustChangePassword: account.mustChangePassword,
    sessionKey: sessionKeyOf(account),
  };
}

export function toAccountView(account: StaffAccount): StaffAccountView {
  return {
    id: account._id.toHexString(),
    email: account.email,
    name: account.name,
    role: account.role,
    disabled: account.disabled,
    lockedUntil: account.lockedUntil ?? null,
    preferredLocale: account.preferredLocale ?? null,
    mustChangePassword: account.mustChangePassword,
    createdAt: account.createdAt,
    lastLoginAt: account.lastLoginAt ?? null,
  };
}

export function sessionKeyOf(account: Pick<StaffAccount, '_id' | 'credentialsVersion'>): string {
  return `${account._id.toHexString()}:${account.credentialsVersion}`;
}

/** The account id and credentials version in a session key, or undefined for anything malformed. */
export function parseSessionKey(key: unknown): { id: string; credentialsVersion: number } | undefined {
  const match = typeof key === 'string' ? /^([0-9a-f]{24}):(\d{1,9})$/.exec(key) : null;
  return match ? { id: match[1], credentialsVersion: Number(match[2]) } : undefined;
}
