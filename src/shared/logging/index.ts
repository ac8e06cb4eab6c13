export { createLogger, type Logger } from './logger';
export { createHttpLogger, requestIdHeader } from './http-logger';
