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
  const wire = new MessagesOnTheWire();
  const transport: Transporter = nodemailer.createTransport({
    ...smtpServerOf(smtpUrl),
    pool: true,
    maxConnections: 4,
    // A connection closed before the greeting puts the message back in the pool's queue; without
    // a limit, a server that closes every connection at once held the send forever.
    maxRequeues: 2,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    getSocket: (socketOptions: SocketOptions, callback: SocketCallback) => noDelaySocket(socketOptions, callback, (socket) => wire.observe(socket)),
  } as nodemailer.TransportOptions);
  const domain = new URL(smtpUrl).hostname || 'localhost';
  return {
    mode: 'smtp',
    from: options.from,
    async send(mail) {
      const messageId = mail.messageId ?? newMessageId(domain);
      const handOver = wire.watch(messageId);
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
        throw MailDeliveryError.from(error, { messageWritten: handOver.seen() });
      } finally {
        handOver.done();
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

export type SocketOptions = { host?: string; port?: number };
export type SocketCallback = (error: Error | null, result?: { connection: net.Socket }) => void;

/**
 * SMTP is a conversation of small writes; with Nagle's algorithm on, the final "." of each
 * message waits for the server's delayed ACK (~40 ms), capping a connection near 25 messages/s.
 * nodemailer has no switch for it, but lets us hand it the socket — which also lets us see
 * which messages reached the wire (see MessagesOnTheWire).
 */
export function noDelaySocket(options: SocketOptions, callback: SocketCallback, observe: (socket: net.Socket) => void = () => undefined): void {
  // A plain socket even for smtps://: nodemailer upgrades a given connection to TLS itself.
  const socket = net.connect(options.port ?? 587, options.host ?? 'localhost');
  socket.setNoDelay(true);
  observe(socket);
  const fail = (error: Error) => callback(error);
  socket.once('error', fail);
  socket.once('connect', () => {
    socket.off('error', fail);
    callback(null, { connection: socket });
  });
}

/**
 * Which messages being sent have had their content written to a connection. nodemailer tags a
 * timeout or a closed connection with the same stage ("CONN") whether it happened before the
 * message or after its last byte, when the server may already have accepted it. A message
 * whose Message-ID header went out may have been accepted; one whose header never left was not.
 */
class MessagesOnTheWire {
  private readonly watched = new Map<string, boolean>();

  watch(messageId: string): { seen(): boolean; done(): void } {
    this.watched.set(messageId, false);
    return { seen: () => this.watched.get(messageId) === true, done: () => this.watched.delete(messageId) };
  }

  observe(socket: net.Socket): void {
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    // The tail of the previous chunk, so a header split across two writes is still found.
    let tail = '';
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (this.watched.size > 0) {
        const text = tail + (typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('latin1') : '');
        for (const [messageId, seen] of this.watched) if (!seen && text.includes(messageId)) this.watched.set(messageId, true);
        tail = text.slice(-256);
      }
      return write(chunk, ...rest);
    }) as typeof socket.write;
  }
}

/** A Message-ID for a message; pass a stable `key` to get the same id on every retry. */
export function newMessageId(domain: string, key: string = randomUUID()): string {
  return `<${key}@${domain}>`;
}
