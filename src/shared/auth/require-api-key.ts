/**
 * API-key authentication for `/api/v1`. A key is sent as `Authorization: Bearer <token>` or
 * `X-API-Key: <token>`. `apiKeyAuthentication` (mounted once on `/api/v1`) looks the key up;
 * `requireApiKey(scope)` on a route then answers 401 for a missing, unknown or revoked key and
 * 403 when the key lacks the scope.
 *
 * Not passport-http-bearer: it also accepts `?access_token=` in the URL, and URLs end up in logs.
 */
import type { Request, RequestHandler } from 'express';
import { AppError, ForbiddenError, UnauthorizedError } from '../errors';
import type { ApiClient, ApiScope } from './api-scopes';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own extension point
  namespace Express {
    interface Request {
      /** Set by apiKeyAuthentication: the accepted key's client, or null when none was accepted. */
      apiClient?: ApiClient | null;
    }
  }
}

/** Finds the client of a presented token; null for unknown or revoked keys. */
export type ApiKeyResolver = (token: string) => Promise<ApiClient | null>;

export function apiKeyAuthentication(resolve: ApiKeyResolver): RequestHandler {
  return async (req, _res, next) => {
    const token = presentedToken(req);
    req.apiClient = token === undefined ? null : await resolve(token);
    next();
  };
}

/** Requires an accepted API key; with a scope, one that grants it. */
export function requireApiKey(scope?: ApiScope): RequestHandler {
  return (req, _res, next) => {
    if (req.apiClient === undefined) {
      throw new AppError('api_key_check_missing', 'requireApiKey is used on a path where apiKeyAuthentication is not mounted', { isOperational: false });
    }
    if (req.apiClient === null) {
      throw new UnauthorizedError('Send a valid API key as "Authorization: Bearer <key>" or "X-API-Key: <key>".');
    }
    if (scope !== undefined && !req.apiClient.scopes.includes(scope)) {
      throw new ForbiddenError(`This API key does not have the scope ${scope}.`);
    }
    next();
  };
}

function presentedToken(req: Request): string | undefined {
  const authorization = req.get('authorization');
  const bearer = authorization === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  const token = bearer ?? req.get('x-api-key')?.trim();
  return token === '' ? undefined : token;
}
