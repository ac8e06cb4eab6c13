export { AppError, type AppErrorOptions } from './app-error';
export { NotFoundError, ValidationError, UnauthorizedError, ForbiddenError, ConflictError, DatabaseUnavailableError, type FieldProblem } from './http-errors';
export { createErrorHandler, notFoundHandler, toAppError, toErrorBody, type ErrorBody } from './error-handler';
