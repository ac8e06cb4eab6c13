/**
 * Staff accounts: creating them (by an admin, the command line, or the one-time setup form),
 * listing, disabling, password resets and each user's own settings.
 *
 * Validation problems are thrown as `ValidationError`s whose reasons are translation keys
 * (`common:validation.email`, `accounts:users.emailTaken`): forms show them beside the field,
 * the command line prints their English text.
 */
import type { Connection } from 'mongoose';
import { hashPassword, verifyPassword } from '../../shared/auth/passwords';
import type { StaffRole, StaffUser } from '../../shared/auth/staff-user';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import type { Locale } from '../../shared/i18n/locales';
import { firstAdminSchema, newPasswordField, newUserSchema, recordId } from './accounts.schemas';
import { isDuplicateKeyOn } from './duplicate-key';
import { toAccountView, toStaffUser, type StaffAccountView } from './staff-account';
import { staffAccountModel, type StaffAccount } from './user.model';

// Other modules' tests make API keys through here too, with one import.
export { createApiKey, revokeApiKey } from './api-keys.service';

export interface CreateUserInput {
  email: string;
  name: string;
  role: StaffRole;
  password: string;
  /** True when the password is a temporary one an admin will pass on. */
  mustChangePassword?: boolean;
}

/** Creates a staff account; throws a ValidationError for bad input or an e-mail already in use. */
export async function createUser(connection: Connection, input: CreateUserInput): Promise<StaffAccountView> {
  const parsed = newUserSchema.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  return toAccountView(await insertAccount(connection, { ...parsed.data, mustChangePassword: input.mustChangePassword ?? false }));
}

/** True once any staff account exists; the setup form is offered only before that. */
export async function hasAnyStaff(connection: Connection): Promise<boolean> {
  return (await staffAccountModel(connection).exists({})) !== null;
}

/**
 * Makes the first admin from the setup form, returned ready to sign in. Refused
 * (ConflictError) once any account exists; of two forms sent at the same moment, the unique
 * `firstAdminClaim` index lets only one through.
 */
export async function createFirstAdmin(connection: Connection, input: unknown): Promise<StaffUser> {
  const parsed = firstAdminSchema.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  if (await hasAnyStaff(connection)) throw firstAdminExists();
  const { email, name, password } = parsed.data;
  try {
    return toStaffUser(await insertAccount(connection, { email, name, password, role: 'admin', mustChangePassword: false, firstAdminClaim: 'first-admin' }));
  } catch (error) {
    if (isDuplicateKeyOn(error, 'firstAdminClaim')) throw firstAdminExists();
    throw error;
  }
}

/** Every account, by name. */
export async function listUsers(connection: Connection): Promise<StaffAccountView[]> {
  const accounts = await staffAccountModel(connection).find({}).sort({ name: 1, email: 1 }).lean<StaffAccount[]>().exec();
  return accounts.map(toAccountView);
}

export async function findUser(connection: Connection, userId: string): Promise<StaffAccountView> {
  return toAccountView(await accountOrNotFound(connection, userId));
}

/** Disables or re-enables an account. An admin cannot disable their own (they would lock themselves out). */
export async function setUserDisabled(
  connection: Connection,
  { userId, disabled, actingUserId }: { userId: string; disabled: boolean; actingUserId: string },
): Promise<'done' | 'refused-own-account'> {
  await accountOrNotFound(connection, userId);
  if (disabled && userId === actingUserId) return 'refused-own-account';
  await staffAccountModel(connection).updateOne({ _id: userId }, { $set: { disabled } });
  return 'done';
}

/**
 * Gives a user a temporary password (which they must change at their next sign-in), lifts a
 * lock, and ends their open sessions.
 */
export async function resetPassword(connection: Connection, { userId, password }: { userId: string; password: string }): Promise<void> {
  const parsed = newPasswordField.safeParse(password);
  if (!parsed.success) throw new ValidationError([{ field: 'password', reason: parsed.error.issues[0].message }]);
  await accountOrNotFound(connection, userId);
  await staffAccountModel(connection).updateOne(
    { _id: userId },
    { $set: { passwordHash: await hashPassword(password), mustChangePassword: true, failedLogins: 0, lockedUntil: null }, $inc: { credentialsVersion: 1 } },
  );
}

/**
 * A user replacing their password, proving the current one. Returns the user with a new
 * session key (older sessions end), or null when the current password is wrong.
 */
export async function changeOwnPassword(
  connection: Connection,
  { userId, currentPassword, newPassword }: { userId: string; currentPassword: string; newPassword: string },
): Promise<StaffUser | null> {
  const account = await accountOrNotFound(connection, userId);
  if (!(await verifyPassword(account.passwordHash, currentPassword))) return null;
  const parsed = newPasswordField.safeParse(newPassword);
  if (!parsed.success) throw new ValidationError([{ field: 'password', reason: parsed.error.issues[0].message }]);
  const updated = await staffAccountModel(connection)
    .findOneAndUpdate(
      { _id: userId },
      { $set: { passwordHash: await hashPassword(newPassword), mustChangePassword: false }, $inc: { credentialsVersion: 1 } },
      { returnDocument: 'after' },
    )
    .lean<StaffAccount>()
    .exec();
  return updated ? toStaffUser(updated) : null;
}

/** The language a user wants the staff pages in; null follows the browser. */
export async function setPreferredLocale(connection: Connection, userId: string, locale: Locale | null): Promise<void> {
  await accountOrNotFound(connection, userId);
  await staffAccountModel(connection).updateOne({ _id: userId }, { $set: { preferredLocale: locale } });
}

// ---------------------------------------------------------------------------------------------

async function insertAccount(
  connection: Connection,
  fields: Pick<StaffAccount, 'email' | 'name' | 'role' | 'mustChangePassword'> & { password: string; firstAdminClaim?: 'first-admin' },
): Promise<StaffAccount> {
  const accounts = staffAccountModel(connection);
  // Unique e-mails (and the single first admin) rest on indexes, which must exist before the insert.
  await accounts.init();
  const { password, ...rest } = fields;
  try {
    const created = await accounts.create({ ...rest, passwordHash: await hashPassword(password) });
    return created.toObject();
  } catch (error) {
    if (isDuplicateKeyOn(error, 'email')) throw new ValidationError([{ field: 'email', reason: 'accounts:users.emailTaken' }]);
    throw error;
  }
}

async function accountOrNotFound(connection: Connection, userId: string): Promise<StaffAccount> {
  const account = recordId.safeParse(userId).success ? await staffAccountModel(connection).findById(userId).lean<StaffAccount>().exec() : null;
  if (!account) throw new NotFoundError('No such user.');
  return account;
}

function firstAdminExists(): ConflictError {
  return new ConflictError('An administrator already exists; sign in instead.');
}
