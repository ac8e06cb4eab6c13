/**
 * A webhook receiver for tests: a real HTTP server on 127.0.0.1 that records every request and
 * answers each path with the statuses a test lines up (200 once they run out; `hang` never answers).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  /** A fresh URL on the receiver, answered with `statuses` in turn. */
  hook(statuses?: Array<number | 'hang'>): string;
  /** Lines up more answers for a hook. */
  answer(url: string, statuses: Array<number | 'hang'>): void;
  requestsTo(url: string): ReceivedRequest[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const answers = new Map<string, Array<number | 'hang'>>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      requests.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const next = answers.get(path)?.shift() ?? 200;
      if (next === 'hang') return;
      res.writeHead(next, { 'content-type': 'text/plain' }).end(next < 300 ? 'ok' : `status ${next}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pathOf = (url: string) => url.slice(base.length);

  return {
    hook(statuses = []) {
      const path = `/hooks/${randomUUID()}`;
      answers.set(path, [...statuses]);
      return `${base}${path}`;
    },
    answer(url, statuses) {
      answers.set(pathOf(url), [...(answers.get(pathOf(url)) ?? []), ...statuses]);
    },
    requestsTo: (url) => requests.filter((request) => request.path === pathOf(url)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
