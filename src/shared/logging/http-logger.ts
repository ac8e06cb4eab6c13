/**
 * Request logging with a request id on every line: an incoming `x-request-id` is honoured
 * (so a proxy's id follows the request through), otherwise a random UUID is made.
 * The id is echoed in the response header so a user can quote it when reporting a problem.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Logger } from './logger';

export const requestIdHeader = 'x-request-id';

/** Ids from outside are trusted only when short and plain, so they cannot forge log lines. */
const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** Load balancers poll these constantly; logging each poll would drown everything else. */
const quietPaths = new Set(['/healthz', '/readyz']);

export function createHttpLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: assignRequestId,
    customLogLevel: (_req, res, error) => {
      if (error || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return 'info';
    },
    autoLogging: { ignore: (req) => quietPaths.has(req.url ?? '') },
    // One short line per request: headers (cookies, security headers) would only add noise.
    serializers: {
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}

function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers[requestIdHeader];
  const id = typeof incoming === 'string' && acceptableRequestId.test(incoming) ? incoming : randomUUID();
  res.setHeader(requestIdHeader, id);
  return id;
}
