/**
 * An API key for a host CRM or integration. Only a SHA-256 hash of the token is stored (the
 * token itself is shown once, when the key is made), with a short prefix to recognise it by.
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { apiScopes, type ApiScope } from '../../shared/auth/api-scopes';

export interface ApiKey {
  _id: Types.ObjectId;
  name: string;
  /** The token's first characters, e.g. `cwb_Ab3dE9xZ`, for telling keys apart. */
  prefix: string;
  /** Hex SHA-256 of the whole token; unique. */
  tokenHash: string;
  scopes: ApiScope[];
  createdBy: Types.ObjectId | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revokedBy: Types.ObjectId | null;
}

const apiKeySchema = new Schema<ApiKey>(
  {
    name: { type: String, required: true, trim: true },
    prefix: { type: String, required: true },
    tokenHash: { type: String, required: true, unique: true },
    scopes: { type: [{ type: String, enum: apiScopes }], required: true },
    createdBy: { type: Schema.Types.ObjectId, default: null },
    createdAt: { type: Date, required: true, default: () => new Date() },
    lastUsedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
    revokedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { collection: 'apiKeys', versionKey: false },
);

export function apiKeyModel(connection: Connection): Model<ApiKey> {
  return (connection.models.ApiKey as Model<ApiKey> | undefined) ?? connection.model<ApiKey>('ApiKey', apiKeySchema);
}
