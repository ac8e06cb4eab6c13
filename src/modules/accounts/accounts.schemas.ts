/**
 * What the account forms accept. Messages are translation keys, shown beside the field.
 */
import { z } from 'zod';
import { apiScopes } from '../../shared/auth/api-scopes';
import { passwordPolicy } from '../../shared/auth/passwords';
import { staffRoles } from '../../shared/auth/staff-user';
import { supportedLocales } from '../../shared/i18n/locales';

const required = 'common:validation.required';

function text(maxLength: number) {
  return z.string({ error: required }).trim().min(1, required).max(maxLength, 'common:validation.tooLong');
}

export const emailField = z
  .string({ error: 'common:validation.email' })
  .trim()
  .toLowerCase()
  .max(254, 'common:validation.tooLong')
  .pipe(z.email({ error: 'common:validation.email' }));

/** Passwords are taken as typed: spaces at either end are part of them. */
export const newPasswordField = z
  .string({ error: required })
  .min(passwordPolicy.minLength, 'common:validation.passwordTooShort')
  .max(passwordPolicy.maxLength, 'common:validation.passwordTooLong');

const roleField = z.enum(staffRoles, { error: 'common:validation.choice' });

/** An account as an admin (or the command line) creates it. */
export const newUserSchema = z.object({
  email: emailField,
  name: text(120),
  role: roleField,
  password: newPasswordField,
});
export type NewUser = z.infer<typeof newUserSchema>;

/** The sign-in form. Not format-checked: every failure gets the same message. */
export const signInSchema = z.object({
  email: z.string({ error: required }).trim().toLowerCase().min(1, required).max(254, 'common:validation.tooLong'),
  password: z.string({ error: required }).min(1, required).max(1000, 'common:validation.tooLong'),
  returnTo: z.string().optional().catch(undefined),
});

const passwordPair = { password: newPasswordField, passwordConfirmation: z.string({ error: required }) };
const passwordsMatch = (form: { password: string; passwordConfirmation: string }) => form.password === form.passwordConfirmation;
const confirmationRule = { path: ['passwordConfirmation'], message: 'common:validation.passwordsDiffer' };

/** The one-time form that makes the first admin on an empty database. */
export const firstAdminSchema = z.object({ email: emailField, name: text(120), ...passwordPair }).refine(passwordsMatch, confirmationRule);

/** An admin giving a user a temporary password. */
export const passwordResetSchema = z.object(passwordPair).refine(passwordsMatch, confirmationRule);

/** A user choosing their own password. */
export const passwordChangeSchema = z
  .object({ currentPassword: z.string({ error: required }).min(1, required).max(1000, required), ...passwordPair })
  .refine(passwordsMatch, confirmationRule);

/** "" follows the browser's language. */
export const languagePreferenceSchema = z.object({
  preferredLocale: z.union([z.enum(supportedLocales), z.literal('')], { error: 'common:validation.choice' }).transform((value) => (value === '' ? null : value)),
});

/** A checkbox list arrives as a string when one box is ticked, as an array when several are. */
const scopeList = z.preprocess(
  (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
  z.array(z.enum(apiScopes, { error: 'common:validation.choice' })).min(1, 'accounts:apiKeys.scopesRequired').max(apiScopes.length),
);

export const newApiKeySchema = z.object({ name: text(120), scopes: scopeList });
export type NewApiKey = z.infer<typeof newApiKeySchema>;

/** Ids in paths: anything else is a page that does not exist. */
export const recordId = z.string().regex(/^[0-9a-f]{24}$/);
