/**
 * The stored churn-cause taxonomy: one document per cause. Seeded from DOMAIN.md; admins rename,
 * add and retire causes. A retired cause stays here so old records keep their label.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { countWrites } from '../../shared/db/write-counter';

export type Recoverability = 'yes' | 'no' | 'sometimes' | 'unknown';

export interface Bilingual {
  en: string;
  'zh-CN': string;
}

export interface StoredCause {
  code: string;
  labels: Bilingual;
  description: Bilingual;
  recoverable: Recoverability;
  winBackLever: Bilingual;
  /** Retired causes are no longer offered or predicted, but old records still show them. */
  retired: boolean;
  /** Seeded from the default taxonomy (as opposed to added by an admin). */
  builtIn: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const bilingualSchema = new Schema<Bilingual>({ en: { type: String, required: true }, 'zh-CN': { type: String, required: true } }, { _id: false });

const causeSchema = new Schema<StoredCause>(
  {
    code: { type: String, required: true, unique: true },
    labels: { type: bilingualSchema, required: true },
    description: { type: bilingualSchema, required: true },
    recoverable: { type: String, required: true, enum: ['yes', 'no', 'sometimes', 'unknown'] },
    winBackLever: { type: bilingualSchema, required: true },
    retired: { type: Boolean, required: true, default: false },
    builtIn: { type: Boolean, required: true, default: false },
  },
  { collection: 'churnCauses', versionKey: false, timestamps: true },
);

// The active classifier is cached; a retired or restored cause must reach it at once.
countWrites(causeSchema, 'ChurnCause');

export function causeModel(connection: Connection): Model<StoredCause> {
  return (connection.models.ChurnCause as Model<StoredCause> | undefined) ?? connection.model<StoredCause>('ChurnCause', causeSchema);
}
