/**
 * The common kinds of `AppError`, each with its HTTP status and default code.
 */
import type { ZodError } from 'zod';
import { AppError } from './app-error';

export class NotFoundError extends AppError {
  override readonly name = 'NotFoundError';
  constructor(message = 'The page or record was not found.', details?: unknown) {
    super('not_found', message, { httpStatus: 404, details });
  }
}

/** One invalid input field: `field` is a dotted path (`contact.email`), empty for the whole input. */
export interface FieldProblem {
  field: string;
  reason: string;
}

export class ValidationError extends AppError {
  override readonly name = 'ValidationError';
  declare readonly details: FieldProblem[];
  constructor(problems: FieldProblem[], message = 'Some of the input is not valid.') {
    super('validation_failed', message, { httpStatus: 400, details: problems });
  }

  /** Lists every zod issue as a `{field, reason}` pair. */
  static fromZod(error: ZodError): ValidationError {
    return new ValidationError(
      error.issues.map((issue) => ({ field: issue.path.map(String).join('.'), reason: issue.message })),
    );
  }
}

export class UnauthorizedError extends AppError {
  override readonly name = 'UnauthorizedError';
  constructor(message = 'Please sign in to continue.') {
    super('unauthorized', message, { httpStatus: 401 });
  }
}

export class ForbiddenError extends AppError {
  override readonly name = 'ForbiddenError';
  constructor(message = 'You do not have permission to do this.') {
    super('forbidden', message, { httpStatus: 403 });
  }
}

export class ConflictError extends AppError {
  override readonly name = 'ConflictError';
  constructor(message = 'This conflicts with the current state of the record.', details?: unknown) {
    super('conflict', message, { httpStatus: 409, details });
  }
}

/** The database cannot be reached for the moment (an outage, a restart): the client may retry. */
export class DatabaseUnavailableError extends AppError {
  override readonly name = 'DatabaseUnavailableError';
  constructor(cause?: unknown) {
    super('database_unavailable', 'The database cannot be reached at the moment. Please try again shortly.', { httpStatus: 503, cause });
  }
}
