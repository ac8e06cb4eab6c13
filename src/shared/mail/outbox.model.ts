/**
 * The outbox: every message the app sends while no SMTP server is configured is kept here,
 * so a fresh install works with no outside services and admins can read what would have gone
 * out. The Message-ID is unique, so handing the same message over twice stores it once.
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';

export interface OutboxMessage {
  _id: Types.ObjectId;
  messageId: string;
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  /** What the message is, e.g. `survey.invitation`, `campaign.step`. */
  category: string;
  /** Ids of what it belongs to (customer, invitation, delivery …). */
  refs: Record<string, string>;
  createdAt: Date;
}

const outboxSchema = new Schema<OutboxMessage>(
  {
    messageId: { type: String, required: true, unique: true },
    from: { type: String, required: true },
    to: { type: String, required: true, index: true },
    subject: { type: String, required: true },
    html: { type: String, required: true },
    text: { type: String, required: true },
    headers: { type: Schema.Types.Mixed, default: {} },
    category: { type: String, required: true, index: true },
    refs: { type: Schema.Types.Mixed, default: {} },
    createdAt: { type: Date, required: true, default: () => new Date(), index: true },
  },
  { collection: 'outbox', versionKey: false, minimize: false },
);

export function outboxModel(connection: Connection): Model<OutboxMessage> {
  return (connection.models.OutboxMessage as Model<OutboxMessage> | undefined) ?? connection.model<OutboxMessage>('OutboxMessage', outboxSchema);
}
