/**
 * Passport for staff sign-in: a local (e-mail + password) strategy checked with argon2, and
 * the session storing only the account's session key. Each app gets its own Passport instance,
 * so apps built side by side (tests, a host CRM) do not share strategies.
 */
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Connection } from 'mongoose';
import { signInWithPassword, staffForSession, type LockoutPolicy } from './sign-in.service';

export const passwordStrategy = 'staff-password';

export type StaffPassport = InstanceType<typeof passport.Passport>;

export function createStaffPassport(connection: Connection, lockout: LockoutPolicy): StaffPassport {
  const staffPassport = new passport.Passport();
  staffPassport.use(
    passwordStrategy,
    new LocalStrategy({ usernameField: 'email', passwordField: 'password' }, (email, password, done) => {
      signInWithPassword(connection, { email, password }, lockout).then((staff) => done(null, staff ?? false), done);
    }),
  );
  staffPassport.serializeUser((staff, done) => done(null, staff.sessionKey));
  // A disabled account or a changed password ends the session: passport then treats it as signed out.
  staffPassport.deserializeUser((sessionKey: unknown, done) => {
    staffForSession(connection, sessionKey).then((staff) => done(null, staff ?? false), done);
  });
  return staffPassport;
}
