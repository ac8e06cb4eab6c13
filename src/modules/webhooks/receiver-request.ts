/**
 * One POST to a webhook receiver, over node:http(s) rather than fetch: only node's request lets
 * the sender choose the DNS lookup of the connection (`lookup`), which is where the SSRF guard
 * judges the addresses actually connected to (see target-guard.ts). TLS still checks the
 * certificate against the URL's host name; only the lookup changes.
 *
 * Redirects are not followed, each request has its own connection (a pooled socket opened for an
 * endpoint that allows private networks must not carry another endpoint's request), and the
 * timeout covers the whole exchange, answer included.
 */
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

export interface ReceiverRequest {
  headers: OutgoingHttpHeaders;
  body: string;
  timeoutMs: number;
  lookup: LookupFunction;
}

export interface ReceiverAnswer {
  statusCode: number;
  location?: string;
  /** The first 500 characters of the answer, for the delivery log. */
  responseSnippet?: string;
}

/** Rejects on a network error, a refused connect or the timeout (an `AbortError`). */
export function postToReceiver(url: string, { headers, body, timeoutMs, lookup }: ReceiverRequest): Promise<ReceiverAnswer> {
  const send = new URL(url).protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, lookup, agent: false, signal: AbortSignal.timeout(timeoutMs) },
      (response) => {
        void startOf(response).then((responseSnippet) =>
          resolve({ statusCode: response.statusCode ?? 0, location: response.headers.location, ...(responseSnippet ? { responseSnippet } : {}) }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** The first 500 characters of the answer; the rest is not read. */
async function startOf(response: IncomingMessage): Promise<string | undefined> {
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of response) {
      text += decoder.decode(chunk as Buffer, { stream: true });
      if (text.length >= 500) break;
    }
  } catch {
    // The status is what counts; a body cut off or too slow is not the receiver's failure.
  } finally {
    response.destroy();
  }
  return text.slice(0, 500) || undefined;
}
