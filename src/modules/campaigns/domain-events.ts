/**
 * What the campaigns module announces, for other modules to hook into (webhooks notify a host
 * system when a campaign has sent everything). One bus per database connection, like
 * customerEvents. Announced from the `campaigns.run` job, so worker processes listen too.
 */
import type { Connection } from 'mongoose';
import { EventBus } from '../../shared/events/event-bus';
import type { Campaign } from './campaign.model';

export interface CampaignDomainEvents {
  /** A running campaign has nothing left to send and is now completed. */
  'campaign.completed': { campaign: Campaign };
}

const buses = new WeakMap<Connection, EventBus<CampaignDomainEvents>>();

export function campaignEvents(connection: Connection): EventBus<CampaignDomainEvents> {
  let bus = buses.get(connection);
  if (!bus) {
    bus = new EventBus<CampaignDomainEvents>();
    buses.set(connection, bus);
  }
  return bus;
}
