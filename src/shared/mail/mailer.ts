/**
 * Sends e-mail: through SMTP (nodemailer, pooled) when `SMTP_URL` is set, otherwise into the
 * stored outbox. Callers give a stable Message-ID per logical message so that a retry after a
 * crash is recognisable (the outbox stores it once; receiving servers can de-duplicate on it).
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Connection } from 'mongoose';
import { MailDeliveryError } from './errors';
import { outboxModel } from './outbox.model';

export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  category: string;
  refs?: Record<string, string>;
  /** `<id@host>`; generated when absent. */
  messageId?: string;
}

export interface SentMail {
  messageId: string;
  /** `smtp` when handed to the SMTP server, `outbox` when stored instead. */
  via: 'smtp' | 'outbox';
}

export interface Mailer {
  /** `outbox` means nothing is delivered: the UI shows a notice. */
  readonly mode: 'smtp' | 'outbox';
  readonly from: string;
  /** Hands one message over; throws MailDeliveryError (with `permanent`) on failure. */
  send(mail: OutgoingMail): Promise<SentMail>;
  close(): void;
}

export interface MailerOptions {
  connection: Connection;
  from: string;
  smtpUrl?: string;
  /** SMTP socket timeouts in ms (a stalled server must not hold a send job forever). */
  timeoutMs?: number;
}

export function createMailer(options: MailerOptions): Mailer {
  return options.smtpUrl ? smtpMailer(options.smtpUrl, options) : outboxMailer(options);
}

function smtpMailer(smtpUrl: string, options: MailerOptions): Mailer {
  const timeout = options.timeoutMs ?? 30_000;
  const transport: Transporter = nodemailer.createTransport({
    ...smtpServerOf(smtpUrl),
    pool: true,
    maxConnections: 4,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    getSocket: noDelaySocket,
  } as nodemailer.TransportOptions);
  const domain = new URL(smtpUrl).hostname || 'localhost';
  return {
    mode: 'smtp',
    from: options.from,
    async send(mail) {
      const messageId = mail.messageId ?? newMessageId(domain);
      try {
        await transport.sendMail({
          from: options.from,
          to: mail.to,
          subject: mail.subject,
          html: mail.html,
          text: mail.text,
          headers: mail.headers,
          messageId,
        });
      } catch (error) {
        throw MailDeliveryError.from(error);
      }
      return { messageId, via: 'smtp' };
    },
    close: () => transport.close(),
  };
}

function outboxMailer(options: MailerOptions): Mailer {
  const outbox = outboxModel(options.connection);
  return {
    mode: 'outbox',
    from: options.from,
    async send(mail) {
      const messageId = mail.messageId ?? newMessageId('localhost');
      await outbox.updateOne(
        { messageId },
        {
          $setOnInsert: {
            messageId,
            from: options.from,
            to: mail.to,
            subject: mail.subject,
            html: mail.html,
            text: mail.text,
            headers: mail.headers ?? {},
            category: mail.category,
            refs: mail.refs ?? {},
            createdAt: new Date(),
          },
        },
        { upsert: true },
      );
      return { messageId, via: 'outbox' };
    },
    close: () => undefined,
  };
}

/** smtp://user:pass@host:port → nodemailer's options (its own `url` option bypasses pooling). */
function smtpServerOf(smtpUrl: string) {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
  };
}

/**
 * SMTP is a conversation of small writes; with Nagle's algorithm on, the final "." of each
 * message waits for the server's delayed ACK (~40 ms), capping a connection near 25 messages/s.
 * nodemailer has no switch for it, but lets us hand it the socket.
 */
function noDelaySocket(options: { host?: string; port?: number }, callback: (error: Error | null, result?: { connection: net.Socket }) => void): void {
  // A plain socket even for smtps://: nodemailer upgrades a given connection to TLS itself.
  const socket = net.connect(options.port ?? 587, options.host ?? 'localhost');
  socket.setNoDelay(true);
  const fail = (error: Error) => callback(error);
  socket.once('error', fail);
  socket.once('connect', () => {
    socket.off('error', fail);
    callback(null, { connection: socket });
  });
}

/** A Message-ID for a message; pass a stable `key` to get the same id on every retry. */
export function newMessageId(domain: string, key: string = randomUUID()): string {
  return `<${key}@${domain}>`;
}
