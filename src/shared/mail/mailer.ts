/**
 * Sends e-mail: through SMTP (nodemailer, pooled) when `SMTP_URL` is set, otherwise into the
 * stored outbox. Callers give a stable Message-ID per logical message so that a retry after a
 * crash is recognisable (the outbox stores it once; receiving servers can de-duplicate on it).
 */
import { randomUUID } from 'node:crypto';
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
    url: smtpUrl,
    pool: true,
    maxConnections: 4,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
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

/** A Message-ID for a message; pass a stable `key` to get the same id on every retry. */
export function newMessageId(domain: string, key: string = randomUUID()): string {
  return `<${key}@${domain}>`;
}
