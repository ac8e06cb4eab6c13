/**
 * Who a signed-in staff member is, as the rest of the app sees them (`req.user`), and the
 * roles that decide what they may do:
 * - `admin`: users, settings, API keys, and everything else;
 * - `success`: customers, exit interviews, churn causes;
 * - `marketer`: segments, campaigns, the dashboard, and customers read-only.
 */
// Loads passport's typing of req.user, req.login and req.logout, which User below extends.
import type {} from 'passport';
import type { Locale } from '../i18n/locales';

export const staffRoles = ['admin', 'success', 'marketer'] as const;
export type StaffRole = (typeof staffRoles)[number];

export interface StaffUser {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  preferredLocale: Locale | null;
  /** Set after an admin gave a temporary password: the user must choose their own first. */
  mustChangePassword: boolean;
  /** What the session stores: the account and its credentials version, so a password change ends older sessions. */
  sessionKey: string;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- passport's extension point
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging with passport's User
    interface User extends StaffUser {}
  }
}
