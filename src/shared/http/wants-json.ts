import type { Request } from 'express';

/** Same rule as the error handler: `/api` paths, and clients that prefer JSON to HTML, get JSON. */
export function wantsJson(req: Request): boolean {
  // Mounted in a host at, say, /churn: our /api is /churn/api.
  const base = (req.res?.locals.base as string | undefined) ?? '';
  const fullPath = req.originalUrl.split('?')[0];
  const path = base && fullPath.startsWith(`${base}/`) ? fullPath.slice(base.length) : fullPath;
  return path === '/api' || path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json';
}
