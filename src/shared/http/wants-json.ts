import type { Request } from 'express';

/** Same rule as the error handler: `/api` paths, and clients that prefer JSON to HTML, get JSON. */
export function wantsJson(req: Request): boolean {
  const path = req.originalUrl.split('?')[0];
  return path === '/api' || path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json';
}
