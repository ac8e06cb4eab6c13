/**
 * Writes and reads the customer timeline (customer-event.model.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Connection, Types } from 'mongoose';
import { timelineEventModel, type TimelineEvent, type TimelineEventType } from './customer-event.model';

export interface NewTimelineEvent {
  customerId: Types.ObjectId;
  type: TimelineEventType;
  at?: Date;
  /** The idempotency key of a reported event; a random one when omitted. */
  key?: string;
  origin: string;
  actor?: string;
  data?: Record<string, unknown>;
}

/** Adds an event; throws a duplicate-key error (code 11000) when `key` was recorded before. */
export async function recordTimelineEvent(connection: Connection, event: NewTimelineEvent): Promise<TimelineEvent> {
  const created = await timelineEventModel(connection).create(withDefaults(event));
  return created.toObject();
}

/** Adds several events in one database round trip, in order (with our own random keys when omitted). */
export async function recordTimelineEvents(connection: Connection, events: readonly NewTimelineEvent[]): Promise<void> {
  if (events.length === 0) return;
  await timelineEventModel(connection).insertMany(events.map(withDefaults));
}

/** The event recorded under an idempotency key, if any. */
export async function timelineEventByKey(connection: Connection, key: string): Promise<TimelineEvent | null> {
  return timelineEventModel(connection).findOne({ key }).lean<TimelineEvent>().exec();
}

/** A customer's timeline, newest first. */
export async function timelineOf(connection: Connection, customerId: Types.ObjectId, limit = 100): Promise<TimelineEvent[]> {
  return timelineEventModel(connection).find({ customerId }).sort({ at: -1, _id: -1 }).limit(limit).lean<TimelineEvent[]>().exec();
}

function withDefaults(event: NewTimelineEvent) {
  return { ...event, at: event.at ?? new Date(), key: event.key ?? `${event.type}:${randomUUID()}`, data: event.data ?? {} };
}

export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
