/**
 * Checking a staff member's e-mail and password, with a temporary lock after repeated wrong
 * passwords, and finding the signed-in user again for each request of their session.
 */
import type { Connection } from 'mongoose';
import { verifyAgainstNothing, verifyPassword } from '../../shared/auth/passwords';
import type { StaffUser } from '../../shared/auth/staff-user';
import { parseSessionKey, toStaffUser } from './staff-account';
import { staffAccountModel, type StaffAccount } from './user.model';

export interface LockoutPolicy {
  /** Wrong passwords in a row that lock the account. */
  maxFailures: number;
  lockoutMinutes: number;
}

/**
 * The staff user when the e-mail and password match an enabled, unlocked account; otherwise
 * null, whatever the reason, so a caller cannot tell which addresses exist or are locked.
 */
export async function signInWithPassword(
  connection: Connection,
  { email, password }: { email: string; password: string },
  policy: LockoutPolicy,
  now: Date = new Date(),
): Promise<StaffUser | null> {
  const accounts = staffAccountModel(connection);
  const account = await accounts.findOne({ email: email.trim().toLowerCase() }).lean<StaffAccount>().exec();
  if (!account) return verifyAgainstNothing(password).then(() => null);

  // Verified before the other checks so that every failure takes the same time.
  const matches = await verifyPassword(account.passwordHash, password);
  if (account.disabled || (account.lockedUntil !== null && account.lockedUntil > now)) return null;
  if (!matches) {
    await recordFailure(connection, account._id.toHexString(), policy, now);
    return null;
  }
  await accounts.updateOne({ _id: account._id }, { $set: { failedLogins: 0, lockedUntil: null, lastLoginAt: now } });
  return toStaffUser(account);
}

/** The user of a session, or null when the account is gone, disabled, or its password changed since. */
export async function staffForSession(connection: Connection, sessionKey: unknown): Promise<StaffUser | null> {
  const key = parseSessionKey(sessionKey);
  if (!key) return null;
  const account = await staffAccountModel(connection).findById(key.id).lean<StaffAccount>().exec();
  if (!account || account.disabled || account.credentialsVersion !== key.credentialsVersion) return null;
  return toStaffUser(account);
}

/** Counts a wrong password; the failure that reaches the limit locks the account and starts a new count. */
async function recordFailure(connection: Connection, accountId: string, policy: LockoutPolicy, now: Date): Promise<void> {
  const accounts = staffAccountModel(connection);
  const counted = await accounts
    .findOneAndUpdate({ _id: accountId }, { $inc: { failedLogins: 1 } }, { returnDocument: 'after', projection: { failedLogins: 1 } })
    .lean<Pick<StaffAccount, 'failedLogins'>>()
    .exec();
  if (counted && counted.failedLogins >= policy.maxFailures) {
    const lockedUntil = new Date(now.getTime() + policy.lockoutMinutes * 60_000);
    // Only the request whose count reached the limit sets the lock (the filter sees its count).
    await accounts.updateOne({ _id: accountId, failedLogins: counted.failedLogins }, { $set: { failedLogins: 0, lockedUntil } });
  }
}
