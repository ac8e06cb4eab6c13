/**
 * A user who signed in with a temporary password (set by an admin) may only choose a new one,
 * change the language, or sign out, until they have chosen their own password.
 */
import type { RequestHandler } from 'express';
import { ForbiddenError } from '../../shared/errors';
import { wantsJson } from '../../shared/http/wants-json';

const stillAllowed = /^\/(account(\/.*)?|logout)$/;

export function passwordChangeGate(): RequestHandler {
  return (req, res, next) => {
    if (!req.user?.mustChangePassword || stillAllowed.test(req.path)) return next();
    if (req.method === 'GET' && !wantsJson(req)) return res.redirect(303, '/account');
    throw new ForbiddenError(wantsJson(req) ? 'Choose a new password first (your current one is temporary).' : req.t('accounts:account.mustChangePassword'));
  };
}
