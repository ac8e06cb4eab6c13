import express from 'express';
import mongoose from 'mongoose';
import { z } from 'zod';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
  createErrorHandler,
  notFoundHandler,
  toAppError,
  toErrorBody,
} from '../../src/shared/errors';
import { createLogger } from '../../src/shared/logging';
import { viewsDir } from '../../src/shared/paths';
import { createViewEngine } from '../../src/shared/views/engine';
import { listenOnFreePort, type ListeningApp } from '../helpers/http';

describe('toAppError', () => {
  it('when an operational AppError is thrown, then it is kept as it is', () => {
    const error = new ConflictError('Email already used.', { field: 'email' });

    expect(toAppError(error)).toBe(error);
    expect(toErrorBody(error)).toEqual({ error: { code: 'conflict', message: 'Email already used.', details: { field: 'email' } } });
  });

  it('when the subclasses are created, then each carries its status and code', () => {
    const cases: Array<[AppError, number, string]> = [
      [new NotFoundError(), 404, 'not_found'],
      [new ValidationError([]), 400, 'validation_failed'],
      [new UnauthorizedError(), 401, 'unauthorized'],
      [new ForbiddenError(), 403, 'forbidden'],
      [new ConflictError(), 409, 'conflict'],
    ];
    for (const [error, status, code] of cases) {
      expect([error.httpStatus, error.code, error.isOperational]).toEqual([status, code, true]);
    }
  });

  it('when the database driver cannot reach the server, then it becomes a 503 that says to try again', () => {
    const unreachable = [
      new mongoose.mongo.MongoNetworkError('connect ECONNREFUSED 127.0.0.1:27017'),
      new mongoose.mongo.MongoServerSelectionError('Server selection timed out after 10000 ms', { type: 'Unknown', servers: new Map() } as never),
      new mongoose.Error.MongooseServerSelectionError('Could not connect to any servers'),
    ];

    for (const error of unreachable) {
      expect([toAppError(error).httpStatus, toAppError(error).code]).toEqual([503, 'database_unavailable']);
    }
    expect(toAppError(new mongoose.mongo.MongoServerError({ message: 'E11000 duplicate key', code: 11000 })).httpStatus).toBe(500);
  });

  it('when a zod error is thrown, then it becomes a 400 listing each field and reason', () => {
    const schema = z.object({ contact: z.object({ email: z.email() }), age: z.number() });
    const result = schema.safeParse({ contact: { email: 'nope' }, age: 'old' });

    const error = toAppError(result.error);

    expect(error.httpStatus).toBe(400);
    expect(error.code).toBe('validation_failed');
    expect(error.details).toEqual([
      { field: 'contact.email', reason: expect.stringMatching(/email/i) },
      { field: 'age', reason: expect.stringMatching(/expected number/) },
    ]);
  });

  it('when the JSON body cannot be parsed, then it is a 400', () => {
    const parseError = Object.assign(new SyntaxError('Unexpected token'), { type: 'entity.parse.failed', status: 400, expose: true });

    expect(toAppError(parseError)).toMatchObject({ httpStatus: 400, code: 'malformed_body' });
  });

  it('when the body is too large, then it is a 413', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413, expose: true });

    expect(toAppError(tooLarge)).toMatchObject({ httpStatus: 413, code: 'payload_too_large' });
  });

  it('when an unexpected error is thrown, then a generic 500 hides its message', () => {
    const error = toAppError(new TypeError('cannot read properties of undefined (reading "secret")'));

    expect(error).toMatchObject({ httpStatus: 500, code: 'internal_error', isOperational: false });
    expect(error.message).not.toContain('secret');
  });

  it('when a programmer marks an AppError as not operational, then its message is hidden too', () => {
    const error = toAppError(new AppError('db_corrupt', 'index on customers.email is broken', { isOperational: false }));

    expect(error).toMatchObject({ httpStatus: 500, code: 'internal_error' });
  });
});

describe('the central error handler over HTTP', () => {
  let server: ListeningApp;
  const logged: string[] = [];

  beforeAll(async () => {
    const logger = createLogger({ level: 'error', destination: { write: (line: string) => void logged.push(line) } });
    const app = express();
    app.engine('hbs', createViewEngine().engine);
    app.set('view engine', 'hbs');
    app.set('views', viewsDir);
    app.get('/boom', () => {
      throw new Error('database password is hunter2');
    });
    app.get('/api/forbidden', () => {
      throw new ForbiddenError();
    });
    app.get('/api/async-validation', async () => {
      z.object({ name: z.string() }).parse({});
    });
    app.use(notFoundHandler);
    app.use(createErrorHandler(logger));
    server = await listenOnFreePort(app);
  });

  afterAll(() => server.close());

  it('when a route crashes and a browser asks, then an HTML 500 page without details is sent and the error is logged', async () => {
    const response = await fetch(`${server.url}/boom`, { headers: { accept: 'text/html' } });
    const html = await response.text();

    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(html).toContain('Something went wrong');
    expect(html).not.toContain('hunter2');
    expect(html).not.toMatch(/at .*\.ts:\d+/);
    expect(logged.join('')).toContain('hunter2');
  });

  it('when a route crashes and the client wants JSON, then the JSON error has no stack', async () => {
    const response = await fetch(`${server.url}/boom`, { headers: { accept: 'application/json' } });
    const body = await response.json();

    expect(response.status).toBe(500);
    expect(body).toEqual({ error: { code: 'internal_error', message: expect.any(String), details: null } });
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });

  it('when an /api route throws an AppError, then JSON is sent even to a browser', async () => {
    const response = await fetch(`${server.url}/api/forbidden`, { headers: { accept: 'text/html' } });

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: 'forbidden', message: 'You do not have permission to do this.', details: null } });
  });

  it('when an async route fails zod validation, then a 400 lists the fields', async () => {
    const response = await fetch(`${server.url}/api/async-validation`);

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'validation_failed', message: expect.any(String), details: [{ field: 'name', reason: expect.any(String) }] },
    });
  });
});
