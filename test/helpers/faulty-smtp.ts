/**
 * An SMTP server on loopback that misbehaves on request, for the fault tests: it refuses a
 * recipient or a message (4xx temporary, 5xx permanent), drops the connection after taking the
 * message data (the message is lost with the server), answers only after the client has given
 * up (the message is kept: it did arrive), or, for new connections, drops them at once or never
 * greets. What each attempt meets is decided per recipient, so a test can script "fail twice,
 * then accept". It keeps every message it accepted, to count arrivals per recipient.
 */
import type { AddressInfo, Socket } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

export type MessageFault =
  | 'accept'
  /** Refuses with this code, at RCPT TO or after the message data. */
  | { refuse: number; at: 'rcpt' | 'data' }
  /** Takes the message data, then closes the connection without answering; keeps nothing. */
  | { drop: 'after-data' }
  /** Keeps the message but answers only after this delay (longer than the client's timeout). */
  | { answerAfterMs: number };

/** What new connections meet: served, closed at once, or never greeted. */
export type ConnectionFault = 'serve' | 'drop' | 'silent';

export interface ArrivedMessage {
  to: string;
  messageId: string;
  subject: string;
}

export interface FaultySmtp {
  url: string;
  /** Messages the server kept, in order of arrival. */
  arrived: ArrivedMessage[];
  /** Decides what each attempt for a recipient meets; `attempt` counts from 1. */
  plan(decide: (to: string, attempt: number) => MessageFault): void;
  connections(fault: ConnectionFault): void;
  /** How many times a message to this recipient was tried (RCPT TO seen, or a connection lost for it). */
  attemptsFor(to: string): number;
  /** Arrivals per recipient. */
  arrivalsByRecipient(): Map<string, number>;
  close(): Promise<void>;
}

export async function startFaultySmtp(): Promise<FaultySmtp> {
  const arrived: ArrivedMessage[] = [];
  const attempts = new Map<string, number>();
  const sockets = new Map<string, Socket>();
  const pendingFaults = new WeakMap<SMTPServerSession, MessageFault>();
  let decide: (to: string, attempt: number) => MessageFault = () => 'accept';
  let connectionFault: ConnectionFault = 'serve';

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    closeTimeout: 200,
    logger: false,
    onConnect(_session, callback) {
      // Never greeting: the client waits for its greeting timeout.
      if (connectionFault === 'silent') return;
      callback();
    },
    onRcptTo(address, session, callback) {
      const to = address.address.toLowerCase();
      const attempt = (attempts.get(to) ?? 0) + 1;
      attempts.set(to, attempt);
      const fault = decide(to, attempt);
      if (typeof fault === 'object' && 'refuse' in fault && fault.at === 'rcpt') return callback(refusal(fault.refuse));
      pendingFaults.set(session, fault);
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const fault = pendingFaults.get(session) ?? 'accept';
        if (typeof fault === 'object' && 'refuse' in fault) return callback(refusal(fault.refuse));
        if (typeof fault === 'object' && 'drop' in fault) {
          sockets.get(`${session.remotePort}`)?.destroy();
          return;
        }
        arrived.push(...session.envelope.rcptTo.map((rcpt) => ({ to: rcpt.address.toLowerCase(), ...headersOf(Buffer.concat(chunks)) })));
        if (typeof fault === 'object' && 'answerAfterMs' in fault) setTimeout(() => callback(), fault.answerAfterMs);
        else callback();
      });
    },
  });
  server.on('error', () => undefined); // clients that give up mid-conversation reset their connections
  server.server.on('connection', (socket: Socket) => {
    socket.setNoDelay(true);
    if (connectionFault === 'drop') return socket.destroy();
    const key = `${socket.remotePort}`;
    sockets.set(key, socket);
    socket.once('close', () => sockets.delete(key));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${port}`,
    arrived,
    plan(next) {
      decide = next;
    },
    connections(fault) {
      connectionFault = fault;
      // Open (pooled) connections go too, so the clients meet the fault on their next message.
      if (fault !== 'serve') for (const socket of sockets.values()) socket.destroy();
    },
    attemptsFor: (to) => attempts.get(to.toLowerCase()) ?? 0,
    arrivalsByRecipient() {
      const counts = new Map<string, number>();
      for (const message of arrived) counts.set(message.to, (counts.get(message.to) ?? 0) + 1);
      return counts;
    },
    close() {
      for (const socket of sockets.values()) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function refusal(code: number): Error {
  return Object.assign(new Error(code >= 500 ? 'mailbox unavailable (test)' : 'try again later (test)'), { responseCode: code });
}

function headersOf(raw: Buffer): { messageId: string; subject: string } {
  const head = raw.toString('utf8', 0, Math.min(raw.length, 8192)).split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  return { messageId: header('Message-ID'), subject: header('Subject') };
}
