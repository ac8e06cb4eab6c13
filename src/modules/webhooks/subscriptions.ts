/**
 * Listening to the other modules: each event a webhook can carry is turned into pending
 * deliveries as soon as it is announced (after the change is stored). Nothing is sent here;
 * the `webhooks.deliver` job does that, so a slow receiver never slows a request down.
 *
 * Called by the app (events from requests) and by worker processes (campaign completion
 * happens in the `campaigns.run` job). Subscribing twice on one connection changes nothing.
 */
import type { Connection } from 'mongoose';
import { campaignEvents } from '../campaigns/domain-events';
import { customerEvents } from '../customers/domain-events';
import { surveyEvents } from '../surveys/domain-events';
import { announceToWebhooks } from './deliveries.service';
import type { WebhookEventType } from './event-types';
import { campaignCompletedData, churnedData, classifiedData, surveyRespondedData, wonBackData } from './payloads';

const subscribed = new WeakSet<Connection>();

export function subscribeWebhooks(connection: Connection): void {
  if (subscribed.has(connection)) return;
  subscribed.add(connection);
  const queue = async (type: WebhookEventType, data: Record<string, unknown>) => void (await announceToWebhooks(connection, type, data));

  const customers = customerEvents(connection);
  customers.on('customer.churned', ({ customer, event }) => queue('customer.churned', churnedData(customer, event)));
  customers.on('customer.won_back', ({ customer, event }) => queue('customer.won_back', wonBackData(customer, event)));
  customers.on('customer.classified', ({ customer }) => queue('customer.classified', classifiedData(customer)));
  surveyEvents(connection).on('survey.responded', ({ response, customer }) => queue('survey.responded', surveyRespondedData(response, customer)));
  campaignEvents(connection).on('campaign.completed', ({ campaign }) => queue('campaign.completed', campaignCompletedData(campaign)));
}
