/** Which failures mean "the database cannot be reached right now" (503) rather than a bug (500). */
import mongoose from 'mongoose';
import { isDatabaseUnavailable } from '../../src/shared/db/unavailable';
import { toAppError } from '../../src/shared/errors/error-handler';

function socketError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

test.each([
  ['a driver network error', new mongoose.mongo.MongoNetworkError('connection closed')],
  ['a server selection timeout', new mongoose.mongo.MongoServerSelectionError('connect ECONNREFUSED 127.0.0.1:1', {} as never)],
  ['a write to a socket the database closed (unwrapped by the driver)', socketError('This socket has been ended by the other party', 'EPIPE')],
  ['a connection reset', socketError('read ECONNRESET', 'ECONNRESET')],
  ['a network error kept as the cause', new Error('bulk write failed', { cause: new mongoose.mongo.MongoNetworkError('gone') })],
])('when the failure is %s, then it counts as the database being unavailable (503)', (_, error) => {
  expect(isDatabaseUnavailable(error)).toBe(true);
  expect(toAppError(error)).toMatchObject({ httpStatus: 503, code: 'database_unavailable' });
});

test.each([
  ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
  ['a duplicate key', Object.assign(new Error('E11000 duplicate key'), { code: 11000 })],
  ['a file that is missing', socketError('no such file', 'ENOENT')],
])('when the failure is %s, then it is not taken for an outage', (_, error) => {
  expect(isDatabaseUnavailable(error)).toBe(false);
});
