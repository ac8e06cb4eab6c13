/**
 * The one place where errors become responses.
 *
 * Every route and middleware lets errors propagate (Express 5 forwards rejected promises here).
 * Clients asking for JSON, and everything under `/api`, get `{error:{code,message,details}}`;
 * browsers get an HTML page. Unexpected errors are logged in full and answered with a generic
 * message: stack traces never leave the server.
 */
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { isDatabaseUnavailable } from '../db/unavailable';
import type { Logger } from '../logging';
import { AppError } from './app-error';
import { DatabaseUnavailableError, NotFoundError, ValidationError } from './http-errors';

export interface ErrorBody {
  error: { code: string; message: string; details: unknown };
}

/** Sends every request that no route answered to the error handler as a 404. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`Nothing is found at ${req.originalUrl.split('?')[0]}.`));
};

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    const appError = toAppError(err);
    if (!appError.isOperational || appError.httpStatus >= 500) {
      (req.log ?? logger).error({ err }, 'request failed');
    }
    // Too late for our own response: Express's default handler closes the connection.
    if (res.headersSent) return next(err);

    res.status(appError.httpStatus);
    if (appError instanceof DatabaseUnavailableError) res.set('Retry-After', '5');
    if (wantsJson(req)) {
      res.json(toErrorBody(appError));
      return;
    }
    const view = appError.httpStatus === 404 ? 'errors/not-found' : 'errors/error';
    const page = { layout: 'public', title: pageTitle(appError.httpStatus), status: appError.httpStatus, message: appError.message, requestId: req.id };
    res.render(view, page, (renderError: Error | null, html?: string) => {
      if (renderError) {
        (req.log ?? logger).error({ err: renderError }, 'error page could not be rendered');
        res.type('text/plain').send(`${appError.httpStatus} ${appError.message}`);
        return;
      }
      res.send(html);
    });
  };
}

/** Maps anything thrown to an `AppError`; database outages become 503, unknown errors a generic 500. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) {
    return err.isOperational ? err : hideInternals(err);
  }
  if (err instanceof ZodError) return ValidationError.fromZod(err);

  const bodyParserError = fromBodyParser(err);
  if (bodyParserError) return bodyParserError;

  // Logged in full like any 5xx, but answered as a temporary outage rather than a bug.
  if (isDatabaseUnavailable(err)) return new DatabaseUnavailableError(err);

  return hideInternals(err);
}

export function toErrorBody(error: AppError): ErrorBody {
  return { error: { code: error.code, message: error.message, details: error.details ?? null } };
}

// ---------------------------------------------------------------------------------------------

function hideInternals(cause: unknown): AppError {
  return new AppError('internal_error', 'Something went wrong on our side. Please try again later.', {
    httpStatus: 500,
    isOperational: false,
    cause,
  });
}

/**
 * Errors raised by express.json()/urlencoded() carry a `type` and a 4xx `status`; the router's
 * own for a path parameter it cannot decode (`/customers/%zz`) is a URIError with status 400.
 */
function fromBodyParser(err: unknown): AppError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { type, status, expose, message } = err as { type?: unknown; status?: unknown; expose?: unknown; message?: unknown };
  if (err instanceof URIError && status === 400) {
    return new AppError('malformed_url', 'The address has a malformed %-escape.', { httpStatus: 400 });
  }
  if (type === 'entity.parse.failed') {
    return new AppError('malformed_body', 'The request body could not be parsed; send valid JSON.', { httpStatus: 400 });
  }
  if (type === 'entity.too.large') {
    return new AppError('payload_too_large', 'The request body is too large.', { httpStatus: 413 });
  }
  if (typeof status === 'number' && status >= 400 && status < 500 && expose === true) {
    return new AppError(codeForStatus(status), typeof message === 'string' ? message : 'Bad request.', { httpStatus: status });
  }
  return undefined;
}

function codeForStatus(status: number): string {
  switch (status) {
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    default:
      return 'bad_request';
  }
}

function wantsJson(req: Request): boolean {
  return req.path === '/api' || req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json';
}

function pageTitle(status: number): string {
  if (status === 404) return 'Page not found';
  if (status >= 500) return 'Something went wrong';
  return 'Request not accepted';
}
