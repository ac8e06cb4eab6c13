/**
 * `requireStaff(...roles)`: lets a request through when a staff member is signed in and has one
 * of the roles (any role when none are listed). Otherwise: not signed in → browsers are sent to
 * the sign-in page (and back afterwards), JSON clients get 401; wrong role → 403.
 */
import type { Request, RequestHandler } from 'express';
import { ForbiddenError, UnauthorizedError } from '../errors';
import { wantsJson } from '../http/wants-json';
import type { StaffRole } from './staff-user';

export function requireStaff(...roles: StaffRole[]): RequestHandler {
  return (req, res, next) => {
    const staff = req.user;
    if (!staff) {
      if (wantsJson(req)) throw new UnauthorizedError();
      res.redirect(303, signInPathFor(req));
      return;
    }
    if (roles.length > 0 && !roles.includes(staff.role)) {
      throw wantsJson(req) ? new ForbiddenError() : new ForbiddenError(req.t('common:error.forbidden'));
    }
    next();
  };
}

/** After signing in, a GET comes back to where it was; a form post cannot be replayed, so it starts over. */
function signInPathFor(req: Request): string {
  return req.method === 'GET' ? `/login?returnTo=${encodeURIComponent(req.originalUrl)}` : '/login';
}
