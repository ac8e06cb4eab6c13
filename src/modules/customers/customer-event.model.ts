/**
 * The customer timeline: one document per thing that happened to a customer (churned, came
 * back, bought, was edited, a cause was set). A separate collection indexed by customer and time
 * scales where an array inside the customer would grow without bound.
 *
 * `key` makes recording idempotent: events reported by a caller carry `<type>:<caller's id>`,
 * so the same report twice finds the first one; our own events get a random key.
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';

export const timelineEventTypes = [
  'churned',
  'reactivated',
  'transaction',
  'updated',
  'cause_set',
  'created',
  'status_changed',
  // Written by the surveys module.
  'survey_sent',
  'survey_reminded',
  'survey_answered',
  'mail_failed',
  'unsubscribed',
  // Written by the campaigns module.
  'campaign_message',
  'call_task',
  'campaign_reply',
  // Written by the interviews module.
  'interview_logged',
  'interview_edited',
] as const;
export type TimelineEventType = (typeof timelineEventTypes)[number];

export interface TimelineEvent {
  _id: Types.ObjectId;
  customerId: Types.ObjectId;
  type: TimelineEventType;
  /** When it happened (the caller's time for reported events). */
  at: Date;
  key: string;
  /** `api`, `staff`, `import`, `system`. */
  origin: string;
  /** Staff user id or API key name. */
  actor?: string;
  data: Record<string, unknown>;
  createdAt: Date;
}

const timelineEventSchema = new Schema<TimelineEvent>(
  {
    customerId: { type: Schema.Types.ObjectId, required: true },
    type: { type: String, enum: timelineEventTypes, required: true },
    at: { type: Date, required: true },
    key: { type: String, required: true },
    origin: { type: String, required: true },
    actor: String,
    data: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'customer_events', timestamps: { createdAt: true, updatedAt: false }, versionKey: false, minimize: false },
);

timelineEventSchema.index({ key: 1 }, { unique: true });
timelineEventSchema.index({ customerId: 1, at: -1 });
timelineEventSchema.index({ type: 1, at: -1 });

export function timelineEventModel(connection: Connection): Model<TimelineEvent> {
  return (
    (connection.models.TimelineEvent as Model<TimelineEvent> | undefined) ??
    connection.model<TimelineEvent>('TimelineEvent', timelineEventSchema)
  );
}
