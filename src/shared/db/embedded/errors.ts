/** Errors shaped like mongod's, so the driver and mongoose classify them the usual way. */
import type { Document } from 'bson';

export class CommandError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly extra: Document = {},
  ) {
    super(message);
  }

  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}

export class DuplicateKeyError extends CommandError {
  constructor(namespace: string, indexName: string, keyPattern: Document, keyValue: Document) {
    const shown = Object.entries(keyValue)
      .map(([field, value]) => `${field}: ${JSON.stringify(value) ?? 'null'}`)
      .join(', ');
    super(11000, 'DuplicateKey', `E11000 duplicate key error collection: ${namespace} index: ${indexName} dup key: { ${shown} }`, {
      keyPattern,
      keyValue,
    });
  }
}

export const badValue = (message: string) => new CommandError(2, 'BadValue', message);
export const failedToParse = (message: string) => new CommandError(9, 'FailedToParse', message);
export const namespaceNotFound = (ns: string) => new CommandError(26, 'NamespaceNotFound', `ns does not exist: ${ns}`);
export const namespaceExists = (ns: string) => new CommandError(48, 'NamespaceExists', `Collection ${ns} already exists.`);
export const indexNotFound = (name: string) => new CommandError(27, 'IndexNotFound', `index not found with name [${name}]`);
export const cursorNotFound = (id: number) => new CommandError(43, 'CursorNotFound', `cursor id ${id} not found`);
export const immutableField = () =>
  new CommandError(66, 'ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
export const commandNotFound = (name: string) => new CommandError(59, 'CommandNotFound', `no such command: '${name}'`);
export const notSupported = (what: string) =>
  new CommandError(115, 'CommandNotSupported', `${what} is not supported by the embedded database; use a real MongoDB (MONGODB_URI)`);

/** Mingo and our own code throw plain Errors for bad operators; map them to a parse error. */
export function toCommandError(error: unknown): CommandError {
  if (error instanceof CommandError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return failedToParse(message);
}
