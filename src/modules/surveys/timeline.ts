/** Survey happenings on the customer's timeline. */
import type { Connection, Types } from 'mongoose';
import type { TimelineEventType } from '../customers/customer-event.model';
import { recordTimelineEvent } from '../customers/timeline.service';

type SurveyEventType = Extract<TimelineEventType, 'survey_sent' | 'survey_reminded' | 'survey_answered' | 'mail_failed' | 'unsubscribed'>;

export async function recordSurveyEvent(connection: Connection, customerId: Types.ObjectId, type: SurveyEventType, at: Date, data: Record<string, unknown>): Promise<void> {
  await recordTimelineEvent(connection, { customerId, type, at, origin: 'surveys', data });
}
