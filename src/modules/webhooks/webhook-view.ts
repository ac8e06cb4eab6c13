/** What the webhook pages show of endpoints and deliveries. */
import type { WebhookDelivery, WebhookDeliveryStatus } from './webhook-delivery.model';
import type { WebhookEndpoint } from './webhook-endpoint.model';

export function endpointView(endpoint: WebhookEndpoint) {
  return {
    id: String(endpoint._id),
    url: endpoint.url,
    description: endpoint.description,
    eventTypes: endpoint.eventTypes,
    enabled: endpoint.enabled,
    consecutiveFailures: endpoint.consecutiveFailures,
    disabledAt: endpoint.disabledAt,
    disabledByFailures: !endpoint.enabled && endpoint.disabledReason === 'failures',
    allowPrivateNetwork: endpoint.allowPrivateNetwork,
    lastSuccessAt: endpoint.lastSuccessAt,
    lastFailureAt: endpoint.lastFailureAt,
    createdAt: endpoint.createdAt,
  };
}

const statusBadges: Record<WebhookDeliveryStatus, string> = { pending: 'badge--warn', delivering: 'badge--warn', succeeded: 'badge--on', failed: 'badge--off' };

export function deliveryView(delivery: WebhookDelivery) {
  return {
    id: String(delivery._id),
    eventType: delivery.eventType,
    eventId: delivery.eventId,
    status: delivery.status,
    statusKey: `webhooks:status.${delivery.status}`,
    badge: statusBadges[delivery.status],
    attemptCount: delivery.attempts.length,
    attempts: [...delivery.attempts].reverse(),
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    nextAttemptAt: delivery.status === 'pending' ? delivery.nextAttemptAt : undefined,
    finishedAt: delivery.succeededAt ?? delivery.failedAt,
    createdAt: delivery.createdAt,
    manual: delivery.manual,
    canRedeliver: delivery.status === 'succeeded' || delivery.status === 'failed',
    payload: prettyJson(delivery.payload),
  };
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
