/**
 * The application's error type. Code that knows what went wrong throws an `AppError` (or one of
 * the subclasses in `http-errors.ts`); the central error handler turns it into a response.
 */
export interface AppErrorOptions {
  /** HTTP status the error maps to; 500 when omitted. */
  httpStatus?: number;
  /**
   * True for expected failures (bad input, missing record) that are handled by answering the
   * client; false for bugs, which are logged in full and answered with a generic message.
   */
  isOperational?: boolean;
  /** Machine-readable extra information shown to the client (e.g. which fields were invalid). */
  details?: unknown;
  cause?: unknown;
}

export class AppError extends Error {
  override readonly name: string = 'AppError';
  /** Stable machine-readable identifier, e.g. `not_found`, `validation_failed`. */
  readonly code: string;
  readonly httpStatus: number;
  readonly isOperational: boolean;
  readonly details: unknown;

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.httpStatus = options.httpStatus ?? 500;
    this.isOperational = options.isOperational ?? true;
    this.details = options.details;
  }
}
