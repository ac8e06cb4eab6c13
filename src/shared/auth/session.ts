/**
 * Staff sessions: express-session with the sessions stored in the app's own database
 * (connect-mongo on the mongoose connection's client). MongoDB's TTL index removes expired
 * sessions; the cookie is httpOnly, SameSite=Lax, and Secure behind TLS.
 */
import type { RequestHandler } from 'express';
import session from 'express-session';
import { MongoStore } from 'connect-mongo';
import type { Connection } from 'mongoose';
import type { Logger } from '../logging';

export const sessionCookieName = 'churn.sid';

declare module 'express-session' {
  interface SessionData {
    /** A one-line message for the next page (e.g. "User disabled"), as a translation key. */
    notice?: { key: string; values?: Record<string, string> };
  }
}

export interface StaffSessionOptions {
  connection: Connection;
  logger: Logger;
  secret: string;
  ttlHours: number;
  secureCookies: boolean;
}

export function staffSessions({ connection, logger, secret, ttlHours, secureCookies }: StaffSessionOptions): RequestHandler {
  const ttlSeconds = ttlHours * 3600;
  const store = MongoStore.create({
    client: connection.getClient(),
    dbName: connection.name,
    collectionName: 'sessions',
    ttl: ttlSeconds,
    autoRemove: 'native',
    // An active user's session expiry is pushed back at most every 5 minutes, not on every click.
    touchAfter: 300,
  });
  store.collectionP.catch((error: unknown) => logger.error({ err: error }, 'the session store could not prepare its collection'));

  return session({
    name: sessionCookieName,
    secret,
    store,
    resave: false,
    // No session (and no cookie) until something is stored: probes and API calls stay stateless.
    saveUninitialized: false,
    // Each response renews the cookie, so a session ends after ttlHours without activity.
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: secureCookies, maxAge: ttlSeconds * 1000, path: '/' },
  });
}
