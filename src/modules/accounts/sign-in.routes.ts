/**
 * Signing in and out, and the one-time setup form for the first admin on an empty database.
 * Failed sign-ins all get the same message; repeated failures from one address are slowed by
 * a rate limit, and repeated wrong passwords for one account lock it for a while.
 */
import { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Connection } from 'mongoose';
import type { Config } from '../../config';
import { declareRoute } from '../../shared/auth/route-table';
import { sessionCookieName } from '../../shared/auth/session';
import type { StaffUser } from '../../shared/auth/staff-user';
import { ConflictError, ValidationError } from '../../shared/errors';
import { readForm, valuesToShowAgain, type FieldErrors } from '../../shared/http/forms';
import { localPathOr } from '../../shared/http/safe-redirect';
import { signInSchema } from './accounts.schemas';
import { createFirstAdmin, hasAnyStaff } from './accounts.service';
import { passwordStrategy, type StaffPassport } from './staff-passport';

export interface SignInDependencies {
  config: Config;
  connection: Connection;
  passport: StaffPassport;
}

export function signInRoutes({ config, connection, passport }: SignInDependencies): Router {
  const router = Router();
  const attemptLimit = rateLimit({
    windowMs: 15 * 60_000,
    limit: config.accounts.loginRateLimit,
    // Only failures count: staff signing in from one office address are not slowed down.
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) => renderSignIn(req, res, 429, { failure: 'accounts:login.tooManyAttempts', values: valuesToShowAgain(req.body) }),
  });

  declareRoute(router, { method: 'get', path: '/login', public: true }, async (req, res) => {
    if (req.user) return res.redirect(303, '/');
    if (!(await hasAnyStaff(connection))) return renderFirstAdminForm(req, res, 200, {});
    renderSignIn(req, res, 200, { values: { returnTo: localPathOr(req.query.returnTo, '') } });
  });

  declareRoute(router, { method: 'post', path: '/login', public: true }, attemptLimit, async (req, res) => {
    const form = readForm(signInSchema, req.body);
    if (!form.ok) return renderSignIn(req, res, 400, { errors: form.errors, values: valuesToShowAgain(req.body) });
    req.body = { email: form.data.email, password: form.data.password };
    const staff = await checkPassword(req, res, passport);
    if (!staff) return renderSignIn(req, res, 401, { failure: 'accounts:login.failed', values: { email: form.data.email, returnTo: form.data.returnTo } });
    await signIn(req, staff);
    res.redirect(303, staff.mustChangePassword ? '/account' : localPathOr(form.data.returnTo, '/'));
  });

  declareRoute(router, { method: 'post', path: '/logout', public: true }, async (req, res) => {
    await new Promise<void>((resolve, reject) => req.session.destroy((error: unknown) => (error ? reject(error) : resolve())));
    res.clearCookie(sessionCookieName, { path: '/' });
    res.redirect(303, '/login');
  });

  declareRoute(router, { method: 'post', path: '/setup', public: true }, attemptLimit, async (req, res) => {
    try {
      await signIn(req, await createFirstAdmin(connection, req.body));
      res.redirect(303, '/');
    } catch (error) {
      if (error instanceof ValidationError) return renderFirstAdminForm(req, res, 400, { errors: fieldErrorsOf(error), values: valuesToShowAgain(req.body) });
      if (error instanceof ConflictError) return renderSignIn(req, res, 409, { failure: 'accounts:setup.alreadyDone', values: {} });
      throw error;
    }
  });

  return router;
}

// ---------------------------------------------------------------------------------------------

interface FormState {
  errors?: FieldErrors;
  values?: Record<string, unknown>;
  failure?: string;
}

function renderSignIn(req: Request, res: Response, status: number, state: FormState): void {
  res.status(status).render('accounts/login', { layout: 'public', title: req.t('accounts:login.title'), ...state });
}

function renderFirstAdminForm(req: Request, res: Response, status: number, state: FormState): void {
  res.status(status).render('accounts/first-admin', { layout: 'public', title: req.t('accounts:setup.title'), ...state });
}

function fieldErrorsOf(error: ValidationError): FieldErrors {
  return Object.fromEntries(error.details.map((problem) => [problem.field || 'form', problem.reason]));
}

/** Runs the password strategy; resolves with the staff user, or null for any failure. */
function checkPassword(req: Request, res: Response, passport: StaffPassport): Promise<StaffUser | null> {
  return new Promise((resolve, reject) => {
    const authenticate = passport.authenticate(passwordStrategy, { session: false }, (error: unknown, staff: StaffUser | false) => {
      if (error) reject(error);
      else resolve(staff || null);
    }) as (req: Request, res: Response, next: (error?: unknown) => void) => void;
    authenticate(req, res, reject);
  });
}

/** Starts the session; passport regenerates the session id first, so an id planted before sign-in is useless. */
function signIn(req: Request, staff: StaffUser): Promise<void> {
  return new Promise((resolve, reject) => req.login(staff, (error: unknown) => (error ? reject(error) : resolve())));
}
