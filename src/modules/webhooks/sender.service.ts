/**
 * Sending webhooks: one turn of the `webhooks.deliver` job. It claims due deliveries one at a
 * time with a lease (two workers never hold the same one), checks the endpoint's address again
 * (DNS may have changed since registration) and once more at connect time (DNS rebinding, see
 * target-guard.ts), POSTs the signed JSON, and records the outcome:
 *
 *   2xx                                  → succeeded
 *   5xx, 408, 429, network error, timeout → retried after baseRetryDelay × 2^(n−1), +0–20 % jitter,
 *                                           until maxAttempts; then failed
 *   3xx (redirects are not followed), other 4xx, a refused address → failed at once
 *
 * A delivery that ends failed counts against its endpoint; `disableAfterFailures` of them in a
 * row disable it (a success resets the count). Deliveries of a disabled endpoint wait, except a
 * test event or redelivery an admin asked for.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { trusted, type Connection, type Types } from 'mongoose';
import type { Logger } from '../../shared/logging';
import { signatureHeader } from './signature';
import { postToReceiver } from './receiver-request';
import { checkWebhookTarget, connectLookup, describeRefusal, WebhookTargetRefused, type HostResolver } from './target-guard';
import { webhookDeliveryModel, type DeliveryAttempt, type WebhookDelivery } from './webhook-delivery.model';
import { webhookEndpointModel, type WebhookEndpoint } from './webhook-endpoint.model';

export interface WebhookDeliverySettings {
  /** How long one request may take, answer included. */
  timeoutMs: number;
  /** Wait before the first retry; doubled for each one after. */
  baseRetryDelayMs: number;
  /** Attempts per delivery, the first included. */
  maxAttempts: number;
  /** Failed deliveries in a row after which the endpoint is disabled. */
  disableAfterFailures: number;
  /** A claim older than this belonged to a worker that stopped; must exceed timeoutMs. */
  leaseMs: number;
  /** Deliveries one turn sends at most. */
  batchSize: number;
  /** Requests in flight at once. */
  concurrency: number;
}

export const defaultDeliverySettings: WebhookDeliverySettings = {
  timeoutMs: 10_000,
  baseRetryDelayMs: 30_000,
  maxAttempts: 8,
  disableAfterFailures: 10,
  leaseMs: 60_000,
  batchSize: 50,
  concurrency: 4,
};

export interface DeliverOptions extends Partial<WebhookDeliverySettings> {
  /** The clock (tests pass their own). */
  clock?: () => Date;
  /** Uniform draws in [0, 1) for the jitter. */
  random?: () => number;
  workerId?: string;
  resolveHost?: HostResolver;
}

export interface DeliveryReport {
  succeeded: number;
  retrying: number;
  failed: number;
  /** Endpoints this turn disabled after too many failures. */
  disabledEndpoints: number;
}

export interface SenderDependencies {
  connection: Connection;
  logger: Logger;
}

/** Finished deliveries are kept this long for the log, then removed by a TTL index. */
const keepFinishedMs = 30 * 24 * 60 * 60_000;

export async function deliverDueWebhooks(deps: SenderDependencies, options: DeliverOptions = {}): Promise<DeliveryReport> {
  const settings = { ...defaultDeliverySettings, ...withoutUndefined(options) };
  const clock = options.clock ?? (() => new Date());
  const report: DeliveryReport = { succeeded: 0, retrying: 0, failed: 0, disabledEndpoints: 0 };
  const enabled = await webhookEndpointModel(deps.connection).find({ enabled: true }, { _id: 1 }).lean<Pick<WebhookEndpoint, '_id'>[]>().exec();
  const enabledIds = enabled.map((endpoint) => endpoint._id);

  // A turn sends what was due when it started: a retry it schedules waits for a later turn.
  const dueBy = clock();
  let claims = 0;
  const lane = async () => {
    while (claims < settings.batchSize) {
      claims++;
      const delivery = await claimNext(deps.connection, enabledIds, { dueBy, now: clock(), leaseMs: settings.leaseMs, workerId: options.workerId ?? 'worker' });
      if (!delivery) return;
      await deliverOne(deps, delivery, settings, { ...options, clock }, report);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, settings.concurrency) }, lane));
  return report;
}

/** The retry delay after `attempts` attempts: base × 2^(attempts−1), plus up to 20 % jitter. */
export function retryDelayMs(attempts: number, baseRetryDelayMs: number, random: () => number = Math.random): number {
  return Math.round(baseRetryDelayMs * 2 ** Math.max(0, attempts - 1) * (1 + 0.2 * random()));
}

// ---------------------------------------------------------------------------------------------

/** Takes the next due delivery (or one whose worker's lease ran out) for this worker. */
async function claimNext(
  connection: Connection,
  enabledIds: Types.ObjectId[],
  { dueBy, now, leaseMs, workerId }: { dueBy: Date; now: Date; leaseMs: number; workerId: string },
): Promise<WebhookDelivery | null> {
  const due = trusted({
    $or: [
      { status: 'pending' as const, nextAttemptAt: trusted({ $lte: dueBy }), $or: [{ endpointId: trusted({ $in: enabledIds }) }, { manual: true }] },
      { status: 'delivering' as const, leaseExpiresAt: trusted({ $lt: now }) },
    ],
  });
  return webhookDeliveryModel(connection)
    .findOneAndUpdate(
      due,
      { $set: { status: 'delivering', leaseExpiresAt: new Date(now.getTime() + leaseMs), claimToken: randomUUID(), claimedBy: workerId }, $inc: { attemptCount: 1 } },
      { sort: { nextAttemptAt: 1 }, returnDocument: 'after' },
    )
    .lean<WebhookDelivery>()
    .exec();
}

type Outcome = { result: 'succeeded' | 'transient' | 'permanent'; attempt: DeliveryAttempt };

async function deliverOne(deps: SenderDependencies, delivery: WebhookDelivery, settings: WebhookDeliverySettings, options: DeliverOptions & { clock: () => Date }, report: DeliveryReport): Promise<void> {
  const endpoint = await webhookEndpointModel(deps.connection).findById(delivery.endpointId).select('+secret +previousSecret').lean<WebhookEndpoint>().exec();
  if (!endpoint) {
    // The endpoint was deleted while this delivery waited.
    await webhookDeliveryModel(deps.connection).deleteOne({ _id: delivery._id, claimToken: delivery.claimToken });
    return;
  }
  const outcome = await attempt(endpoint, delivery, settings, options);
  const now = options.clock();
  const retry = outcome.result === 'transient' && !delivery.manual && delivery.attemptCount < settings.maxAttempts;
  const status = outcome.result === 'succeeded' ? 'succeeded' : retry ? 'pending' : 'failed';
  const recorded = await webhookDeliveryModel(deps.connection).updateOne(
    { _id: delivery._id, status: 'delivering', claimToken: delivery.claimToken },
    {
      $set: {
        status,
        lastStatusCode: outcome.attempt.statusCode,
        lastError: outcome.attempt.error,
        ...(status === 'succeeded' ? { succeededAt: now } : {}),
        ...(status === 'failed' ? { failedAt: now } : {}),
        ...(retry ? { nextAttemptAt: new Date(now.getTime() + retryDelayMs(delivery.attemptCount, settings.baseRetryDelayMs, options.random)) } : {}),
        ...(status === 'pending' ? {} : { expiresAt: new Date(now.getTime() + keepFinishedMs) }),
      },
      $unset: { leaseExpiresAt: 1, claimToken: 1, claimedBy: 1, ...(outcome.attempt.statusCode === undefined ? { lastStatusCode: 1 } : {}), ...(outcome.attempt.error === undefined ? { lastError: 1 } : {}) },
      $push: { attempts: { $each: [outcome.attempt], $slice: -20 } },
    },
  );
  // Our lease ran out and another worker took the delivery over: its result counts, not ours.
  if (recorded.modifiedCount === 0) return;

  if (status === 'succeeded') {
    report.succeeded++;
    await webhookEndpointModel(deps.connection).updateOne({ _id: endpoint._id }, { $set: { consecutiveFailures: 0, lastSuccessAt: now } });
  } else if (status === 'pending') {
    report.retrying++;
  } else {
    report.failed++;
    if (await countFailure(deps, endpoint._id, settings.disableAfterFailures, now)) report.disabledEndpoints++;
  }
}

/** Records a failed delivery against the endpoint; true when that disabled it. */
async function countFailure(deps: SenderDependencies, endpointId: Types.ObjectId, disableAfterFailures: number, now: Date): Promise<boolean> {
  const endpoints = webhookEndpointModel(deps.connection);
  const counted = await endpoints
    .findOneAndUpdate({ _id: endpointId }, { $inc: { consecutiveFailures: 1 }, $set: { lastFailureAt: now } }, { returnDocument: 'after' })
    .lean<WebhookEndpoint>()
    .exec();
  if (!counted || counted.consecutiveFailures < disableAfterFailures) return false;
  const disabled = await endpoints.updateOne({ _id: endpointId, enabled: true }, { $set: { enabled: false, disabledAt: now, disabledReason: 'failures' } });
  if (disabled.modifiedCount === 0) return false;
  deps.logger.warn({ endpointId: String(endpointId), url: counted.url, failures: counted.consecutiveFailures }, 'webhook endpoint disabled after repeated failed deliveries');
  return true;
}

/** One HTTP attempt, never throwing: every problem becomes the attempt's error. */
async function attempt(endpoint: WebhookEndpoint, delivery: WebhookDelivery, settings: WebhookDeliverySettings, options: DeliverOptions & { clock: () => Date }): Promise<Outcome> {
  const at = options.clock();
  const target = await checkWebhookTarget(endpoint.url, { allowPrivateNetwork: endpoint.allowPrivateNetwork, resolveHost: options.resolveHost });
  if (!target.ok) return { result: 'permanent', attempt: { at, error: describeRefusal(target), durationMs: 0 } };

  const timestamp = Math.floor(at.getTime() / 1000);
  const previousStillValid = endpoint.previousSecretUntil !== undefined && endpoint.previousSecretUntil > at;
  const secrets = [endpoint.secret, previousStillValid ? endpoint.previousSecret : undefined].filter((secret): secret is string => secret !== undefined);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const answer = await postToReceiver(endpoint.url, {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'ChurnWinback-Webhooks/1.0',
        'webhook-id': delivery.eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, timestamp, delivery.payload),
      },
      body: delivery.payload,
      timeoutMs: settings.timeoutMs,
      // The check above resolved the host; the connect resolves it again and must be judged again.
      lookup: connectLookup({ allowPrivateNetwork: endpoint.allowPrivateNetwork, resolveHost: options.resolveHost }),
    });
    const { statusCode: status, responseSnippet } = answer;
    const attempt: DeliveryAttempt = { at, statusCode: status, durationMs: elapsed(), ...(responseSnippet ? { responseSnippet } : {}) };
    if (status >= 200 && status < 300) return { result: 'succeeded', attempt };
    if (status >= 300 && status < 400) {
      return { result: 'permanent', attempt: { ...attempt, error: `redirect to ${answer.location ?? '(no location)'} not followed: update the endpoint's URL` } };
    }
    // The status code says it all; `error` is kept for what a code cannot say.
    const transient = status >= 500 || status === 408 || status === 429;
    return { result: transient ? 'transient' : 'permanent', attempt };
  } catch (error) {
    // Refused at connect time (the name now resolves inside the network): final, like the check's refusal.
    if (error instanceof WebhookTargetRefused) return { result: 'permanent', attempt: { at, error: error.message, durationMs: elapsed() } };
    return { result: 'transient', attempt: { at, error: describeNetworkError(error, settings.timeoutMs), durationMs: elapsed() } };
  }
}

/** Read by shape: the timeout is an `AbortError`, a socket or DNS error carries its code. */
function describeNetworkError(error: unknown, timeoutMs: number): string {
  const { name, code, message } = (error ?? {}) as { name?: string; code?: string; message?: string };
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  return `network error: ${code ?? message ?? String(error)}`;
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
