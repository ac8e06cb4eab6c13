/**
 * A real SMTP server on loopback that keeps what it receives, parsed. Tests read delivered
 * messages from it, and can make it refuse (5xx / 4xx) or stall to exercise retries.
 */
import type { AddressInfo, Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** Raw header values by lower-case name (first occurrence, unfolded). */
  headers: Record<string, string>;
  raw: ParsedMail;
}

export type SinkBehaviour = 'accept' | { refuse: number; message?: string } | { stallMs: number };

export interface SmtpSink {
  url: string;
  port: number;
  messages: ReceivedMail[];
  /** What the next messages meet; `accept` by default. */
  behave(behaviour: SinkBehaviour): void;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  let behaviour: SinkBehaviour = 'accept';
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    // No reverse DNS of the client: this machine has no resolver for it, and each lookup stalls.
    disableReverseLookup: true,
    // Closing waits this long for clients still connected (a pooled mailer a test left open).
    closeTimeout: 500,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const current = behaviour;
        if (typeof current === 'object' && 'refuse' in current) {
          const error = new Error(current.message ?? 'refused by test sink') as Error & { responseCode: number };
          error.responseCode = current.refuse;
          return callback(error);
        }
        if (typeof current === 'object' && 'stallMs' in current) await new Promise((resolve) => setTimeout(resolve, current.stallMs));
        const parsed = await simpleParser(Buffer.concat(chunks));
        messages.push({
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          subject: parsed.subject ?? '',
          text: parsed.text ?? '',
          html: typeof parsed.html === 'string' ? parsed.html : '',
          messageId: parsed.messageId ?? '',
          headers: rawHeaders(parsed),
          raw: parsed,
        });
        callback();
      });
    },
  });
  // A client that dies mid-conversation (the crash tests kill workers) resets its connection:
  // that is the client's problem, not the sink's.
  server.on('error', () => undefined);
  // Replies go out at once (no Nagle delay), like a production MTA's.
  server.server.on('connection', (socket: Socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    behave(next) {
      behaviour = next;
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`SMTP sink: expected ${count} messages, got ${messages.length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function rawHeaders(parsed: ParsedMail): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    if (headers[key] !== undefined) continue;
    headers[key] = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
  }
  return headers;
}
