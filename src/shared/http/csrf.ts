/**
 * CSRF protection with the synchronizer-token pattern (csrf-sync): each session holds a secret
 * token; every state-changing request must send it back, in the form field `_csrf` (see the
 * `csrf-field` partial) or the `X-CSRF-Token` header. Templates read it as `{{csrfToken}}`, a
 * function Handlebars calls only where it is used: pages without a form create no session.
 *
 * Not checked: `/api/v1` (API keys, no cookies involved), and JSON requests to the job
 * dashboard (its own script sends JSON, which another site cannot send without a CORS
 * preflight we never grant). Multipart uploads are read after this check, so they carry the
 * token in the `X-CSRF-Token` header or as `?_csrf=` on the form's action.
 */
import type { Request, RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import { AppError } from '../errors';
import { wantsJson } from './wants-json';

export const csrfFieldName = '_csrf';

export function csrfProtection(): RequestHandler {
  const { generateToken, isRequestValid } = csrfSync({ getTokenFromRequest: tokenSentWith });
  return (req, res, next) => {
    res.locals.csrfToken = () => generateToken(req);
    if (safeMethods.has(req.method) || isExempt(req) || isRequestValid(req)) {
      next();
      return;
    }
    const message = wantsJson(req) ? 'The form or request has no valid CSRF token; reload the page and try again.' : req.t('common:error.csrf');
    next(new AppError('csrf_failed', message, { httpStatus: 403 }));
  };
}

// ---------------------------------------------------------------------------------------------

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

function tokenSentWith(req: Request): string | undefined {
  const fromBody = (req.body as Record<string, unknown> | undefined)?.[csrfFieldName];
  if (typeof fromBody === 'string') return fromBody;
  const fromHeader = req.get('x-csrf-token');
  if (fromHeader) return fromHeader;
  const fromQuery = req.query[csrfFieldName];
  return req.is('multipart/form-data') && typeof fromQuery === 'string' ? fromQuery : undefined;
}

function isExempt(req: Request): boolean {
  if (req.path === '/api/v1' || req.path.startsWith('/api/v1/')) return true;
  return req.path.startsWith('/admin/jobs/') && req.is('application/json') === 'application/json';
}
