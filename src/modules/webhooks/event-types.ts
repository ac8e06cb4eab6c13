/** The events an endpoint can subscribe to, and the one an admin sends by hand to try a receiver. */
export const webhookEventTypes = ['customer.churned', 'customer.won_back', 'customer.classified', 'survey.responded', 'campaign.completed'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** Sent only by "Send test event"; never subscribed to. */
export const testEventType = 'webhook.test';
export type DeliveredEventType = WebhookEventType | typeof testEventType;
