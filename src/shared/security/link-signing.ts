/**
 * Signed links (campaign click-through, open pixel, campaign unsubscribe): an HMAC-SHA256 of
 * the link's subject with a key kept in the database, so every process signs alike and links
 * keep working across restarts. A tampered or made-up link fails verification.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';

export interface LinkSigner {
  sign(subject: string): string;
  verify(subject: string, signature: unknown): boolean;
}

interface AppSecret {
  _id: string;
  value: string;
  createdAt: Date;
}

const secretSchema = new Schema<AppSecret>({ _id: String, value: { type: String, required: true }, createdAt: { type: Date, required: true } }, { collection: 'app_secrets', versionKey: false });

function secretModel(connection: Connection): Model<AppSecret> {
  return (connection.models.AppSecret as Model<AppSecret> | undefined) ?? connection.model<AppSecret>('AppSecret', secretSchema);
}

const signers = new WeakMap<Connection, Promise<LinkSigner>>();

/** The signer of this database (the key is made once, race-safely, on first use). */
export function linkSigner(connection: Connection): Promise<LinkSigner> {
  let signer = signers.get(connection);
  if (!signer) {
    signer = loadSigner(connection);
    signers.set(connection, signer);
    signer.catch(() => signers.delete(connection));
  }
  return signer;
}

async function loadSigner(connection: Connection): Promise<LinkSigner> {
  const secrets = secretModel(connection);
  await secrets.updateOne({ _id: 'link-signing' }, { $setOnInsert: { value: randomBytes(32).toString('hex'), createdAt: new Date() } }, { upsert: true });
  const stored = await secrets.findById('link-signing').lean<AppSecret>().exec();
  const key = Buffer.from(stored!.value, 'hex');
  const sign = (subject: string) => createHmac('sha256', key).update(subject).digest('base64url').slice(0, 32);
  return {
    sign,
    verify(subject, signature) {
      if (typeof signature !== 'string' || signature.length !== 32) return false;
      return timingSafeEqual(Buffer.from(sign(subject)), Buffer.from(signature));
    },
  };
}
