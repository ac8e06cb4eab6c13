/**
 * API keys for host CRMs and integrations. A key's token is `cwb_` and 43 random characters;
 * it is returned once by `createApiKey` and only its SHA-256 hash is stored, so a leaked
 * database does not leak usable keys. Keys are revoked, never deleted, to keep their history.
 */
import { createHash, randomBytes } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import type { ApiClient, ApiScope } from '../../shared/auth/api-scopes';
import { NotFoundError, ValidationError } from '../../shared/errors';
import { newApiKeySchema, recordId } from './accounts.schemas';
import { apiKeyModel, type ApiKey } from './api-key.model';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Makes a key; the token in the result is the only time it can be read. */
export async function createApiKey(
  connection: Connection,
  input: { name: string; scopes: readonly ApiScope[]; createdBy?: string },
): Promise<{ id: string; token: string }> {
  const parsed = newApiKeySchema.safeParse({ name: input.name, scopes: [...input.scopes] });
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const token = `${tokenPrefix}${randomBytes(32).toString('base64url')}`;
  const keys = apiKeyModel(connection);
  await keys.init();
  const created = await keys.create({
    name: parsed.data.name,
    scopes: [...new Set(parsed.data.scopes)],
    prefix: token.slice(0, tokenPrefix.length + 8),
    tokenHash: hashOf(token),
    createdBy: input.createdBy ?? null,
  });
  return { id: created._id.toHexString(), token };
}

/** Revokes a key at once: the next request with it gets 401. Revoking twice changes nothing. */
export async function revokeApiKey(connection: Connection, keyId: string, revokedBy?: string): Promise<void> {
  const key = recordId.safeParse(keyId).success ? await apiKeyModel(connection).findById(keyId).lean<ApiKey>().exec() : null;
  if (!key) throw new NotFoundError('No such API key.');
  if (key.revokedAt) return;
  await apiKeyModel(connection).updateOne({ _id: keyId }, { $set: { revokedAt: new Date(), revokedBy: revokedBy ?? null } });
}

/** Every key, newest first, revoked ones included. */
export async function listApiKeys(connection: Connection): Promise<ApiKeyView[]> {
  const keys = await apiKeyModel(connection).find({}).sort({ createdAt: -1 }).lean<ApiKey[]>().exec();
  return keys.map((key) => ({
    id: key._id.toHexString(),
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt,
    revokedAt: key.revokedAt,
  }));
}

/** The client a presented token belongs to, or null for unknown or revoked keys. Notes when it was used. */
export async function authenticateApiKey(connection: Connection, token: string, now: Date = new Date()): Promise<ApiClient | null> {
  if (!tokenShape.test(token)) return null;
  const keys = apiKeyModel(connection);
  const key = await keys.findOne({ tokenHash: hashOf(token) }).lean<ApiKey>().exec();
  if (!key || key.revokedAt) return null;
  // One write a minute per key is enough for "last used", and keeps busy integrations cheap.
  const aMinuteAgo = new Date(now.getTime() - 60_000);
  // sanitizeFilter checks nested operators too, so each one is marked trusted (no user input in it).
  const notUsedInTheLastMinute = mongoose.trusted({ _id: key._id, $or: [{ lastUsedAt: null }, { lastUsedAt: mongoose.trusted({ $lt: aMinuteAgo }) }] });
  await keys.updateOne(notUsedInTheLastMinute, { $set: { lastUsedAt: now } });
  return { keyId: key._id.toHexString(), name: key.name, scopes: key.scopes };
}

const tokenPrefix = 'cwb_';
const tokenShape = /^cwb_[A-Za-z0-9_-]{43}$/;

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
